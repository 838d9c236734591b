import * as z from './runtime/zod.js';
import { earlierCleanupOf } from './domain/concurrent-runs.js';
import { runningExecutions } from './aws/step-functions.js';
import { loadConfig, modeVariable, nonEmpty } from './runtime/config.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * CheckForRunningCleanup: a console start cannot be deduplicated by name, so before touching
 * anything the run looks for an earlier running execution for the same connection, and yields.
 */
const config = loadConfig(
  z.object({
    DEFAULT_MODE: modeVariable.default('plan'),
    REQUEST_EVENT_SOURCE: nonEmpty.default('proton-connection-cleanup'),
  }),
);

export const handler = taskHandler({
  task: 'CheckForRunningCleanup',
  input: z.object({
    connectionId: z.string(),
    environmentName: z.string(),
    managementAccountId: z.string(),
    stateMachineArn: z.string(),
    executionName: z.string(),
    startedAt: z.string(),
  }),
  logKeys: ({ connectionId, executionName }) => ({ executionName, connectionId }),
  run: async ({ connectionId, environmentName, managementAccountId, stateMachineArn, executionName, startedAt }): Promise<{ runningCleanup: string | null }> => {
    const settings = { defaultMode: config.DEFAULT_MODE, requestEventSource: config.REQUEST_EVENT_SOURCE };
    const target = { ...(connectionId ? { connectionId } : {}), environment: { name: environmentName, managementAccountId } };
    const earlier = earlierCleanupOf(target, { name: executionName, startedAt }, await runningExecutions(stateMachineArn), settings);
    return { runningCleanup: earlier?.name ?? null };
  },
});
