import { describe, expect, it } from 'vitest';
import { startProgress } from '../../functions/domain/cleanup-progress.js';
import {
  buildInventory,
  countInventory,
  type InventoriedResource,
  type Inventory,
  type InventoryFacts,
  type StackFacts,
  type TaggedResource,
} from '../../functions/domain/inventory.js';
import { arns, connectionFacts, OTHER_ENV, protonTags, resourceIn, stack, stackIdOf, taggedResource } from '../helpers/domain-fixtures.js';

/** The stacks the cleanup will delete, in the order it considers them. */
function plannedStacks(inventory: Inventory) {
  return startProgress(inventory).stacks.map(({ stackId, phase, nestedStackIds }) => ({ stackId, phase, nestedStackIds }));
}

function inventoryFrom(facts: { stacks?: StackFacts[]; taggedResources?: TaggedResource[]; roleArns?: string[] }): Inventory {
  const input: InventoryFacts = {
    connection: connectionFacts({ roleArns: facts.roleArns ?? [] }),
    stacks: facts.stacks ?? [],
    taggedResources: facts.taggedResources ?? [],
    takenAt: '2025-11-25T10:00:00.000Z',
  };
  return buildInventory(input);
}

function entry(inventory: Inventory, id: string): InventoriedResource {
  const found = inventory.resources.filter((r) => r.id === id);
  expect(found, `entries for ${id}`).toHaveLength(1);
  return found[0]!;
}

const envStack = stack('AWSProton-payments-prod-cloudformation--KQXVBRWH', { tags: protonTags() });
const apiStack = stack('AWSProton-api-prod-cloudformation--HZQWMBND', {
  tags: protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
});
const monitoringStack = stack('AWSProton-monitoring-cloudformation--QWERTYZX', { tags: protonTags(undefined, { kind: 'component', component: 'monitoring' }) });

describe('buildInventory', () => {
  describe('stacks', () => {
    it('deletes a Proton stack tagged proton:environment for this environment, in the environment phase', () => {
      expect(entry(inventoryFrom({ stacks: [envStack] }), envStack.stackId)).toMatchObject({
        type: 'cloudformation:stack',
        owner: { kind: 'environment', name: 'payments-prod' },
        phase: 'environment',
        action: 'delete-stack',
        reason: expect.stringContaining('proton:environment'),
      });
    });

    it('deletes a service instance stack in the service-instances phase, owned by the instance', () => {
      expect(entry(inventoryFrom({ stacks: [apiStack] }), apiStack.stackId)).toMatchObject({
        owner: { kind: 'service-instance', name: 'api/prod' },
        phase: 'service-instances',
        action: 'delete-stack',
      });
    });

    it('deletes a component stack in the components phase, owned by the component', () => {
      expect(entry(inventoryFrom({ stacks: [monitoringStack] }), monitoringStack.stackId)).toMatchObject({
        owner: { kind: 'component', name: 'monitoring' },
        phase: 'components',
        action: 'delete-stack',
      });
    });

    it('deletes a component attached to a service instance in the components phase', () => {
      const tags = {
        ...protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
        ...protonTags(undefined, { kind: 'component', component: 'api-cache' }),
      };
      const attached = stack('AWSProton-api-cache-cloudformation--ZXCVBNMA', { tags });
      expect(entry(inventoryFrom({ stacks: [attached] }), attached.stackId)).toMatchObject({ owner: { kind: 'component' }, phase: 'components' });
    });

    it("deletes an untagged Proton stack whose ownership is proven by its resources' tags", () => {
      const untagged = stack('AWSProton-api-prod-cloudformation--HZQWMBND');
      const queue = resourceIn(
        untagged,
        arns.queue('api-prod-orders'),
        'Queue',
        protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
      );
      expect(entry(inventoryFrom({ stacks: [untagged], taggedResources: [queue] }), untagged.stackId)).toMatchObject({
        owner: { kind: 'service-instance', name: 'api/prod' },
        phase: 'service-instances',
        action: 'delete-stack',
        reason: expect.stringContaining('1 of its resources is tagged proton:environment'),
      });
    });

    it('retains an AWSProton- stack whose ownership is not proven, with the reason', () => {
      const legacy = stack('AWSProton-legacy-cloudformation--ABCDEFGH');
      const found = entry(inventoryFrom({ stacks: [legacy] }), legacy.stackId);
      expect(found).toMatchObject({ owner: { kind: 'unproven' }, action: 'retain', reason: expect.stringContaining('ownership not proven') });
      expect(found.phase).toBeUndefined();
    });

    it('leaves a stack tagged for another environment out of the inventory, and counts it', () => {
      const other = stack('AWSProton-ledger-staging-cloudformation--MNBVCXZL', { tags: protonTags(OTHER_ENV) });
      const inventory = inventoryFrom({ stacks: [other] });
      expect(inventory.resources).toEqual([]);
      expect(inventory.otherEnvironmentStacks).toBe(1);
    });

    it('retains a stack tagged for another environment that holds resources tagged for this one, as mixed ownership naming the other', () => {
      const other = stack('AWSProton-ledger-staging-cloudformation--MNBVCXZL', { tags: protonTags(OTHER_ENV) });
      const inventory = inventoryFrom({ stacks: [other], taggedResources: [resourceIn(other, arns.queue('shared-queue'), 'Queue')] });
      expect(entry(inventory, other.stackId)).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^mixed ownership: .*ledger-staging/) });
      expect(inventory.otherEnvironmentStacks).toBe(0);
    });

    it('retains a stack tagged for this environment whose name does not start with AWSProton-, with the reason', () => {
      const handMade = stack('payments-prod-extras', { tags: protonTags() });
      expect(entry(inventoryFrom({ stacks: [handMade] }), handMade.stackId)).toMatchObject({
        action: 'retain',
        reason: expect.stringContaining('does not start with AWSProton-'),
      });
    });

    it('retains an owned stack with termination protection, keeping its owner and phase, with the reason', () => {
      const protectedStack = { ...envStack, terminationProtection: true };
      expect(entry(inventoryFrom({ stacks: [protectedStack] }), envStack.stackId)).toMatchObject({
        owner: { kind: 'environment' },
        phase: 'environment',
        action: 'retain',
        reason: expect.stringContaining('termination protection'),
      });
    });

    it('ignores stacks unrelated to Proton', () => {
      const inventory = inventoryFrom({ stacks: [stack('CDKToolkit'), stack('payments-dashboards', { tags: { team: 'payments' } })] });
      expect(inventory.resources).toEqual([]);
      expect(inventory.otherEnvironmentStacks).toBe(0);
    });
  });

  describe('tagged resources', () => {
    it('deletes a resource of an owned stack with its stack, in the phase and for the owner of the stack', () => {
      const queue = resourceIn(
        apiStack,
        arns.queue('api-prod-orders'),
        'Queue',
        protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
      );
      expect(entry(inventoryFrom({ stacks: [apiStack], taggedResources: [queue] }), queue.arn)).toEqual({
        id: queue.arn,
        type: 'sqs:queue',
        owner: { kind: 'service-instance', name: 'api/prod' },
        phase: 'service-instances',
        action: 'delete-with-stack',
        reason: expect.stringContaining('stack'),
        stackId: apiStack.stackId,
        logicalId: 'Queue',
      });
    });

    it('retains a resource that is not in a stack, saying so', () => {
      const parameter = taggedResource(arns.parameter('payments/db-url'), protonTags());
      expect(entry(inventoryFrom({ taggedResources: [parameter] }), parameter.arn)).toMatchObject({
        type: 'ssm:parameter',
        owner: { kind: 'environment', name: 'payments-prod' },
        action: 'retain',
        reason: expect.stringContaining('not in a stack'),
      });
    });

    it('retains a resource of a stack whose ownership is not proven', () => {
      const handMade = stack('payments-prod-extras');
      const bucket = resourceIn(handMade, arns.bucket('payments-prod-extras'), 'Bucket');
      const inventory = inventoryFrom({ stacks: [handMade], taggedResources: [bucket] });
      expect(entry(inventory, handMade.stackId).action).toBe('retain');
      expect(entry(inventory, bucket.arn)).toMatchObject({ action: 'retain', reason: expect.stringContaining('its stack is retained') });
    });

    it('retains a resource of a termination-protected stack', () => {
      const protectedStack = { ...envStack, terminationProtection: true };
      const bucket = resourceIn(protectedStack, arns.bucket('payments-prod-artifacts'), 'ArtifactsBucket');
      expect(entry(inventoryFrom({ stacks: [protectedStack], taggedResources: [bucket] }), bucket.arn)).toMatchObject({
        phase: 'environment',
        action: 'retain',
        reason: expect.stringContaining('termination protection'),
      });
    });

    it('retains a resource whose stack is not an active stack in the account', () => {
      const gone = stack('AWSProton-gone-cloudformation--QAZWSXED');
      const bucket = resourceIn(gone, arns.bucket('payments-prod-leftover'), 'Bucket');
      expect(entry(inventoryFrom({ taggedResources: [bucket] }), bucket.arn)).toMatchObject({
        action: 'retain',
        stackId: gone.stackId,
        reason: expect.stringContaining('not an active stack'),
      });
    });
  });

  describe('connection roles', () => {
    it('retains the connection roles as iam:role entries owned by the connection', () => {
      const role = arns.role('ProtonEnvironmentRole-payments');
      expect(entry(inventoryFrom({ roleArns: [role] }), role)).toMatchObject({
        type: 'iam:role',
        owner: { kind: 'connection' },
        action: 'retain',
        reason: expect.stringContaining('connection role'),
      });
    });

    it('lists a role given twice once', () => {
      const role = arns.role('ProtonEnvironmentRole-payments');
      expect(inventoryFrom({ roleArns: [role, role] }).resources).toHaveLength(1);
    });
  });

  describe('completeness', () => {
    it('lists a stack that the Tagging API also returns once, as a stack to delete', () => {
      const inventory = inventoryFrom({ stacks: [envStack], taggedResources: [taggedResource(envStack.stackId, envStack.tags)] });
      expect(inventory.resources).toHaveLength(1);
      expect(entry(inventory, envStack.stackId).action).toBe('delete-stack');
    });

    it('lists every resource exactly once', () => {
      const bucket = resourceIn(envStack, arns.bucket('payments-prod-artifacts'), 'ArtifactsBucket');
      const logs = resourceIn(envStack, arns.logGroup('/proton/payments-prod'), 'EnvironmentLogs');
      const parameter = taggedResource(arns.parameter('payments/db-url'), protonTags());
      const role = arns.role('ProtonEnvironmentRole-payments');
      const inventory = inventoryFrom({
        stacks: [envStack, apiStack, stack('CDKToolkit')],
        taggedResources: [taggedResource(envStack.stackId, envStack.tags), bucket, logs, parameter],
        roleArns: [role, role],
      });
      expect(inventory.resources.map((r) => r.id).sort()).toEqual([envStack.stackId, apiStack.stackId, bucket.arn, logs.arn, parameter.arn, role].sort());
    });

    it('records when it was taken and for which connection', () => {
      const inventory = inventoryFrom({});
      expect(inventory).toMatchObject({ version: 1, takenAt: '2025-11-25T10:00:00.000Z', connection: connectionFacts() });
    });
  });
});

describe('the stacks to delete (the cleanup plan)', () => {
  it('is empty when nothing is owned', () => {
    expect(plannedStacks(inventoryFrom({}))).toEqual([]);
  });

  it('lists each stack to delete once, in dependency order (components, service instances, environment), and nothing else', () => {
    const protectedEnv = stack('AWSProton-protected-cloudformation--PLMOKNIJ', { tags: protonTags(), terminationProtection: true });
    const bucket = resourceIn(envStack, arns.bucket('payments-prod-artifacts'), 'ArtifactsBucket');
    const inventory = inventoryFrom({
      stacks: [envStack, apiStack, monitoringStack, protectedEnv, stack('AWSProton-legacy-cloudformation--ABCDEFGH')],
      taggedResources: [bucket],
      roleArns: [arns.role('ProtonEnvironmentRole-payments')],
    });
    expect(plannedStacks(inventory)).toEqual([
      { stackId: monitoringStack.stackId, phase: 'components', nestedStackIds: [] },
      { stackId: apiStack.stackId, phase: 'service-instances', nestedStackIds: [] },
      { stackId: envStack.stackId, phase: 'environment', nestedStackIds: [] },
    ]);
  });

  it('addresses stacks by stack ID, never by name', () => {
    expect(plannedStacks(inventoryFrom({ stacks: [envStack] }))).toEqual([
      { stackId: stackIdOf(envStack.stackName), phase: 'environment', nestedStackIds: [] },
    ]);
  });

  it("counts a nested stack's exports as its root's: deleting the root deletes them", () => {
    const root = stack('AWSProton-api-prod-cloudformation--ROOT', {
      tags: protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
    });
    const nested = stack('AWSProton-api-prod-cloudformation--ROOT-Network-ABC', { tags: root.tags, rootId: root.stackId, exports: ['api-prod-SubnetId'] });
    expect(startProgress(inventoryFrom({ stacks: [root, nested] })).stacks).toMatchObject([{ stackId: root.stackId, hasExports: true }]);
  });

  it('records whether a stack has exports (only then may another stack depend on it)', () => {
    const exporting = { ...envStack, exports: ['payments-prod-VpcId'] };
    const [env] = startProgress(inventoryFrom({ stacks: [exporting, apiStack] })).stacks.filter((s) => s.phase === 'environment');
    const [api] = startProgress(inventoryFrom({ stacks: [exporting, apiStack] })).stacks.filter((s) => s.phase === 'service-instances');
    expect([env?.hasExports, api?.hasExports]).toEqual([true, false]);
  });
});

describe('countInventory', () => {
  it('counts the resources by planned action, adding up to the total', () => {
    const inventory = inventoryFrom({
      stacks: [envStack, apiStack, stack('AWSProton-legacy-cloudformation--ABCDEFGH')],
      taggedResources: [
        resourceIn(envStack, arns.bucket('payments-prod-artifacts'), 'ArtifactsBucket'),
        taggedResource(arns.parameter('payments/db-url'), protonTags()),
      ],
      roleArns: [arns.role('ProtonEnvironmentRole-payments')],
    });
    expect(countInventory(inventory)).toEqual({ resources: 6, stacksToDelete: 2, deletedWithStacks: 1, retained: 3 });
  });
});

describe('nested stacks', () => {
  it('are never deleted on their own: they go with their owned root stack', () => {
    const root = stack('AWSProton-api-prod-cloudformation--ROOT', {
      tags: protonTags(undefined, { kind: 'service-instance', service: 'api', instance: 'prod' }),
    });
    const nested = stack('AWSProton-api-prod-cloudformation--ROOT-Network-ABC', { tags: root.tags, rootId: root.stackId });
    const inventory = inventoryFrom({ stacks: [root, nested] });
    const entry = inventory.resources.find((r) => r.id === nested.stackId);

    expect(entry).toMatchObject({ action: 'delete-with-stack', stackId: root.stackId, phase: 'service-instances' });
    expect(plannedStacks(inventory).map((s) => s.stackId)).toEqual([root.stackId]);
  });

  it('are retained with their root when the root is retained', () => {
    const root = stack('AWSProton-legacy-cloudformation--ROOT');
    const nested = stack('AWSProton-legacy-cloudformation--ROOT-Child-XYZ', { rootId: root.stackId });
    const inventory = inventoryFrom({ stacks: [root, nested] });

    expect(inventory.resources.find((r) => r.id === nested.stackId)).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/root stack is retained/),
    });
  });
});

describe('the protect tag', () => {
  const PROTECT = 'proton-cleanup:protect';
  const protectedInventory = (facts: { stacks: StackFacts[]; taggedResources?: TaggedResource[] }) =>
    buildInventory({
      connection: connectionFacts(),
      taggedResources: facts.taggedResources ?? [],
      stacks: facts.stacks,
      takenAt: 'now',
      protectTagKey: PROTECT,
    });

  it('retains an owned stack tagged with it in another case ("Proton-Cleanup:Protect"): meant to protect, taken to protect', () => {
    const guarded = stack('AWSProton-payments-prod-cloudformation--ENV', { tags: { ...protonTags(), 'Proton-Cleanup:Protect': 'yes' } });

    expect(protectedInventory({ stacks: [guarded] }).resources[0]).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^protected/) });
  });

  it('retains an owned stack tagged with it, saying so', () => {
    const guarded = stack('AWSProton-payments-prod-cloudformation--ENV', { tags: { ...protonTags(), [PROTECT]: 'true' } });

    expect(protectedInventory({ stacks: [guarded] }).resources[0]).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/protected: the stack is tagged proton-cleanup:protect/),
    });
  });

  it('retains an owned stack when a resource inside it is tagged with it, because deleting the stack would delete the resource', () => {
    const owner = stack('AWSProton-payments-prod-cloudformation--ENV', { tags: protonTags() });
    const bucket = resourceIn(owner, arns.bucket('keep-me'), 'Keep', { ...protonTags(), [PROTECT]: 'yes' });
    const inventory = protectedInventory({ stacks: [owner], taggedResources: [bucket] });

    expect(inventory.resources.find((r) => r.id === owner.stackId)).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/its resource Keep is tagged/),
    });
    expect(plannedStacks(inventory)).toEqual([]);
  });
});

describe('resources of nested stacks', () => {
  const PROTECT = 'proton-cleanup:protect';
  const root = stack('AWSProton-api-prod-cloudformation--ROOT', { tags: protonTags() });
  const nested = stack('AWSProton-api-prod-cloudformation--ROOT-Network-ABC', { tags: root.tags, rootId: root.stackId });

  it('go with the root stack the cleanup deletes, and are reported against it', () => {
    const subnet = resourceIn(nested, arns.queue('nested-queue'), 'Queue');
    const inventory = inventoryFrom({ stacks: [root, nested], taggedResources: [subnet] });

    expect(inventory.resources.find((r) => r.id === subnet.arn)).toMatchObject({ action: 'delete-with-stack', stackId: root.stackId });
  });

  it('protect their root: a protected resource in a nested stack retains the root', () => {
    const guarded = resourceIn(nested, arns.bucket('nested-keep'), 'Keep', { ...protonTags(), [PROTECT]: 'yes' });
    const inventory = buildInventory({
      connection: connectionFacts(),
      stacks: [root, nested],
      taggedResources: [guarded],
      takenAt: 'now',
      protectTagKey: PROTECT,
    });

    expect(inventory.resources.find((r) => r.id === root.stackId)).toMatchObject({ action: 'retain', reason: expect.stringMatching(/protected/) });
    expect(plannedStacks(inventory)).toEqual([]);
  });

  it('are handed to the re-check before DeleteStack with their root', () => {
    const inventory = inventoryFrom({ stacks: [root, nested] });

    expect(plannedStacks(inventory)).toEqual([{ stackId: root.stackId, phase: 'environment', nestedStackIds: [nested.stackId] }]);
  });
});

describe('ownership proof', () => {
  const untagged = stack('AWSProton-api-prod-cloudformation--MIXEDONE');

  it('retains an untagged stack whose resources are tagged for this environment and another, as mixed ownership', () => {
    const ours = resourceIn(untagged, arns.queue('ours'), 'Ours');
    const theirs = resourceIn(untagged, arns.queue('theirs'), 'Theirs', protonTags(OTHER_ENV));
    const inventory = inventoryFrom({ stacks: [untagged], taggedResources: [ours, theirs] });

    expect(entry(inventory, untagged.stackId)).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^mixed ownership/) });
    expect(entry(inventory, ours.arn)).toMatchObject({ action: 'retain', reason: expect.stringMatching(/its stack is retained: mixed ownership/) });
  });

  it('does not make a stack mixed for resources without proton tags', () => {
    const ours = resourceIn(untagged, arns.queue('ours'), 'Ours');
    const plain = resourceIn(untagged, arns.queue('plain'), 'Plain', {});

    expect(entry(inventoryFrom({ stacks: [untagged], taggedResources: [ours, plain] }), untagged.stackId)).toMatchObject({ action: 'delete-stack' });
  });

  it('neither lists nor counts against this environment a stack proven for another environment by its resources alone', () => {
    const theirs = resourceIn(untagged, arns.queue('theirs'), 'Theirs', protonTags(OTHER_ENV));
    const inventory = inventoryFrom({ stacks: [untagged], taggedResources: [theirs] });

    expect(inventory.resources).toEqual([]);
    expect(inventory.otherEnvironmentStacks).toBe(1);
  });

  it('retains a root whose nested stack is tagged for another environment, as mixed ownership', () => {
    const root = stack('AWSProton-api-prod-cloudformation--ROOTMIX', { tags: protonTags() });
    const nested = stack('AWSProton-api-prod-cloudformation--ROOTMIX-Net', { tags: protonTags(OTHER_ENV), rootId: root.stackId });

    expect(entry(inventoryFrom({ stacks: [root, nested] }), root.stackId)).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/^mixed ownership/),
    });
  });

  it('retains a root whose nested stack carries the protect tag', () => {
    const root = stack('AWSProton-api-prod-cloudformation--ROOTPRO', { tags: protonTags() });
    const nested = stack('AWSProton-api-prod-cloudformation--ROOTPRO-Net', { tags: { 'proton-cleanup:protect': '' }, rootId: root.stackId });
    const inventory = buildInventory({
      connection: connectionFacts(),
      stacks: [root, nested],
      taggedResources: [],
      takenAt: 'now',
      protectTagKey: 'proton-cleanup:protect',
    });

    expect(entry(inventory, root.stackId)).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/nested stack .* is tagged proton-cleanup:protect/),
    });
  });
});

describe('an environment held back (served by another connection, or the connection is PENDING or REJECTED)', () => {
  const HELD = 'environment payments-prod is still served by connection 7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b (CONNECTED): nothing of it is deleted';
  const heldInventory = (facts: { stacks?: StackFacts[]; taggedResources?: TaggedResource[] }) =>
    buildInventory({
      connection: connectionFacts({ roleArns: [arns.role('ProtonEnvironmentRole')] }),
      stacks: facts.stacks ?? [],
      taggedResources: facts.taggedResources ?? [],
      takenAt: 'now',
      deleteTypes: ['s3:bucket'],
      deleteConnectionRoles: true,
      heldBack: HELD,
    });

  it('retains every owned stack with the reason, keeping its owner and phase', () => {
    expect(entry(heldInventory({ stacks: [envStack] }), envStack.stackId)).toMatchObject({ action: 'retain', phase: 'environment', reason: HELD });
  });

  it('retains the resources of its stacks with their stack', () => {
    const queue = resourceIn(envStack, arns.queue('env-queue'), 'Queue');
    expect(entry(heldInventory({ stacks: [envStack], taggedResources: [queue] }), queue.arn)).toMatchObject({
      action: 'retain',
      reason: expect.stringContaining(HELD),
    });
  });

  it('retains stand-alone resources even of a type deleteTypes lists', () => {
    const bucket = taggedResource(arns.bucket('loose-bucket'), protonTags());
    expect(entry(heldInventory({ taggedResources: [bucket] }), bucket.arn)).toMatchObject({ action: 'retain', reason: HELD });
  });

  it('retains the connection roles even with deleteConnectionRoles', () => {
    expect(entry(heldInventory({}), arns.role('ProtonEnvironmentRole'))).toMatchObject({ action: 'retain', reason: HELD });
  });

  it('records why in the inventory, for the report', () => {
    expect(heldInventory({}).heldBack).toBe(HELD);
  });
});
