import { listStacks } from './aws/cloudformation.js';
import { deleteRole, rolesUsedByOtherConnections } from './aws/iam-roles.js';
import { getJson } from './aws/object-store.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { decideRoleDeletions, rolesPlannedForDeletion, stacksUsingRoles } from './domain/connection-roles.js';
import { InventoryReferenceSchema, InventorySchema } from './domain/inventory.js';
import type { DirectResult } from './domain/report.js';
import { MODES } from './domain/request.js';
import { stoppedBecause } from './domain/serving.js';
import { TargetSchema } from './domain/target.js';
import { isTransientAwsError } from './runtime/errors.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * DeleteConnectionRoles (deleteConnectionRoles): deletes the connection's roles that no other
 * connection of the account references and no live stack uses as its service role.
 */
export const handler = taskHandler({
  task: 'DeleteConnectionRoles',
  input: z.object({
    target: TargetSchema,
    connection: ConnectionFactsSchema,
    inventory: InventoryReferenceSchema,
    mode: z.enum(MODES),
    executionName: z.string(),
  }),
  logKeys: ({ connection, executionName }) => ({ executionName, connectionId: connection.id }),
  workIn: givenTarget,
  run: async ({ connection, inventory, mode }): Promise<DirectResult[]> => {
    requireExecuteMode('DeleteConnectionRoles', mode);
    const { id: connectionId, roleArns: connectionRoles } = connection;
    if (connectionRoles.length === 0) return [];
    // The serving rule again, first: a role of an environment that is served again stays.
    const verdict = await checkEligibility(connection);
    if (!verdict.eligible) return connectionRoles.map((id) => ({ id, outcome: 'retained', reason: stoppedBecause(verdict.fact) }));
    // Only the roles the inventory planned to delete (a reviewed plan may have kept some): the others stay, with its reason.
    const { planned: roleArns, kept } = rolesPlannedForDeletion(connectionRoles, (await getJson(inventory.location, InventorySchema)).resources);
    const results: DirectResult[] = kept.map(({ roleArn, reason }) => ({ id: roleArn, outcome: 'retained', reason }));
    if (roleArns.length === 0) return results;
    const decisions = decideRoleDeletions(roleArns, await rolesUsedByOtherConnections(connectionId), stacksUsingRoles(roleArns, await listStacks()));
    for (const decision of decisions) {
      if (decision.action === 'retain') {
        results.push({ id: decision.roleArn, outcome: 'retained', reason: decision.reason });
        continue;
      }
      try {
        results.push({ id: decision.roleArn, outcome: await deleteRole(decision.roleArn), reason: decision.reason });
      } catch (error) {
        if (isTransientAwsError(error)) throw error; // the state machine retries it
        results.push({ id: decision.roleArn, outcome: 'failed', error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return results;
  },
});
