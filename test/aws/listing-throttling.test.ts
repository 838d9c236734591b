import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listStacks } from '../../functions/aws/cloudformation.js';
import { resourcesInStacks, resourcesWithTag } from '../../functions/aws/tagging.js';
import { useClock } from '../../functions/runtime/clock.js';
import { cloudFormationThrottling, mockedClients, stack, stackId, taggingThrottled, tagMapping } from '../helpers/sdk-fixtures.js';

/**
 * Listings read page by page through the account's throttling: a page still throttled after the
 * SDK's attempts is read again, alone, a few times, waiting longer each time; the listing is not
 * started over, and it gives up, throttled, after five more tries.
 */
const [cloudFormation, tagging] = mockedClients(CloudFormationClient, ResourceGroupsTaggingAPIClient);

let now = 0;
const slept: number[] = [];
beforeEach(() => {
  now = 0;
  slept.length = 0;
  useClock({
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  });
});
afterEach(() => useClock(undefined));

const [a, b] = [stackId('AWSProton-a-cloudformation--ABCDEFGHIJKLMNOP'), stackId('AWSProton-b-cloudformation--ABCDEFGHIJKLMNOP')];
const page = (id: string, name: string, next?: string) => ({ Stacks: [stack({ id, name })], ...(next ? { NextToken: next } : {}) });

describe('DescribeStacks of every stack', () => {
  it('reads a throttled second page again, alone, and lists every stack once', async () => {
    cloudFormation.on(DescribeStacksCommand, {}).resolves(page(a, 'a', 'page-2'));
    cloudFormation.on(DescribeStacksCommand, { NextToken: 'page-2' }).rejectsOnce(cloudFormationThrottling()).resolves(page(b, 'b'));

    const stacks = await listStacks();

    expect(stacks.map((s) => s.stackId)).toEqual([a, b]);
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input.NextToken ?? 'first')).toEqual(['first', 'page-2', 'page-2']);
  });

  it('waits between 0.5 and 1 s before the first new try, then longer each time', async () => {
    cloudFormation.on(DescribeStacksCommand).rejectsOnce(cloudFormationThrottling()).rejectsOnce(cloudFormationThrottling()).resolves(page(a, 'a'));

    await listStacks();

    expect(slept).toHaveLength(2);
    expect(slept[0]).toBeGreaterThanOrEqual(500);
    expect(slept[0]).toBeLessThanOrEqual(1_000);
    expect(slept[1]).toBeGreaterThanOrEqual(1_000);
    expect(slept[1]).toBeLessThanOrEqual(2_000);
  });

  it('gives up with ThrottlingException after five more tries (at most 31 s of waiting)', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationThrottling());

    await expect(listStacks()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(6);
    expect(slept.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(31_000);
  });

  it('does not read a page again for an error other than throttling', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));

    await expect(listStacks()).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });
});

describe('GetResources', () => {
  const arn = 'arn:aws:sqs:us-east-1:111122223333:queue';

  it('by tag, reads a throttled page again and gives every resource once', async () => {
    tagging
      .on(GetResourcesCommand)
      .rejectsOnce(taggingThrottled())
      .resolves({ ResourceTagMappingList: [tagMapping(arn, { 'proton:environment': 'env' })], PaginationToken: '' });

    expect((await resourcesWithTag('proton:environment', 'env')).map((r) => r.arn)).toEqual([arn]);
    expect(tagging.commandCalls(GetResourcesCommand)).toHaveLength(2);
  });

  it('by stack IDs, reads a throttled page again only when asked to persist (the inventory), not for a cleanup round', async () => {
    tagging.on(GetResourcesCommand).rejectsOnce(taggingThrottled()).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
    await expect(resourcesInStacks([a])).rejects.toMatchObject({ name: 'ThrottlingException' });

    tagging.reset();
    tagging.on(GetResourcesCommand).rejectsOnce(taggingThrottled()).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
    await expect(resourcesInStacks([a], { persist: true })).resolves.toEqual([]);
  });
});
