import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../local/run-workflow.js';
import { fault, scenario } from '../helpers/scenarios.js';
import { INSTANT, sandboxOf, send } from './fixtures.js';

/**
 * Each call takes its API's latency on the sandbox clock, and each API (service:Operation)
 * admits calls at its rate, with one second of burst, as CloudFormation and the Tagging API do.
 */
const times = (n: number, act: () => void) => Array.from({ length: n }, act);

describe('API latency on the sandbox clock', () => {
  it.each([
    ['cloudformation:DescribeStacks', 150],
    ['tagging:GetResources', 200],
    ['proton:ListEnvironmentAccountConnections', 100],
    ['s3:PutObject', 30],
    ['sns:Publish', 50],
  ] as const)('by default, %s moves the clock %i ms', (api, ms) => {
    const sandbox = sandboxOf();
    const inputs: Record<string, Record<string, unknown>> = {
      'proton:ListEnvironmentAccountConnections': { requestedBy: 'ENVIRONMENT_ACCOUNT' },
      's3:PutObject': { Bucket: 'proton-connection-cleanup-local-reports', Key: 'k', Body: '{}' },
      'sns:Publish': { TopicArn: 'arn:aws:sns:us-east-1:111122223333:proton-connection-cleanup-local', Message: 'm' },
    };
    const before = sandbox.clock.now();

    expect(send(sandbox, api, inputs[api]).error).toBeUndefined();
    expect(sandbox.clock.now() - before).toBe(ms);
  });

  it("an operation's own latency wins over its service's, and a service's over *", () => {
    const sandbox = sandboxOf({ timing: { latencyMs: { '*': 7, cloudformation: 40, 'cloudformation:ListStacks': 400 } } });
    const before = sandbox.clock.now();

    send(sandbox, 'cloudformation:ListStacks');
    send(sandbox, 'cloudformation:DescribeStacks');
    send(sandbox, 'proton:ListEnvironmentAccountConnections', { requestedBy: 'ENVIRONMENT_ACCOUNT' });

    expect(sandbox.clock.now() - before).toBe(400 + 40 + 7);
  });

  it('records when each call arrived, on the sandbox clock', () => {
    const sandbox = sandboxOf();
    const before = sandbox.clock.now();
    send(sandbox, 'cloudformation:DescribeStacks');
    send(sandbox, 'cloudformation:DescribeStacks');

    expect(sandbox.calls.map((c) => c.at - before)).toEqual([0, 150]);
  });
});

describe('API latency overlapping (overlapLatencies: executions side by side)', () => {
  it('answers calls made at the same time together, one latency later, instead of one after the other', async () => {
    const sandbox = sandboxOf();
    sandbox.overlapLatencies = true;
    const before = sandbox.clock.now();
    const answeredAt: number[] = [];
    const call = () =>
      sandbox.answerAfterLatency('CloudFormationClient', 'DescribeStacksCommand', {}).then(() => void answeredAt.push(sandbox.clock.now() - before));

    await Promise.all([call(), call(), call()]);

    expect(answeredAt).toEqual([150, 150, 150]);
    expect(sandbox.calls.map((c) => c.at - before)).toEqual([0, 0, 0]);
  });

  it('hands back a refusal after the latency too', async () => {
    const sandbox = sandboxOf({ timing: { latencyMs: { '*': 10 }, callsPerSecond: { cloudformation: 1 } } });
    const before = sandbox.clock.now();
    await sandbox.answerAfterLatency('CloudFormationClient', 'DescribeStacksCommand', {});

    await expect(sandbox.answerAfterLatency('CloudFormationClient', 'DescribeStacksCommand', {})).rejects.toMatchObject({ name: 'Throttling' });
    expect(sandbox.clock.now() - before).toBe(20);
  });
});

describe('API rate limits', () => {
  it('answers CloudFormation Throttling to a sixth call within the same second (5 per second)', () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    const outcomes = times(6, () => send(sandbox, 'cloudformation:DescribeStacks').error);

    expect(outcomes).toEqual([undefined, undefined, undefined, undefined, undefined, 'Throttling']);
  });

  it('answers Tagging ThrottledException to a sixteenth call within the same second (15 per second)', () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    const outcomes = times(16, () => send(sandbox, 'tagging:GetResources').error);

    expect(outcomes.slice(0, 15).every((e) => e === undefined)).toBe(true);
    expect(outcomes[15]).toBe('ThrottledException');
  });

  it('never throttles calls spaced at the rate', () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    times(100, () => {
      send(sandbox, 'cloudformation:DescribeStacks');
      send(sandbox, 'tagging:GetResources');
      sandbox.clock.advance(200);
    });

    expect(sandbox.throttledCalls()).toEqual([]);
  });

  it('never throttles back-to-back calls slowed by the default latency alone (DescribeStacks at 150 ms)', () => {
    const sandbox = sandboxOf();
    times(15, () => send(sandbox, 'cloudformation:DescribeStacks'));

    expect(sandbox.throttledCalls()).toEqual([]);
  });

  it('refills the bucket with sandbox time: a second later, five more calls pass', () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    times(5, () => send(sandbox, 'cloudformation:DescribeStacks'));
    sandbox.clock.advance(1_000);

    expect(times(5, () => send(sandbox, 'cloudformation:DescribeStacks').error).every((e) => e === undefined)).toBe(true);
  });

  it("gives each operation of a service its own bucket: five DescribeStacks don't use up ListStacks", () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    times(5, () => send(sandbox, 'cloudformation:DescribeStacks'));

    expect(send(sandbox, 'cloudformation:ListStacks').error).toBeUndefined();
  });

  it('records a throttled call like any other, with its error, and lists it among throttledCalls', () => {
    const sandbox = sandboxOf({ timing: INSTANT });
    times(6, () => send(sandbox, 'cloudformation:DescribeStacks'));

    expect(sandbox.throttledCalls()).toMatchObject([{ service: 'cloudformation', operation: 'DescribeStacks', error: 'Throttling', throttled: true }]);
    expect(sandbox.callsTo('DescribeStacks')).toHaveLength(6);
  });

  it('a throttled call takes its latency too', () => {
    const sandbox = sandboxOf({ timing: { latencyMs: { '*': 10 }, callsPerSecond: { cloudformation: 1 } } });
    send(sandbox, 'cloudformation:DescribeStacks');
    const before = sandbox.clock.now();

    expect(send(sandbox, 'cloudformation:DescribeStacks').error).toBe('Throttling');
    expect(sandbox.clock.now() - before).toBe(10);
  });

  it("an operation's own rate wins over its service's", () => {
    const sandbox = sandboxOf({ timing: { ...INSTANT, callsPerSecond: { cloudformation: 5, 'cloudformation:ListStacks': 2 } } });

    expect(times(3, () => send(sandbox, 'cloudformation:ListStacks').error)).toEqual([undefined, undefined, 'Throttling']);
  });

  it('a scenario giving callsPerSecond replaces the defaults: {} limits nothing', () => {
    const sandbox = sandboxOf({ timing: { ...INSTANT, callsPerSecond: {} } });
    times(50, () => send(sandbox, 'cloudformation:DescribeStacks'));

    expect(sandbox.throttledCalls()).toEqual([]);
  });

  it('leaves injected faults as they were: the nth call still fails, the others pass', () => {
    const sandbox = sandboxOf({ faults: [fault('DescribeStacks', 'internal', { after: 2, times: 1 })] });

    expect(times(4, () => send(sandbox, 'cloudformation:DescribeStacks').error)).toEqual([undefined, undefined, 'InternalFailure', undefined]);
    expect(sandbox.throttledCalls()).toEqual([]);
  });

  it("keeps the SDK clients' paced calls under the rate: 40 concurrent DescribeStacks, none throttled", async () => {
    const sandbox = await openSandbox(scenario());
    const { cloudFormation } = await import('../../functions/aws/clients.js');
    const before = sandbox.clock.now();

    await Promise.all(times(40, () => cloudFormation().send(new DescribeStacksCommand({}))));

    expect(sandbox.throttledCalls()).toEqual([]);
    expect(sandbox.clock.now() - before).toBeGreaterThanOrEqual(39 * 200);
  });
});
