import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStacksCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/advance-cleanup.js';
import { clientRequestToken } from '../../functions/cleanup/cleanup-round.js';
import { CleanupProgressSchema, type CleanupProgress, type TrackedStack } from '../../functions/domain/cleanup-progress.js';
import { useClock } from '../../functions/runtime/clock.js';
import {
  ENVIRONMENT_ARN,
  EXECUTION_NAME,
  REPORT_BUCKET,
  cloudFormationError,
  cloudFormationThrottling,
  executionKey,
  mockedClients,
  sampleEnvironment,
  sampleInventory,
  inventoryOf,
  serveObjects,
  stack,
  stackId,
  stackToDelete,
  stackEvent,
  stackResourceTags,
  tagMapping,
  taggingThrottled,
} from '../helpers/sdk-fixtures.js';

const [cloudFormation, tagging, s3] = mockedClients(CloudFormationClient, ResourceGroupsTaggingAPIClient, S3Client);

const { environmentStack, environmentStackName, serviceInstanceStack, serviceInstanceStackName } = sampleEnvironment;
const INVENTORY_KEY = executionKey('inventory.json');
const PROGRESS_KEY = executionKey('cleanup-progress.json');
const PROTECT = 'proton-cleanup:protect';
const MINUTE = 60_000;

/** A clock the test moves by hand. */
let now = Date.parse('2026-11-25T10:00:00.000Z');
beforeEach(() => {
  now = Date.parse('2026-11-25T10:00:00.000Z');
  useClock({ now: () => now, sleep: async (ms) => void (now += ms) });
});
afterEach(() => useClock(undefined));

function tracked(stackId: string, phase: TrackedStack['phase'], overrides: Partial<TrackedStack> = {}): TrackedStack {
  return { stackId, phase, outcome: 'pending', polls: 0, nestedStackIds: [], hasExports: false, ...overrides };
}

const deleting = (id: string, phase: TrackedStack['phase'], overrides: Partial<TrackedStack> = {}) =>
  tracked(id, phase, { outcome: 'deleting', startedAt: now - MINUTE, ...overrides });

const progressOf = (...stacks: TrackedStack[]): CleanupProgress => ({ version: 1, round: 3, stacks });

/** What S3 holds: the inventory, and the progress stored by an earlier round (none in round 0). */
function givenStored(progress?: CleanupProgress): void {
  serveObjects(s3, { [INVENTORY_KEY]: sampleInventory(), ...(progress ? { [PROGRESS_KEY]: progress } : {}) });
}

/** The stacks as CloudFormation describes them by ID: unchanged since the inventory unless told otherwise. */
function givenStacks(overrides: Record<string, Partial<Parameters<typeof stack>[0]>> = {}): void {
  const tags = { 'proton:environment': ENVIRONMENT_ARN };
  for (const [id, name] of [[environmentStack, environmentStackName], [serviceInstanceStack, serviceInstanceStackName]] as const) {
    cloudFormation.on(DescribeStacksCommand, { StackName: id }).resolves({ Stacks: [stack({ name, id, tags, ...overrides[id] })] });
  }
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
}

function givenBeingDeleted(statuses: Record<string, StackStatus>): void {
  cloudFormation.on(ListStacksCommand).resolves({
    StackSummaries: Object.entries(statuses).map(([StackId, StackStatus]) => ({ StackId, StackName: StackId.split('/')[1], StackStatus, CreationTime: new Date(0) })),
  });
}

const advance = (overrides: { mode?: string; retainFailedResources?: boolean; roundAt?: string } = {}) =>
  handler({
    inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } },
    mode: overrides.mode ?? 'execute',
    environmentArn: ENVIRONMENT_ARN,
    retainFailedResources: overrides.retainFailedResources ?? false,
    roundAt: overrides.roundAt ?? new Date(now).toISOString(),
    executionName: EXECUTION_NAME,
  });

const deletedStackIds = () => cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input.StackName);
/** The progress as the round stored it last. */
const storedProgress = () => {
  const puts = s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Key === PROGRESS_KEY);
  return CleanupProgressSchema.parse(JSON.parse(String(puts.at(-1)?.args[0].input.Body)));
};
const storedStack = (id: string) => storedProgress().stacks.find((s) => s.stackId === id);

describe('AdvanceCleanup handler', () => {
  describe('the first round', () => {
    it('starts the deletion of every stack that need not wait, by stack ID, with a request token per execution and stack', async () => {
      givenStored();
      givenStacks();
      await advance();
      expect(cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
        { StackName: serviceInstanceStack, ClientRequestToken: clientRequestToken(EXECUTION_NAME, serviceInstanceStack) },
      ]);
    });

    it("leaves the environment's stack pending while a service instance stack is still there", async () => {
      givenStored();
      givenStacks();
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'pending' });
    });

    it('stores the progress and answers with its reference and counts only', async () => {
      givenStored();
      givenStacks();
      const state = await advance();
      expect(state).toEqual({
        round: 1,
        done: false,
        nextRoundAt: new Date(now + 30_000).toISOString(),
        progress: { bucket: REPORT_BUCKET, key: PROGRESS_KEY },
        counts: { pending: 1, deleting: 1, deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0 },
      });
    });

    it('does not read a status before any deletion has started', async () => {
      givenStored();
      givenStacks();
      await advance();
      expect(cloudFormation.commandCalls(ListStacksCommand)).toEqual([]);
    });
  });

  describe('the re-check right before DeleteStack', () => {
    it('retains a stack whose termination protection was switched on since the inventory', async () => {
      givenStored();
      givenStacks({ [serviceInstanceStack]: { terminationProtection: true } });
      await advance();
      // Settled (retained), it no longer holds the environment's stack back.
      expect(deletedStackIds()).toEqual([environmentStack]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/termination protection/) });
    });

    it('retains a stack holding a resource tagged with the protect tag, asking the Tagging API for both tags at once', async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [tagMapping('arn:aws:sqs:us-east-1:111122223333:api-prod-jobs', { ...stackResourceTags(serviceInstanceStack, 'JobQueue'), [PROTECT]: 'yes' })], PaginationToken: '' });
      await advance();
      expect(tagging.commandCalls(GetResourcesCommand)[0]?.args[0].input.TagFilters).toEqual([
        { Key: PROTECT },
        { Key: 'aws:cloudformation:stack-id', Values: [serviceInstanceStack] },
      ]);
      expect(deletedStackIds()).toEqual([environmentStack]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/its resource JobQueue is tagged proton-cleanup:protect/) });
    });

    it('finds a stack deleted by someone else since the inventory already absent', async () => {
      givenStored();
      givenStacks({ [serviceInstanceStack]: { status: 'DELETE_COMPLETE' } });
      await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'already-absent' });
    });
  });

  describe('later rounds', () => {
    it('continues from the stored progress, so a retried round never starts a deletion twice', async () => {
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), deleting(environmentStack, 'environment')));
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS', [environmentStack]: 'DELETE_IN_PROGRESS' });
      const state = await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(state.round).toBe(4);
    });

    it('reads every status with one ListStacks, filtered on deletion statuses, not one DescribeStacks per stack', async () => {
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), deleting(environmentStack, 'environment')));
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS', [environmentStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(cloudFormation.commandCalls(ListStacksCommand).map((c) => c.args[0].input)).toEqual([{ StackStatusFilter: ['DELETE_IN_PROGRESS', 'DELETE_FAILED'] }]);
      expect(cloudFormation.commandCalls(DescribeStacksCommand)).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting', polls: 1 });
    });

    it('confirms by stack ID that a stack no longer listed is deleted, before reporting it so', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      givenBeingDeleted({});
      givenStacks({ [environmentStack]: { status: 'DELETE_COMPLETE' } });
      const state = await advance();
      expect(cloudFormation.commandCalls(DescribeStacksCommand).map((c) => c.args[0].input)).toEqual([{ StackName: environmentStack }]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleted', status: 'DELETE_COMPLETE' });
      expect(state.done).toBe(true);
    });

    it('keeps waiting for a stack missing from a lagging listing that its stack ID says is still deleting', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      givenBeingDeleted({});
      givenStacks({ [environmentStack]: { status: 'DELETE_IN_PROGRESS' } });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting', polls: 1 });
    });

    it('does not take a listed DELETE_FAILED at face value: a stale listing of an earlier failure is checked by stack ID', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      givenBeingDeleted({ [environmentStack]: 'DELETE_FAILED' });
      givenStacks({ [environmentStack]: { status: 'DELETE_IN_PROGRESS' } });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });

    it('fails a DELETE_FAILED stack with the resources that failed and their reasons', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      givenBeingDeleted({ [environmentStack]: 'DELETE_FAILED' });
      givenStacks({ [environmentStack]: { status: 'DELETE_FAILED' } });
      cloudFormation.on(DescribeStackEventsCommand).resolves({
        StackEvents: [stackEvent({ stackId: environmentStack, logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', status: 'DELETE_FAILED', reason: 'The bucket is not empty' })],
      });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({
        outcome: 'failed',
        reason: expect.stringMatching(/ArtifactBucket.*The bucket is not empty/),
        failedResources: [{ logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', reason: 'The bucket is not empty' }],
      });
    });

    describe('with retainFailedResources', () => {
      function givenDeletionFailedOn(logicalId: string): void {
        givenStored(progressOf(deleting(environmentStack, 'environment')));
        givenBeingDeleted({ [environmentStack]: 'DELETE_FAILED' });
        givenStacks({ [environmentStack]: { status: 'DELETE_FAILED' } });
        cloudFormation.on(DescribeStackEventsCommand).resolves({ StackEvents: [stackEvent({ stackId: environmentStack, logicalId, status: 'DELETE_FAILED', reason: 'not empty' })] });
      }

      it('deletes a DELETE_FAILED stack once more keeping exactly the failed resources, with its own token', async () => {
        givenDeletionFailedOn('ArtifactBucket');
        await advance({ retainFailedResources: true });
        expect(cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
          { StackName: environmentStack, ClientRequestToken: clientRequestToken(EXECUTION_NAME, `${environmentStack}#retain`), RetainResources: ['ArtifactBucket'] },
        ]);
        expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting', retainedResources: [{ logicalId: 'ArtifactBucket' }] });
      });

      it('re-checks the protect tag before the second deletion: a resource protected since the failure keeps the stack', async () => {
        givenDeletionFailedOn('ArtifactBucket');
        tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [tagMapping('arn:aws:logs:us-east-1:111122223333:log-group:/proton/prod', { ...stackResourceTags(environmentStack, 'Logs'), [PROTECT]: 'yes' })], PaginationToken: '' });
        await advance({ retainFailedResources: true });
        expect(deletedStackIds()).toEqual([]);
        expect(storedStack(environmentStack)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/its resource Logs is tagged proton-cleanup:protect/) });
      });
    });

    it('fails a stack still deleting at its deadline (maxStackDeletionMinutes), saying CloudFormation goes on', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment', { startedAt: now - 60 * MINUTE })));
      givenBeingDeleted({ [environmentStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/still DELETE_IN_PROGRESS after 60 minutes/) });
    });

    it('starts the environment stack only once the stacks of earlier phases have settled', async () => {
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), tracked(environmentStack, 'environment')));
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS' });
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
    });

    it('starts a stack with exports once the stacks of earlier phases have settled', async () => {
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), tracked(environmentStack, 'environment', { hasExports: true })));
      givenBeingDeleted({});
      givenStacks({ [serviceInstanceStack]: { status: 'DELETE_COMPLETE' } });
      await advance();
      expect(deletedStackIds()).toEqual([environmentStack]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'deleted' });
    });
  });

  describe('a round lost after it stored its progress (an error the state machine retries)', () => {
    it('stores the stacks it is about to delete as starting before any DeleteStack', async () => {
      givenStored();
      givenStacks();
      const order: string[] = [];
      s3.on(PutObjectCommand).callsFake((input: { Body?: string }) => void order.push(`stored ${JSON.parse(String(input.Body)).stacks.map((t: TrackedStack) => t.outcome).join(',')}`));
      cloudFormation.on(DeleteStackCommand).callsFake(() => void order.push('DeleteStack'));
      await advance();
      expect(order).toEqual(['stored starting,pending', 'DeleteStack', 'stored deleting,pending']);
    });

    it('stores when the deletion starts with the starting stack, so that its deadline holds', async () => {
      givenStored();
      givenStacks();
      const puts: TrackedStack[][] = [];
      s3.on(PutObjectCommand).callsFake((input: { Body?: string }) => void puts.push(JSON.parse(String(input.Body)).stacks));
      await advance();
      expect(puts[0]?.[0]).toMatchObject({ outcome: 'starting', startedAt: now });
    });

    it('next round, starts again (same token) a stack stored as starting whose DeleteStack never went through', async () => {
      givenStored(progressOf(tracked(environmentStack, 'environment', { outcome: 'starting' })));
      givenBeingDeleted({});
      givenStacks();
      await advance();
      expect(cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: environmentStack, ClientRequestToken: clientRequestToken(EXECUTION_NAME, environmentStack) }]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });

    it.each(['DELETE_FAILED', 'DELETE_COMPLETE'] as const)('next round, does not take a stack stored as starting and now %s for its own deletion: it is re-checked and started again', async (status) => {
      givenStored(progressOf(tracked(serviceInstanceStack, 'service-instances', { outcome: 'starting', startedAt: now })));
      givenBeingDeleted({});
      givenStacks({ [serviceInstanceStack]: { status } });
      await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject(status === 'DELETE_COMPLETE' ? { outcome: 'already-absent' } : { outcome: 'deleting' });
    });

    it('next round, follows a stack stored as starting whose DeleteStack did go through', async () => {
      givenStored(progressOf(tracked(environmentStack, 'environment', { outcome: 'starting' })));
      givenBeingDeleted({ [environmentStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });
  });

  describe('throttling and errors', () => {
    it('leaves a stack whose DeleteStack is still throttled after the SDK retries pending for the next round, without failing the round', async () => {
      givenStored();
      givenStacks();
      cloudFormation.on(DeleteStackCommand, { StackName: serviceInstanceStack }).rejects(cloudFormationThrottling());
      const state = await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'pending', throttled: 1 });
      expect(state.counts).toMatchObject({ pending: 2, deleting: 0, failed: 0 });
    });

    it('goes on at once, without waiting, when the round ran out of time with deletions left to start', async () => {
      const stacks = Array.from({ length: 25 }, (_, n) => stackId(`AWSProton-instance${n}-cloudformation-X`));
      serveObjects(s3, { [INVENTORY_KEY]: inventoryOf(stacks.map((id) => stackToDelete(id, 'service-instances'))) });
      for (const id of stacks) cloudFormation.on(DescribeStacksCommand, { StackName: id }).resolves({ Stacks: [stack({ name: id.split('/')[1] ?? '', id, tags: { 'proton:environment': ENVIRONMENT_ARN } })] });
      tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
      // The first batch of 20 takes the whole round's time (a throttled API, slow answers).
      cloudFormation.on(DeleteStackCommand).callsFake(() => void (now += 3_100));
      const state = await advance();
      expect(deletedStackIds()).toHaveLength(20);
      expect(state.counts).toMatchObject({ pending: 5, deleting: 20 });
      expect(state.nextRoundAt).toBe(new Date(now).toISOString());
    });

    it('waits the usual 30 s before the next round when the protect tags cannot be read (no hot loop on a throttled API)', async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).rejects(taggingThrottled());
      const state = await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(state.nextRoundAt).toBe(new Date(now + 30_000).toISOString());
    });

    it('still holds the deadline when ListStacks is throttled: a stack at its deadline is read by stack ID', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment', { startedAt: now - 60 * MINUTE })));
      cloudFormation.on(ListStacksCommand).rejects(cloudFormationThrottling());
      givenStacks({ [environmentStack]: { status: 'DELETE_IN_PROGRESS' } });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/still DELETE_IN_PROGRESS after 60 minutes/) });
    });

    it('keeps every status as it was when ListStacks is throttled', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      cloudFormation.on(ListStacksCommand).rejects(cloudFormationThrottling());
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting', polls: 0 });
    });

    it('fails only the stack whose DeleteStack is denied, with the error, and goes on with the others', async () => {
      givenStored();
      givenStacks();
      cloudFormation.on(DeleteStackCommand, { StackName: serviceInstanceStack }).rejects(cloudFormationError('AccessDenied', 'not authorized to perform: cloudformation:DeleteStack'));
      await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'failed', error: { Error: 'AccessDenied', Cause: expect.stringContaining('not authorized') } });
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });
  });

  it('refuses to run in plan mode, calling nothing', async () => {
    givenStored();
    await expect(advance({ mode: 'plan' })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(cloudFormation.calls()).toEqual([]);
  });
});
