import { describe, expect, it } from 'vitest';
import { environmentStack, serviceInstanceStack } from '../helpers/scenarios.js';
import { deleteStack, describeStack, listStacks, resourceArnOf, sandboxOf, stackEvents, stackIdOf, statusOf, taggingView } from './fixtures.js';

/**
 * Nested stacks (`parent`): how CloudFormation reports them (ParentId, RootId, a resource of
 * type AWS::CloudFormation::Stack in the parent), and how deleting the root deletes them.
 */
const SECOND = 1_000;
const ROOT = 'AWSProton-payments-prod-cloudformation--ROOT';
const CHILD = 'AWSProton-payments-prod-cloudformation--ROOT-Network-1A2B';
const GRANDCHILD = 'AWSProton-payments-prod-cloudformation--ROOT-Network-1A2B-Subnets-3C4D';

/** A root, its nested stack, and that one's nested stack; `order` is how the scenario lists them. */
function family(order: 'parents-first' | 'children-first' = 'parents-first', child: Record<string, unknown> = {}) {
  const stacks = [
    environmentStack({ name: ROOT, exports: [], deleteSeconds: 60 }),
    environmentStack({ name: CHILD, parent: ROOT, exports: [], resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-nested' }], ...child }),
    environmentStack({ name: GRANDCHILD, parent: CHILD, exports: [], resources: [{ logicalId: 'Subnet', type: 'AWS::EC2::Subnet', name: 'subnet-nested' }] }),
  ];
  return order === 'parents-first' ? stacks : stacks.reverse();
}

const logicalIdOf = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

describe('a nested stack as DescribeStacks reports it', () => {
  it.each(['parents-first', 'children-first'] as const)('has ParentId (its direct parent) and RootId (the top-most stack), listed %s', (order) => {
    const sandbox = sandboxOf({ stacks: family(order) });

    expect(describeStack(sandbox, GRANDCHILD)).toMatchObject({ ParentId: stackIdOf(sandbox, CHILD), RootId: stackIdOf(sandbox, ROOT) });
    expect(describeStack(sandbox, CHILD)).toMatchObject({ ParentId: stackIdOf(sandbox, ROOT), RootId: stackIdOf(sandbox, ROOT) });
  });

  it('a root stack has neither ParentId nor RootId', () => {
    const sandbox = sandboxOf({ stacks: family() });

    expect(describeStack(sandbox, ROOT)).not.toHaveProperty('ParentId');
    expect(describeStack(sandbox, ROOT)).not.toHaveProperty('RootId');
  });

  it('ListStacks summaries carry ParentId and RootId too', () => {
    const sandbox = sandboxOf({ stacks: family() });
    const summary = listStacks(sandbox).summaries.find((s) => s.StackName === GRANDCHILD);

    expect(summary).toMatchObject({ ParentId: stackIdOf(sandbox, CHILD), RootId: stackIdOf(sandbox, ROOT) });
  });
});

describe('a nested stack as a resource of its parent', () => {
  it('is an AWS::CloudFormation::Stack whose logical ID is its name without non-alphanumerics and whose physical ID is its stack ID', () => {
    const sandbox = sandboxOf({ stacks: family() });

    expect(sandbox.account.stackByName(ROOT)?.resources).toContainEqual(
      expect.objectContaining({ logicalId: logicalIdOf(CHILD), type: 'AWS::CloudFormation::Stack', arn: stackIdOf(sandbox, CHILD) }),
    );
  });

  it('its resources carry aws:cloudformation:stack-id of the nested stack itself', () => {
    const sandbox = sandboxOf({ stacks: family() });
    const subnet = resourceArnOf(sandbox, GRANDCHILD, 'Subnet');

    expect(taggingView(sandbox, [subnet]).get(subnet)?.['aws:cloudformation:stack-id']).toBe(stackIdOf(sandbox, GRANDCHILD));
  });
});

describe('deleting the root stack', () => {
  it('deletes its nested stacks with it: every one DELETE_COMPLETE when the root settles', () => {
    const sandbox = sandboxOf({ stacks: family() });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect([ROOT, CHILD, GRANDCHILD].map((name) => statusOf(sandbox, stackIdOf(sandbox, name)))).toEqual([
      'DELETE_COMPLETE',
      'DELETE_COMPLETE',
      'DELETE_COMPLETE',
    ]);
  });

  it('deletes the deepest nested stack first', () => {
    const sandbox = sandboxOf({ stacks: family() });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    // The root's events, oldest first: its nested stack's resource completes before the root does.
    const childEvents = stackEvents(sandbox, stackIdOf(sandbox, CHILD))
      .reverse()
      .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    expect(childEvents).toEqual([
      `${CHILD} DELETE_IN_PROGRESS`,
      `${logicalIdOf(GRANDCHILD)} DELETE_COMPLETE`,
      'Vpc DELETE_COMPLETE',
      `${CHILD} DELETE_COMPLETE`,
    ]);
  });

  it("shows each nested stack's deletion in its parent's events, with the nested stack's ID as physical ID", () => {
    const sandbox = sandboxOf({ stacks: family() });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(stackEvents(sandbox, stackIdOf(sandbox, ROOT))).toContainEqual(
      expect.objectContaining({
        LogicalResourceId: logicalIdOf(CHILD),
        PhysicalResourceId: stackIdOf(sandbox, CHILD),
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus: 'DELETE_COMPLETE',
      }),
    );
  });

  it("ends DELETE_FAILED naming the nested stack's logical ID when a nested stack fails to delete", () => {
    const stacks = family('parents-first');
    stacks[2] = { ...stacks[2]!, resources: [{ logicalId: 'Subnet', type: 'AWS::EC2::Subnet', name: 'subnet-nested', failsToDelete: 'has dependencies' }] };
    const sandbox = sandboxOf({ stacks });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(describeStack(sandbox, ROOT)).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: `The following resource(s) failed to delete: [${logicalIdOf(CHILD)}].`,
    });
    expect(describeStack(sandbox, GRANDCHILD)).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'The following resource(s) failed to delete: [Subnet].',
    });
  });

  it('with RetainResources naming a failed nested stack completes, and leaves that nested stack behind', () => {
    const stacks = family('parents-first', { resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-nested', failsToDelete: 'in use' }] });
    const sandbox = sandboxOf({ stacks });
    const first = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(first + 60 * SECOND);
    const retry = deleteStack(sandbox, ROOT, { RetainResources: [logicalIdOf(CHILD)] });
    sandbox.clock.advanceTo(retry + 60 * SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, ROOT))).toBe('DELETE_COMPLETE');
    expect(statusOf(sandbox, stackIdOf(sandbox, CHILD))).toBe('DELETE_FAILED');
  });

  it("fails when a nested stack's export is imported by a live stack outside the root", () => {
    const stacks = family('parents-first', { exports: ['payments-prod-NestedVpcId'] });
    const importer = serviceInstanceStack('api', { imports: ['payments-prod-NestedVpcId'] });
    const sandbox = sandboxOf({ stacks: [...stacks, importer] });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(describeStack(sandbox, CHILD)).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: `Export payments-prod-NestedVpcId cannot be deleted as it is in use by ${importer.name}`,
    });
    expect(describeStack(sandbox, ROOT).StackStatusReason).toContain(logicalIdOf(CHILD));
  });

  it('succeeds when the only importer of a nested export is inside the same root', () => {
    const stacks = family('parents-first', { exports: ['payments-prod-NestedVpcId'] });
    stacks[2] = { ...stacks[2]!, imports: ['payments-prod-NestedVpcId'] };
    const sandbox = sandboxOf({ stacks });
    const started = deleteStack(sandbox, ROOT);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, ROOT))).toBe('DELETE_COMPLETE');
  });
});
