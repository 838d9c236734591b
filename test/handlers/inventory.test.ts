import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { InventorySchema } from '../../functions/domain/inventory.js';
import { handler } from '../../functions/inventory.js';
import {
  ENVIRONMENT_ARN,
  EXECUTION_NAME,
  REPORT_BUCKET,
  ROLE_ARN,
  cleanupRequest,
  cloudFormationThrottling,
  connectionFacts,
  executionKey,
  pagedByToken,
  stack,
  stackId,
  stackResourceTags,
  tagMapping,
  taggingThrottled,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const tagging = mockClient(ResourceGroupsTaggingAPIClient);
const cloudFormation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
beforeEach(() => {
  tagging.reset();
  cloudFormation.reset();
  s3.reset();
});

/** The environment: its own stack (with a bucket) and a service instance's stack (with a log group). */
const environmentStack = stackId('AWSProton-prod-cloudformation-ABC123');
const serviceInstanceStack = stackId('AWSProton-api-prod-cloudformation-DEF456');
const bucketArn = 'arn:aws:s3:::prod-artifacts';
const logGroupArn = 'arn:aws:logs:us-east-1:111122223333:log-group:/proton/api/prod';
const otherEnvironmentArn = 'arn:aws:proton:us-east-1:444455556666:environment/staging';
const serviceInstanceArn = 'arn:aws:proton:us-east-1:444455556666:service/api/service-instance/prod';

/** GetResources and DescribeStacks each answer two pages; every stack or resource matters to the result. */
function givenTheEnvironmentSpreadOverTwoPagesEach() {
  const taggedPages = pagedByToken('PaginationToken', {
    '': { ResourceTagMappingList: [tagMapping(bucketArn, stackResourceTags(environmentStack, 'ArtifactBucket'))], PaginationToken: 'tags-page-2' },
    'tags-page-2': {
      ResourceTagMappingList: [tagMapping(logGroupArn, { ...stackResourceTags(serviceInstanceStack, 'Logs'), 'proton:service-instance': serviceInstanceArn })],
      PaginationToken: '',
    },
  });
  const stackPages = pagedByToken('NextToken', {
    '': {
      Stacks: [
        stack({ name: 'AWSProton-prod-cloudformation-ABC123', tags: { 'proton:environment': ENVIRONMENT_ARN } }),
        stack({ name: 'unrelated-application' }),
      ],
      NextToken: 'stacks-page-2',
    },
    'stacks-page-2': {
      Stacks: [
        stack({ name: 'AWSProton-api-prod-cloudformation-DEF456' }),
        stack({ name: 'AWSProton-staging-cloudformation-XYZ789', tags: { 'proton:environment': otherEnvironmentArn } }),
      ],
    },
  });
  tagging.on(GetResourcesCommand).callsFake(taggedPages.answer);
  cloudFormation.on(DescribeStacksCommand).callsFake(stackPages.answer);
  return { taggedTokens: taggedPages.tokensSent, stackTokens: stackPages.tokensSent };
}

const takeInventory = () => handler({ request: cleanupRequest(), connection: connectionFacts(), executionName: EXECUTION_NAME });

describe('Inventory handler', () => {
  it('asks the Tagging API for resources tagged proton:environment = the environment ARN, 100 per page', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    const calls = tagging.commandCalls(GetResourcesCommand);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.args[0].input).toMatchObject({ TagFilters: [{ Key: 'proton:environment', Values: [ENVIRONMENT_ARN] }], ResourcesPerPage: 100 });
  });

  it('reads every page of tagged resources, passing the PaginationToken on', async () => {
    const { taggedTokens } = givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    expect(taggedTokens).toEqual([undefined, 'tags-page-2']);
    const inventory = InventorySchema.parse(writtenObject(s3, executionKey('inventory.json')));
    expect(inventory.resources.map((r) => r.id)).toContain(logGroupArn);
  });

  it('reads every page of stacks, passing the NextToken on', async () => {
    const { stackTokens } = givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    expect(stackTokens).toEqual([undefined, 'stacks-page-2']);
    const inventory = InventorySchema.parse(writtenObject(s3, executionKey('inventory.json')));
    expect(inventory.resources.map((r) => r.id)).toContain(serviceInstanceStack);
  });

  it('writes the inventory as JSON to executions/<executionName>/inventory.json in the report bucket', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    const result = await takeInventory();
    expect(result.location).toEqual({ bucket: REPORT_BUCKET, key: `executions/${EXECUTION_NAME}/inventory.json` });
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toMatchObject({ Bucket: REPORT_BUCKET, Key: `executions/${EXECUTION_NAME}/inventory.json`, ContentType: 'application/json' });
  });

  it('stores every resource of the environment, and the connection role, with its planned action', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    const inventory = InventorySchema.parse(writtenObject(s3, executionKey('inventory.json')));
    expect(inventory.connection.environmentArn).toBe(ENVIRONMENT_ARN);
    expect(Object.fromEntries(inventory.resources.map((r) => [r.id, r.action]))).toEqual({
      [environmentStack]: 'delete-stack',
      [serviceInstanceStack]: 'delete-stack',
      [bucketArn]: 'delete-with-stack',
      [logGroupArn]: 'delete-with-stack',
      [ROLE_ARN]: 'retain',
    });
    expect(inventory.otherEnvironmentStacks).toBe(1);
  });

  it('returns the counts', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    const result = await takeInventory();
    expect(result.counts).toEqual({ resources: 5, stacksToDelete: 2, deletedWithStacks: 2, retained: 1 });
  });

  it('returns the three cleanup phases in dependency order, each with its stacks', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    const result = await takeInventory();
    expect(result.phases).toEqual([
      { phase: 'components', stacks: [] },
      { phase: 'service-instances', stacks: [{ stackId: serviceInstanceStack, phase: 'service-instances' }] },
      { phase: 'environment', stacks: [{ stackId: environmentStack, phase: 'environment' }] },
    ]);
  });

  it('surfaces a Tagging API ThrottledException as ThrottlingException and writes nothing', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    tagging.on(GetResourcesCommand).rejects(taggingThrottled());
    await expect(takeInventory()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('surfaces CloudFormation Throttling as ThrottlingException', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationThrottling());
    await expect(takeInventory()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('rejects state input without the connection facts as InvalidStateInput', async () => {
    await expect(handler({ request: cleanupRequest(), executionName: EXECUTION_NAME })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(tagging.calls()).toHaveLength(0);
  });
});
