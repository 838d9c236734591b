import { acquireLease } from './aws/cleanup-lease.js';
import { workingKeyScope } from './aws/target-session.js';
import { type ConcurrencyCheck, leaseKey } from './domain/concurrent-runs.js';
import { TargetSchema } from './domain/target.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { settingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * CheckForRunningCleanup: before touching anything, an execute run takes the cleanup lease of
 * its environment (or connection) in the report bucket, or yields to the running execution that
 * holds it. A constant number of calls per run, however many executions run (no scan). Plan runs
 * delete nothing: they neither take nor yield to a lease. WriteReport releases the lease.
 */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true }));

export const handler = taskHandler({
  task: 'CheckForRunningCleanup',
  input: z.object({
    target: TargetSchema,
    connectionId: z.string(),
    environmentName: z.string(),
    managementAccountId: z.string(),
    mode: z.enum(['plan', 'execute']),
    stateMachineArn: z.string(),
    executionName: z.string(),
  }),
  logKeys: ({ connectionId, executionName }) => ({ executionName, connectionId }),
  workIn: givenTarget,
  run: async ({ connectionId, environmentName, managementAccountId, mode, stateMachineArn, executionName }): Promise<ConcurrencyCheck> => {
    if (mode !== 'execute') return { runningCleanup: null, lease: null };
    const key = leaseKey({ ...(connectionId ? { connectionId } : {}), environment: { name: environmentName, managementAccountId } }, workingKeyScope());
    const outcome = await acquireLease(
      { bucket: config.REPORT_BUCKET, key },
      { executionName, target: environmentName ? `${environmentName}@${managementAccountId}` : connectionId, stateMachineArn, now: new Date(clock.isoNow()) },
    );
    return 'held' in outcome ? { runningCleanup: null, lease: outcome.held } : { runningCleanup: outcome.yieldTo, lease: null };
  },
});
