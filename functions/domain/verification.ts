import * as z from '../runtime/zod.js';
import { resourceTypeOf } from './arn.js';
import { type InventoriedResource, InventoriedResourceSchema, type Inventory, TAG, type TaggedResource } from './inventory.js';
import { ObjectRefSchema } from './object-ref.js';
import { deletionRoleNextStep, deniedAction } from './stack-deletion.js';

/**
 * Verify re-inventories the environment after cleanup. What is still there is explained,
 * not hidden: kept by DeletionPolicy (CloudFormation's DELETE_SKIPPED), failed to delete,
 * or simply still present.
 */
export const RemainingResourceSchema = z.object({
  id: z.string(),
  outcome: z.enum(['retained', 'failed']),
  /** What CloudFormation said about it: kept by DeletionPolicy, failed to delete, or nothing (still there). */
  cause: z.enum(['deletion-policy', 'delete-failed', 'still-present']),
  reason: z.string(),
});
export type RemainingResource = z.infer<typeof RemainingResourceSchema>;

/** A stand-alone resource VerifyCleanup hands on to DeleteStandaloneResources. */
export const StandaloneCandidateSchema = z.object({
  arn: z.string(),
  type: z.string(),
  writtenBefore: z.string().describe('only data written before this may be deleted'),
});
export type StandaloneCandidate = z.infer<typeof StandaloneCandidateSchema>;

export const VerificationSchema = z.object({
  version: z.literal(1),
  checkedAt: z.string(),
  remaining: z.array(RemainingResourceSchema),
  /** Tagged for the environment but absent from the inventory: created after it. Reported, never touched. */
  appeared: z.array(InventoriedResourceSchema),
  /** Outside any stack now, still tagged, of a type the request lists in deleteTypes: every one is deleted next (DeleteStandaloneResources reads them here). */
  standalone: z.array(StandaloneCandidateSchema).default([]),
  /** Why no stand-alone resource is deleted after all (the environment is served again), when that is so. */
  heldBack: z.string().optional(),
});
export type Verification = z.infer<typeof VerificationSchema>;

/** VerifyCleanup's output ($.verification): the stored verification by reference and its counts; the stand-alone resources themselves stay in S3. */
export const VerifyResultSchema = z.object({
  location: ObjectRefSchema,
  remaining: z.number().int(),
  appeared: z.number().int(),
  /** How many stand-alone resources (types the request lists in deleteTypes) DeleteStandaloneResources deletes next: HasStandaloneResources reads it. */
  standalone: z.number().int().nonnegative(),
});
export type VerifyResult = z.infer<typeof VerifyResultSchema>;

/** What CloudFormation said about one resource when it deleted (or tried to delete) the stack. */
export interface ResourceDeletionEvent {
  logicalId: string;
  status: string;
  reason?: string;
  physicalId?: string;
  type?: string;
}

function explainRemaining(resource: InventoriedResource, event: ResourceDeletionEvent | undefined): RemainingResource {
  if (event?.status === 'DELETE_SKIPPED') {
    return {
      id: resource.id,
      outcome: 'retained',
      cause: 'deletion-policy',
      reason: 'kept by its DeletionPolicy (Retain): CloudFormation skipped it when deleting the stack; delete it yourself if it is no longer needed',
    };
  }
  if (event?.status === 'DELETE_FAILED') {
    const denied = deniedAction(event.reason ?? '');
    const next = denied ? `; ${deletionRoleNextStep([denied])}` : '';
    return {
      id: resource.id,
      outcome: 'failed',
      cause: 'delete-failed',
      reason: `CloudFormation could not delete it: ${event.reason ?? 'no reason given'}${next}`,
    };
  }
  return { id: resource.id, outcome: 'retained', cause: 'still-present', reason: 'still present and tagged for this environment after the cleanup' };
}

export function verify(
  inventory: Inventory,
  stillTagged: readonly TaggedResource[],
  deletionEvents: ReadonlyMap<string, readonly ResourceDeletionEvent[]>,
  checkedAt: string,
  deleteTypes: readonly string[] = [],
): Verification {
  const inventoried = new Map(inventory.resources.map((r) => [r.id, r]));
  const remaining: RemainingResource[] = [];
  const appeared: InventoriedResource[] = [];
  const standalone: StandaloneCandidate[] = [];
  // What the inventory saw, or, with a reviewed plan, what the plan's run saw: data written later is not deleted.
  const writtenBefore = inventory.writtenBefore ?? inventory.takenAt;
  for (const resource of stillTagged) {
    const known = inventoried.get(resource.arn);
    if (!known) {
      appeared.push({
        id: resource.arn,
        type: resourceTypeOf(resource.arn),
        owner: { kind: 'unproven' },
        action: 'retain',
        reason: 'appeared after the inventory was taken: not touched; re-run to include it',
        ...(resource.tags[TAG.stackId] ? { stackId: resource.tags[TAG.stackId] } : {}),
      });
      continue;
    }
    if (known.action === 'delete-resource') standalone.push({ arn: known.id, type: known.type, writtenBefore });
    if (known.action !== 'delete-with-stack') continue; // retained on purpose, or a stack (judged by its own poll)
    const events = known.stackId ? deletionEvents.get(known.stackId) : undefined;
    const explained = explainRemaining(
      known,
      events?.find((e) => e.logicalId === known.logicalId),
    );
    remaining.push(explained);
    // Its stack is gone and CloudFormation kept it (DeletionPolicy or RetainResources): now it stands alone. A reviewed
    // plan showed it going with its stack, not emptied and deleted on its own: that takes a new plan.
    const standsAloneNow = explained.cause === 'deletion-policy' && deleteTypes.includes(known.type) && !inventory.restrictedToPlan;
    if (standsAloneNow) standalone.push({ arn: known.id, type: known.type, writtenBefore });
  }
  return { version: 1, checkedAt, remaining, appeared, standalone };
}

/** The environment is served again since the inventory: no stand-alone resource is deleted, and the report says why. */
export function holdBackStandalone(verification: Verification, reason: string): Verification {
  return { ...verification, standalone: [], heldBack: reason };
}

/** The stacks whose resources are still there: Verify reads their deletion events, and only theirs. */
export function stacksToExplain(inventory: Inventory, stillTagged: readonly TaggedResource[]): string[] {
  const byId = new Map(inventory.resources.map((r) => [r.id, r]));
  const stacks = new Set<string>();
  for (const resource of stillTagged) {
    const known = byId.get(resource.arn);
    if (known?.action === 'delete-with-stack' && known.stackId) stacks.add(known.stackId);
  }
  return [...stacks];
}
