import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { InventorySchema } from '../../functions/domain/inventory.js';
import { handler } from '../../functions/inventory.js';
import {
  CONNECTION_ID,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  MANAGEMENT_ACCOUNT_ID,
  EXECUTION_NAME,
  REPORT_BUCKET,
  ROLE_ARN,
  cleanupRequest,
  cloudFormationThrottling,
  connectionFacts,
  executionKey,
  mockedClients,
  pagedByToken,
  sampleEnvironment,
  stack,
  stackResourceTags,
  tagMapping,
  taggingThrottled,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [tagging, cloudFormation, s3] = mockedClients(ResourceGroupsTaggingAPIClient, CloudFormationClient, S3Client);

/** The sample environment's two stacks, here with a bucket in its own stack and a log group in the service instance's. */
const { environmentStackName, environmentStack, serviceInstanceStackName, serviceInstanceStack, bucketArn } = sampleEnvironment;
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
        stack({ name: environmentStackName, id: environmentStack, tags: { 'proton:environment': ENVIRONMENT_ARN } }),
        stack({ name: 'unrelated-application' }),
      ],
      NextToken: 'stacks-page-2',
    },
    'stacks-page-2': {
      Stacks: [
        stack({ name: serviceInstanceStackName, id: serviceInstanceStack }),
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

  it.each([
    ['tagged resources', 'PaginationToken', 'taggedTokens', 'tags-page-2', logGroupArn],
    ['stacks', 'NextToken', 'stackTokens', 'stacks-page-2', serviceInstanceStack],
  ] as const)('reads every page of %s, passing the %s on', async (_pages, _tokenField, tokensSent, secondPage, onSecondPage) => {
    const tokens = givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    expect(tokens[tokensSent]).toEqual([undefined, secondPage]);
    const inventory = InventorySchema.parse(writtenObject(s3, executionKey('inventory.json')));
    expect(inventory.resources.map((r) => r.id)).toContain(onSecondPage);
  });

  it('writes the inventory as JSON to executions/<executionName>/inventory.json in the report bucket', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    const result = await takeInventory();
    expect(result.location).toEqual({ bucket: REPORT_BUCKET, key: `executions/${EXECUTION_NAME}/inventory.json` });
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts[0]).toMatchObject({ Bucket: REPORT_BUCKET, Key: `executions/${EXECUTION_NAME}/inventory.json`, ContentType: 'application/json' });
  });

  it('remembers which environment the connection serves, by connection and by environment, for re-runs once it is gone', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);

    expect(keys).toEqual([
      `executions/${EXECUTION_NAME}/inventory.json`,
      `memory/connections/${CONNECTION_ID}.json`,
      `memory/environments/${MANAGEMENT_ACCOUNT_ID}/${ENVIRONMENT_NAME}.json`,
    ]);
    expect(writtenObject(s3, `memory/connections/${CONNECTION_ID}.json`)).toMatchObject({ environmentArn: ENVIRONMENT_ARN, rememberedBy: EXECUTION_NAME });
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

  it('returns only a reference and counts, whatever the size of the inventory', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    const result = await takeInventory();
    expect(Object.keys(result).sort()).toEqual(['counts', 'location']);
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
