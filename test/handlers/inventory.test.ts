import { CloudFormationClient, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import {
  GetResourcesCommand,
  type GetResourcesCommandInput,
  ResourceGroupsTaggingAPIClient,
  type ResourceTagMapping,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { InventorySchema } from '../../functions/domain/inventory.js';
import { handler } from '../../functions/inventory.js';
import {
  ACCOUNT_ID,
  CONNECTION_ID,
  cleanupRequest,
  cloudFormationThrottling,
  connectionFacts,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  executionKey,
  givenConnections as givenProtonConnections,
  MANAGEMENT_ACCOUNT_ID,
  mockedClients,
  networkError,
  pagedByToken,
  REPORT_BUCKET,
  ROLE_ARN,
  sampleEnvironment,
  stack,
  stackResourceTags,
  taggingThrottled,
  tagMapping,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [tagging, cloudFormation, s3, proton] = mockedClients(ResourceGroupsTaggingAPIClient, CloudFormationClient, S3Client, ProtonClient);

/** This account's connections for the environment, as Proton lists them: by default, only the one decommissioned. */
const givenConnections = (...summaries: ReturnType<typeof connectionSummary>[]) => givenProtonConnections(proton, ...summaries);
beforeEach(() => givenConnections(connectionSummary(CONNECTION_ID)));

/** The sample environment's two stacks, here with a bucket in its own stack and a log group in the service instance's. */
const { environmentStackName, environmentStack, serviceInstanceStackName, serviceInstanceStack, bucketArn } = sampleEnvironment;
const logGroupArn = 'arn:aws:logs:us-east-1:111122223333:log-group:/proton/api/prod';
const otherEnvironmentArn = 'arn:aws:proton:us-east-1:444455556666:environment/staging';
const otherEnvironmentStack =
  'arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-staging-cloudformation-XYZ789/77777777-2222-3333-4444-555555555555';
const serviceInstanceArn = 'arn:aws:proton:us-east-1:444455556666:service/api/service-instance/prod';

const bucketTags = stackResourceTags(environmentStack, 'ArtifactBucket');
const logGroupTags = { ...stackResourceTags(serviceInstanceStack, 'Logs'), 'proton:service-instance': serviceInstanceArn };

/**
 * The Tagging API as the handler queries it: by the environment's tag (two pages here), or by
 * `aws:cloudformation:stack-id` for the stacks it examines (every tagged resource in them).
 */
function answerTagging(environmentPages: { answer: (input: Record<string, unknown>) => unknown }, inStacks: ResourceTagMapping[]) {
  tagging.on(GetResourcesCommand).callsFake((input: GetResourcesCommandInput) => {
    const filter = input.TagFilters?.[0];
    if (filter?.Key === 'proton:environment') return environmentPages.answer(input as Record<string, unknown>);
    if (filter?.Key === 'aws:cloudformation:stack-id') {
      const stackIds = new Set(filter.Values ?? []);
      return {
        ResourceTagMappingList: inStacks.filter((m) => stackIds.has(m.Tags?.find((t) => t.Key === 'aws:cloudformation:stack-id')?.Value ?? '')),
        PaginationToken: '',
      };
    }
    throw new Error(`unexpected GetResources ${JSON.stringify(input)}`);
  });
}

/** The GetResources calls that filtered on a tag key. */
const taggingCallsOn = (key: string) => tagging.commandCalls(GetResourcesCommand).filter((c) => c.args[0].input.TagFilters?.[0]?.Key === key);

/** GetResources and DescribeStacks each answer two pages; every stack or resource matters to the result. */
function givenTheEnvironmentSpreadOverTwoPagesEach(extra: { inStacks?: ResourceTagMapping[] } = {}) {
  const taggedPages = pagedByToken('PaginationToken', {
    '': { ResourceTagMappingList: [tagMapping(bucketArn, bucketTags)], PaginationToken: 'tags-page-2' },
    'tags-page-2': { ResourceTagMappingList: [tagMapping(logGroupArn, logGroupTags)], PaginationToken: '' },
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
        stack({ name: 'AWSProton-staging-cloudformation-XYZ789', id: otherEnvironmentStack, tags: { 'proton:environment': otherEnvironmentArn } }),
      ],
    },
  });
  answerTagging(taggedPages, [tagMapping(bucketArn, bucketTags), tagMapping(logGroupArn, logGroupTags), ...(extra.inStacks ?? [])]);
  cloudFormation.on(DescribeStacksCommand).callsFake(stackPages.answer);
  // The stacks' templates state no DeletionPolicy unless a test says otherwise.
  cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify({ Resources: {} }) });
  return { taggedTokens: taggedPages.tokensSent, stackTokens: stackPages.tokensSent };
}

const storedInventory = () => InventorySchema.parse(writtenObject(s3, executionKey('inventory.json')));

const takeInventory = (connection = connectionFacts(), mode: 'plan' | 'execute' = 'execute') =>
  handler({ request: cleanupRequest({ mode }), connection, executionName: EXECUTION_NAME });

describe('Inventory handler', () => {
  it('asks the Tagging API for resources tagged proton:environment = the environment ARN, 100 per page', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    const calls = taggingCallsOn('proton:environment');
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

  it("in a plan, records the DeletionPolicy its stack's template gives a resource, reading each stack's template once, as processed", async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    cloudFormation.on(GetTemplateCommand).resolves({ TemplateBody: 'Resources:\n  ArtifactBucket:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n' });
    await takeInventory(connectionFacts(), 'plan');
    const bucket = storedInventory().resources.find((r) => r.id === bucketArn);
    expect(bucket).toMatchObject({ action: 'delete-with-stack', deletionPolicy: 'Retain', reason: expect.stringContaining('CloudFormation keeps it') });
    expect(cloudFormation.commandCalls(GetTemplateCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: environmentStack, TemplateStage: 'Processed' },
      { StackName: serviceInstanceStack, TemplateStage: 'Processed' },
    ]);
  });

  it('in an execute run, reads no template: what CloudFormation keeps, VerifyCleanup reads from the stack events', async () => {
    givenTheEnvironmentSpreadOverTwoPagesEach();
    await takeInventory();
    expect(cloudFormation.commandCalls(GetTemplateCommand)).toEqual([]);
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
  describe('the proof of ownership', () => {
    it('reads every tagged resource of the stacks it examines, by aws:cloudformation:stack-id: those tagged for the environment or holding its resources', async () => {
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory();
      const examined = taggingCallsOn('aws:cloudformation:stack-id').flatMap((c) => c.args[0].input.TagFilters?.[0]?.Values ?? []);
      expect(examined.sort()).toEqual([environmentStack, serviceInstanceStack].sort());
    });

    it('neither reads nor lists a stack proven for another environment by its own tags', async () => {
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory();
      const examined = taggingCallsOn('aws:cloudformation:stack-id').flatMap((c) => c.args[0].input.TagFilters?.[0]?.Values ?? []);
      expect(examined).not.toContain(otherEnvironmentStack);
      expect(storedInventory().resources.map((r) => r.id)).not.toContain(otherEnvironmentStack);
    });

    it('retains, never deletes, a stack one of whose resources is tagged for another environment (mixed ownership)', async () => {
      const foreignQueue = 'arn:aws:sqs:us-east-1:111122223333:staging-jobs';
      givenTheEnvironmentSpreadOverTwoPagesEach({
        inStacks: [tagMapping(foreignQueue, { ...stackResourceTags(environmentStack, 'Jobs'), 'proton:environment': otherEnvironmentArn })],
      });
      await takeInventory();
      expect(storedInventory().resources.find((r) => r.id === environmentStack)).toMatchObject({
        action: 'retain',
        reason: expect.stringContaining('mixed ownership'),
      });
    });
  });

  describe('the serving rule: an environment another connection still serves is untouchable', () => {
    const OTHER = connectionIdOf(2);
    const servedBy = (status: string) => `environment ${ENVIRONMENT_NAME} is still served by connection ${OTHER} (${status})`;
    const actions = () => new Set(storedInventory().resources.map((r) => r.action));

    it("first lists this account's connections for the environment's name", async () => {
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory();
      const calls = proton.commandCalls(ListEnvironmentAccountConnectionsCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toMatchObject({ requestedBy: 'ENVIRONMENT_ACCOUNT', environmentName: ENVIRONMENT_NAME });
    });

    it.each(['CONNECTED', 'PENDING'] as const)(
      'retains every resource, saying which connection serves it, when another connection is %s for the environment',
      async (status) => {
        givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER, { status }));
        givenTheEnvironmentSpreadOverTwoPagesEach();
        await takeInventory();
        const inventory = storedInventory();
        expect(actions()).toEqual(new Set(['retain']));
        const environmentResources = inventory.resources.filter((r) => r.owner.kind !== 'connection');
        expect(environmentResources.map((r) => r.reason)).toEqual(environmentResources.map(() => expect.stringContaining(servedBy(status))));
        expect(inventory.heldBack).toContain(servedBy(status));
      },
    );

    it('holds the environment back when the connection is gone and the request names an environment another connection now serves', async () => {
      givenConnections(connectionSummary(OTHER));
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory(connectionFacts({ arn: undefined, status: undefined, roleArns: [], source: 'request' }));
      expect(actions()).toEqual(new Set(['retain']));
      expect(storedInventory().heldBack).toContain(servedBy('CONNECTED'));
    });

    it('retains the connection roles too, with the reason, even when deleteConnectionRoles asks for them', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER));
      givenTheEnvironmentSpreadOverTwoPagesEach();
      const request = cleanupRequest({ options: { ...cleanupRequest().options, deleteConnectionRoles: true } });
      await handler({ request, connection: connectionFacts(), executionName: EXECUTION_NAME });
      expect(storedInventory().resources.find((r) => r.id === ROLE_ARN)).toMatchObject({
        action: 'retain',
        reason: expect.stringContaining(servedBy('CONNECTED')),
      });
    });

    it('does not count a REJECTED connection as serving the environment', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER, { status: 'REJECTED' }));
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory();
      expect(storedInventory().heldBack).toBeUndefined();
      expect(actions()).toContain('delete-stack');
    });

    it('does not count a connection to an environment of the same name in another management account', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER, { managementAccountId: '999999999999' }));
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory();
      expect(storedInventory().heldBack).toBeUndefined();
    });

    it.each(['PENDING', 'REJECTED'] as const)(
      'retains every resource of the environment when the decommissioned connection is %s: only the connection goes',
      async (status) => {
        givenConnections(connectionSummary(CONNECTION_ID, { status }));
        givenTheEnvironmentSpreadOverTwoPagesEach();
        await takeInventory(connectionFacts({ status }));
        expect(actions()).toEqual(new Set(['retain']));
        expect(storedInventory().heldBack).toMatch(new RegExp(`${CONNECTION_ID} is ${status}.*only the connection is deleted`));
      },
    );

    it('never takes an environment managed from this very account for an orphan', async () => {
      const ownEnvironmentArn = `arn:aws:proton:us-east-1:${ACCOUNT_ID}:environment/${ENVIRONMENT_NAME}`;
      givenConnections();
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory(
        connectionFacts({
          id: '',
          arn: undefined,
          status: undefined,
          source: 'request',
          managementAccountId: ACCOUNT_ID,
          environmentArn: ownEnvironmentArn,
          roleArns: [],
        }),
      );
      expect(storedInventory().heldBack).toContain('managed from this very account');
    });

    it("asks Proton nothing with protonApi=retired, and holds nothing back: the request named the environment by the deployment's choice", async () => {
      givenTheEnvironmentSpreadOverTwoPagesEach();
      await takeInventory(connectionFacts({ source: 'request', protonApi: 'retired' }));
      expect(proton.calls()).toEqual([]);
      expect(storedInventory().heldBack).toBeUndefined();
      expect(actions()).toContain('delete-stack');
    });

    it.each([
      ['NetworkError', () => networkError.code('ECONNRESET')],
      ['ThrottlingException', () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })],
    ])('fails with %s when the connections cannot be listed, before reading or storing anything', async (name, failure) => {
      givenTheEnvironmentSpreadOverTwoPagesEach();
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(failure());
      await expect(takeInventory()).rejects.toMatchObject({ name });
      expect(tagging.calls()).toEqual([]);
      expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    });
  });
});
