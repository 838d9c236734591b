import { deleteConnection } from './aws/proton.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { type ConnectionDeletionResult, decideConnectionDeletion } from './domain/connection-deletion.js';
import { CleanupRequestSchema } from './domain/request.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { requestTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * DeleteConnection: one DeleteEnvironmentAccountConnection (with the SDK's attempts) per
 * invocation; the ASL retries ThrottlingException and ConflictException with a longer backoff.
 * `retryCount` ($$.State.RetryCount) tells which invocation this is, for the report.
 */
export const handler = taskHandler({
  task: 'DeleteConnection',
  input: z.object({
    connection: ConnectionFactsSchema,
    request: CleanupRequestSchema,
    retryCount: z.number().int().nonnegative(),
    executionName: z.string(),
  }),
  logKeys: ({ connection, executionName }) => ({ executionName, connectionId: connection.id }),
  workIn: requestTarget,
  run: async ({ connection, request, retryCount }): Promise<ConnectionDeletionResult> => {
    requireExecuteMode('DeleteConnection', request.mode);
    const attempts = retryCount + 1;
    const decision = decideConnectionDeletion(connection, request.reviewedPlan);
    // Nothing was called: no attempt to count.
    if (decision.action === 'skip') return { outcome: decision.outcome, reason: decision.reason, attempts: 0 };
    metrics.addMetric('ConnectionDeleteAttempts', MetricUnit.Count, 1);
    const outcome = await deleteConnection(decision.connectionId);
    // Gone on a retried invocation: the earlier one may have deleted it and lost its answer (a Lambda timeout).
    const why =
      outcome === 'already-absent' && retryCount > 0
        ? { reason: 'gone when this retried invocation called; an earlier invocation of this run may have deleted it and lost the answer' }
        : {};
    return { outcome, attempts, ...why };
  },
});
