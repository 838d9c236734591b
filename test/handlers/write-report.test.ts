import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { CleanupProgress } from '../../functions/domain/cleanup-progress.js';
import { type Report, ReportSchema } from '../../functions/domain/report.js';
import type { StandaloneProgress } from '../../functions/domain/standalone-deletion.js';
import type { Verification } from '../../functions/domain/verification.js';
import { handler } from '../../functions/write-report.js';
import {
  CONNECTION_ID,
  cleanupRequest,
  EXECUTION_NAME,
  executionKey,
  mockedClients,
  REPORT_BUCKET,
  ROLE_ARN,
  sampleEnvironment,
  sampleInventory,
  serveObjects,
  stackProgress,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [s3] = mockedClients(S3Client);

const STARTED_AT = '2024-01-03T00:00:00.000Z';
const REPORT_KEY = `reports/${EXECUTION_NAME}.json`;
const INVENTORY_KEY = executionKey('inventory.json');
const VERIFICATION_KEY = executionKey('verification.json');

/** What a whole execute run on the sample environment gathered: the environment stack failed, the service instance stack went. */
const { environmentStack, serviceInstanceStack, bucketArn, logGroupArn, queueArn } = sampleEnvironment;
const inventory = sampleInventory();
const verification: Verification = {
  version: 1,
  checkedAt: '2024-01-03T00:09:00.000Z',
  remaining: [{ id: bucketArn, outcome: 'retained', cause: 'deletion-policy', reason: 'kept by its DeletionPolicy (Retain)' }],
  appeared: [],
  standalone: [],
};

const PROGRESS_KEY = executionKey('cleanup-progress.json');
const STANDALONE_KEY = executionKey('standalone-progress.json');

/** The stand-alone deletions as the loop's last invocation stored them: the bucket CloudFormation kept, emptied and deleted. */
const standaloneProgress = (overrides: Partial<StandaloneProgress['items'][number]> = {}): StandaloneProgress => ({
  version: 1,
  batch: 2,
  items: [
    {
      arn: bucketArn,
      type: 's3:bucket',
      writtenBefore: '2024-01-03T00:01:00.000Z',
      outcome: 'deleted',
      calls: 2,
      reason: 'deleted (deleteTypes lists s3:bucket)',
      ...overrides,
    },
  ],
});

/** The cleanup's progress as the last round stored it. */
const progress: CleanupProgress = {
  version: 1,
  round: 12,
  stacks: [
    {
      ...stackProgress({ stackId: serviceInstanceStack, phase: 'service-instances', outcome: 'deleted', polls: 3 }),
      nestedStackIds: [],
      hasExports: false,
      weight: 1,
    },
    {
      ...stackProgress({ stackId: environmentStack, outcome: 'failed', polls: 5, reason: 'DELETE_FAILED; ArtifactBucket: not empty' }),
      nestedStackIds: [],
      hasExports: true,
      weight: 1,
    },
  ],
  keptByInventory: [],
};

function givenACompletedExecuteRun() {
  serveObjects(s3, { [INVENTORY_KEY]: inventory, [VERIFICATION_KEY]: verification, [PROGRESS_KEY]: progress });
  return {
    request: cleanupRequest({ mode: 'execute' }),
    connection: inventory.connection,
    inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY }, counts: {} },
    deletion: { outcome: 'deleted', attempts: 2 },
    cleanup: { round: 12, done: true, nextRoundAt: STARTED_AT, progress: { bucket: REPORT_BUCKET, key: PROGRESS_KEY }, counts: {} },
    verification: { location: { bucket: REPORT_BUCKET, key: VERIFICATION_KEY }, remaining: 1, appeared: 0 },
  };
}

const writeReport = (state: unknown) => handler({ executionName: EXECUTION_NAME, startedAt: STARTED_AT, state });
const storedReport = (): Report => ReportSchema.parse(writtenObject(s3, REPORT_KEY));

describe('WriteReport handler', () => {
  describe('after a completed run', () => {
    it("reads the inventory, the cleanup's progress and the verification from S3", async () => {
      await writeReport(givenACompletedExecuteRun());
      const keys = s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Key);
      expect(keys.sort()).toEqual([INVENTORY_KEY, PROGRESS_KEY, VERIFICATION_KEY].sort());
    });

    it('writes the report to reports/<executionName>.json in the report bucket and returns where', async () => {
      const result = await writeReport(givenACompletedExecuteRun());
      expect(result.location).toEqual({ bucket: REPORT_BUCKET, key: REPORT_KEY });
      expect(result.uri).toBe(`s3://${REPORT_BUCKET}/${REPORT_KEY}`);
      expect(s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input)).toContainEqual(
        expect.objectContaining({ Bucket: REPORT_BUCKET, Key: REPORT_KEY, ContentType: 'application/json' }),
      );
    });

    it('writes the Markdown and HTML reports beside the JSON, with their content types, and returns where', async () => {
      const result = await writeReport(givenACompletedExecuteRun());
      const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
      expect(puts.map((p) => [p.Key, p.ContentType])).toEqual(
        expect.arrayContaining([
          [`reports/${EXECUTION_NAME}.md`, 'text/markdown; charset=utf-8'],
          [`reports/${EXECUTION_NAME}.html`, 'text/html; charset=utf-8'],
        ]),
      );
      expect(result).toMatchObject({
        markdown: { bucket: REPORT_BUCKET, key: `reports/${EXECUTION_NAME}.md` },
        html: { bucket: REPORT_BUCKET, key: `reports/${EXECUTION_NAME}.html` },
      });
    });

    it('renders the Markdown and HTML reports from the report it stored', async () => {
      await writeReport(givenACompletedExecuteRun());
      const body = (key: string) => String(s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key)?.args[0].input.Body);
      expect(body(`reports/${EXECUTION_NAME}.md`)).toContain('## Failed (1)');
      expect(body(`reports/${EXECUTION_NAME}.html`)).toContain(`<table id="resources"`);
    });

    it('stores a report that matches the report schema, for the execution', async () => {
      await writeReport(givenACompletedExecuteRun());
      expect(storedReport()).toMatchObject({
        status: 'succeeded',
        mode: 'execute',
        execution: { name: EXECUTION_NAME, startedAt: STARTED_AT },
        connection: { id: CONNECTION_ID, outcome: 'deleted', attempts: 2 },
      });
    });

    it('reports every inventoried resource once, with what happened to it', async () => {
      await writeReport(givenACompletedExecuteRun());
      expect(Object.fromEntries(storedReport().resources.map((r) => [r.id, r.outcome]))).toEqual({
        [environmentStack]: 'failed',
        [serviceInstanceStack]: 'deleted',
        [bucketArn]: 'retained',
        [logGroupArn]: 'deleted',
        [queueArn]: 'deleted',
        [ROLE_ARN]: 'retained',
      });
      expect(storedReport().resources).toHaveLength(6);
    });

    it('returns the status and a summary whose counts add up to the total', async () => {
      const result = await writeReport(givenACompletedExecuteRun());
      expect(result.status).toBe('succeeded');
      expect(result.summary).toEqual({ total: 6, deleted: 3, alreadyAbsent: 0, retained: 2, failed: 1, planned: 0 });
      const { total, ...outcomes } = result.summary;
      expect(Object.values(outcomes).reduce((sum, n) => sum + n, 0)).toBe(total);
    });

    it('returns the same summary it stored', async () => {
      const result = await writeReport(givenACompletedExecuteRun());
      expect(result.summary).toEqual(storedReport().summary);
    });
  });

  it('reports a plan-mode run with every deletion planned', async () => {
    serveObjects(s3, { [INVENTORY_KEY]: inventory });
    const result = await writeReport({
      request: cleanupRequest({ mode: 'plan' }),
      inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } },
    });
    expect(result.summary).toEqual({ total: 6, deleted: 0, alreadyAbsent: 0, retained: 1, failed: 0, planned: 5 });
    expect(storedReport().connection.outcome).toBe('planned');
  });

  describe('what the connection safety rules decided', () => {
    const SERVED = 'environment prod is still served by connection 00000000-0000-4000-8000-000000000002 (CONNECTED): nothing of it is deleted';

    it('says why the cleanup was held back when the environment became served during the run', async () => {
      const state = givenACompletedExecuteRun();
      const heldBackProgress: CleanupProgress = {
        ...progress,
        heldBack: SERVED,
        stacks: progress.stacks.map((s) => (s.stackId === environmentStack ? { ...s, outcome: 'retained', reason: SERVED } : s)),
      };
      serveObjects(s3, { [INVENTORY_KEY]: inventory, [VERIFICATION_KEY]: verification, [PROGRESS_KEY]: heldBackProgress });
      await writeReport(state);
      expect(storedReport().heldBack).toBe(SERVED);
      expect(storedReport().resources.find((r) => r.id === environmentStack)).toMatchObject({ outcome: 'retained', reason: SERVED });
    });

    it('says why the environment was held back when the inventory found it served', async () => {
      serveObjects(s3, { [INVENTORY_KEY]: { ...inventory, heldBack: SERVED } });
      await writeReport({ request: cleanupRequest({ mode: 'plan' }), inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } } });
      expect(storedReport().heldBack).toBe(SERVED);
    });

    it('has no heldBack when nothing was held back', async () => {
      await writeReport(givenACompletedExecuteRun());
      expect(storedReport()).not.toHaveProperty('heldBack');
    });

    it('records the connection as not-attempted, with the reason, for a cleanup by environment', async () => {
      const reason = 'the request names environment prod, not a connection: a cleanup by environment never deletes a connection';
      await writeReport({ ...givenACompletedExecuteRun(), deletion: { outcome: 'not-attempted', attempts: 1, reason } });
      expect(storedReport().connection).toMatchObject({ outcome: 'not-attempted', reason });
    });

    it('records the connection as unreachable by choice with protonApi=retired, with the reason', async () => {
      const reason = 'protonApi=retired: this deployment never calls Proton, by choice';
      await writeReport({ ...givenACompletedExecuteRun(), deletion: { outcome: 'unreachable', attempts: 1, reason } });
      expect(storedReport().connection).toMatchObject({ outcome: 'unreachable', reason });
    });

    it('lists every environment a sweep found, skipped ones with why, started ones with their execution', async () => {
      const section = {
        environmentName: 'prod',
        managementAccountId: '444455556666',
        environmentArn: 'arn:aws:proton:us-east-1:444455556666:environment/prod',
        resources: 4,
      };
      const sweep = [
        {
          ...section,
          outcome: 'started',
          reason: "no connection of this account serves it any more (Proton's own list)",
          execution: 'sweep-x-execute-prod-1',
          report: 'reports/sweep-x-execute-prod-1.json',
        },
        { ...section, environmentName: 'dev', environmentArn: section.environmentArn.replace('/prod', '/dev'), outcome: 'skipped', reason: SERVED },
      ];
      const SWEEP_KEY = executionKey('sweep.json');
      serveObjects(s3, { [SWEEP_KEY]: { environments: sweep } });
      await writeReport({
        request: cleanupRequest({ connectionId: undefined, sweep: true, mode: 'execute' }),
        sweep: { location: { bucket: REPORT_BUCKET, key: SWEEP_KEY } },
      });
      expect(storedReport().sweep).toEqual(sweep);
      expect(storedReport().connection).toMatchObject({ outcome: 'not-attempted', reason: expect.stringContaining('2 environment(s) found, 1 cleaned up') });
    });
  });

  describe('on the failure path', () => {
    const rejected = {
      failure: {
        Error: 'InvalidRequest',
        Cause: JSON.stringify({ errorType: 'InvalidRequest', errorMessage: 'Invalid request: connectionId: expected a UUID' }),
      },
    };

    it('writes a failed report from nothing but the failure', async () => {
      const result = await writeReport(rejected);
      expect(result).toMatchObject({ status: 'failed', location: { bucket: REPORT_BUCKET, key: REPORT_KEY } });
      expect(result.summary).toEqual({ total: 0, deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0, planned: 0 });
    });

    it('stores the error and its message, with no request', async () => {
      await writeReport(rejected);
      expect(storedReport()).toMatchObject({
        status: 'failed',
        request: null,
        failure: { error: 'InvalidRequest', message: 'Invalid request: connectionId: expected a UUID' },
        connection: { outcome: 'not-attempted' },
      });
    });

    it('reads nothing from S3 when the state holds no references', async () => {
      await writeReport(rejected);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('reports a connection deletion that failed for good, and the stacks it never reached', async () => {
      serveObjects(s3, { [INVENTORY_KEY]: inventory });
      const throttled = { Error: 'ThrottlingException', Cause: 'DeleteEnvironmentAccountConnection: Rate exceeded' };
      const result = await writeReport({
        request: cleanupRequest({ mode: 'execute' }),
        inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } },
        deletion: throttled,
        failure: throttled,
      });
      expect(result.status).toBe('failed');
      expect(storedReport().connection).toMatchObject({ outcome: 'failed', error: expect.stringContaining('ThrottlingException') });
      expect(result.summary).toMatchObject({ total: 6, retained: 6 });
    });

    it('reports what the cleanup loop had done when it failed, from the progress its last round stored', async () => {
      serveObjects(s3, { [INVENTORY_KEY]: inventory, [PROGRESS_KEY]: progress });
      const denied = { Error: 'AccessDenied', Cause: 'ListStacks: not authorized' };
      await writeReport({
        request: cleanupRequest({ mode: 'execute' }),
        inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } },
        deletion: { outcome: 'deleted', attempts: 1 },
        cleanup: { round: 0, nextRoundAt: STARTED_AT },
        failure: denied,
      });
      expect(
        Object.fromEntries(
          storedReport()
            .resources.filter((r) => r.type === 'cloudformation:stack')
            .map((r) => [r.id, r.outcome]),
        ),
      ).toEqual({
        [serviceInstanceStack]: 'deleted',
        [environmentStack]: 'failed',
      });
    });
  });

  describe('the stand-alone deletions', () => {
    it("reports each stand-alone resource with the outcome the loop stored, read from S3 (the state holds only the loop's counts)", async () => {
      const state = givenACompletedExecuteRun();
      serveObjects(s3, { [INVENTORY_KEY]: inventory, [VERIFICATION_KEY]: verification, [PROGRESS_KEY]: progress, [STANDALONE_KEY]: standaloneProgress() });
      await writeReport({ ...state, standaloneCleanup: { batch: 2, done: true } });
      expect(storedReport().resources.find((r) => r.id === bucketArn)).toMatchObject({ outcome: 'deleted', reason: 'deleted (deleteTypes lists s3:bucket)' });
    });

    it('reports, on the failure path, what the loop had done, from the progress an invocation stored before failing', async () => {
      const state = givenACompletedExecuteRun();
      serveObjects(s3, {
        [INVENTORY_KEY]: inventory,
        [VERIFICATION_KEY]: verification,
        [PROGRESS_KEY]: progress,
        [STANDALONE_KEY]: standaloneProgress({ outcome: 'in-progress', calls: 3, reason: undefined }),
      });
      await writeReport({ ...state, failure: { Error: 'AccessDenied', Cause: 'PutObject: not authorized' } });
      expect(storedReport().resources.find((r) => r.id === bucketArn)).toMatchObject({
        outcome: 'failed',
        error: 'still emptying after 3 calls when the run stopped: re-run to go on',
      });
    });

    it('says why the deletions stopped when the environment was served again during them', async () => {
      const served = 'environment prod is still served by connection 00000000-0000-4000-8000-000000000002 (CONNECTED): nothing of it is deleted';
      const state = givenACompletedExecuteRun();
      serveObjects(s3, {
        [INVENTORY_KEY]: inventory,
        [VERIFICATION_KEY]: verification,
        [PROGRESS_KEY]: progress,
        [STANDALONE_KEY]: { ...standaloneProgress({ outcome: 'retained', reason: served }), heldBack: served },
      });
      await writeReport({ ...state, standaloneCleanup: { batch: 1, done: true } });
      expect(storedReport().heldBack).toBe(served);
    });
  });

  it('rejects state input without startedAt as InvalidStateInput and writes nothing', async () => {
    await expect(handler({ executionName: EXECUTION_NAME, state: {} })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(s3.calls()).toHaveLength(0);
  });
});
