import { failedResources } from '../aws/cloudformation.js';
import { surveyBucket } from '../aws/standalone-resources.js';
import type { FailedResource } from '../domain/failed-resource.js';
import type { ForeseenFacts } from '../domain/foresight.js';
import type { BucketContents, Inventory, StackFacts } from '../domain/inventory.js';
import type { CleanupOptions } from '../domain/request.js';
import { resourceNameOf } from '../domain/standalone-resource.js';

/**
 * Reads what only the account can tell about what the cleanup will meet (foresight.ts): why each
 * stack to delete that is already DELETE_FAILED failed, and what each bucket to be emptied holds.
 * Only those: a few reads, whatever the account's size.
 */
export async function readForeseenFacts(inventory: Inventory, stacks: readonly StackFacts[], options: CleanupOptions): Promise<ForeseenFacts> {
  const failedStackIds = new Set(stacks.filter((s) => s.status === 'DELETE_FAILED').map((s) => s.stackId));
  const failedStacks = new Map<string, FailedResource[]>();
  const bucketContents = new Map<string, BucketContents>();
  for (const resource of inventory.resources) {
    if (resource.action === 'delete-stack' && failedStackIds.has(resource.id)) failedStacks.set(resource.id, await failedResources(resource.id));
    if (resource.action === 'delete-resource' && resource.type === 's3:bucket') {
      const contents = await surveyBucket(resourceNameOf(resource.id, 's3:bucket'));
      if (contents) bucketContents.set(resource.id, contents);
    }
  }
  return { failedStacks, bucketContents, retainFailedResources: options.retainFailedResources };
}
