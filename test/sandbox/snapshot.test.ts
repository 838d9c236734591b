import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import { ScenarioSchema } from '../../local/sandbox/scenario.js';
import { restoreSandbox, type SandboxSnapshot, SnapshotError, snapshotSandbox } from '../../local/sandbox/snapshot.js';
import { environmentStack, fault, MANAGEMENT_ACCOUNT, scenario, serviceInstanceStack, standaloneResource } from '../helpers/scenarios.js';
import { INSTANT, sandboxOf, send } from './fixtures.js';

/**
 * The sandbox saved and restored (the operator CLI's --state): a restored sandbox answers every
 * SDK call the way the saved one would have, and goes on in time the same way.
 */
const BUCKET = 'payments-prod-data';
const SCENARIO = {
  stacks: [
    environmentStack({ name: 'AWSProton-env', deleteSeconds: 600, tags: { team: 'payments' } }),
    serviceInstanceStack('api', { name: 'AWSProton-api', deleteSeconds: 120 }),
  ],
  standaloneResources: [standaloneResource('AWS::S3::Bucket', BUCKET, { objects: 5 })],
  parameters: { [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/payments-prod`]: '2026-12-15' },
  faults: [fault('DescribeStacks', 'throttle', { after: 1, times: 2 })],
  changes: [
    { at: 30, action: 'tag' as const, target: { stack: 'AWSProton-env' }, tags: { owner: 'someone' } },
    { at: 900, action: 'termination-protection' as const, stack: 'AWSProton-env', enabled: true },
  ],
  timing: INSTANT,
};

/** A sandbox some way into a cleanup: a deletion in flight, a bucket half emptied, a report written, an execution recorded. */
function sandboxInUse(): Sandbox {
  const sandbox = sandboxOf(SCENARIO);
  const api = [...sandbox.account.stacks.values()].find((s) => s.name === 'AWSProton-api');
  send(sandbox, 'cloudformation:DescribeStacks', {});
  send(sandbox, 'cloudformation:DescribeStacks', {});
  send(sandbox, 'cloudformation:DeleteStack', { StackName: api?.stackId });
  const versions = send(sandbox, 's3:ListObjectVersions', { Bucket: BUCKET }).output as { Versions: { Key: string; VersionId: string }[] };
  send(sandbox, 's3:DeleteObjects', {
    Bucket: BUCKET,
    Delete: { Objects: versions.Versions.slice(0, 2).map((v) => ({ Key: v.Key, VersionId: v.VersionId })) },
  });
  send(sandbox, 's3:PutObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'reports/run-1.json', Body: '{"status":"succeeded"}' });
  send(sandbox, 'stepfunctions:StartExecution', {
    stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:sm',
    name: 'run-1',
    input: '{"sweep":true}',
  });
  const execution = sandbox.account.executions[0];
  if (execution)
    execution.history = [
      {
        id: 1,
        previousEventId: 0,
        timestamp: sandbox.clock.now(),
        type: 'ExecutionStarted',
        details: { field: 'executionStartedEventDetails', value: { input: '{}' } },
      },
    ];
  sandbox.advanceTo(sandbox.clock.now() + 60_000);
  return sandbox;
}

/** Saved to JSON text and restored, as the CLI does between commands. */
function throughJson(sandbox: Sandbox): Sandbox {
  const snapshot = JSON.parse(JSON.stringify(snapshotSandbox(sandbox))) as SandboxSnapshot;
  return restoreSandbox(
    ScenarioSchema.parse(scenario(SCENARIO)),
    { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: 'arn:aws:sns:us-east-1:111122223333:t' },
    {},
    snapshot,
  );
}

/** The same calls, in order, to a sandbox: every answer (or error name), with streams read to text. */
async function answers(sandbox: Sandbox): Promise<unknown[]> {
  const executionArn = 'arn:aws:states:us-east-1:111122223333:execution:sm:run-1';
  const calls: [`${string}:${string}`, Record<string, unknown>][] = [
    ['cloudformation:ListStacks', {}],
    ['cloudformation:DescribeStacks', {}],
    ['cloudformation:DescribeStacks', {}],
    ['cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' }],
    ['tagging:GetResources', {}],
    ['s3:ListObjectVersions', { Bucket: BUCKET }],
    ['s3:GetObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'reports/run-1.json' }],
    ['s3:PutObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'reports/run-1.json', Body: 'x', IfNoneMatch: '*' }],
    ['stepfunctions:ListExecutions', { stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:sm' }],
    ['stepfunctions:GetExecutionHistory', { executionArn }],
    ['ssm:GetParametersByPath', { Path: '/proton-cleanup/decommission', Recursive: true }],
  ];
  const result: unknown[] = [];
  for (const [api, input] of calls) {
    const { output, error } = send(sandbox, api, input);
    const body = (output as { Body?: { transformToString?: () => Promise<string> } } | undefined)?.Body;
    result.push(error ?? (body?.transformToString ? { ...(output as object), Body: await body.transformToString() } : output));
  }
  return result;
}

describe('a sandbox snapshot', () => {
  it('restores to the same snapshot (every codec round-trips through JSON)', () => {
    const sandbox = sandboxInUse();
    const snapshot = snapshotSandbox(sandbox);

    expect(snapshotSandbox(throughJson(sandbox))).toEqual(JSON.parse(JSON.stringify(snapshot)));
  });

  it('restored, answers the same SDK calls the same way (throttling faults and ETag conditions included)', async () => {
    const sandbox = sandboxInUse();
    const restored = throughJson(sandbox);

    expect(await answers(restored)).toEqual(await answers(sandbox));
  });

  it('restored, goes on in time the same way: the deletion in flight settles, the scheduled changes come due', async () => {
    const sandbox = sandboxInUse();
    const restored = throughJson(sandbox);
    for (const s of [sandbox, restored]) s.advanceTo(s.clock.now() + 1_000_000);

    expect(restored.clock.now()).toBe(sandbox.clock.now());
    expect(await answers(restored)).toEqual(await answers(sandbox));
    expect(restored.appliedChanges).toEqual(sandbox.appliedChanges);
  });

  it("keeps a stack's tags one set: a tag added through the Tagging API shows in DescribeStacks", () => {
    const restored = throughJson(sandboxInUse());
    const env = [...restored.account.stacks.values()].find((s) => s.name === 'AWSProton-env');
    const tagged = restored.account.tagged.get(env?.stackId ?? '');

    expect(tagged?.tags).toBe(env?.tags);
  });

  it('keeps the virtual clock where it was', () => {
    const sandbox = sandboxInUse();

    expect(throughJson(sandbox).clock.now()).toBe(sandbox.clock.now());
    expect(throughJson(sandbox).openedAt).toBe(sandbox.openedAt);
  });

  it('of another version is refused with an error naming the version expected', () => {
    const snapshot = { ...snapshotSandbox(sandboxInUse()), version: 99 } as unknown as SandboxSnapshot;

    expect(() => restoreSandbox(ScenarioSchema.parse(scenario(SCENARIO)), { reportBucket: 'b', topicArn: 't' }, {}, snapshot)).toThrow(SnapshotError);
  });
});
