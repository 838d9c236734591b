import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG, type TaggedResource, type Tags } from '../domain/ownership.js';
import { mapInPool } from '../runtime/pool.js';
import { tagging } from './clients.js';
import { callAws, readThroughThrottling } from './error-mapping.js';
import { tagMap } from './tag-map.js';

/** Every resource in this account and Region tagged `proton:environment` = the environment's ARN (all pages). */
export async function resourcesTaggedFor(environmentArn: string): Promise<TaggedResource[]> {
  return resourcesWithTag(TAG.environment, environmentArn);
}

/** The current tags of these resources (GetResources by ARN, up to 100 at a time); a resource not returned has none, or is gone. */
export async function currentTags(arns: readonly string[]): Promise<Map<string, Tags>> {
  const found = new Map<string, Tags>();
  for (let i = 0; i < arns.length; i += 100) {
    const batch = arns.slice(i, i + 100);
    const page = await callAws(`GetResources ${batch.length} ARN(s)`, () => tagging().send(new GetResourcesCommand({ ResourceARNList: batch })));
    for (const mapping of page.ResourceTagMappingList ?? []) {
      if (mapping.ResourceARN) found.set(mapping.ResourceARN, tagMap(mapping.Tags));
    }
  }
  return found;
}

/** The Tagging API takes at most 20 values per tag filter. */
const VALUES_PER_FILTER = 20;
/**
 * Queries of 20 stacks each read at once: a query's pages follow one another (each waits for the
 * last one's token), so 20,000 stacks read one query at a time took 200 s of latency; the client's
 * pacer keeps them within the API's rate.
 */
const QUERIES_IN_FLIGHT = 4;

/**
 * Every tagged resource inside these stacks (by `aws:cloudformation:stack-id`), with all its tags:
 * one query per 20 stack IDs, all pages. The evidence an ownership proof is judged on. `persist`:
 * a page the account throttles is read again (readThroughThrottling), for a whole inventory;
 * without it, throttling after the SDK's attempts is the caller's (a cleanup round leaves the
 * stack for the next round).
 */
export async function resourcesInStacks(stackIds: readonly string[], { persist = false } = {}): Promise<TaggedResource[]> {
  const batches = Array.from({ length: Math.ceil(stackIds.length / VALUES_PER_FILTER) }, (_, i) =>
    stackIds.slice(i * VALUES_PER_FILTER, (i + 1) * VALUES_PER_FILTER),
  );
  const found = await mapInPool(batches, QUERIES_IN_FLIGHT, (batch) =>
    callAws(`GetResources in ${batch.length} stack(s)`, () => allPages([{ Key: TAG.stackId, Values: batch }], persist)),
  );
  return found.flat();
}

/** Every resource carrying the tag key (with that value, when given), all pages; a page the account throttles is read again. */
export async function resourcesWithTag(key: string, value?: string): Promise<TaggedResource[]> {
  return callAws(`GetResources ${key}${value ? `=${value}` : ''}`, () => allPages([{ Key: key, ...(value ? { Values: [value] } : {}) }], true));
}

/** GetResources with these tag filters, every page of 100. */
async function allPages(filters: { Key: string; Values?: string[] }[], persist: boolean): Promise<TaggedResource[]> {
  const resources: TaggedResource[] = [];
  let token: string | undefined;
  do {
    const input = { TagFilters: filters, ResourcesPerPage: 100, ...(token ? { PaginationToken: token } : {}) };
    const read = () => tagging().send(new GetResourcesCommand(input));
    const page = await (persist ? readThroughThrottling(read) : read());
    for (const mapping of page.ResourceTagMappingList ?? []) {
      if (mapping.ResourceARN) resources.push({ arn: mapping.ResourceARN, tags: tagMap(mapping.Tags) });
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return resources;
}
