import * as z from './runtime/zod.js';
import { decideRoleDeletions } from './domain/connection-roles.js';
import { InventorySchema } from './domain/inventory.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import { stoppedBecause } from './domain/serving.js';
import { MODES } from './domain/request.js';
import type { DirectResult } from './domain/report.js';
import { listStacks } from './aws/cloudformation.js';
import { deleteRole, rolesUsedByOtherConnections } from './aws/iam-roles.js';
import { getJson, ObjectRefSchema } from './aws/object-store.js';
import { isTransientAwsError } from './runtime/errors.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DeleteConnectionRoles (deleteConnectionRoles): once every stack of the environment is gone,
 * deletes the connection's roles that no other connection of the account references.
 */
export const handler = taskHandler({
  task: 'DeleteConnectionRoles',
  input: z.object({
    connection: ConnectionFactsSchema,
    inventory: z.object({ location: ObjectRefSchema }),
    mode: z.enum(MODES),
    executionName: z.string(),
  }),
  logKeys: ({ connection, executionName }) => ({ executionName, connectionId: connection.id }),
  run: async ({ connection, inventory: { location }, mode }): Promise<DirectResult[]> => {
    requireExecuteMode('DeleteConnectionRoles', mode);
    const { id: connectionId, roleArns } = connection;
    if (roleArns.length === 0) return [];
    // The serving rule again: a role of an environment that is served again stays.
    const verdict = await checkEligibility(connection);
    if (!verdict.eligible) return roleArns.map((id) => ({ id, outcome: 'retained', reason: stoppedBecause(verdict.fact) }));
    const inventory = await getJson(location, InventorySchema);
    // Every Proton stack of the environment, deleted or retained: any still there may need the roles.
    const stacks = inventory.resources.filter((r) => r.type === 'cloudformation:stack' && r.id.includes(':stack/AWSProton-') && r.owner.kind !== 'unproven');
    // One listing of the account's stacks (not deleted) answers both questions.
    const live = await listStacks();
    // Any stack of the account still using one of the roles as its service role needs it to be deleted later.
    const serviceRoleInUse = live.some((stack) => stack.roleArn !== undefined && roleArns.includes(stack.roleArn));
    const liveIds = new Set(live.map((stack) => stack.stackId));
    const stacksRemain = serviceRoleInUse || stacks.some((s) => liveIds.has(s.id));
    const decisions = decideRoleDeletions(roleArns, await rolesUsedByOtherConnections(connectionId), stacksRemain);
    const results: DirectResult[] = [];
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
