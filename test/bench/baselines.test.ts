import { afterEach, describe, expect, it } from 'vitest';
import { runPassLoop } from '../../bench/baselines/pass-loop.js';
import { BASELINES, type BaselineOptions, openScriptSandbox, runScript, type Script } from '../../bench/baselines/run.js';
import { type WaiterOutcome, waitStackDeleteComplete } from '../../bench/baselines/waiter.js';
import { runXargs } from '../../bench/baselines/xargs.js';
import { useClock } from '../../functions/runtime/clock.js';
import { useSandbox } from '../../local/sandbox/interceptor.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import { type ScenarioInput, ScenarioSchema } from '../../local/sandbox/scenario.js';
import { mulberry32 } from '../../local/scale-scenario.js';

/**
 * The baseline scripts on tiny hand-built scenarios, their completion times worked out by hand
 * from the scripts' definitions and the sandbox's timing. Each run begins with
 * `aws proton delete-environment-account-connection` and one `describe-stacks` page (the stacks
 * are found); a call arrives when the previous one is answered; a sandbox call takes its API's
 * latency (by default CloudFormation 150 ms, Proton 100 ms), and a deletion started by a
 * DeleteStack arriving at t is due at t + deleteSeconds, seen by any call arriving then or later.
 */
const CONNECTION_ID = '5a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const ENVIRONMENT = 'shop';
const S = 1000;
/** No latency at all: calls take no time, only sleeps and backoffs move the clock. */
const NO_LATENCY = { latencyMs: { '*': 0 } };

type StackInput = NonNullable<ScenarioInput['stacks']>[number];

const letters = (n: number) => String.fromCharCode(65 + n).repeat(4);
function stack(n: number, owner: StackInput['owner'], deleteSeconds: number, extra: Partial<StackInput> = {}): StackInput {
  return { name: `AWSProton-${ENVIRONMENT}-${owner.kind}-cloudformation--${letters(n)}`, environment: ENVIRONMENT, owner, deleteSeconds, ...extra };
}
const environment = (n: number, deleteSeconds: number, extra: Partial<StackInput> = {}) => stack(n, { kind: 'environment' }, deleteSeconds, extra);
const instance = (n: number, deleteSeconds: number, extra: Partial<StackInput> = {}) =>
  stack(n, { kind: 'service-instance', service: `svc${n}`, instance: 'prod' }, deleteSeconds, extra);
const component = (n: number, deleteSeconds: number, extra: Partial<StackInput> = {}) =>
  stack(n, { kind: 'component', component: `cmp${n}` }, deleteSeconds, extra);

function sandboxOf(stacks: StackInput[], extra: Partial<ScenarioInput> = {}): Sandbox {
  return openScriptSandbox(
    ScenarioSchema.parse({
      name: 'baseline',
      connections: [{ id: CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'ProtonEnvironmentRole' }],
      stacks,
      input: {},
      ...extra,
    }),
  );
}

function options(sandbox: Sandbox, seed?: number): BaselineOptions {
  const environmentArn = sandbox.account.environmentArn(ENVIRONMENT, sandbox.scenario.managementAccountId);
  return { connectionId: CONNECTION_ID, environmentArn, ...(seed !== undefined ? { seed } : {}) };
}

/** The script's run, and each call: its operation, its stack (the last 4 letters of its name), its arrival in seconds since the first call, its error. */
async function run(sandbox: Sandbox, script: Script, seed?: number) {
  const opened = sandbox.calls.length;
  const result = await runScript(sandbox, script, options(sandbox, seed));
  const calls = sandbox.calls.slice(opened);
  const start = calls[0]?.at ?? 0;
  const stackOf = (id: unknown) => (typeof id === 'string' ? sandbox.account.stackByIdOrName(id)?.name.slice(-4) : undefined);
  return { ...result, arrivals: calls.map((c) => ({ operation: c.operation, stack: stackOf(c.input.StackName), at: (c.at - start) / S, error: c.error })) };
}

const sequential = BASELINES.seq;
const xargs =
  (parallelism: number): Script =>
  async (cli, phases) =>
    void (await runXargs(cli, phases, parallelism));

afterEach(() => {
  useSandbox(undefined);
  useClock(undefined);
});

describe('aws cloudformation wait stack-delete-complete', () => {
  it('checks at once after delete-stack, then every 30 s after each answer, at the default latencies', async () => {
    const sandbox = sandboxOf([environment(0, 60)]);
    const result = await run(sandbox, sequential);

    // delete-environment-account-connection 0 → 0.1 s; describe-stacks 0.1 → 0.25 s;
    // delete-stack 0.25 → 0.4 s (due 0.25 + 60 = 60.25 s); checks arrive at 0.4 (at once), then
    // 0.55 + 30 = 30.55 and 30.7 + 30 = 60.7 ≥ 60.25: DELETE_COMPLETE, answered 60.85 s.
    expect(result.arrivals.map((c) => [c.operation, c.at])).toEqual([
      ['DeleteEnvironmentAccountConnection', 0],
      ['DescribeStacks', 0.1],
      ['DeleteStack', 0.25],
      ['DescribeStacks', 0.4],
      ['DescribeStacks', 30.55],
      ['DescribeStacks', 60.7],
    ]);
    expect(result.simulatedMs).toBe(60_850);
    expect(result).toMatchObject({ undeleted: 0, failedCalls: 0, waitersFailed: 0 });
  });

  it('ends in failure at DELETE_FAILED, and the stack is left', async () => {
    const failing = environment(0, 45, { resources: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', name: 'kept', failsToDelete: 'in use' }] });
    const result = await run(sandboxOf([failing], { timing: NO_LATENCY }), sequential);

    // delete-stack at 0 (due 45); checks at 0, 30, 60: DELETE_FAILED since 45, a failure state.
    expect(result.simulatedMs).toBe(60 * S);
    expect(result).toMatchObject({ waitersFailed: 1, undeleted: 1, failedCalls: 0 });
  });
});

describe('the waiter on its own', () => {
  it('accepts ValidationError (the stack does not exist) as success, not as a failed call', async () => {
    let outcome: WaiterOutcome | undefined;
    const result = await run(sandboxOf([environment(0, 60)], { timing: NO_LATENCY }), async (cli) => {
      outcome = await waitStackDeleteComplete(cli, 'AWSProton-no-such-stack');
      return undefined;
    });

    expect(outcome).toEqual({ state: 'success' });
    expect(result.arrivals.filter((c) => c.operation === 'DescribeStacks').map((c) => c.error)).toEqual([undefined, 'ValidationError']);
    expect(result).toMatchObject({ failedCalls: 0, waitersFailed: 0 });
  });

  it('ends in failure at an error no acceptor matches, after the CLI gave up on it', async () => {
    let outcome: WaiterOutcome | undefined;
    // The second DescribeStacks (the waiter's first check) is denied: AccessDenied is not retried.
    const faults = [{ operation: 'DescribeStacks', error: 'access-denied' as const, after: 1, times: 1 }];
    const sandbox = sandboxOf([environment(0, 60)], { timing: NO_LATENCY, faults });
    const result = await run(sandbox, async (cli, phases) => {
      outcome = await waitStackDeleteComplete(cli, phases[2]?.[0] ?? '');
      return undefined;
    });

    expect(outcome).toMatchObject({ state: 'failure', reason: expect.stringContaining('AccessDenied') });
    expect(result).toMatchObject({ simulatedMs: 0, failedCalls: 1, failedCallsByApi: { 'cloudformation:DescribeStacks': 1 }, waitersFailed: 1 });
  });
});

describe('the sequential script', () => {
  it('deletes one stack at a time, components, then service instances, then the environment', async () => {
    // Listed environment first, component last: the script reorders them by phase.
    const stacks = [environment(0, 20, { exports: ['vpc'] }), instance(1, 50, { imports: ['vpc'], exports: ['url'] }), component(2, 10, { imports: ['url'] })];
    const result = await run(sandboxOf(stacks, { timing: NO_LATENCY }), sequential);

    // component 0 → due 10, checks 0, 30; service instance 30 → due 80, checks 30, 60, 90;
    // environment 90 → due 110, checks 90, 120: done at 120 s.
    expect(result.arrivals.filter((c) => c.operation === 'DeleteStack').map((c) => [c.stack, c.at])).toEqual([
      ['CCCC', 0],
      ['BBBB', 30],
      ['AAAA', 90],
    ]);
    expect(result.simulatedMs).toBe(120 * S);
    expect(result.undeleted).toBe(0);
  });
});

describe('xargs -P', () => {
  it('runs 4 stacks of a phase on 2 workers, each taking the next stack when its waiter ends', async () => {
    const stacks = [instance(0, 40), instance(1, 100), instance(2, 20), instance(3, 50)];
    const result = await run(sandboxOf(stacks, { timing: NO_LATENCY }), xargs(2));

    // t=0: worker 1 takes A (due 40), worker 2 B (due 100). Worker 1's checks 0, 30, 60: done at
    // 60, takes C (due 80): checks 60, 90: done at 90, takes D (due 140): checks 90, 120, 150.
    // Worker 2's checks 0 … 120: done at 120, nothing left. The phase ends at 150 s.
    expect(result.arrivals.filter((c) => c.operation === 'DeleteStack').map((c) => [c.stack, c.at])).toEqual([
      ['AAAA', 0],
      ['BBBB', 0],
      ['CCCC', 60],
      ['DDDD', 90],
    ]);
    expect(result.simulatedMs).toBe(150 * S);
    expect(result.undeleted).toBe(0);
  });

  it('starts a phase once every worker of the previous one is done', async () => {
    const stacks = [environment(0, 10, { exports: ['vpc'] }), instance(1, 100, { imports: ['vpc'] }), instance(2, 10, { imports: ['vpc'] })];
    const result = await run(sandboxOf(stacks, { timing: NO_LATENCY }), xargs(2));

    // Service instances at 0: C done at 30 (checks 0, 30), B at 120 (checks 0 … 120); only then
    // the environment: deleted at 120 (due 130), checks 120, 150.
    expect(result.arrivals.find((c) => c.operation === 'DeleteStack' && c.stack === 'AAAA')?.at).toBe(120);
    expect(result.simulatedMs).toBe(150 * S);
  });
});

describe('the pass loop', () => {
  it('deletes a phase only when the earlier phases are all DELETE_COMPLETE, listing every 30 s', async () => {
    const stacks = [environment(0, 30, { exports: ['vpc'] }), instance(1, 50, { imports: ['vpc'], exports: ['url'] }), component(2, 70, { imports: ['url'] })];
    const result = await run(sandboxOf(stacks, { timing: NO_LATENCY }), async (cli, phases) => runPassLoop(cli, phases));

    // Passes at 0, 30, 60, …: 0 deletes the component (due 70); 30 and 60 see it in progress and
    // delete nothing; 90 sees it gone and deletes the service instance (due 140); 120 nothing;
    // 150 deletes the environment (due 180); 180 lists none left: 7 passes, 180 s.
    expect(result.arrivals.filter((c) => c.operation === 'DeleteStack').map((c) => [c.stack, c.at])).toEqual([
      ['CCCC', 0],
      ['BBBB', 90],
      ['AAAA', 150],
    ]);
    expect(result.arrivals.filter((c) => c.operation === 'ListStacks').map((c) => c.at)).toEqual([0, 30, 60, 90, 120, 150, 180]);
    expect(result).toMatchObject({ simulatedMs: 180 * S, passes: 7, gaveUp: false, undeleted: 0 });
  });

  it('gives up after its cap of passes, the stack left', async () => {
    const failing = environment(0, 10, { resources: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', name: 'kept', failsToDelete: 'in use' }] });
    const result = await run(sandboxOf([failing], { timing: NO_LATENCY }), async (cli, phases) => runPassLoop(cli, phases, 3));

    // Passes at 0, 30, 60 each find it (DELETE_FAILED from 10 s) and delete it again; then the
    // last pass's sleep: 90 s.
    expect(result).toMatchObject({ simulatedMs: 90 * S, passes: 3, gaveUp: true, undeleted: 1 });
    expect(result.callsByApi['cloudformation:DeleteStack']).toBe(3);
  });
});

describe('the AWS CLI standard retry mode', () => {
  it('retries a throttled call after rand × 1 s', async () => {
    const sandbox = sandboxOf([environment(0, 60)], { timing: NO_LATENCY, faults: [{ operation: 'DeleteStack', error: 'throttle', times: 1 }] });
    const r1 = mulberry32(7)();
    const result = await run(sandbox, sequential, 7);

    // delete-stack at 0 answers Throttling; the retry at r1 s (r1: the seed's first draw) starts
    // the deletion (due r1 + 60); checks at r1, r1 + 30, r1 + 60: done at r1 + 60 s.
    const deletes = result.arrivals.filter((c) => c.operation === 'DeleteStack');
    expect(deletes.map((c) => c.error)).toEqual(['Throttling', undefined]);
    expect(deletes[1]?.at).toBeCloseTo(r1, 6);
    expect(result.simulatedMs).toBeCloseTo((60 + r1) * S, 3);
    expect(result).toMatchObject({ retries: 1, failedCalls: 0, undeleted: 0 });
  });

  it('fails a call after 3 attempts, waiting rand × 1 s then rand × 2 s, and the script moves on', async () => {
    const sandbox = sandboxOf([environment(0, 60)], { timing: NO_LATENCY, faults: [{ operation: 'DeleteStack', error: 'throttle', times: 3 }] });
    const random = mulberry32(7);
    const [r1, r2] = [random(), random()];
    const result = await run(sandbox, sequential, 7);

    // Attempts at 0, r1 and r1 + 2·r2, all Throttling: the command fails, no waiter follows.
    const deletes = result.arrivals.filter((c) => c.operation === 'DeleteStack');
    expect(deletes.map((c) => c.error)).toEqual(['Throttling', 'Throttling', 'Throttling']);
    expect(deletes[2]?.at).toBeCloseTo(r1 + 2 * r2, 6);
    expect(result.simulatedMs).toBeCloseTo((r1 + 2 * r2) * S, 3);
    expect(result).toMatchObject({ retries: 2, failedCalls: 1, failedCallsByApi: { 'cloudformation:DeleteStack': 1 }, undeleted: 1 });
  });
});
