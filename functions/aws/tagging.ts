import { GetResourcesCommand, paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG, type TaggedResource, type Tags } from '../domain/inventory.js';
import { tagging } from './clients.js';
import { callAws } from './error-mapping.js';
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
 * Every tagged resource inside these stacks (by `aws:cloudformation:stack-id`), with all its tags:
 * one query per 20 stack IDs, all pages. The evidence an ownership proof is judged on.
 */
export async function resourcesInStacks(stackIds: readonly string[]): Promise<TaggedResource[]> {
  const found: TaggedResource[] = [];
  for (let i = 0; i < stackIds.length; i += VALUES_PER_FILTER) {
    const batch = stackIds.slice(i, i + VALUES_PER_FILTER);
    await callAws(`GetResources in ${batch.length} stack(s)`, async () => {
      const filters = [{ Key: TAG.stackId, Values: batch }];
      for await (const page of paginateGetResources({ client: tagging(), pageSize: 100 }, { TagFilters: filters, ResourcesPerPage: 100 })) {
        for (const mapping of page.ResourceTagMappingList ?? []) {
          if (mapping.ResourceARN) found.push({ arn: mapping.ResourceARN, tags: tagMap(mapping.Tags) });
        }
      }
    });
  }
  return found;
}

/** Every resource carrying the tag key (with that value, when given), all pages. */
export async function resourcesWithTag(key: string, value?: string): Promise<TaggedResource[]> {
  return callAws(`GetResources ${key}${value ? `=${value}` : ''}`, async () => {
    const resources: TaggedResource[] = [];
    const pages = paginateGetResources(
      { client: tagging(), pageSize: 100 },
      { TagFilters: [{ Key: key, ...(value ? { Values: [value] } : {}) }], ResourcesPerPage: 100 },
    );
    for await (const page of pages) {
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (!mapping.ResourceARN) continue;
        const tags = tagMap(mapping.Tags);
        resources.push({ arn: mapping.ResourceARN, tags });
      }
    }
    return resources;
  });
}
