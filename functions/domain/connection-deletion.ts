import * as z from '../runtime/zod.js';
import { CaughtErrorSchema } from './caught-error.js';
import type { ConnectionFacts } from './connection.js';
import type { ReviewedPlan } from './request.js';

/**
 * Whether DeleteConnection calls Proton at all. Pure. Never a delete without a connection id
 * (a cleanup by environment deletes no connection), and never a Proton call when the deployment
 * retired Proton.
 */
type ConnectionDeletionDecision = { action: 'delete'; connectionId: string } | { action: 'skip'; outcome: 'unreachable' | 'not-attempted'; reason: string };

export function decideConnectionDeletion(
  connection: Pick<ConnectionFacts, 'id' | 'protonApi' | 'environmentName'>,
  reviewedPlan?: Pick<ReviewedPlan, 'execution' | 'deletesConnection'>,
): ConnectionDeletionDecision {
  if (connection.protonApi === 'retired') {
    return {
      action: 'skip',
      outcome: 'unreachable',
      reason: "protonApi=retired: this deployment never calls Proton, by choice; the cleanup went on from this account's own inventory",
    };
  }
  if (!connection.id) {
    return {
      action: 'skip',
      outcome: 'not-attempted',
      reason: `the request names environment ${connection.environmentName}, not a connection: a cleanup by environment never deletes a connection`,
    };
  }
  if (reviewedPlan && !reviewedPlan.deletesConnection) {
    return {
      action: 'skip',
      outcome: 'not-attempted',
      reason: `not in the reviewed plan (${reviewedPlan.execution}): it did not plan the deletion of this connection; make a new plan to include it`,
    };
  }
  return { action: 'delete', connectionId: connection.id };
}

/** DeleteConnection's result, as the state carries it to the report. */
export const ConnectionDeletionResultSchema = z.union([
  z.object({ outcome: z.enum(['deleted', 'already-absent']), attempts: z.number().int(), reason: z.string().optional() }),
  z.object({ outcome: z.enum(['unreachable', 'not-attempted']), attempts: z.number().int(), reason: z.string() }),
]);
export type ConnectionDeletionResult = z.infer<typeof ConnectionDeletionResultSchema>;

/** The state's `$.deletion`: DeleteConnection's result, or the error that stopped it (the ASL's Catch puts it there). */
export const ConnectionDeletionSchema = z.union([ConnectionDeletionResultSchema, CaughtErrorSchema]);
export type ConnectionDeletion = z.infer<typeof ConnectionDeletionSchema>;
