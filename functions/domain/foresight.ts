import { holdBackDependents, startProgress } from './cleanup-progress.js';
import type { FailedResource } from './failed-resource.js';
import type { BucketContents, InventoriedResource, Inventory } from './inventory.js';
import type { DeletionPolicy } from './template-policies.js';

/**
 * What the cleanup will hold back, foreseen from the inventory alone: a stack that waits for one
 * the inventory retains (an earlier phase's, see cleanup-progress.ts) is never started, so it is
 * retained here already, saying what it waits for, with what goes with it. A plan then says what
 * execute will do, and execute does the same from round one. Pure.
 */
export function foreseeHolds(inventory: Inventory): Inventory {
  const held = new Map(
    holdBackDependents(startProgress(inventory))
      .stacks.filter((s) => s.outcome === 'retained')
      .map((s) => [s.stackId, s.reason ?? 'waits for a stack this run does not delete']),
  );
  if (held.size === 0) return inventory;
  return {
    ...inventory,
    resources: inventory.resources.map((r): InventoriedResource => {
      const own = held.get(r.id);
      if (own && r.action === 'delete-stack') return { ...r, action: 'retain', reason: own };
      const root = r.action === 'delete-with-stack' && r.stackId ? held.get(r.stackId) : undefined;
      return root ? { ...r, action: 'retain', reason: `its stack is retained: ${root}` } : r;
    }),
  };
}

/** What a bucket holds, said plainly ("≥" when the count stopped at its bound). */
export function describeContents(contents: BucketContents): string {
  if (contents.versions + contents.deleteMarkers === 0) return 'it is empty';
  const atLeast = contents.bounded ? '≥ ' : '';
  const count = (n: number) => `${atLeast}${n.toLocaleString('en-US')}`;
  return `${count(contents.versions)} object version(s) and ${count(contents.deleteMarkers)} delete marker(s), ${atLeast}${formatBytes(contents.bytes)}`;
}

function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What a DeletionPolicy makes CloudFormation do when it deletes the stack (CloudFormation User Guide, DeletionPolicy attribute). */
const POLICY_SAYS: Record<Exclude<DeletionPolicy, 'Delete'>, string> = {
  Retain: 'but its template says DeletionPolicy Retain: CloudFormation keeps it when it deletes the stack',
  RetainExceptOnCreate: 'but its template says DeletionPolicy RetainExceptOnCreate: CloudFormation keeps it when it deletes the stack',
  Snapshot: 'its template says DeletionPolicy Snapshot: CloudFormation keeps a snapshot of it',
  unknown: 'its DeletionPolicy could not be read from its template: CloudFormation may keep it',
};

/** What will happen that only the account can tell: stacks already DELETE_FAILED, and what buckets to be emptied hold. */
export interface ForeseenFacts {
  failedStacks: ReadonlyMap<string, readonly FailedResource[]>;
  bucketContents: ReadonlyMap<string, BucketContents>;
  /** Resource ID → the DeletionPolicy its stack's template states (`unknown`: unreadable). */
  deletionPolicies: ReadonlyMap<string, DeletionPolicy>;
  retainFailedResources: boolean;
}

/**
 * The inventory saying what the account told: a stack already DELETE_FAILED lists what failed to
 * delete last time (it fails the same way unless fixed, or is deleted keeping them with
 * retainFailedResources); a bucket deleteTypes would empty says what data will be lost. Pure.
 */
export function withForeseenFacts(inventory: Inventory, facts: ForeseenFacts): Inventory {
  return {
    ...inventory,
    resources: inventory.resources.map((r): InventoriedResource => {
      const failed = r.action === 'delete-stack' ? facts.failedStacks.get(r.id) : undefined;
      if (failed) {
        const what = failed.map((f) => `${f.logicalId}: ${f.reason}`).join('; ') || 'CloudFormation gave no reason';
        const then = facts.retainFailedResources
          ? 'retainFailedResources deletes it once more, keeping them'
          : 'deleting it again fails the same way unless they are fixed (or re-run with retainFailedResources to keep them)';
        return { ...r, failedResources: [...failed], reason: `${r.reason}; already DELETE_FAILED (${what}): ${then}` };
      }
      const policy = r.action === 'delete-with-stack' ? facts.deletionPolicies.get(r.id) : undefined;
      if (policy && policy !== 'Delete') return { ...r, deletionPolicy: policy, reason: `${r.reason}; ${POLICY_SAYS[policy]}` };
      const contents = r.action === 'delete-resource' ? facts.bucketContents.get(r.id) : undefined;
      if (contents) {
        const lost = contents.versions + contents.deleteMarkers === 0 ? 'it is empty' : `${describeContents(contents)} will be deleted: this data will be lost`;
        return { ...r, contents, reason: `${r.reason}; emptied first: ${lost}` };
      }
      return r;
    }),
  };
}
