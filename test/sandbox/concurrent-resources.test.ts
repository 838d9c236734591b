import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import { type ScenarioInput, ScenarioSchema } from '../../local/sandbox/scenario.js';
import { restoreSandbox, type SandboxSnapshot, snapshotSandbox } from '../../local/sandbox/snapshot.js';
import { environmentStack, scenario, serviceInstanceStack } from '../helpers/scenarios.js';
import { deleteStack, sandboxOf, send, stackIdOf, statusOf, UNTIMED } from './fixtures.js';

/**
 * CloudFormation's ConcurrentResourcesLimit (docs/sandbox.md, Concurrent resources): what
 * DescribeAccountLimits answers, and how deletions whose resources do not fit under the limit wait
 * their turn (the sandbox's stated assumption: AWS does not document it).
 */
const SECOND = 1_000;
const FAR_AWAY = 30 * 86_400 * SECOND;

type StackInput = NonNullable<ScenarioInput['stacks']>[number];

let counter = 0;
/** A stack holding `resources` queues, taking `deleteSeconds`, exporting and importing nothing unless told. */
function stackWith(resources: number, deleteSeconds: number, overrides: Partial<StackInput> = {}): StackInput {
  counter += 1;
  const id = counter;
  return environmentStack({
    exports: [],
    deleteSeconds,
    resources: Array.from({ length: resources }, (_, i) => ({ logicalId: `Queue${i}`, type: 'AWS::SQS::Queue', name: `weight-${id}-${i}` })),
    ...overrides,
  });
}

/** A sandbox of these stacks under this limit, whose calls take no time (only the test moves the clock). */
function limited(concurrentResourcesLimit: number, stacks: StackInput[]): Sandbox {
  return sandboxOf({ stacks, concurrentResourcesLimit, timing: UNTIMED });
}

/** When the stack's deletion completed (DescribeStacks DeletionTime by stack ID), once the clock has gone far past every due time. */
function completedAt(sandbox: Sandbox, name: string): number | undefined {
  const id = stackIdOf(sandbox, name);
  if (sandbox.clock.now() < sandbox.openedAt + FAR_AWAY) sandbox.advanceTo(sandbox.openedAt + FAR_AWAY);
  const { output } = send(sandbox, 'cloudformation:DescribeStacks', { StackName: id });
  return (output as { Stacks: { DeletionTime?: Date }[] }).Stacks[0]?.DeletionTime?.getTime();
}

/** DescribeAccountLimits as a map: limit name → value. */
function accountLimits(sandbox: Sandbox): Record<string, number> {
  const { output, error } = send(sandbox, 'cloudformation:DescribeAccountLimits');
  if (error) throw new Error(`DescribeAccountLimits failed: ${error}`);
  return Object.fromEntries((output as { AccountLimits: { Name: string; Value: number }[] }).AccountLimits.map((l) => [l.Name, l.Value]));
}

describe('DescribeAccountLimits', () => {
  it("answers the scenario's concurrentResourcesLimit as ConcurrentResourcesLimit", () => {
    expect(accountLimits(limited(40, [stackWith(1, 60)]))).toMatchObject({ ConcurrentResourcesLimit: 40 });
  });

  it('answers ConcurrentResourcesLimit 2500 when the scenario gives none (the figure of AWS CLI example)', () => {
    expect(accountLimits(sandboxOf({ stacks: [stackWith(1, 60)] }))).toMatchObject({ ConcurrentResourcesLimit: 2500 });
  });

  it("answers StackLimit 2000 and StackOutputsLimit 200 (the quotas page's figures)", () => {
    expect(accountLimits(sandboxOf({ stacks: [stackWith(1, 60)] }))).toEqual({ ConcurrentResourcesLimit: 2500, StackLimit: 2000, StackOutputsLimit: 200 });
  });

  it('answers a StackLimit raised to hold every stack of a scenario that has more than 2000', () => {
    const stacks = Array.from({ length: 2_001 }, (_, i) => serviceInstanceStack(`many${i}`, { imports: [], resources: [] }));

    expect(accountLimits(sandboxOf({ stacks }))).toMatchObject({ StackLimit: 2_001 });
  });
});

describe('a deletion under the concurrent-resources limit', () => {
  it('that fits starts at once: it settles after its deleteSeconds', () => {
    const stack = stackWith(4, 60);
    const sandbox = limited(10, [stack]);
    const started = deleteStack(sandbox, stack.name);

    expect(completedAt(sandbox, stack.name)).toBe(started + 60 * SECOND);
  });

  it('heavier than the limit starts at once when no other deletion runs', () => {
    const stack = stackWith(8, 60);
    const sandbox = limited(5, [stack]);
    const started = deleteStack(sandbox, stack.name);

    expect(completedAt(sandbox, stack.name)).toBe(started + 60 * SECOND);
  });

  it('past the limit is accepted and stays DELETE_IN_PROGRESS while it waits, beyond its own deleteSeconds', () => {
    const [running, waiting] = [stackWith(6, 100), stackWith(6, 30)];
    const sandbox = limited(10, [running, waiting]);
    const started = deleteStack(sandbox, running.name);
    expect(send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, waiting.name) })).toEqual({ output: {} });

    sandbox.advanceTo(started + 100 * SECOND - 1);
    expect(statusOf(sandbox, waiting.name)).toBe('DELETE_IN_PROGRESS');
  });

  it('past the limit starts when enough weight frees: it completes deleteSeconds after the running one settled', () => {
    const [running, waiting] = [stackWith(6, 100), stackWith(6, 30)];
    const sandbox = limited(10, [running, waiting]);
    const started = deleteStack(sandbox, running.name);
    deleteStack(sandbox, waiting.name);

    expect(completedAt(sandbox, waiting.name)).toBe(started + (100 + 30) * SECOND);
  });

  it('waits first come first served: a small later deletion that would fit does not overtake a big one waiting', () => {
    const [running, big, small] = [stackWith(6, 100), stackWith(8, 50), stackWith(2, 10)];
    const sandbox = limited(10, [running, big, small]);
    const started = deleteStack(sandbox, running.name);
    deleteStack(sandbox, big.name);
    deleteStack(sandbox, small.name);

    // 6 + 2 would fit at once; the small one starts with the big one, when the running one settles.
    expect(completedAt(sandbox, small.name)).toBe(started + (100 + 10) * SECOND);
    expect(completedAt(sandbox, big.name)).toBe(started + (100 + 50) * SECOND);
  });

  it('counts a stack without resources as 1', () => {
    const [running, waiting] = [stackWith(0, 60), stackWith(0, 60)];
    const sandbox = limited(1, [running, waiting]);
    const started = deleteStack(sandbox, running.name);
    deleteStack(sandbox, waiting.name);

    expect(completedAt(sandbox, waiting.name)).toBe(started + 120 * SECOND);
  });

  it('counts a stack DELETE_IN_PROGRESS when the sandbox opens as running', () => {
    const [theirs, ours] = [stackWith(8, 100, { status: 'DELETE_IN_PROGRESS' }), stackWith(8, 30)];
    const sandbox = limited(10, [theirs, ours]);
    deleteStack(sandbox, ours.name);

    expect(completedAt(sandbox, ours.name)).toBe(sandbox.openedAt + (100 + 30) * SECOND);
  });
});

describe('an export-in-use refusal and the concurrent-resources limit', () => {
  /** An exporter of `resources` resources and a live stack importing its export. */
  function inUse(resources: number) {
    const exporter = stackWith(resources, 60, { exports: ['payments-prod-VpcId'] });
    return { exporter, importer: serviceInstanceStack('api', { imports: ['payments-prod-VpcId'] }) };
  }

  it('is refused within seconds even past the limit: it does not wait its turn', () => {
    const { exporter, importer } = inUse(8);
    const running = stackWith(8, 100);
    const sandbox = limited(10, [running, exporter, importer]);
    deleteStack(sandbox, running.name);
    const refused = deleteStack(sandbox, exporter.name);

    sandbox.advanceTo(refused + 3 * SECOND);
    expect(statusOf(sandbox, exporter.name)).toBe('CREATE_COMPLETE');
  });

  it('is refused when admitted if its export came into use while it waited', () => {
    const exporter = stackWith(8, 60, { exports: ['payments-prod-VpcId'] });
    const [running, importer] = [stackWith(8, 100), serviceInstanceStack('api', { imports: [] })];
    const sandbox = limited(10, [running, exporter, importer]);
    const started = deleteStack(sandbox, running.name);
    deleteStack(sandbox, exporter.name);
    const api = sandbox.account.stackByName(importer.name)!;
    sandbox.account.stacks.setImports(api, ['payments-prod-VpcId']);

    sandbox.advanceTo(started + (100 + 3) * SECOND);
    expect(statusOf(sandbox, exporter.name)).toBe('CREATE_COMPLETE');
  });

  it('takes no weight: a deletion asked for right after it, which fits beside nothing else, starts at once', () => {
    const { exporter, importer } = inUse(8);
    const next = stackWith(8, 60);
    const sandbox = limited(10, [exporter, importer, next]);
    deleteStack(sandbox, exporter.name);
    const started = deleteStack(sandbox, next.name);

    expect(completedAt(sandbox, next.name)).toBe(started + 60 * SECOND);
  });
});

describe('nested stacks and the concurrent-resources limit', () => {
  it("count within their root's weight: the root's resources, the nested stack resource and the nested stack's own", () => {
    const root = stackWith(2, 60, { name: 'AWSProton-payments-prod-cloudformation--ROOT' });
    const child = stackWith(5, 60, { name: 'AWSProton-payments-prod-cloudformation--ROOT-Network-1A2B', parent: root.name });
    const other = stackWith(3, 30);
    // The root weighs 2 + 1 + 5 = 8: with 3 more the limit of 10 is passed, so the other waits for the root.
    const sandbox = limited(10, [root, child, other]);
    const started = deleteStack(sandbox, root.name);
    deleteStack(sandbox, other.name);

    expect(completedAt(sandbox, other.name)).toBe(started + (60 + 30) * SECOND);
  });
});

describe("a nested stack's own deletion taken over by its root's", () => {
  const ROOT = 'AWSProton-payments-prod-cloudformation--ROOT';
  const CHILD = 'AWSProton-payments-prod-cloudformation--ROOT-Network-1A2B';
  /** A root of 2 resources and its nested stack of 5: the root weighs 2 + 1 + 5 = 8. */
  const family = (childSeconds: number) => [stackWith(2, 60, { name: ROOT }), stackWith(5, childSeconds, { name: CHILD, parent: ROOT })];

  it('no longer waits once taken over: the deletion behind it is admitted when the root settles', () => {
    const other = stackWith(6, 30);
    const sandbox = limited(10, [...family(60), other]);
    const started = deleteStack(sandbox, ROOT);
    deleteStack(sandbox, CHILD); // 8 + 5 > 10: waits
    deleteStack(sandbox, other.name); // waits behind it

    expect(completedAt(sandbox, other.name)).toBe(started + (60 + 30) * SECOND);
  });

  it('frees the weight it held when taken over while running', () => {
    const other = stackWith(16, 30);
    const sandbox = limited(20, [...family(600), other]);
    const started = deleteStack(sandbox, CHILD); // weighs 5, runs for 600 s
    deleteStack(sandbox, ROOT); // 5 + 8 ≤ 20: runs, settles at 60 s with its nested stack
    deleteStack(sandbox, other.name); // 13 + 16 > 20, and 5 + 16 still would be: waits until both free their weight

    expect(completedAt(sandbox, other.name)).toBe(started + (60 + 30) * SECOND);
  });
});

describe('a snapshot and the concurrent-resources limit', () => {
  it('keeps the deletions waiting and the weight running: restored, the waiting one completes when it would have', () => {
    const [running, waiting] = [stackWith(6, 100), stackWith(6, 30)];
    const input: Partial<ScenarioInput> = { stacks: [running, waiting], concurrentResourcesLimit: 10, timing: UNTIMED };
    const sandbox = sandboxOf(input);
    const started = deleteStack(sandbox, running.name);
    deleteStack(sandbox, waiting.name);
    sandbox.advanceTo(started + 10 * SECOND);

    const snapshot = JSON.parse(JSON.stringify(snapshotSandbox(sandbox))) as SandboxSnapshot;
    const restored = restoreSandbox(
      ScenarioSchema.parse(scenario(input)),
      { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: `arn:aws:sns:us-east-1:111122223333:${LOCAL_RESOURCES.topicName}` },
      {},
      snapshot,
    );

    expect(completedAt(restored, waiting.name)).toBe(started + (100 + 30) * SECOND);
  });
});
