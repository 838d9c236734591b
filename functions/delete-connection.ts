import * as z from './runtime/zod.js';
import { ConnectionFactsSchema } from './domain/connection.js';
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
  input: z.object({ connection: ConnectionFactsSchema, mode: z.enum(MODES), retryCount: z.number().int().nonnegative(), executionName: z.string() }),
  logKeys: ({ connection, executionName }) => ({ executionName, connectionId: connection.id }),
  run: async ({ connection, mode, retryCount }) => {
    requireExecuteMode('DeleteConnection', mode);
    const connectionId = connection.id;
    // Proton already answered that it is gone (or denied): do not ask again, record why.
    if (connection.protonUnreachable) {
      return { outcome: 'unreachable' as const, reason: connection.protonUnreachable, attempts: retryCount + 1 };
    }
    // No id: no connection serves the environment any more, or Proton could not be asked which. Never call Delete without one.
    if (!connectionId) {
      return connection.protonUnreachable
        ? { outcome: 'unreachable' as const, reason: `the connection serving the environment is unknown: ${connection.protonUnreachable}`, attempts: retryCount + 1 }
        : { outcome: 'already-absent' as const, attempts: retryCount + 1 };
    }
    metrics.addMetric('ConnectionDeleteAttempts', MetricUnit.Count, 1);
    return { ...(await deleteConnection(connectionId)), attempts: retryCount + 1 };
  },
});
