import { CloudFormationClient, DescribeStackEventsCommand } from '@aws-sdk/client-cloudformation';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { VerificationSchema } from '../../functions/domain/verification.js';
import { handler } from '../../functions/verify-cleanup.js';
import {
  CONNECTION_ID,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  executionKey,
  givenConnections as givenProtonConnections,
  HUB_TARGET,
  mockedClients,
  networkError,
  REPORT_BUCKET,
  ROLE_ARN,
  sampleEnvironment,
  sampleInventory,
  serveObjects,
  stackEvent,
  stackResourceTags,
  taggingThrottled,
  tagMapping,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [tagging, cloudFormation, s3, proton] = mockedClients(ResourceGroupsTaggingAPIClient, CloudFormationClient, S3Client, ProtonClient);

/** This account's connections for the environment, as Proton lists them: by default, only the one decommissioned. */
const givenConnections = (...summaries: ReturnType<typeof connectionSummary>[]) => givenProtonConnections(proton, ...summaries);
beforeEach(() => givenConnections(connectionSummary(CONNECTION_ID)));

/** Inventoried: the sample environment, its stacks and their resources, and the connection role. */
const { environmentStack, bucketArn, logGroupArn } = sampleEnvironment;
const INVENTORY_KEY = executionKey('inventory.json');
const inventory = sampleInventory();

const bucketTagging = tagMapping(bucketArn, stackResourceTags(environmentStack, 'ArtifactBucket'));
const logGroupTagging = tagMapping(logGroupArn, stackResourceTags(environmentStack, 'Logs'));

function givenStillTagged(...mappings: ReturnType<typeof tagMapping>[]): void {
  serveObjects(s3, { [INVENTORY_KEY]: inventory });
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: mappings, PaginationToken: '' });
  cloudFormation.on(DescribeStackEventsCommand, { StackName: environmentStack }).resolves({
    StackEvents: [
      stackEvent({ stackId: environmentStack, logicalId: 'Logs', physicalId: '/proton/prod', status: 'DELETE_FAILED', reason: 'Access denied' }),
      stackEvent({ stackId: environmentStack, logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', status: 'DELETE_SKIPPED' }),
    ],
  });
}

const verifyCleanup = (deleteTypes: string[] = []) =>
  handler({ target: HUB_TARGET, inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } }, deleteTypes, executionName: EXECUTION_NAME });
const storedVerification = () => VerificationSchema.parse(writtenObject(s3, executionKey('verification.json')));

describe('VerifyCleanup handler', () => {
  it('reads the inventory from the location Inventory returned', async () => {
    givenStillTagged();
    await verifyCleanup();
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: REPORT_BUCKET, Key: INVENTORY_KEY }]);
  });

  it("re-queries the Tagging API for the inventory's environment ARN", async () => {
    givenStillTagged();
    await verifyCleanup();
    const filters = tagging.commandCalls(GetResourcesCommand).map((call) => call.args[0].input.TagFilters);
    expect(filters).toEqual([[{ Key: 'proton:environment', Values: [ENVIRONMENT_ARN] }]]);
  });

  it('reads stack events only for the stacks whose resources are still there', async () => {
    givenStillTagged(bucketTagging);
    await verifyCleanup();
    const stacksRead = cloudFormation.commandCalls(DescribeStackEventsCommand).map((call) => call.args[0].input.StackName);
    expect(stacksRead).toEqual([environmentStack]);
  });

  it('reads no stack events when nothing is left', async () => {
    givenStillTagged();
    await verifyCleanup();
    expect(cloudFormation.commandCalls(DescribeStackEventsCommand)).toHaveLength(0);
  });

  it('reports a bucket kept by its DeletionPolicy (DELETE_SKIPPED) as remaining, retained', async () => {
    givenStillTagged(bucketTagging);
    await verifyCleanup();
    expect(storedVerification().remaining).toEqual([
      { id: bucketArn, outcome: 'retained', cause: 'deletion-policy', reason: expect.stringContaining('DeletionPolicy') },
    ]);
  });

  it('reports a resource CloudFormation failed to delete (DELETE_FAILED) as remaining, failed, with the reason', async () => {
    givenStillTagged(logGroupTagging);
    await verifyCleanup();
    expect(storedVerification().remaining).toEqual([
      { id: logGroupArn, outcome: 'failed', cause: 'delete-failed', reason: expect.stringContaining('Access denied') },
    ]);
  });

  it('does not report resources retained on purpose (the connection role) as remaining', async () => {
    givenStillTagged(tagMapping(ROLE_ARN, { 'proton:environment': ENVIRONMENT_ARN }));
    await expect(verifyCleanup()).resolves.toMatchObject({ remaining: 0, appeared: 0 });
  });

  it('reports a resource tagged after the inventory as appeared, untouched', async () => {
    const newcomer = 'arn:aws:sns:us-east-1:111122223333:prod-alerts';
    givenStillTagged(tagMapping(newcomer, { 'proton:environment': ENVIRONMENT_ARN }));
    await verifyCleanup();
    expect(storedVerification().appeared).toEqual([expect.objectContaining({ id: newcomer, action: 'retain', owner: { kind: 'unproven' } })]);
  });

  it('writes verification.json under the execution and returns its location with the counts', async () => {
    givenStillTagged(bucketTagging, logGroupTagging, tagMapping('arn:aws:sns:us-east-1:111122223333:prod-alerts', { 'proton:environment': ENVIRONMENT_ARN }));
    await expect(verifyCleanup()).resolves.toEqual({
      location: { bucket: REPORT_BUCKET, key: `executions/${EXECUTION_NAME}/verification.json` },
      remaining: 2,
      appeared: 1,
      standalone: 0,
    });
    expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key)).toEqual([`executions/${EXECUTION_NAME}/verification.json`]);
  });

  it('hands a resource CloudFormation kept on to DeleteStandaloneResources when deleteTypes lists its type: in S3, counted in the state', async () => {
    givenStillTagged(bucketTagging);
    cloudFormation
      .on(DescribeStackEventsCommand)
      .resolves({ StackEvents: [stackEvent({ stackId: environmentStack, logicalId: 'ArtifactBucket', status: 'DELETE_SKIPPED' })] });

    await expect(verifyCleanup(['s3:bucket'])).resolves.toMatchObject({ standalone: 1 });
    expect(storedVerification().standalone).toEqual([expect.objectContaining({ arn: bucketArn, type: 's3:bucket' })]);
    await expect(verifyCleanup([])).resolves.toMatchObject({ standalone: 0 });
  });

  describe('the serving rule, before handing stand-alone resources on', () => {
    const OTHER = connectionIdOf(2);
    const bucketKeptByCloudFormation = () => {
      givenStillTagged(bucketTagging);
      cloudFormation
        .on(DescribeStackEventsCommand)
        .resolves({ StackEvents: [stackEvent({ stackId: environmentStack, logicalId: 'ArtifactBucket', status: 'DELETE_SKIPPED' })] });
    };

    it('hands nothing on, and records why, when another connection serves the environment again', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER));
      bucketKeptByCloudFormation();
      await expect(verifyCleanup(['s3:bucket'])).resolves.toMatchObject({ standalone: 0 });
      expect(storedVerification().heldBack).toContain(`environment ${ENVIRONMENT_NAME} is still served by connection ${OTHER} (CONNECTED)`);
    });

    it('fails, handing nothing on, when the connections cannot be listed', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ETIMEDOUT'));
      bucketKeptByCloudFormation();
      await expect(verifyCleanup(['s3:bucket'])).rejects.toMatchObject({ name: 'NetworkError' });
      expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    });

    it('asks Proton nothing when there is nothing to hand on', async () => {
      givenStillTagged(bucketTagging);
      await verifyCleanup([]);
      expect(proton.calls()).toEqual([]);
    });
  });

  it('surfaces a Tagging API ThrottledException as ThrottlingException', async () => {
    givenStillTagged();
    tagging.on(GetResourcesCommand).rejects(taggingThrottled());
    await expect(verifyCleanup()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('rejects an inventory object that is not an inventory as InvalidStateInput', async () => {
    serveObjects(s3, { [INVENTORY_KEY]: { version: 2 } });
    await expect(verifyCleanup()).rejects.toMatchObject({ name: 'InvalidStateInput' });
  });
});
