import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/check-for-running-cleanup.js';
import { CONNECTION_ID, EXECUTION_NAME, HUB_TARGET, mockedClients, preconditionFailed, REPORT_BUCKET, s3JsonBody } from '../helpers/sdk-fixtures.js';

const [s3, sfn] = mockedClients(S3Client, SFNClient);
const STATE_MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:proton-connection-cleanup-test';
const KEY = 'leases/environment/444455556666/payments-prod.json';
const input = (mode: 'plan' | 'execute' = 'execute') => ({
  connectionId: CONNECTION_ID,
  environmentName: 'payments-prod',
  managementAccountId: '444455556666',
  mode,
  target: HUB_TARGET,
  stateMachineArn: STATE_MACHINE,
  executionName: EXECUTION_NAME,
});
const existingLease = (holder: string, extra: object = {}) =>
  s3
    .on(GetObjectCommand)
    .callsFake(() => ({ Body: s3JsonBody({ holder, target: 'payments-prod@444455556666', takenAt: '2026-11-25T09:00:00Z', ...extra }), ETag: '"held"' }));
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);

describe('CheckForRunningCleanup handler', () => {
  it('takes a free lease with one conditional write (IfNoneMatch "*"), and lists no executions', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"mine"' });

    await expect(handler(input())).resolves.toEqual({ runningCleanup: null, lease: { bucket: REPORT_BUCKET, key: KEY, etag: '"mine"' } });
    expect(puts()).toEqual([expect.objectContaining({ Bucket: REPORT_BUCKET, Key: KEY, IfNoneMatch: '*' })]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('yields to the running execution that holds the lease (one DescribeExecution)', async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    existingLease('earlier-run');
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });

    await expect(handler(input())).resolves.toEqual({ runningCleanup: 'earlier-run', lease: null });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { executionArn: 'arn:aws:states:us-east-1:111122223333:execution:proton-connection-cleanup-test:earlier-run' },
    ]);
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });

  it('takes over the lease of a closed execution with IfMatch on the ETag it read', async () => {
    s3.on(PutObjectCommand).callsFake((i: { IfNoneMatch?: string }) => {
      if (i.IfNoneMatch) throw preconditionFailed();
      return { ETag: '"taken-over"' };
    });
    existingLease('earlier-run');
    sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED' });

    await expect(handler(input())).resolves.toMatchObject({ runningCleanup: null, lease: { etag: '"taken-over"' } });
    expect(puts()[1]).toMatchObject({ IfMatch: '"held"' });
    expect(JSON.parse(String(puts()[1]?.Body))).toMatchObject({ holder: EXECUTION_NAME });
  });

  it('takes over a released lease without asking Step Functions', async () => {
    s3.on(PutObjectCommand).callsFake((i: { IfNoneMatch?: string }) => {
      if (i.IfNoneMatch) throw preconditionFailed();
      return { ETag: '"taken"' };
    });
    existingLease('earlier-run', { released: true });

    await expect(handler(input())).resolves.toMatchObject({ runningCleanup: null, lease: { etag: '"taken"' } });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('keeps a lease an earlier attempt of this same execution took (the answer was lost)', async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    existingLease(EXECUTION_NAME);

    await expect(handler(input())).resolves.toEqual({ runningCleanup: null, lease: { bucket: REPORT_BUCKET, key: KEY, etag: '"held"' } });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('yields to the run that took the lease over between its read and its write', async () => {
    let reads = 0;
    s3.on(PutObjectCommand).rejects(preconditionFailed());
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: s3JsonBody({ holder: reads++ === 0 ? 'closed-run' : 'racing-run', target: 't', takenAt: 'x' }),
      ETag: `"v${reads}"`,
    }));
    sfn.on(DescribeExecutionCommand).callsFake((i: { executionArn: string }) => ({ status: i.executionArn.endsWith(':closed-run') ? 'SUCCEEDED' : 'RUNNING' }));

    await expect(handler(input())).resolves.toEqual({ runningCleanup: 'racing-run', lease: null });
  });

  it('in plan mode neither takes nor yields: no call at all', async () => {
    await expect(handler(input('plan'))).resolves.toEqual({ runningCleanup: null, lease: null });
    expect(s3.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});
