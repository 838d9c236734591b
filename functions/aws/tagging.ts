import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG, type TaggedResource } from '../domain/inventory.js';
import { tagging } from './clients.js';
import { callAws } from './error-mapping.js';

/** Every resource in this account and Region tagged `proton:environment` = the environment's ARN (all pages). */
export async function resourcesTaggedFor(environmentArn: string): Promise<TaggedResource[]> {
  return callAws(`GetResources ${TAG.environment}=${environmentArn}`, async () => {
    const resources: TaggedResource[] = [];
    const pages = paginateGetResources(
      { client: tagging(), pageSize: 100 },
      { TagFilters: [{ Key: TAG.environment, Values: [environmentArn] }], ResourcesPerPage: 100 },
    );
    for await (const page of pages) {
      for (const mapping of page.ResourceTagMappingList ?? []) {
        if (!mapping.ResourceARN) continue;
        const tags = Object.fromEntries((mapping.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        resources.push({ arn: mapping.ResourceARN, tags });
      }
    }
    return resources;
  });
}
