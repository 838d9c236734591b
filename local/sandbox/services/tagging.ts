import { InvalidParameterException } from '@aws-sdk/client-resource-groups-tagging-api';
import type { TaggedResourceModel } from '../account.js';
import type { Operations } from './operations.js';

/** The tag CloudFormation puts on every resource of a stack (the account indexes entries by it). */
const STACK_ID_TAG = 'aws:cloudformation:stack-id';

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

/** Where a page starts: 0 without a token; a token the sandbox did not give reads nothing (an empty last page), as before. */
function pagePosition(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const position = Number(Buffer.from(token, 'base64').toString('utf8'));
  return Number.isInteger(position) && position >= 0 ? position : Number.POSITIVE_INFINITY;
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
    const wanted = (r: TaggedResourceModel) =>
      matches(r.tags, input.TagFilters ?? []) && (!input.ResourceTypeFilters?.length || input.ResourceTypeFilters.some((t) => typeOf(r.arn).startsWith(t)));
    // The token is a position in the order resources were tagged, as ListStacks' is among stacks: a
    // page reads on from it, and one of the account's indexes narrows what is read when it can.
    const start = pagePosition(input.PaginationToken);
    const byStack = input.TagFilters?.find((f) => f.Key === STACK_ID_TAG && f.Values?.length);
    const candidates = input.ResourceARNList?.length
      ? account.tagged.ofArns(input.ResourceARNList, start)
      : byStack?.Values
        ? account.tagged.inStacks(byStack.Values, start)
        : account.tagged.from(start);
    const items: TaggedResourceModel[] = [];
    let next: number | undefined;
    for (const [position, r] of candidates) {
      if (!wanted(r)) continue;
      if (items.length === size) {
        next = position;
        break;
      }
      items.push(r);
    }
    return {
      ResourceTagMappingList: items.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })),
      PaginationToken: next === undefined ? '' : Buffer.from(String(next)).toString('base64'),
    };
  },
};
