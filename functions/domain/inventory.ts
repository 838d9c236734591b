import * as z from '../runtime/zod.js';
import { resourceTypeOf } from './arn.js';
import { type ConnectionFacts, ConnectionFactsSchema } from './connection.js';
import { FailedResourceSchema } from './failed-resource.js';
import { ObjectRefSchema } from './object-ref.js';
import {
  hasProtectTag,
  judgeOwnership,
  type OwnershipVerdict,
  ownerFromTags,
  PROTON_STACK_PREFIX,
  protectionOf,
  type StackOwnershipFacts,
  TAG,
  type TaggedResource,
  type Tags,
} from './ownership.js';

export { TAG, type TaggedResource, type Tags } from './ownership.js';

/**
 * Decides, from facts alone, what belongs to the connection's environment and what may be
 * deleted. Safety is structural: only stacks whose ownership is *proven* by tags get the
 * action `delete-stack`; everything else is `retain` with the reason.
 */
/** Dependency order: components and service instances import from the environment stack. */
export const PHASES = ['components', 'service-instances', 'environment'] as const;
export type Phase = (typeof PHASES)[number];

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
  /** When it was last updated (ISO; unset: never since its creation). */
  lastUpdatedTime?: string;
}

const OwnerSchema = z.object({
  kind: z.enum(['component', 'service-instance', 'environment', 'connection', 'unproven']),
  name: z.string().optional(),
});

/**
 * delete-stack: DeleteStack by the cleanup; delete-with-stack: goes when its stack does;
 * delete-resource: a stand-alone resource of a type the request lists in deleteTypes;
 * delete-role: a connection role, when the request sets deleteConnectionRoles; retain: left, with the reason.
 */
export const ACTIONS = ['delete-stack', 'delete-with-stack', 'delete-resource', 'delete-role', 'retain'] as const;
/** What a bucket holds (versions and delete markers, counted up to a bound): the data emptying it loses. */
export const BucketContentsSchema = z.object({
  versions: z.number().int(),
  deleteMarkers: z.number().int(),
  bytes: z.number().int(),
  bounded: z.boolean().describe('more than was counted: the counts are lower bounds'),
});
export type BucketContents = z.infer<typeof BucketContentsSchema>;

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
  /** A stack already DELETE_FAILED: what failed to delete last time (deleting it again fails the same way unless fixed). */
  failedResources: z.array(FailedResourceSchema).optional(),
  /** A bucket the cleanup would empty (deleteTypes): what it holds. */
  contents: BucketContentsSchema.optional(),
  /** A stack: when it was last updated (a reviewed plan is executed only on the stack it saw). */
  lastUpdatedTime: z.string().optional(),
  /** A resource of a nested stack: the stack that declares it (stackId is its root's). */
  declaredIn: z.string().optional(),
  /** What its stack's template says CloudFormation does with it when the stack is deleted (when the template states it). */
  deletionPolicy: z.enum(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot', 'unknown']).optional(),
});
export type InventoriedResource = z.infer<typeof InventoriedResourceSchema>;

export const InventorySchema = z.object({
  version: z.literal(1),
  takenAt: z.string(),
  connection: ConnectionFactsSchema,
  resources: z.array(InventoriedResourceSchema),
  otherEnvironmentStacks: z.number().int(),
  /** Why none of the environment's resources may be deleted (served by another connection, …), when that is so. */
  heldBack: z.string().optional(),
  /** The reviewed plan (its run's name) this inventory's deletions are restricted to. */
  restrictedToPlan: z.string().optional(),
  /** Only data written before this may be deleted (buckets emptied): the reviewed plan's start; unset: takenAt. */
  writtenBefore: z.string().optional(),
});
export type Inventory = z.infer<typeof InventorySchema>;

export interface InventoryFacts {
  connection: ConnectionFacts;
  /**
   * What the Tagging API returned: every resource tagged for this environment, and every tagged
   * resource inside the stacks whose ownership is judged (with all its tags), once each.
   */
  taggedResources: readonly TaggedResource[];
  stacks: readonly StackFacts[];
  takenAt: string;
  /** Tag key that protects a stack (or a resource, and so its stack) from deletion. */
  protectTagKey?: string;
  /** The request's options that widen what may be deleted. */
  deleteTypes?: readonly string[];
  deleteConnectionRoles?: boolean;
  /** Set when the environment's resources may not be deleted at all (see serving.ts): every one is retained with this reason. */
  heldBack?: string;
}

const PHASE_OF_OWNER: Record<'component' | 'service-instance' | 'environment', Phase> = {
  component: 'components',
  'service-instance': 'service-instances',
  environment: 'environment',
};

type ListedVerdict = Exclude<OwnershipVerdict, { kind: 'other-environment' | 'unrelated' }>;

function stackEntry(stack: StackFacts, verdict: ListedVerdict, whyRetained: string | undefined): InventoriedResource {
  const base = { id: stack.stackId, type: 'cloudformation:stack' };
  if (verdict.kind === 'unproven') return { ...base, owner: { kind: 'unproven' }, action: 'retain', reason: verdict.reason };
  const phase = PHASE_OF_OWNER[verdict.owner.kind as keyof typeof PHASE_OF_OWNER];
  const located = {
    ...base,
    owner: verdict.owner,
    ...(phase ? { phase } : {}),
    ...(stack.exports?.length ? { exports: stack.exports } : {}),
    ...(stack.lastUpdatedTime ? { lastUpdatedTime: stack.lastUpdatedTime } : {}),
  };
  if (verdict.kind === 'mixed') return { ...located, action: 'retain', reason: verdict.reason };
  if (whyRetained) return { ...located, action: 'retain', reason: whyRetained };
  return { ...located, action: 'delete-stack', reason: verdict.proof };
}

function taggedEntry(
  resource: TaggedResource,
  stacks: ReadonlyMap<string, InventoriedResource>,
  options: { deleteTypes: readonly string[]; protectTagKey: string | undefined; heldBack: string | undefined },
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
    ...(directStack && directStack !== stackId ? { declaredIn: directStack } : {}),
    ...(logicalId ? { logicalId } : {}),
  };
  const stack = stackId ? stacks.get(stackId) : undefined;
  if (!stackId) {
    const owner = ownerFromTags([resource.tags]);
    if (options.protectTagKey && hasProtectTag(resource.tags, options.protectTagKey))
      return { ...base, owner, action: 'retain', reason: `protected: tagged ${options.protectTagKey}` };
    if (!options.deleteTypes.includes(base.type)) {
      return { ...base, owner, action: 'retain', reason: 'not in a stack: stand-alone resources are reported, not deleted (see deleteTypes)' };
    }
    if (options.heldBack) return { ...base, owner, action: 'retain', reason: options.heldBack };
    return {
      ...base,
      owner,
      action: 'delete-resource',
      reason: `not in a stack; deleteTypes lists ${base.type}: deleted if still tagged for this environment`,
    };
  }
  if (!stack) {
    return { ...base, owner: ownerFromTags([resource.tags]), action: 'retain', reason: `its stack ${stackId} is not an active stack in this account` };
  }
  if (stack.action !== 'delete-stack') {
    return { ...base, owner: stack.owner, ...(stack.phase ? { phase: stack.phase } : {}), action: 'retain', reason: `its stack is retained: ${stack.reason}` };
  }
  return {
    ...base,
    owner: stack.owner,
    ...(stack.phase ? { phase: stack.phase } : {}),
    action: 'delete-with-stack',
    reason: 'goes with its stack, which the cleanup deletes',
  };
}

function roleEntry(roleArn: string, deleteConnectionRoles: boolean, heldBack: string | undefined): InventoriedResource {
  const role = { id: roleArn, type: 'iam:role', owner: { kind: 'connection' as const } };
  if (!deleteConnectionRoles) {
    return {
      ...role,
      action: 'retain',
      reason: 'connection role: kept, because roles can be shared with other connections and stacks may still need them (see deleteConnectionRoles)',
    };
  }
  if (heldBack) return { ...role, action: 'retain', reason: heldBack };
  return { ...role, action: 'delete-role', reason: 'deleteConnectionRoles: deleted once the stacks are gone, unless another connection uses it' };
}

/** The stacks and tagged resources of each root stack's tree, indexed once (by root stack ID) so that judging every stack stays linear. */
function treesByRoot(stacks: readonly StackFacts[], resources: readonly TaggedResource[]) {
  const nestedOf = new Map<string, StackFacts[]>();
  const rootOf = new Map<string, string>();
  for (const s of stacks) {
    rootOf.set(s.stackId, s.rootId ?? s.stackId);
    if (s.rootId && s.rootId !== s.stackId) nestedOf.set(s.rootId, [...(nestedOf.get(s.rootId) ?? []), s]);
  }
  const resourcesOf = new Map<string, TaggedResource[]>();
  for (const r of resources) {
    const root = rootOf.get(r.tags[TAG.stackId] ?? '');
    if (root !== undefined) resourcesOf.set(root, [...(resourcesOf.get(root) ?? []), r]);
  }
  return { nested: (root: string) => nestedOf.get(root) ?? [], resources: (root: string) => resourcesOf.get(root) ?? [] };
}

/** The facts one root stack's proof is judged on: it, its nested stacks, and the tagged resources in all of them. */
function ownershipFactsOf(root: StackFacts, trees: ReturnType<typeof treesByRoot>): StackOwnershipFacts {
  return {
    stackName: root.stackName,
    tags: root.tags,
    terminationProtection: root.terminationProtection,
    nestedStacks: trees.nested(root.stackId).map((n) => ({ stackId: n.stackId, tags: n.tags })),
    resources: trees.resources(root.stackId),
  };
}

/**
 * The stacks whose every tagged resource the inventory must read to judge them (their roots and
 * nested stacks, by ID): those tagged for this environment, those holding a resource tagged for
 * it, and `AWSProton-` stacks no stack tag assigns (their resources may prove them for us, for
 * another environment, or both). A stack tagged for another environment that holds nothing tagged
 * for this one is that environment's: its resources are not read.
 */
export function stacksToExamine(stacks: readonly StackFacts[], environmentResources: readonly TaggedResource[], environmentArn: string): string[] {
  const rootOf = new Map(stacks.map((s) => [s.stackId, s.rootId ?? s.stackId]));
  const holding = new Set(environmentResources.flatMap((r) => (r.tags[TAG.stackId] ? [rootOf.get(r.tags[TAG.stackId] as string) ?? ''] : [])));
  const roots = new Set<string>();
  const byId = new Map(stacks.map((s) => [s.stackId, s]));
  for (const stack of stacks) {
    const root = stack.rootId ?? stack.stackId;
    const rootStack = byId.get(root);
    const unassigned = rootStack?.stackName.startsWith(PROTON_STACK_PREFIX) === true && rootStack.tags[TAG.environment] === undefined;
    if (stack.tags[TAG.environment] === environmentArn || holding.has(root) || unassigned) roots.add(root);
  }
  return stacks.filter((s) => roots.has(s.rootId ?? s.stackId)).map((s) => s.stackId);
}

/** Builds the inventory: one entry per resource, each with its owner, phase and planned action. */
export function buildInventory(facts: InventoryFacts): Inventory {
  const envArn = facts.connection.environmentArn;
  // Resources of nested stacks count for their root: its proof, its protection, its fate.
  const roots = new Map(facts.stacks.filter((s) => s.rootId).map((s) => [s.stackId, s.rootId ?? s.stackId]));
  const rootOf = (stackId: string) => roots.get(stackId) ?? stackId;

  const stackEntries = new Map<string, InventoriedResource>();
  let otherEnvironmentStacks = 0;
  const trees = treesByRoot(facts.stacks, facts.taggedResources);
  for (const stack of facts.stacks.filter((s) => !s.rootId)) {
    const ownership = ownershipFactsOf(stack, trees);
    const verdict = judgeOwnership(ownership, envArn);
    if (verdict.kind === 'unrelated') continue;
    if (verdict.kind === 'other-environment') {
      otherEnvironmentStacks += 1;
      continue;
    }
    stackEntries.set(stack.stackId, stackEntry(stack, verdict, protectionOf(ownership, facts.protectTagKey) ?? facts.heldBack));
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
      reason:
        root.action === 'delete-stack'
          ? 'nested stack: goes with its root stack, which the cleanup deletes'
          : `nested stack: its root stack is retained: ${root.reason}`,
      ...(nested.exports?.length ? { exports: nested.exports } : {}),
    });
  }

  const seen = new Set(stackEntries.keys());
  const resources: InventoriedResource[] = [...stackEntries.values()];
  const options = { deleteTypes: facts.deleteTypes ?? [], protectTagKey: facts.protectTagKey, heldBack: facts.heldBack };
  // Only this environment's resources are listed; the others in judged stacks served as evidence.
  for (const resource of facts.taggedResources.filter((r) => r.tags[TAG.environment] === envArn)) {
    if (seen.has(resource.arn)) continue; // a stack tagged for us is already listed as a stack
    seen.add(resource.arn);
    resources.push(taggedEntry(resource, stackEntries, options, rootOf));
  }
  for (const role of facts.connection.roleArns) {
    if (seen.has(role)) continue;
    seen.add(role);
    resources.push(roleEntry(role, facts.deleteConnectionRoles ?? false, facts.heldBack));
  }

  return {
    version: 1,
    takenAt: facts.takenAt,
    connection: facts.connection,
    resources,
    otherEnvironmentStacks,
    ...(facts.heldBack ? { heldBack: facts.heldBack } : {}),
  };
}

export const InventoryCountsSchema = z.object({
  resources: z.number().int(),
  stacksToDelete: z.number().int(),
  deletedWithStacks: z.number().int(),
  retained: z.number().int(),
});
export type InventoryCounts = z.infer<typeof InventoryCountsSchema>;

/** Inventory's output ($.inventory): the stored inventory by reference, and its counts (the inventory itself never travels in the state). */
export const InventoryResultSchema = z.object({ location: ObjectRefSchema, counts: InventoryCountsSchema });
export type InventoryResult = z.infer<typeof InventoryResultSchema>;
/** What the states after Inventory read of its output: where the inventory is. */
export const InventoryReferenceSchema = InventoryResultSchema.pick({ location: true });

export function countInventory(inventory: Inventory): InventoryCounts {
  const count = (action: InventoriedResource['action']) => inventory.resources.filter((r) => r.action === action).length;
  return {
    resources: inventory.resources.length,
    stacksToDelete: count('delete-stack'),
    deletedWithStacks: count('delete-with-stack'),
    retained: count('retain'),
  };
}
