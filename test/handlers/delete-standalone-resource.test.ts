import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ProtonClient } from '@aws-sdk/client-proton';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/delete-standalone-resource.js';
import { type StandaloneItem, type StandaloneProgress, StandaloneProgressSchema } from '../../functions/domain/standalone-deletion.js';
import type { Verification } from '../../functions/domain/verification.js';
import { clockAt } from '../helpers/clock.js';
import {
  CONNECTION_ID,
  connectionFacts,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_ARN,
  EXECUTION_NAME,
  executionKey,
  givenConnections,
  HUB_TARGET,
  mockedClients,
  REPORT_BUCKET,
  serveObjects,
  standaloneArn,
  standaloneError,
  tagMapping,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [s3, tagging, logs, proton] = mockedClients(S3Client, ResourceGroupsTaggingAPIClient, CloudWatchLogsClient, ProtonClient);

const VERIFICATION_KEY = executionKey('verification.json');
const PROGRESS_KEY = executionKey('standalone-progress.json');
const WRITTEN_BEFORE = '2026-11-25T09:00:00.000Z';
const group = (n: number) => standaloneArn.logGroup(`/prod/leftover-${n}`);
const candidate = (arn: string) => ({ arn, type: 'logs:log-group', writtenBefore: WRITTEN_BEFORE });

/** A clock the test moves by hand (the calls take no time unless a fake moves it). */
const clock = clockAt('2026-11-25T10:00:00.000Z');

beforeEach(() => {
  givenConnections(proton, connectionSummary(CONNECTION_ID));
  s3.on(PutObjectCommand).resolves({});
  logs.on(DeleteLogGroupCommand).resolves({});
});

/** What S3 holds: the verification with these resources, and the progress an earlier invocation stored (none in the first). */
function givenStored(arns: string[], progress?: StandaloneProgress): void {
  const verification: Verification = { version: 1, checkedAt: WRITTEN_BEFORE, remaining: [], appeared: [], standalone: arns.map(candidate) };
  serveObjects(s3, { [VERIFICATION_KEY]: verification, ...(progress ? { [PROGRESS_KEY]: progress } : {}) });
}

/** The Tagging API's answer for each ARN re-read: its tags now (none: untagged or gone). */
function givenTags(tags: Record<string, Record<string, string> | undefined>): void {
  tagging.on(GetResourcesCommand).callsFake((input: { ResourceARNList?: string[] }) => ({
    ResourceTagMappingList: (input.ResourceARNList ?? []).flatMap((arn) => (tags[arn] ? [tagMapping(arn, tags[arn])] : [])),
    PaginationToken: '',
  }));
}
const ours = { 'proton:environment': ENVIRONMENT_ARN };

const item = (arn: string, overrides: Partial<StandaloneItem> = {}): StandaloneItem => ({ ...candidate(arn), outcome: 'pending', calls: 0, ...overrides });

const invoke = (roundsUsed = 3) =>
  handler({
    target: HUB_TARGET,
    verification: { location: { bucket: REPORT_BUCKET, key: VERIFICATION_KEY }, remaining: 0, appeared: 0, standalone: 2 },
    mode: 'execute',
    connection: connectionFacts(),
    roundsUsed,
    batchAt: new Date(clock.now()).toISOString(),
    executionName: EXECUTION_NAME,
  });

const stored = () => StandaloneProgressSchema.parse(writtenObject(s3, PROGRESS_KEY));
const deletedGroups = () => logs.commandCalls(DeleteLogGroupCommand).map((call) => call.args[0].input.logGroupName);

describe('DeleteStandaloneResources handler', () => {
  it("starts from the stored verification's resources, deletes them, and stores the outcomes under the execution: the state holds counts", async () => {
    givenStored([group(1), group(2)]);
    givenTags({ [group(1)]: ours, [group(2)]: ours });

    await expect(invoke()).resolves.toEqual({
      batch: 1,
      done: true,
      nextBatchAt: new Date(clock.now()).toISOString(),
      progress: { bucket: REPORT_BUCKET, key: PROGRESS_KEY },
      counts: { pending: 0, deleting: 0, deleted: 2, alreadyAbsent: 0, retained: 0, failed: 0 },
    });
    expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key)).toEqual([PROGRESS_KEY, VERIFICATION_KEY]);
    expect(stored().items.map((i) => [i.arn, i.outcome, i.reason])).toEqual([
      [group(1), 'deleted', 'deleted (deleteTypes lists logs:log-group)'],
      [group(2), 'deleted', 'deleted (deleteTypes lists logs:log-group)'],
    ]);
  });

  it('re-reads the tags right before each delete: a resource re-tagged since is retained, untouched', async () => {
    givenStored([group(1), group(2)]);
    givenTags({ [group(1)]: { 'proton:environment': 'arn:aws:proton:us-east-1:444455556666:environment/other' }, [group(2)]: ours });

    await invoke();
    expect(deletedGroups()).toEqual(['/prod/leftover-2']);
    expect(stored().items[0]).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/its tags changed since the inventory/) });
  });

  it('stores every resource of a group as possibly called before its delete calls go out', async () => {
    givenStored([group(1)]);
    givenTags({ [group(1)]: ours });

    await invoke();
    const writes = s3.commandCalls(PutObjectCommand).map((call) => StandaloneProgressSchema.parse(JSON.parse(String(call.args[0].input.Body))));
    expect(writes.map((w) => [w.items[0]?.outcome, w.items[0]?.deleteCalled])).toEqual([
      ['pending', true],
      ['deleted', undefined],
    ]);
  });

  it('reports a resource deleted, calling nothing more, when an invocation lost after its delete call left it gone', async () => {
    givenStored([group(1)], { version: 1, batch: 0, items: [item(group(1), { deleteCalled: true })] });
    givenTags({});

    await invoke();
    expect(deletedGroups()).toEqual([]);
    expect(stored().items[0]).toMatchObject({ outcome: 'deleted', reason: expect.stringMatching(/interrupted attempt of this run/) });
  });

  it('leaves a resource no longer tagged alone when no attempt of this run called its delete', async () => {
    givenStored([group(1)]);
    givenTags({});

    await invoke();
    expect(stored().items[0]).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/no longer tagged for this environment/) });
  });

  it('deletes nothing more, retaining the rest with the reason, once another connection serves the environment again', async () => {
    givenStored([group(1), group(2)]);
    givenTags({ [group(1)]: ours, [group(2)]: ours });
    givenConnections(proton, connectionSummary(CONNECTION_ID), connectionSummary(connectionIdOf(2)));

    await expect(invoke()).resolves.toMatchObject({ done: true, counts: { retained: 2 } });
    expect(deletedGroups()).toEqual([]);
    expect(stored().heldBack).toMatch(/still served by connection/);
  });

  it('comes back at once when it ran out of time with resources due, leaving those it did not reach as they were', async () => {
    const groups = Array.from({ length: 12 }, (_, i) => group(i));
    givenStored(groups);
    givenTags(Object.fromEntries(groups.map((arn) => [arn, ours])));
    // Each deletion takes 10 s: ten at once (mapConcurrency) spend the minute; the last two are not reached.
    logs.on(DeleteLogGroupCommand).callsFake(() => {
      clock.set(clock.now() + 10_000);
      return {};
    });

    const state = await invoke();
    expect(state).toMatchObject({ done: false, nextBatchAt: new Date(clock.now()).toISOString(), counts: { pending: 2, deleted: 10 } });
    expect(stored().items.slice(10)).toEqual([item(group(10)), item(group(11))]);
  });

  it('tries a resource again after a backoff when its delete fails transiently, and comes back then', async () => {
    givenStored([group(1)]);
    givenTags({ [group(1)]: ours });
    logs.on(DeleteLogGroupCommand).rejects(standaloneError.logsThrottling());

    const state = await invoke();
    expect(state).toMatchObject({ done: false, nextBatchAt: new Date(clock.now() + 2_000).toISOString(), counts: { pending: 1 } });
    expect(stored().items[0]).toMatchObject({
      outcome: 'pending',
      transientErrors: 1,
      deleteCalled: true,
      lastError: expect.stringMatching(/^ThrottlingException/),
    });
  });

  it('ends with what the history budget leaves: a resource never started is retained, saying a re-run continues', async () => {
    // 2,000 rounds leave 88 invocations; this is the 88th.
    givenStored([group(1)], { version: 1, batch: 87, items: [item(group(1), { dueAt: clock.now() + 60_000 })] });
    givenTags({ [group(1)]: ours });

    await expect(invoke(2_000)).resolves.toMatchObject({ batch: 88, done: true, counts: { retained: 1 } });
    expect(deletedGroups()).toEqual([]);
    expect(stored().items[0]).toMatchObject({
      outcome: 'retained',
      reason: expect.stringMatching(/^not started: the run reached its limit of 88 invocations.*re-run to continue$/),
    });
  });
});
