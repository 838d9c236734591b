import * as z from '../runtime/zod.js';
import type { ConnectionFacts } from './connection.js';
import type { EnvironmentRef } from './request.js';

/**
 * What the workflow remembers of each connection it inventoried: the environment it served.
 * Once a run has deleted the connection, Proton no longer knows it; a re-run of the same
 * request (by connection id, or Proton's environment-deleted event) finds the environment here
 * and cleans up what is left, so re-runs converge. Kept in the report bucket under memory/.
 */
export const ConnectionMemorySchema = z.object({
  connectionId: z.string(),
  environmentName: z.string(),
  managementAccountId: z.string(),
  environmentArn: z.string(),
  /** Its status when the inventory was taken: a PENDING or REJECTED connection stays "connection only" after it is gone. */
  status: z.string().optional(),
  rememberedBy: z.string().describe('the execution that took the inventory'),
});
export type ConnectionMemory = z.infer<typeof ConnectionMemorySchema>;

/** `scope`: the target's key scope (domain/target.ts keyScope; empty for the hub's own account). */
export function memoryKeyOfConnection(connectionId: string, scope = ''): string {
  return `memory/${scope}connections/${connectionId}.json`;
}

export function memoryKeyOfEnvironment(environment: EnvironmentRef, scope = ''): string {
  return `memory/${scope}environments/${environment.managementAccountId}/${environment.name}.json`;
}

export function rememberConnection(facts: ConnectionFacts, executionName: string): ConnectionMemory | undefined {
  if (!facts.id) return undefined;
  return {
    connectionId: facts.id,
    environmentName: facts.environmentName,
    managementAccountId: facts.managementAccountId,
    environmentArn: facts.environmentArn,
    ...(facts.status ? { status: facts.status } : {}),
    rememberedBy: executionName,
  };
}
