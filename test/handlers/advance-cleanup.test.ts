import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeAccountLimitsCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListImportsCommand,
  ListStacksCommand,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/advance-cleanup.js';
import { clientRequestToken } from '../../functions/cleanup/cleanup-round.js';
import { type CleanupBoard, CleanupBoardSchema, LISTING_FRESH_MS, ROUND_INTERVAL_MS, START_POLL_INTERVAL_MS } from '../../functions/domain/cleanup-board.js';
import { type CleanupProgress, CleanupProgressSchema, type TrackedStack } from '../../functions/domain/cleanup-progress.js';
import type { ConnectionFacts } from '../../functions/domain/connection.js';
import { TEST_ENVIRONMENT } from '../environment.js';
import { clockAt } from '../helpers/clock.js';
import { s3JsonBody } from '../helpers/sdk/s3.js';
import {
  CONNECTION_ID,
  cloudFormationError,
  cloudFormationThrottling,
  connectionFacts,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  executionKey,
  givenConnections as givenProtonConnections,
  HUB_TARGET,
  inventoryOf,
  mockedClients,
  networkError,
  preconditionFailed,
  REPORT_BUCKET,
  sampleEnvironment,
  sampleInventory,
  serveObjects,
  stack,
  stackEvent,
  stackId,
  stackResourceTags,
  stackToDelete,
  taggingThrottled,
  tagMapping,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

/** The deployment's CloudFormation deletion role (test/environment.ts), passed as RoleARN on every DeleteStack. */
const DELETION_ROLE_ARN = TEST_ENVIRONMENT.DELETION_ROLE_ARN;

const [cloudFormation, tagging, s3, proton] = mockedClients(CloudFormationClient, ResourceGroupsTaggingAPIClient, S3Client, ProtonClient);

/** This account's connections for the environment, as Proton lists them: by default, only the one decommissioned. */
const givenConnections = (...summaries: ReturnType<typeof connectionSummary>[]) => givenProtonConnections(proton, ...summaries);
beforeEach(() => givenConnections(connectionSummary(CONNECTION_ID)));
/** The account's CloudFormation limits, as AWS's own example of DescribeAccountLimits shows them. */
const givenConcurrentResourcesLimit = (value: number) =>
  cloudFormation.on(DescribeAccountLimitsCommand).resolves({ AccountLimits: [{ Name: 'ConcurrentResourcesLimit', Value: value }] });
beforeEach(() => givenConcurrentResourcesLimit(2500));
/** The cleanup board of the hub's account-Region: written like any object (no other execution there unless a test says so). */
const BOARD_KEY = 'boards/cleanup-board.json';
beforeEach(() => s3.on(PutObjectCommand, { Key: BOARD_KEY }).resolves({ ETag: '"board"' }));

const { environmentStack, environmentStackName, serviceInstanceStack, serviceInstanceStackName, queueArn } = sampleEnvironment;
const OTHER_ENVIRONMENT_ARN = 'arn:aws:proton:us-east-1:444455556666:environment/staging';
const INVENTORY_KEY = executionKey('inventory.json');
const PROGRESS_KEY = executionKey('cleanup-progress.json');
const PROTECT = 'proton-cleanup:protect';
const MINUTE = 60_000;

/** A clock the test moves by hand (the calls take no time unless a fake moves it). */
const clock = clockAt('2026-11-25T10:00:00.000Z');

function tracked(stackId: string, phase: TrackedStack['phase'], overrides: Partial<TrackedStack> = {}): TrackedStack {
  return { stackId, phase, outcome: 'pending', polls: 0, nestedStackIds: [], hasExports: false, weight: 1, ...overrides };
}

const deleting = (id: string, phase: TrackedStack['phase'], overrides: Partial<TrackedStack> = {}) =>
  tracked(id, phase, { outcome: 'deleting', startedAt: clock.now() - MINUTE, ...overrides });

const progressOf = (...stacks: TrackedStack[]): CleanupProgress => ({ version: 1, round: 3, stacks, keptByInventory: [] });

/** What S3 holds: the inventory, and the progress stored by an earlier round (none in round 0). */
function givenStored(progress?: CleanupProgress): void {
  serveObjects(s3, { [INVENTORY_KEY]: sampleInventory(), ...(progress ? { [PROGRESS_KEY]: progress } : {}) });
}

/** The stacks as CloudFormation describes them by ID: unchanged since the inventory unless told otherwise. */
function givenStacks(overrides: Record<string, Partial<Parameters<typeof stack>[0]>> = {}): void {
  const tags = { 'proton:environment': ENVIRONMENT_ARN };
  for (const [id, name] of [
    [environmentStack, environmentStackName],
    [serviceInstanceStack, serviceInstanceStackName],
  ] as const) {
    cloudFormation.on(DescribeStacksCommand, { StackName: id }).resolves({ Stacks: [stack({ name, id, tags, ...overrides[id] })] });
  }
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
}

/** DescribeStacks of one stack (by its ID) answers it in `status`. */
function givenDescribed(id: string, status: StackStatus): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: id }).resolves({ Stacks: [stack({ name: id.split('/')[1] ?? '', id, status })] });
}

/** An inventory of service instance stacks only (none waits for another), each unchanged since. */
function givenIndependentStacks(ids: readonly string[]): void {
  serveObjects(s3, { [INVENTORY_KEY]: inventoryOf(ids.map((id) => stackToDelete(id, 'service-instances'))) });
  for (const id of ids)
    cloudFormation
      .on(DescribeStacksCommand, { StackName: id })
      .resolves({ Stacks: [stack({ name: id.split('/')[1] ?? '', id, tags: { 'proton:environment': ENVIRONMENT_ARN } })] });
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [], PaginationToken: '' });
}

function givenBeingDeleted(statuses: Record<string, StackStatus>): void {
  cloudFormation.on(ListStacksCommand).resolves({
    StackSummaries: Object.entries(statuses).map(([StackId, StackStatus]) => ({
      StackId,
      StackName: StackId.split('/')[1],
      StackStatus,
      CreationTime: new Date(0),
    })),
  });
}

const advance = (overrides: { mode?: string; retainFailedResources?: boolean; roundAt?: string; connection?: ConnectionFacts } = {}) =>
  handler({
    target: HUB_TARGET,
    inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } },
    mode: overrides.mode ?? 'execute',
    connection: overrides.connection ?? connectionFacts(),
    retainFailedResources: overrides.retainFailedResources ?? false,
    roundAt: overrides.roundAt ?? new Date(clock.now()).toISOString(),
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
        { StackName: serviceInstanceStack, ClientRequestToken: clientRequestToken(EXECUTION_NAME, serviceInstanceStack), RoleARN: DELETION_ROLE_ARN },
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
        nextRoundAt: new Date(clock.now() + 30_000).toISOString(),
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
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/termination protection/) });
    });

    it('reads every tagged resource of the stack (its nested stacks included) by aws:cloudformation:stack-id, with all their tags', async () => {
      const nested = stackId('AWSProton-api-prod-cloudformation-DEF456-Queue-1', '88888888-2222-3333-4444-555555555555');
      givenStored(progressOf(tracked(serviceInstanceStack, 'service-instances', { nestedStackIds: [nested] })));
      givenStacks();
      cloudFormation.on(DescribeStacksCommand, { StackName: nested }).resolves({ Stacks: [stack({ name: nested.split('/')[1] ?? '', id: nested })] });
      await advance();
      expect(tagging.commandCalls(GetResourcesCommand).map((c) => c.args[0].input.TagFilters)).toEqual([
        [{ Key: 'aws:cloudformation:stack-id', Values: [serviceInstanceStack, nested] }],
      ]);
    });

    it('retains a stack holding a resource tagged with the protect tag', async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).resolves({
        ResourceTagMappingList: [tagMapping(queueArn, { ...stackResourceTags(serviceInstanceStack, 'JobQueue'), [PROTECT]: 'yes' })],
        PaginationToken: '',
      });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({
        outcome: 'retained',
        reason: expect.stringMatching(/its resource JobQueue is tagged proton-cleanup:protect/),
      });
    });

    it('retains a stack one of whose resources was re-tagged for another environment since the inventory (mixed ownership)', async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).resolves({
        ResourceTagMappingList: [tagMapping(queueArn, { ...stackResourceTags(serviceInstanceStack, 'JobQueue'), 'proton:environment': OTHER_ENVIRONMENT_ARN })],
        PaginationToken: '',
      });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('mixed ownership') });
    });

    it('retains a stack whose nested stack is now tagged for another environment (mixed ownership)', async () => {
      const nested = stackId('AWSProton-api-prod-cloudformation-DEF456-Queue-1', '88888888-2222-3333-4444-555555555555');
      givenStored(progressOf(tracked(serviceInstanceStack, 'service-instances', { nestedStackIds: [nested] })));
      givenStacks();
      cloudFormation.on(DescribeStacksCommand, { StackName: nested }).resolves({
        Stacks: [stack({ name: nested.split('/')[1] ?? '', id: nested, tags: { 'proton:environment': OTHER_ENVIRONMENT_ARN } })],
      });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('mixed ownership') });
    });

    it('retains a stack re-tagged for another environment since the inventory', async () => {
      givenStored();
      givenStacks({ [serviceInstanceStack]: { tags: { 'proton:environment': OTHER_ENVIRONMENT_ARN } } });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('re-checked before deletion') });
    });

    it('finds a stack deleted by someone else since the inventory already absent', async () => {
      givenStored();
      givenStacks({ [serviceInstanceStack]: { status: 'DELETE_COMPLETE' } });
      await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'already-absent' });
    });
  });

  describe('the timeline', () => {
    it('records when a deletion started: when its DeleteStack went out', async () => {
      givenStored();
      givenStacks();
      await advance();
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'deleting', deletingSince: clock.now() });
      expect(storedStack(environmentStack)).not.toHaveProperty('deletingSince');
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
      expect(cloudFormation.commandCalls(ListStacksCommand).map((c) => c.args[0].input)).toEqual([
        { StackStatusFilter: ['DELETE_IN_PROGRESS', 'DELETE_FAILED'] },
      ]);
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

    it('records, for the timeline, when a stack settled, on the clock the functions use', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment', { deletingSince: clock.now() - MINUTE })));
      givenBeingDeleted({});
      givenStacks({ [environmentStack]: { status: 'DELETE_COMPLETE' } });
      await advance();
      expect(storedStack(environmentStack)).toMatchObject({ deletingSince: clock.now() - MINUTE, settledAt: clock.now() });
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
        StackEvents: [
          stackEvent({
            stackId: environmentStack,
            logicalId: 'ArtifactBucket',
            physicalId: 'prod-artifacts',
            status: 'DELETE_FAILED',
            reason: 'The bucket is not empty',
          }),
        ],
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
        cloudFormation
          .on(DescribeStackEventsCommand)
          .resolves({ StackEvents: [stackEvent({ stackId: environmentStack, logicalId, status: 'DELETE_FAILED', reason: 'not empty' })] });
      }

      it('deletes a DELETE_FAILED stack once more keeping exactly the failed resources, with its own token', async () => {
        givenDeletionFailedOn('ArtifactBucket');
        await advance({ retainFailedResources: true });
        expect(cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
          {
            StackName: environmentStack,
            ClientRequestToken: clientRequestToken(EXECUTION_NAME, `${environmentStack}#retain`),
            RoleARN: DELETION_ROLE_ARN,
            RetainResources: ['ArtifactBucket'],
          },
        ]);
        expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting', retainedResources: [{ logicalId: 'ArtifactBucket' }] });
      });

      it('re-checks the protect tag before the second deletion: a resource protected since the failure keeps the stack', async () => {
        givenDeletionFailedOn('ArtifactBucket');
        tagging.on(GetResourcesCommand).resolves({
          ResourceTagMappingList: [
            tagMapping('arn:aws:logs:us-east-1:111122223333:log-group:/proton/prod', { ...stackResourceTags(environmentStack, 'Logs'), [PROTECT]: 'yes' }),
          ],
          PaginationToken: '',
        });
        await advance({ retainFailedResources: true });
        expect(deletedStackIds()).toEqual([]);
        expect(storedStack(environmentStack)).toMatchObject({
          outcome: 'retained',
          reason: expect.stringMatching(/its resource Logs is tagged proton-cleanup:protect/),
        });
      });
    });

    it('fails a stack still deleting at its deadline (maxStackDeletionMinutes), saying CloudFormation goes on', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment', { startedAt: clock.now() - 60 * MINUTE })));
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

  describe("the account's concurrent-resources limit", () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => stackId(`AWSProton-svc-${n}-cloudformation--ABCDEFGHIJKLMNOP`)) as [string, string, string];

    it('starts only as many stacks as their resources fit into the ConcurrentResourcesLimit DescribeAccountLimits answers', async () => {
      givenIndependentStacks([a, b, c]);
      givenStored(
        progressOf(
          tracked(a, 'service-instances', { weight: 2 }),
          tracked(b, 'service-instances', { weight: 2 }),
          tracked(c, 'service-instances', { weight: 2 }),
        ),
      );
      givenConcurrentResourcesLimit(5);
      await advance();
      expect(deletedStackIds()).toEqual([a, b]);
    });

    it("starts a stack into the room of a deletion the listing no longer shows, then reads that deletion's outcome by stack ID", async () => {
      givenIndependentStacks([a, b]);
      givenStored(progressOf(deleting(a, 'service-instances', { weight: 4 }), tracked(b, 'service-instances', { weight: 2 })));
      givenBeingDeleted({});
      givenDescribed(a, 'DELETE_COMPLETE');
      givenConcurrentResourcesLimit(5);
      await advance();
      expect(deletedStackIds()).toEqual([b]);
      expect(storedStack(a)).toMatchObject({ outcome: 'deleted' });
      const calls = cloudFormation.calls().map((c) => c.args[0]);
      const deleteB = calls.findIndex((c) => c instanceof DeleteStackCommand && c.input.StackName === b);
      const readA = calls.findIndex((c) => c instanceof DescribeStacksCommand && c.input.StackName === a);
      expect(deleteB).toBeGreaterThanOrEqual(0);
      expect(readA).toBeGreaterThan(deleteB);
    });

    it('reads a deletion started just before the listing by stack ID before giving its room: the listing may not show it yet', async () => {
      givenIndependentStacks([a, b]);
      givenStored(progressOf(deleting(a, 'service-instances', { weight: 4, startedAt: clock.now() - 10_000 }), tracked(b, 'service-instances', { weight: 2 })));
      givenBeingDeleted({});
      givenDescribed(a, 'DELETE_IN_PROGRESS');
      givenConcurrentResourcesLimit(5);
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(a)).toMatchObject({ outcome: 'deleting' });
    });

    it('takes the room back when a later listing shows deleting a stack an earlier one showed ended', async () => {
      givenIndependentStacks([a, b]);
      givenStored(
        progressOf(deleting(a, 'service-instances', { weight: 4, endListedAt: clock.now() - 20_000 }), tracked(b, 'service-instances', { weight: 2 })),
      );
      givenBeingDeleted({ [a]: 'DELETE_IN_PROGRESS' });
      givenConcurrentResourcesLimit(5);
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(a)).toMatchObject({ outcome: 'deleting' });
      expect(storedStack(a)).not.toHaveProperty('endListedAt');
    });

    it('keeps failed, and does not read again, a stack whose outcome could not be read (a denied DescribeStacks)', async () => {
      givenIndependentStacks([a, b]);
      givenStored(progressOf(deleting(a, 'service-instances'), deleting(b, 'service-instances')));
      givenBeingDeleted({ [b]: 'DELETE_IN_PROGRESS' });
      cloudFormation
        .on(DescribeStacksCommand, { StackName: a })
        .rejects(cloudFormationError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks', 403));
      await advance();
      const afterFirst = storedProgress();
      expect(afterFirst.stacks.find((s) => s.stackId === a)).toMatchObject({ outcome: 'failed' });
      expect(afterFirst.stacks.find((s) => s.stackId === a)).not.toHaveProperty('endListedAt');
      givenStored(afterFirst);
      cloudFormation.resetHistory();
      await advance();
      expect(cloudFormation.commandCalls(DescribeStacksCommand, { StackName: a })).toEqual([]);
      expect(storedStack(a)).toMatchObject({ outcome: 'failed' });
    });

    it('counts a deletion the listing missed again once DescribeStacks shows it still deleting', async () => {
      givenIndependentStacks([a]);
      givenStored(progressOf(deleting(a, 'service-instances', { weight: 4 })));
      givenBeingDeleted({});
      givenDescribed(a, 'DELETE_IN_PROGRESS');
      await advance();
      expect(storedStack(a)).toMatchObject({ outcome: 'deleting' });
      expect(storedStack(a)).not.toHaveProperty('endListedAt');
    });

    it('counts the resources of the stacks still deleting against the limit', async () => {
      givenIndependentStacks([a, b, c]);
      givenStored(progressOf(deleting(a, 'service-instances', { weight: 4 }), tracked(b, 'service-instances', { weight: 2 })));
      givenBeingDeleted({ [a]: 'DELETE_IN_PROGRESS' });
      givenConcurrentResourcesLimit(5);
      await advance();
      expect(deletedStackIds()).toEqual([]);
    });
  });

  describe('when DescribeAccountLimits cannot be read', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => stackId(`AWSProton-svc-${n}-cloudformation--ABCDEFGHIJKLMNOP`)) as [string, string, string];

    it('goes on with the limit the run last read (denied: a spoke deployed before the permission)', async () => {
      givenIndependentStacks([a, b, c]);
      givenStored({ ...progressOf(...[a, b, c].map((id) => tracked(id, 'service-instances', { weight: 2 }))), accountLimit: 4 });
      cloudFormation
        .on(DescribeAccountLimitsCommand)
        .rejects(cloudFormationError('AccessDenied', 'not authorized to perform: cloudformation:DescribeAccountLimits', 403));
      await advance();
      expect(deletedStackIds()).toEqual([a, b]);
    });
  });

  describe('a stack whose exports another stack imports', () => {
    const importerName = 'AWSProton-cmp-a-cloudformation--ABCDEFGHIJKLMNOP';
    const importer = stackId(importerName);

    function givenImportedBy(...stackNames: string[]): void {
      cloudFormation.on(ListImportsCommand).resolves({ Imports: stackNames });
    }

    it('goes back to pending, naming the importer this run still deletes, without calling DeleteStack', async () => {
      givenStored(
        progressOf(deleting(importer, 'components'), tracked(serviceInstanceStack, 'service-instances', { hasExports: true, exports: ['payments-Endpoint'] })),
      );
      givenBeingDeleted({ [importer]: 'DELETE_IN_PROGRESS' });
      givenStacks();
      givenImportedBy(importerName);
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'pending', waitsFor: [importerName] });
    });

    it('does not read ListImports again while the importer it waits for is still deleting', async () => {
      givenStored(
        progressOf(
          deleting(importer, 'components'),
          tracked(serviceInstanceStack, 'service-instances', { hasExports: true, exports: ['payments-Endpoint'], waitsFor: [importerName] }),
        ),
      );
      givenBeingDeleted({ [importer]: 'DELETE_IN_PROGRESS' });
      givenStacks();
      givenImportedBy(importerName);
      await advance();
      expect(cloudFormation.commandCalls(ListImportsCommand)).toEqual([]);
    });

    it('starts it once the importer is gone and ListImports, read again, names no other', async () => {
      givenStored(
        progressOf(
          deleting(importer, 'components'),
          tracked(serviceInstanceStack, 'service-instances', { hasExports: true, exports: ['payments-Endpoint'], waitsFor: [importerName] }),
        ),
      );
      givenBeingDeleted({});
      givenStacks();
      cloudFormation
        .on(DescribeStacksCommand, { StackName: importer })
        .resolves({ Stacks: [stack({ name: importerName, id: importer, status: 'DELETE_COMPLETE' })] });
      cloudFormation.on(ListImportsCommand).rejects(cloudFormationError('ValidationError', "Export 'payments-Endpoint' is not imported by any stack."));
      await advance();
      expect(deletedStackIds()).toEqual([serviceInstanceStack]);
      expect(cloudFormation.commandCalls(ListImportsCommand)).toHaveLength(1);
    });
  });

  describe('a round lost after it stored its progress (an error the state machine retries)', () => {
    it('stores the stacks it is about to delete as starting before any DeleteStack', async () => {
      givenStored();
      givenStacks();
      const order: string[] = [];
      s3.on(PutObjectCommand, { Key: PROGRESS_KEY }).callsFake(
        (input: { Body?: string }) =>
          void order.push(
            `stored ${JSON.parse(String(input.Body))
              .stacks.map((t: TrackedStack) => t.outcome)
              .join(',')}`,
          ),
      );
      cloudFormation.on(DeleteStackCommand).callsFake(() => void order.push('DeleteStack'));
      await advance();
      expect(order).toEqual(['stored starting,pending', 'DeleteStack', 'stored deleting,pending']);
    });

    it('stores when the deletion starts with the starting stack, so that its deadline holds', async () => {
      givenStored();
      givenStacks();
      const puts: TrackedStack[][] = [];
      s3.on(PutObjectCommand, { Key: PROGRESS_KEY }).callsFake((input: { Body?: string }) => void puts.push(JSON.parse(String(input.Body)).stacks));
      await advance();
      expect(puts[0]?.[0]).toMatchObject({ outcome: 'starting', startedAt: clock.now() });
    });

    it('next round, starts again (same token) a stack stored as starting whose DeleteStack never went through', async () => {
      givenStored(progressOf(tracked(environmentStack, 'environment', { outcome: 'starting' })));
      givenBeingDeleted({});
      givenStacks();
      await advance();
      expect(cloudFormation.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
        { StackName: environmentStack, ClientRequestToken: clientRequestToken(EXECUTION_NAME, environmentStack), RoleARN: DELETION_ROLE_ARN },
      ]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });

    it.each(['DELETE_FAILED', 'DELETE_COMPLETE'] as const)(
      'next round, does not take a stack stored as starting and now %s for its own deletion: it is re-checked and started again',
      async (status) => {
        givenStored(progressOf(tracked(serviceInstanceStack, 'service-instances', { outcome: 'starting', startedAt: clock.now() })));
        givenBeingDeleted({});
        givenStacks({ [serviceInstanceStack]: { status } });
        await advance();
        expect(storedStack(serviceInstanceStack)).toMatchObject(status === 'DELETE_COMPLETE' ? { outcome: 'already-absent' } : { outcome: 'deleting' });
      },
    );

    it('next round, follows a stack stored as starting whose DeleteStack did go through', async () => {
      givenStored(progressOf(tracked(environmentStack, 'environment', { outcome: 'starting' })));
      givenBeingDeleted({ [environmentStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'deleting' });
    });
  });

  describe('executions side by side in the account (the cleanup board)', () => {
    const [a, b, c] = ['a', 'b', 'c'].map((n) => stackId(`AWSProton-svc-${n}-cloudformation--ABCDEFGHIJKLMNOP`)) as [string, string, string];
    const SECOND = 1000;

    /** What S3 holds: the inventory of a, b and c, the progress, and the account's board. */
    function givenBoard(progress: CleanupProgress, board: Omit<CleanupBoard, 'version'>): void {
      givenIndependentStacks([a, b, c]);
      serveObjects(s3, {
        [INVENTORY_KEY]: inventoryOf([a, b, c].map((id) => stackToDelete(id, 'service-instances'))),
        [PROGRESS_KEY]: progress,
        [BOARD_KEY]: { version: 1, ...board },
      });
    }
    const otherExecution = (weight: number, wantsToStart = true) => ({ weight, wantsToStart, heartbeatAt: clock.now() - 10 * SECOND });
    const writtenBoard = () => CleanupBoardSchema.parse(writtenObject(s3, BOARD_KEY));
    const threeStacks = () => progressOf(...[a, b, c].map((id) => tracked(id, 'service-instances', { weight: 2 })));

    it('starts only its fair share of the limit when another execution in the account wants to start stacks too', async () => {
      givenBoard(threeStacks(), { executions: { 'another-run': otherExecution(0) } });
      givenConcurrentResourcesLimit(4);
      await advance();
      expect(deletedStackIds()).toEqual([a]);
    });

    it('goes on as if alone, and writes a new board over it (IfMatch its ETag), when the board is not a board', async () => {
      givenBoard(threeStacks(), { executions: {} });
      s3.on(GetObjectCommand, { Key: BOARD_KEY }).resolves({ Body: s3JsonBody('not a board') as never, ETag: '"corrupt"' });
      givenConcurrentResourcesLimit(4);
      await advance();
      expect(deletedStackIds()).toEqual([a, b]);
      expect(s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === BOARD_KEY)?.args[0].input.IfMatch).toBe('"corrupt"');
    });

    it('starts nothing while the other executions hold the whole limit', async () => {
      givenBoard(threeStacks(), { executions: { 'another-run': otherExecution(4, false) } });
      givenConcurrentResourcesLimit(4);
      await advance();
      expect(deletedStackIds()).toEqual([]);
    });

    it('takes the whole limit again once the other execution has not written for three round intervals (it stopped)', async () => {
      givenBoard(threeStacks(), { executions: { 'another-run': { weight: 4, wantsToStart: true, heartbeatAt: clock.now() - 90 * SECOND } } });
      givenConcurrentResourcesLimit(4);
      await advance();
      expect(deletedStackIds()).toEqual([a, b]);
    });

    it('claims its budget on the board before its first DeleteStack, and writes what it has in flight at the end of the round', async () => {
      givenBoard(threeStacks(), { executions: { 'another-run': otherExecution(0) } });
      givenConcurrentResourcesLimit(4);
      const order: string[] = [];
      s3.on(PutObjectCommand, { Key: BOARD_KEY }).callsFake((input: { Body?: string }) => {
        order.push(`board ${JSON.stringify(JSON.parse(String(input.Body)).executions[EXECUTION_NAME])}`);
        return { ETag: `"${order.length}"` };
      });
      cloudFormation.on(DeleteStackCommand).callsFake(() => void order.push('DeleteStack'));
      await advance();
      expect(order).toEqual([
        `board ${JSON.stringify({ weight: 2, wantsToStart: true, heartbeatAt: clock.now() })}`,
        'DeleteStack',
        `board ${JSON.stringify({ weight: 2, wantsToStart: true, heartbeatAt: clock.now() })}`,
      ]);
    });

    it("keeps the other executions' entries as they are when it writes its own", async () => {
      givenBoard(threeStacks(), { executions: { 'another-run': otherExecution(0) } });
      await advance();
      expect(writtenBoard().executions['another-run']).toEqual(otherExecution(0));
    });

    it('removes its entry from the board in its last round', async () => {
      givenBoard(progressOf(deleting(a, 'service-instances')), {
        executions: { [EXECUTION_NAME]: otherExecution(1, false), 'another-run': otherExecution(0) },
      });
      givenBeingDeleted({});
      cloudFormation.on(DescribeStacksCommand, { StackName: a }).resolves({ Stacks: [stack({ name: 'x', id: a, status: 'DELETE_COMPLETE' })] });
      const state = await advance();
      expect(state.done).toBe(true);
      expect(Object.keys(writtenBoard().executions)).toEqual(['another-run']);
    });

    it("reads the statuses from the board's listing when another execution read it within LISTING_FRESH_MS, without calling ListStacks", async () => {
      const listedAt = clock.now() - 5 * SECOND;
      givenBoard(progressOf(deleting(a, 'service-instances'), deleting(b, 'service-instances')), {
        executions: {},
        listing: { readAt: listedAt, stacks: { [a]: { status: 'DELETE_IN_PROGRESS' } } },
      });
      cloudFormation.on(DescribeStacksCommand, { StackName: b }).resolves({ Stacks: [stack({ name: 'b', id: b, status: 'DELETE_COMPLETE' })] });
      await advance();
      expect(cloudFormation.commandCalls(ListStacksCommand)).toEqual([]);
      expect(storedStack(a)).toMatchObject({ outcome: 'deleting', polls: 1 });
      // Not listed DELETE_IN_PROGRESS: confirmed by stack ID, as with its own listing.
      expect(storedStack(b)).toMatchObject({ outcome: 'deleted' });
    });

    it('leaves for the next round a stack whose deletion started after the shared listing was read, without reading it by stack ID', async () => {
      givenBoard(progressOf(deleting(a, 'service-instances', { startedAt: clock.now() - 2 * SECOND })), {
        executions: {},
        listing: { readAt: clock.now() - 5 * SECOND, stacks: {} },
      });
      await advance();
      expect(cloudFormation.commandCalls(DescribeStacksCommand, { StackName: a })).toEqual([]);
      expect(storedStack(a)).toMatchObject({ outcome: 'deleting', polls: 0 });
    });

    it('claims on the board the weight of a stack that becomes ready only once the round read what it waited for as ended, before its DeleteStack', async () => {
      serveObjects(s3, {
        [INVENTORY_KEY]: sampleInventory(),
        [PROGRESS_KEY]: progressOf(deleting(serviceInstanceStack, 'service-instances', { weight: 3 }), tracked(environmentStack, 'environment', { weight: 4 })),
        [BOARD_KEY]: { version: 1, executions: { 'another-run': otherExecution(0) } },
      });
      givenBeingDeleted({});
      givenStacks({ [serviceInstanceStack]: { status: 'DELETE_COMPLETE' } });
      givenConcurrentResourcesLimit(10);
      const order: string[] = [];
      s3.on(PutObjectCommand, { Key: BOARD_KEY }).callsFake((input: { Body?: string }) => {
        order.push(`board ${JSON.parse(String(input.Body)).executions[EXECUTION_NAME]?.weight ?? 'none'}`);
        return { ETag: `"${order.length}"` };
      });
      cloudFormation.on(DeleteStackCommand).callsFake(() => void order.push('DeleteStack'));
      await advance();
      const deleteAt = order.indexOf('DeleteStack');
      expect(deleteAt).toBeGreaterThan(0);
      expect(Number(order[deleteAt - 1]?.replace('board ', ''))).toBeGreaterThanOrEqual(4);
    });

    it('lists the stacks itself once the listing on the board is older than LISTING_FRESH_MS, and publishes its own', async () => {
      givenBoard(progressOf(deleting(a, 'service-instances')), { executions: {}, listing: { readAt: clock.now() - LISTING_FRESH_MS - 1, stacks: {} } });
      givenBeingDeleted({ [a]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(cloudFormation.commandCalls(ListStacksCommand)).toHaveLength(1);
      expect(writtenBoard().listing).toEqual({ readAt: clock.now(), stacks: { [a]: { status: 'DELETE_IN_PROGRESS' } }, by: EXECUTION_NAME });
    });

    it('still completes its round, starting its stacks, when every conditional write of the board loses the race', async () => {
      givenBoard(threeStacks(), { executions: {} });
      s3.on(PutObjectCommand, { Key: BOARD_KEY }).rejects(preconditionFailed());
      const state = await advance();
      expect(deletedStackIds()).toEqual([a, b, c]);
      expect(state.counts.deleting).toBe(3);
      // Each lost write read the board again before trying once more.
      expect(s3.commandCalls(GetObjectCommand, { Key: BOARD_KEY }).length).toBeGreaterThan(1);
    });

    it("after losing the race once, writes its entry onto the board the winner left, keeping the winner's entry", async () => {
      givenBoard(threeStacks(), { executions: {} });
      const winner = { version: 1, executions: { 'the-winner': otherExecution(0) } };
      let first = true;
      s3.on(PutObjectCommand, { Key: BOARD_KEY }).callsFake(() => {
        if (!first) return { ETag: '"mine"' };
        first = false;
        serveObjects(s3, {
          [INVENTORY_KEY]: inventoryOf([a, b, c].map((id) => stackToDelete(id, 'service-instances'))),
          [PROGRESS_KEY]: threeStacks(),
          [BOARD_KEY]: winner,
        });
        throw preconditionFailed();
      });
      givenConcurrentResourcesLimit(4);
      await advance();
      // Read again, the board names another execution wanting to start: half the limit.
      expect(deletedStackIds()).toEqual([a]);
      expect(Object.keys(writtenBoard().executions).sort()).toEqual([EXECUTION_NAME, 'the-winner']);
    });
  });

  describe('throttling and errors', () => {
    // The mocked client answers with the error the SDK raises once its attempts are spent: its retries do not run
    // here (test/handlers/delete-connection.test.ts counts them through a client's real middleware).
    it('leaves a stack whose DeleteStack answers Throttling pending for the next round, asking once, without failing the round', async () => {
      givenStored();
      givenStacks();
      cloudFormation.on(DeleteStackCommand, { StackName: serviceInstanceStack }).rejects(cloudFormationThrottling());
      const state = await advance();
      expect(deletedStackIds().filter((id) => id === serviceInstanceStack)).toHaveLength(1);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'pending', throttled: 1 });
      expect(state.counts).toMatchObject({ pending: 2, deleting: 0, failed: 0 });
    });

    it('goes on at once, without waiting, when the round ran out of time with deletions left to start', async () => {
      const stacks = Array.from({ length: 55 }, (_, n) => stackId(`AWSProton-instance${n}-cloudformation-X`));
      givenIndependentStacks(stacks);
      // The first batch of 50 takes the whole round's time (a throttled API, slow answers).
      cloudFormation.on(DeleteStackCommand).callsFake(() => {
        clock.set(clock.now() + 1_210);
      });
      const state = await advance();
      expect(deletedStackIds()).toHaveLength(50);
      expect(state.counts).toMatchObject({ pending: 5, deleting: 50 });
      expect(state.nextRoundAt).toBe(new Date(clock.now()).toISOString());
    });

    it("waits before the next round when the stacks' resources cannot be read for the re-check (no hot loop on a throttled API)", async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).rejects(taggingThrottled());
      const state = await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(state.nextRoundAt).toBe(new Date(clock.now() + START_POLL_INTERVAL_MS).toISOString());
    });

    it("counts the wait from the round's start: the next round is due one interval after this one began, not after it ended", async () => {
      givenIndependentStacks([stackId('AWSProton-instance1-cloudformation-X')]);
      // The deletion's request takes 4 s to answer; with every stack started, the next round is a status round (30 s).
      cloudFormation.on(DeleteStackCommand).callsFake(() => {
        clock.set(clock.now() + 4_000);
      });
      const roundStartedAt = clock.now();
      const state = await advance();
      expect(clock.now()).toBeGreaterThanOrEqual(roundStartedAt + 4_000);
      expect(state.nextRoundAt).toBe(new Date(roundStartedAt + ROUND_INTERVAL_MS).toISOString());
    });

    it('starts the next round at once when this one took longer than the interval', async () => {
      givenIndependentStacks([stackId('AWSProton-instance1-cloudformation-X'), stackId('AWSProton-instance2-cloudformation-X')]);
      cloudFormation.on(DeleteStackCommand).callsFake(() => {
        clock.set(clock.now() + ROUND_INTERVAL_MS);
      });
      const state = await advance();
      expect(state.nextRoundAt).toBe(new Date(clock.now()).toISOString());
    });

    it('waits the whole interval after a round the account throttled, however long it took (the wait is its backoff)', async () => {
      givenStored();
      givenStacks();
      tagging.on(GetResourcesCommand).callsFake(() => {
        clock.set(clock.now() + START_POLL_INTERVAL_MS);
        throw taggingThrottled();
      });
      const state = await advance();
      expect(state.nextRoundAt).toBe(new Date(clock.now() + START_POLL_INTERVAL_MS).toISOString());
    });

    it('still holds the deadline when ListStacks is throttled: a stack at its deadline is read by stack ID', async () => {
      givenStored(progressOf(deleting(environmentStack, 'environment', { startedAt: clock.now() - 60 * MINUTE })));
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
      const [denied, other] = [
        stackId('AWSProton-a-prod-cloudformation-A', 'aaaaaaaa-2222-3333-4444-555555555555'),
        stackId('AWSProton-b-prod-cloudformation-B', 'bbbbbbbb-2222-3333-4444-555555555555'),
      ] as const;
      givenIndependentStacks([denied, other]);
      cloudFormation
        .on(DeleteStackCommand, { StackName: denied })
        .rejects(cloudFormationError('AccessDenied', 'not authorized to perform: cloudformation:DeleteStack'));
      await advance();
      expect(storedStack(denied)).toMatchObject({ outcome: 'failed', error: { Error: 'AccessDenied', Cause: expect.stringContaining('not authorized') } });
      expect(storedStack(other)).toMatchObject({ outcome: 'deleting' });
    });
  });

  describe("the serving rule, read again before the round's first deletion", () => {
    const OTHER = connectionIdOf(2);
    const servedBy = `environment ${ENVIRONMENT_NAME} is still served by connection ${OTHER} (CONNECTED)`;

    it("lists this account's connections for the environment once, before the round's first DeleteStack", async () => {
      givenStored();
      givenStacks();
      const order: string[] = [];
      proton.on(ListEnvironmentAccountConnectionsCommand).callsFake(() => {
        order.push('ListEnvironmentAccountConnections');
        return { environmentAccountConnections: [connectionSummary(CONNECTION_ID)] };
      });
      cloudFormation.on(DeleteStackCommand).callsFake(() => void order.push('DeleteStack'));
      await advance();
      expect(order).toEqual(['ListEnvironmentAccountConnections', 'DeleteStack']);
      expect(proton.commandCalls(ListEnvironmentAccountConnectionsCommand)[0]?.args[0].input).toMatchObject({
        environmentName: ENVIRONMENT_NAME,
        requestedBy: 'ENVIRONMENT_ACCOUNT',
      });
    });

    it('starts nothing, and retains every pending stack with the reason, when another connection serves the environment again', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER));
      givenStored();
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining(servedBy) });
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining(servedBy) });
    });

    it('records in the progress why the cleanup was held back, for the report', async () => {
      givenConnections(connectionSummary(OTHER, { status: 'PENDING' }));
      givenStored();
      givenStacks();
      await advance();
      expect(storedProgress().heldBack).toContain(`connection ${OTHER} (PENDING)`);
    });

    it('lets a stack already deleting go on (CloudFormation cannot stop it), while holding back the stacks still pending', async () => {
      const another = stackId('AWSProton-web-prod-cloudformation-GHI789', 'cccccccc-2222-3333-4444-555555555555');
      givenConnections(connectionSummary(OTHER));
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), tracked(another, 'service-instances')));
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(serviceInstanceStack)).toMatchObject({ outcome: 'deleting' });
      expect(storedStack(another)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining(servedBy) });
    });

    it('does not delete a DELETE_FAILED stack again (retainFailedResources) once the environment is served: it stays failed, saying why', async () => {
      givenConnections(connectionSummary(OTHER));
      givenStored(progressOf(deleting(environmentStack, 'environment')));
      givenBeingDeleted({ [environmentStack]: 'DELETE_FAILED' });
      givenStacks({ [environmentStack]: { status: 'DELETE_FAILED' } });
      cloudFormation
        .on(DescribeStackEventsCommand)
        .resolves({ StackEvents: [stackEvent({ stackId: environmentStack, logicalId: 'ArtifactBucket', status: 'DELETE_FAILED', reason: 'not empty' })] });
      await advance({ retainFailedResources: true });
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`not deleted again: ${servedBy}`) });
    });

    it('asks Proton nothing in a round that has nothing to start', async () => {
      givenStored(progressOf(deleting(serviceInstanceStack, 'service-instances'), tracked(environmentStack, 'environment')));
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS' });
      await advance();
      expect(proton.calls()).toEqual([]);
    });

    it('asks Proton nothing with protonApi=retired, and deletes what the inventory proved', async () => {
      givenStored();
      givenStacks();
      await advance({ connection: connectionFacts({ source: 'request', protonApi: 'retired' }) });
      expect(proton.calls()).toEqual([]);
      expect(deletedStackIds()).toEqual([serviceInstanceStack]);
    });

    it('fails the round, starting nothing, when the connections cannot be listed (the state machine retries it)', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ECONNRESET'));
      givenStored();
      givenStacks();
      await expect(advance()).rejects.toMatchObject({ name: 'NetworkError' });
      expect(deletedStackIds()).toEqual([]);
    });
  });

  describe('holding dependents back', () => {
    const blockerName = serviceInstanceStackName;

    it("retains the environment's stack, not started, when a service instance stack's deletion failed", async () => {
      givenStored(
        progressOf(
          tracked(serviceInstanceStack, 'service-instances', { outcome: 'failed', reason: 'DELETE_FAILED: bucket not empty' }),
          tracked(environmentStack, 'environment'),
        ),
      );
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({
        outcome: 'retained',
        reason: expect.stringMatching(new RegExp(`^not started: waits for ${blockerName} \\(failed: DELETE_FAILED: bucket not empty\\).*re-run after fixing`)),
      });
    });

    it("retains the environment's stack, not started, when a service instance stack timed out (maxStackDeletionMinutes)", async () => {
      givenStored(
        progressOf(deleting(serviceInstanceStack, 'service-instances', { startedAt: clock.now() - 60 * MINUTE }), tracked(environmentStack, 'environment')),
      );
      givenBeingDeleted({ [serviceInstanceStack]: 'DELETE_IN_PROGRESS' });
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({
        outcome: 'retained',
        reason: expect.stringContaining(`not started: waits for ${blockerName} (failed: still DELETE_IN_PROGRESS`),
      });
    });

    it("retains the environment's stack, not started, when the re-check retained a service instance stack", async () => {
      givenStored(
        progressOf(
          tracked(serviceInstanceStack, 'service-instances', { outcome: 'retained', reason: 're-checked before deletion: termination protection is on' }),
          tracked(environmentStack, 'environment'),
        ),
      );
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({
        outcome: 'retained',
        reason: expect.stringContaining(`not started: waits for ${blockerName} (retained: re-checked before deletion`),
      });
    });

    it("retains the environment's stack, not started, when the inventory retained a service instance stack", async () => {
      const kept = {
        ...stackToDelete(serviceInstanceStack, 'service-instances'),
        action: 'retain' as const,
        reason: 'protected: tagged proton-cleanup:protect',
      };
      serveObjects(s3, { [INVENTORY_KEY]: inventoryOf([kept, stackToDelete(environmentStack, 'environment')]) });
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([]);
      expect(storedStack(environmentStack)).toMatchObject({
        outcome: 'retained',
        reason: expect.stringContaining(`not started: waits for ${blockerName} (retained: protected`),
      });
    });

    it("starts the environment's stack once every stack it waits for is deleted or already absent", async () => {
      givenStored(progressOf(tracked(serviceInstanceStack, 'service-instances', { outcome: 'already-absent' }), tracked(environmentStack, 'environment')));
      givenStacks();
      await advance();
      expect(deletedStackIds()).toEqual([environmentStack]);
    });
  });

  it('refuses to run in plan mode, calling nothing', async () => {
    givenStored();
    await expect(advance({ mode: 'plan' })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(cloudFormation.calls()).toEqual([]);
  });
});
