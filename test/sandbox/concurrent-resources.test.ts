import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { environmentStack, serviceInstanceStack } from '../helpers/scenarios.js';
import { sandboxOf, send, UNTIMED } from './fixtures.js';

/**
 * CloudFormation's ConcurrentResourcesLimit (docs/sandbox.md, Concurrent resources): what
 * DescribeAccountLimits answers, and how deletions whose resources do not fit under the limit wait
 * their turn (the sandbox's stated assumption: AWS does not document it).
 */

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
