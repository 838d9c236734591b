import { InvalidParameterException } from '@aws-sdk/client-resource-groups-tagging-api';
import { type Operations, page } from './operations.js';

interface GetResourcesInput {
  ResourceARNList?: string[];
  TagFilters?: { Key?: string; Values?: string[] }[];
  ResourcesPerPage?: number;
  PaginationToken?: string;
  ResourceTypeFilters?: string[];
}

function matches(tags: Record<string, string>, filters: NonNullable<GetResourcesInput['TagFilters']>): boolean {
  // Keys are AND-ed; values within a key are OR-ed.
  return filters.every((f) => f.Key !== undefined && f.Key in tags && (!f.Values?.length || f.Values.includes(tags[f.Key] ?? '')));
}

function typeOf(arn: string): string {
  const [, , service = '', , , resource = ''] = arn.split(':');
  return `${service}:${resource.split(/[/:]/)[0]}`;
}

export const taggingOperations: Operations = {
  GetResources: (account, raw) => {
    const input = raw as GetResourcesInput;
    const size = input.ResourcesPerPage ?? 50;
    if (size < 1 || size > 100) {
      throw new InvalidParameterException({ message: 'ResourcesPerPage must be between 1 and 100', $metadata: { httpStatusCode: 400 } });
    }
    if (input.ResourceARNList?.length && input.TagFilters?.length) {
      throw new InvalidParameterException({ message: 'ResourceARNList cannot be combined with TagFilters', $metadata: { httpStatusCode: 400 } });
    }
    const all = [...account.tagged.values()].filter(
      (r) =>
        (!input.ResourceARNList?.length || input.ResourceARNList.includes(r.arn)) &&
        matches(r.tags, input.TagFilters ?? []) &&
        (!input.ResourceTypeFilters?.length || input.ResourceTypeFilters.some((t) => typeOf(r.arn).startsWith(t))),
    );
    const { items, next } = page(all, input.PaginationToken, size);
    return {
      ResourceTagMappingList: items.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: next ?? '',
    };
  },
};
