import * as z from '../runtime/zod.js';
import { protonResourceName, resourceTypeOf } from './arn.js';
import { ConnectionFactsSchema, type ConnectionFacts } from './connection.js';

/**
 * Decides, from facts alone, what belongs to the connection's environment and what may be
 * deleted. Safety is structural: only stacks whose ownership is *proven* by tags get the
 * action `delete-stack`; everything else is `retain` with the reason.
 */
export const PROTON_STACK_PREFIX = 'AWSProton-';
export const TAG = {
  environment: 'proton:environment',
  serviceInstance: 'proton:service-instance',
  component: 'proton:component',
  stackId: 'aws:cloudformation:stack-id',
  logicalId: 'aws:cloudformation:logical-id',
} as const;

/** Dependency order: components and service instances import from the environment stack. */
export const PHASES = ['components', 'service-instances', 'environment'] as const;
export type Phase = (typeof PHASES)[number];

export type Tags = Record<string, string>;
export interface TaggedResource {
  arn: string;
  tags: Tags;
}
export interface StackFacts {
  stackId: string;
  stackName: string;
  status: string;
  tags: Tags;
  terminationProtection: boolean;
  /** Set for a nested stack: the stack ID of its root. CloudFormation deletes it with the root. */
  rootId?: string;
  /** The service role CloudFormation uses for the stack, if any. */
  roleArn?: string;
  /** Names of its exports: stacks that import one must be deleted first. */
  exports?: string[];
}

const OwnerSchema = z.object({
  kind: z.enum(['component', 'service-instance', 'environment', 'connection', 'unproven']),
  name: z.string().optional(),
});
export type Owner = z.infer<typeof OwnerSchema>;

/**
 * delete-stack: DeleteStack by the cleanup; delete-with-stack: goes when its stack does;
 * delete-resource: a stand-alone resource of a type the request lists in deleteTypes;
 * delete-role: a connection role, when the request sets deleteConnectionRoles; retain: left, with the reason.
 */
export const ACTIONS = ['delete-stack', 'delete-with-stack', 'delete-resource', 'delete-role', 'retain'] as const;
export const InventoriedResourceSchema = z.object({
  id: z.string(),
  type: z.string(),
  owner: OwnerSchema,
  phase: z.enum(PHASES).optional(),
  action: z.enum(ACTIONS),
  reason: z.string(),
  stackId: z.string().optional(),
  logicalId: z.string().optional(),
  /** Stacks: the names of its exports. */
  exports: z.array(z.string()).optional(),
});
export type InventoriedResource = z.infer<typeof InventoriedResourceSchema>;

export const InventorySchema = z.object({
  version: z.literal(1),
  takenAt: z.string(),
  connection: ConnectionFactsSchema,
  resources: z.array(InventoriedResourceSchema),
  otherEnvironmentStacks: z.number().int(),
});
export type Inventory = z.infer<typeof InventorySchema>;

export interface InventoryFacts {
  connection: ConnectionFacts;
  taggedResources: readonly TaggedResource[];
  stacks: readonly StackFacts[];
  takenAt: string;
  /** Tag key that protects a stack (or a resource, and so its stack) from deletion. */
  protectTagKey?: string;
  /** The request's options that widen what may be deleted. */
  deleteTypes?: readonly string[];
  deleteConnectionRoles?: boolean;
}

const PHASE_OF_OWNER: Record<'component' | 'service-instance' | 'environment', Phase> = {
  component: 'components',
  'service-instance': 'service-instances',
  environment: 'environment',
};

function ownerFromTags(tagSets: readonly Tags[]): Owner {
  const component = tagSets.find((tags) => tags[TAG.component])?.[TAG.component];
  if (component) return { kind: 'component', name: protonResourceName(component) };
  const instance = tagSets.find((tags) => tags[TAG.serviceInstance])?.[TAG.serviceInstance];
  if (instance) return { kind: 'service-instance', name: protonResourceName(instance) };
  const environment = tagSets.find((tags) => tags[TAG.environment])?.[TAG.environment];
  return { kind: 'environment', ...(environment ? { name: protonResourceName(environment) } : {}) };
}

type StackVerdict =
  | { kind: 'owned'; owner: Owner; proof: string }
  | { kind: 'other-environment' }
  | { kind: 'unproven'; reason: string };

function judgeStack(stack: StackFacts, envArn: string, resourceTagsInStack: readonly Tags[]): StackVerdict {
  const stackEnvironment = stack.tags[TAG.environment];
  if (stackEnvironment !== undefined && stackEnvironment !== envArn) {
    // Tagged for another environment: proven *not* ours, even if some resource inside says otherwise.
    return resourceTagsInStack.length > 0
      ? { kind: 'unproven', reason: `the stack is tagged ${TAG.environment}=${stackEnvironment}, but resources inside it are tagged for this environment` }
      : { kind: 'other-environment' };
  }
  if (!stack.stackName.startsWith(PROTON_STACK_PREFIX)) {
    return {
      kind: 'unproven',
      reason: `tagged for this environment, but the stack name does not start with ${PROTON_STACK_PREFIX}: not provisioned by Proton, delete it yourself if it should go`,
    };
  }
  if (stackEnvironment === envArn) {
    return { kind: 'owned', owner: ownerFromTags([stack.tags, ...resourceTagsInStack]), proof: `the stack is tagged ${TAG.environment} for this environment` };
  }
  if (resourceTagsInStack.length > 0) {
    return {
      kind: 'owned',
      owner: ownerFromTags(resourceTagsInStack),
      proof: `${resourceTagsInStack.length} of its resources are tagged ${TAG.environment} for this environment`,
    };
  }
  return {
    kind: 'unproven',
    reason: `ownership not proven: the name starts with ${PROTON_STACK_PREFIX}, but neither the stack nor any resource in it is tagged ${TAG.environment} for this environment`,
  };
}

/** Why an owned stack must stay: its own protect tag, or a protected resource that deleting it would delete. */
function protection(stack: StackFacts, resourceTagsInStack: readonly Tags[], protectTagKey: string | undefined): string | undefined {
  if (!protectTagKey) return undefined;
  if (protectTagKey in stack.tags) return `protected: the stack is tagged ${protectTagKey}`;
  const guarded = resourceTagsInStack.find((tags) => protectTagKey in tags);
  if (guarded) {
    const name = guarded[TAG.logicalId];
    return `protected: ${name ? `its resource ${name}` : 'a resource in it'} is tagged ${protectTagKey}, and deleting the stack would delete it`;
  }
  return undefined;
}

function stackEntry(stack: StackFacts, verdict: StackVerdict & { kind: 'owned' | 'unproven' }, protectedBecause?: string): InventoriedResource {
  if (verdict.kind === 'unproven') {
    return { id: stack.stackId, type: 'cloudformation:stack', owner: { kind: 'unproven' }, action: 'retain', reason: verdict.reason };
  }
  const phase = PHASE_OF_OWNER[verdict.owner.kind as keyof typeof PHASE_OF_OWNER];
  if (stack.terminationProtection) {
    return {
      id: stack.stackId,
      type: 'cloudformation:stack',
      owner: verdict.owner,
      phase,
      action: 'retain',
      reason: 'termination protection is on; the cleanup never switches it off: disable it yourself and re-run to delete',
    };
  }
  if (protectedBecause) {
    return { id: stack.stackId, type: 'cloudformation:stack', owner: verdict.owner, phase, action: 'retain', reason: protectedBecause };
  }
  return {
    id: stack.stackId,
    type: 'cloudformation:stack',
    owner: verdict.owner,
    phase,
    action: 'delete-stack',
    reason: verdict.proof,
    ...(stack.exports?.length ? { exports: stack.exports } : {}),
  };
}

function taggedEntry(
  resource: TaggedResource,
  stacks: ReadonlyMap<string, InventoriedResource>,
  deleteTypes: readonly string[],
  protectTagKey: string | undefined,
  rootOf: (stackId: string) => string,
): InventoriedResource {
  // A resource of a nested stack goes (or stays) with the root stack the cleanup deletes.
  const directStack = resource.tags[TAG.stackId];
  const stackId = directStack ? rootOf(directStack) : undefined;
  const logicalId = resource.tags[TAG.logicalId];
  const base = {
    id: resource.arn,
    type: resourceTypeOf(resource.arn),
    ...(stackId ? { stackId } : {}),
    ...(logicalId ? { logicalId } : {}),
  };
  const stack = stackId ? stacks.get(stackId) : undefined;
  if (!stackId) {
    const owner = ownerFromTags([resource.tags]);
    if (protectTagKey && protectTagKey in resource.tags) return { ...base, owner, action: 'retain', reason: `protected: tagged ${protectTagKey}` };
    if (deleteTypes.includes(base.type)) {
      return { ...base, owner, action: 'delete-resource', reason: `not in a stack; deleteTypes lists ${base.type}: deleted if still tagged for this environment` };
    }
    return { ...base, owner, action: 'retain', reason: 'not in a stack: stand-alone resources are reported, not deleted (see deleteTypes)' };
  }
  if (!stack) {
    return { ...base, owner: ownerFromTags([resource.tags]), action: 'retain', reason: `its stack ${stackId} is not an active stack in this account` };
  }
  if (stack.action !== 'delete-stack') {
    return { ...base, owner: stack.owner, ...(stack.phase ? { phase: stack.phase } : {}), action: 'retain', reason: `its stack is retained: ${stack.reason}` };
  }
  return { ...base, owner: stack.owner, ...(stack.phase ? { phase: stack.phase } : {}), action: 'delete-with-stack', reason: 'goes with its stack, which the cleanup deletes' };
}

function roleEntry(roleArn: string, deleteConnectionRoles: boolean): InventoriedResource {
  return deleteConnectionRoles
    ? { id: roleArn, type: 'iam:role', owner: { kind: 'connection' }, action: 'delete-role', reason: 'deleteConnectionRoles: deleted once the stacks are gone, unless another connection uses it' }
    : {
        id: roleArn,
        type: 'iam:role',
        owner: { kind: 'connection' },
        action: 'retain',
        reason: 'connection role: kept, because roles can be shared with other connections and stacks may still need them (see deleteConnectionRoles)',
      };
}

/** Builds the inventory: one entry per resource, each with its owner, phase and planned action. */
export function buildInventory(facts: InventoryFacts): Inventory {
  const envArn = facts.connection.environmentArn;
  // Resources of nested stacks count for their root: its proof, its protection, its fate.
  const roots = new Map(facts.stacks.filter((s) => s.rootId).map((s) => [s.stackId, s.rootId ?? s.stackId]));
  const rootOf = (stackId: string) => roots.get(stackId) ?? stackId;
  const tagsByStack = new Map<string, Tags[]>();
  for (const resource of facts.taggedResources) {
    const directStack = resource.tags[TAG.stackId];
    if (!directStack) continue;
    const stackId = rootOf(directStack);
    tagsByStack.set(stackId, [...(tagsByStack.get(stackId) ?? []), resource.tags]);
  }

  const stackEntries = new Map<string, InventoriedResource>();
  let otherEnvironmentStacks = 0;
  for (const stack of facts.stacks.filter((s) => !s.rootId)) {
    const taggedForUs = stack.tags[TAG.environment] === envArn || tagsByStack.has(stack.stackId);
    const isProtonStack = stack.stackName.startsWith(PROTON_STACK_PREFIX);
    if (!taggedForUs && !isProtonStack && stack.tags[TAG.environment] === undefined) continue; // unrelated stack
    const resourceTags = tagsByStack.get(stack.stackId) ?? [];
    const verdict = judgeStack(stack, envArn, resourceTags);
    if (verdict.kind === 'other-environment') {
      otherEnvironmentStacks += 1;
      continue;
    }
    stackEntries.set(stack.stackId, stackEntry(stack, verdict, protection(stack, resourceTags, facts.protectTagKey)));
  }

  // A nested stack is never deleted on its own (CloudFormation advises against it): it goes with its root.
  for (const nested of facts.stacks.filter((s) => s.rootId)) {
    const root = stackEntries.get(nested.rootId ?? '');
    if (!root) continue; // its root is not ours to report
    stackEntries.set(nested.stackId, {
      id: nested.stackId,
      type: 'cloudformation:stack',
      owner: root.owner,
      ...(root.phase ? { phase: root.phase } : {}),
      stackId: root.id,
      action: root.action === 'delete-stack' ? 'delete-with-stack' : 'retain',
      reason: root.action === 'delete-stack' ? 'nested stack: goes with its root stack, which the cleanup deletes' : `nested stack: its root stack is retained: ${root.reason}`,
      ...(nested.exports?.length ? { exports: nested.exports } : {}),
    });
  }

  const seen = new Set(stackEntries.keys());
  const resources: InventoriedResource[] = [...stackEntries.values()];
  for (const resource of facts.taggedResources) {
    if (seen.has(resource.arn)) continue; // a stack tagged for us is already listed as a stack
    seen.add(resource.arn);
    resources.push(taggedEntry(resource, stackEntries, facts.deleteTypes ?? [], facts.protectTagKey, rootOf));
  }
  for (const role of facts.connection.roleArns) {
    if (seen.has(role)) continue;
    seen.add(role);
    resources.push(roleEntry(role, facts.deleteConnectionRoles ?? false));
  }

  return { version: 1, takenAt: facts.takenAt, connection: facts.connection, resources, otherEnvironmentStacks };
}

export interface InventoryCounts {
  resources: number;
  stacksToDelete: number;
  deletedWithStacks: number;
  retained: number;
}

export function countInventory(inventory: Inventory): InventoryCounts {
  const count = (action: InventoriedResource['action']) => inventory.resources.filter((r) => r.action === action).length;
  return {
    resources: inventory.resources.length,
    stacksToDelete: count('delete-stack'),
    deletedWithStacks: count('delete-with-stack'),
    retained: count('retain'),
  };
}
