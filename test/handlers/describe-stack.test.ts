import type { StackProgress } from '../../functions/domain/stack-deletion.js';
import { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/describe-stack.js';
import type { StackSpec } from '../helpers/sdk-fixtures.js';
import {
  EXECUTION_NAME,
  cloudFormationThrottling,
  mockedClients,
  sampleEnvironment,
  stack,
  stackDoesNotExist,
  stackEvent,
  stackProgress,
} from '../helpers/sdk-fixtures.js';

const [cloudFormation] = mockedClients(CloudFormationClient);

/** The stack under test: the sample environment's own stack. */
const { environmentStackName: STACK_NAME, environmentStack: STACK_ID } = sampleEnvironment;
const MAX_STACK_POLLS = 120; // test/setup-env.ts

const poll = (polls = 3, retainFailedResources = false, progress: Partial<StackProgress> = {}) =>
  handler({ progress: stackProgress({ stackId: STACK_ID, polls, ...progress }), retainFailedResources, executionName: EXECUTION_NAME });

function givenTheStackIs(spec: Omit<StackSpec, 'name'>): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: STACK_ID }).resolves({ Stacks: [stack({ name: STACK_NAME, ...spec })] });
}

const bucketFailed = stackEvent({
  stackId: STACK_ID,
  logicalId: 'ArtifactBucket',
  physicalId: 'prod-artifacts',
  type: 'AWS::S3::Bucket',
  status: 'DELETE_FAILED',
  reason: 'The bucket you tried to delete is not empty',
});

describe('DescribeStack handler', () => {
  it('reports a DELETE_COMPLETE stack as deleted, counting the poll', async () => {
    givenTheStackIs({ status: 'DELETE_COMPLETE' });
    await expect(poll(3)).resolves.toEqual({
      stackId: STACK_ID,
      phase: 'environment',
      outcome: 'deleted',
      polls: 4,
      status: 'DELETE_COMPLETE',
    });
  });

  it('reports a stack CloudFormation no longer knows as deleted', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackDoesNotExist(STACK_ID));
    await expect(poll(3)).resolves.toMatchObject({ outcome: 'deleted', polls: 4 });
  });

  it('reports a DELETE_IN_PROGRESS stack as still deleting, counting the poll', async () => {
    givenTheStackIs({ status: 'DELETE_IN_PROGRESS' });
    await expect(poll(3)).resolves.toMatchObject({ outcome: 'deleting', polls: 4, status: 'DELETE_IN_PROGRESS' });
  });

  it('reads the stack by its stack ID', async () => {
    givenTheStackIs({ status: 'DELETE_IN_PROGRESS' });
    await poll();
    expect(cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input)).toEqual([{ StackName: STACK_ID }]);
  });

  it('does not read stack events while the deletion goes on', async () => {
    givenTheStackIs({ status: 'DELETE_IN_PROGRESS' });
    await poll();
    expect(cloudFormation.commandCalls(DescribeStackEventsCommand)).toHaveLength(0);
  });

  describe('when the deletion failed', () => {
    beforeEach(() => {
      givenTheStackIs({ status: 'DELETE_FAILED', statusReason: 'The following resource(s) failed to delete: [ArtifactBucket]. ' });
      cloudFormation.on(DescribeStackEventsCommand, { StackName: STACK_ID }).resolves({
        StackEvents: [
          stackEvent({ stackId: STACK_ID, logicalId: STACK_NAME, physicalId: STACK_ID, type: 'AWS::CloudFormation::Stack', status: 'DELETE_FAILED', reason: 'The following resource(s) failed to delete: [ArtifactBucket]. ' }),
          bucketFailed,
          stackEvent({ stackId: STACK_ID, logicalId: 'Logs', physicalId: '/proton/prod', type: 'AWS::Logs::LogGroup', status: 'DELETE_COMPLETE' }),
          stackEvent({ stackId: STACK_ID, logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', type: 'AWS::S3::Bucket', status: 'DELETE_IN_PROGRESS' }),
        ],
      });
    });

    it('reports it failed', async () => {
      await expect(poll(3)).resolves.toMatchObject({ outcome: 'failed', polls: 4, status: 'DELETE_FAILED' });
    });

    it("reads the stack's events by its stack ID", async () => {
      await poll();
      expect(cloudFormation.commandCalls(DescribeStackEventsCommand).map((call) => call.args[0].input.StackName)).toEqual([STACK_ID]);
    });

    it('ignores failures left by an earlier deletion attempt of the same stack', async () => {
      const stackEventOf = (status: 'DELETE_IN_PROGRESS' | 'DELETE_FAILED') =>
        stackEvent({ stackId: STACK_ID, logicalId: STACK_NAME, physicalId: STACK_ID, type: 'AWS::CloudFormation::Stack', status });
      cloudFormation.on(DescribeStackEventsCommand, { StackName: STACK_ID }).resolves({
        StackEvents: [
          stackEventOf('DELETE_FAILED'),
          bucketFailed,
          stackEventOf('DELETE_IN_PROGRESS'),
          stackEventOf('DELETE_FAILED'),
          stackEvent({ stackId: STACK_ID, logicalId: 'Queue', physicalId: 'old-queue', type: 'AWS::SQS::Queue', status: 'DELETE_FAILED', reason: 'an earlier attempt' }),
        ],
      });

      expect((await poll()).failedResources?.map((r) => r.logicalId)).toEqual(['ArtifactBucket']);
    });

    it('asks for a retaining retry when the request allows it (retainFailedResources)', async () => {
      await expect(poll(3, true)).resolves.toMatchObject({ outcome: 'retry-retaining', failedResources: [expect.objectContaining({ logicalId: 'ArtifactBucket' })] });
    });

    it('does not ask twice: after a retaining retry, DELETE_FAILED is final', async () => {
      const kept = [{ logicalId: 'ArtifactBucket', reason: 'not empty' }];
      await expect(poll(3, true, { retainedResources: kept })).resolves.toMatchObject({ outcome: 'failed' });
    });

    it('lists the resources whose deletion failed, and only those', async () => {
      const progress = await poll();
      expect(progress.failedResources).toEqual([
        { logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', type: 'AWS::S3::Bucket', reason: 'The bucket you tried to delete is not empty' },
      ]);
    });

    it("gives a reason naming each failing resource with CloudFormation's reason", async () => {
      const progress = await poll();
      expect(progress.reason).toContain('DELETE_FAILED');
      expect(progress.reason).toContain('ArtifactBucket (AWS::S3::Bucket): The bucket you tried to delete is not empty');
    });
  });

  it('reads the failing resources from a later page of stack events', async () => {
    givenTheStackIs({ status: 'DELETE_FAILED' });
    cloudFormation
      .on(DescribeStackEventsCommand)
      .resolvesOnce({ StackEvents: [stackEvent({ stackId: STACK_ID, logicalId: 'Logs', status: 'DELETE_COMPLETE' })], NextToken: 'events-page-2' })
      .resolvesOnce({ StackEvents: [bucketFailed] });
    const progress = await poll();
    expect(progress.failedResources?.map((r) => r.logicalId)).toEqual(['ArtifactBucket']);
    expect(cloudFormation.commandCalls(DescribeStackEventsCommand)[1]?.args[0].input.NextToken).toBe('events-page-2');
  });

  it(`gives up as failed when the poll reaches MAX_STACK_POLLS (${MAX_STACK_POLLS})`, async () => {
    givenTheStackIs({ status: 'DELETE_IN_PROGRESS' });
    await expect(poll(MAX_STACK_POLLS - 1)).resolves.toMatchObject({
      outcome: 'failed',
      polls: MAX_STACK_POLLS,
      reason: expect.stringContaining(`after ${MAX_STACK_POLLS} polls`),
    });
  });

  it('keeps waiting on the poll before MAX_STACK_POLLS', async () => {
    givenTheStackIs({ status: 'DELETE_IN_PROGRESS' });
    await expect(poll(MAX_STACK_POLLS - 2)).resolves.toMatchObject({ outcome: 'deleting', polls: MAX_STACK_POLLS - 1 });
  });

  it('reports a stack that left deletion (another status) as failed', async () => {
    givenTheStackIs({ status: 'UPDATE_IN_PROGRESS' });
    await expect(poll()).resolves.toMatchObject({ outcome: 'failed', reason: expect.stringContaining('UPDATE_IN_PROGRESS') });
  });

  it('surfaces CloudFormation Throttling as ThrottlingException', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationThrottling());
    await expect(poll()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('surfaces Throttling while reading stack events as ThrottlingException', async () => {
    givenTheStackIs({ status: 'DELETE_FAILED' });
    cloudFormation.on(DescribeStackEventsCommand).rejects(cloudFormationThrottling());
    await expect(poll()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
