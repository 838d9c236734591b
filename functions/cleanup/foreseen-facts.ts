import { failedResources, stackTemplate } from '../aws/cloudformation.js';
import type { FailedResource } from '../domain/failed-resource.js';
import type { ForeseenFacts } from '../domain/foresight.js';
import type { BucketContents, Inventory, StackFacts } from '../domain/inventory.js';
import type { CleanupOptions } from '../domain/request.js';
import { type DeletionPolicy, deletionPolicies } from '../domain/template-policies.js';
import { clock } from '../runtime/clock.js';
import { surveyBucket } from '../standalone-types/s3-bucket.aws.js';
import { s3Bucket } from '../standalone-types/s3-bucket.js';

/**
 * Reads what only the account can tell about what the cleanup will meet (foresight.ts): why each
 * stack to delete that is already DELETE_FAILED failed, what each bucket to be emptied holds, and
 * and, for a plan, the DeletionPolicy its template gives each resource that goes with a stack (one
 * GetTemplate per stack that declares one, until `templatesUntil`). An execute run reads no templates:
 * what CloudFormation keeps, VerifyCleanup reads from the stack's events (DELETE_SKIPPED), and 20,000
 * templates at CloudFormation's rate would outlast the function.
 */
export async function readForeseenFacts(
  inventory: Inventory,
  stacks: readonly StackFacts[],
  options: CleanupOptions,
  templates: { read: boolean; until: number },
): Promise<ForeseenFacts> {
  const failedStackIds = new Set(stacks.filter((s) => s.status === 'DELETE_FAILED').map((s) => s.stackId));
  const failedStacks = new Map<string, FailedResource[]>();
  const bucketContents = new Map<string, BucketContents>();
  for (const resource of inventory.resources) {
    if (resource.action === 'delete-stack' && failedStackIds.has(resource.id)) failedStacks.set(resource.id, await failedResources(resource.id));
    if (resource.action === 'delete-resource' && resource.type === 's3:bucket') {
      const contents = await surveyBucket(s3Bucket.nameOf(resource.id));
      if (contents) bucketContents.set(resource.id, contents);
    }
  }
  const deletionPolicies = templates.read ? await policiesOf(inventory, templates.until) : new Map<string, DeletionPolicy>();
  return { failedStacks, bucketContents, deletionPolicies, retainFailedResources: options.retainFailedResources };
}

/** Resource ID → the DeletionPolicy its stack's template states, for the resources that go with a stack. */
async function policiesOf(inventory: Inventory, until: number): Promise<Map<string, DeletionPolicy>> {
  const byStack = new Map<string, { id: string; logicalId: string }[]>();
  for (const r of inventory.resources) {
    const declaredIn = r.declaredIn ?? r.stackId;
    if (r.action !== 'delete-with-stack' || !r.logicalId || !declaredIn) continue;
    const held = byStack.get(declaredIn) ?? [];
    held.push({ id: r.id, logicalId: r.logicalId });
    byStack.set(declaredIn, held);
  }
  // One template after another: the account may allow fewer calls than the pacer is set to.
  const policies = new Map<string, DeletionPolicy>();
  for (const [stackId, resources] of byStack) {
    // Past the budget a template is not read: its resources' policy is unknown, and the plan says CloudFormation may keep them.
    const stated = clock.now() < until ? deletionPolicies(await stackTemplate(stackId)) : undefined;
    for (const { id, logicalId } of resources) {
      const policy = stated ? stated.get(logicalId) : 'unknown';
      if (policy) policies.set(id, policy);
    }
  }
  return policies;
}
