import { z } from 'zod';
import { MODES } from './domain/request.js';
import { deleteConnection } from './aws/proton.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DeleteConnection: one DeleteEnvironmentAccountConnection call per invocation. The ASL
 * retries ThrottlingException and ConflictException; `retryCount` ($$.State.RetryCount)
 * tells which attempt this is, so the report shows how many it took.
 */
export const handler = taskHandler({
  task: 'DeleteConnection',
  input: z.object({ connectionId: z.string(), mode: z.enum(MODES), retryCount: z.number().int().nonnegative(), executionName: z.string() }),
  logKeys: ({ connectionId, executionName }) => ({ executionName, connectionId }),
  run: async ({ connectionId, mode, retryCount }) => {
    requireExecuteMode('DeleteConnection', mode);
    // No id: Proton could not be asked which connection serves the environment. Never call Delete without one.
    if (!connectionId) return { outcome: 'unreachable' as const, reason: 'the connection serving the environment is unknown: Proton could not be asked', attempts: retryCount + 1 };
    metrics.addMetric('ConnectionDeleteAttempts', MetricUnit.Count, 1);
    return { ...(await deleteConnection(connectionId)), attempts: retryCount + 1 };
  },
});
