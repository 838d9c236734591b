import type { SandboxAccount, StackModel, StackResourceModel } from './account.js';
import { deletionAuthority } from './deletion-identity.js';

/**
 * How CloudFormation deletes a stack, on the sandbox clock. A deletion starts (beginDeletion)
 * and settles `deleteSeconds` later (settleDueDeletions, before the sandbox answers any call):
 * refused while a live stack outside it imports one of its exports; otherwise its nested stacks
 * are deleted first, deepest first, then its own resources (Retain and retained ones skipped and
 * left behind); DELETE_FAILED naming every resource that could not be deleted (a nested stack
 * that failed is such a resource), else DELETE_COMPLETE.
 *
 * The account's ConcurrentResourcesLimit bounds the resources its running deletions involve (each
 * deletion's weight: the resources of the stack and of its nested stacks, at least 1). A deletion
 * that does not fit is accepted (DELETE_IN_PROGRESS) but waits, first come first served; its
 * deleteSeconds count from when it is admitted, as soon as enough running ones have settled. What
 * AWS does over the limit is not documented: this is the sandbox's assumption (docs/sandbox.md).
 */
const STACK_TYPE = 'AWS::CloudFormation::Stack';

function event(stack: StackModel, at: number, logicalId: string, physicalId: string, type: string, status: string, reason?: string): void {
  stack.events.unshift({ logicalId, physicalId, type, status, ...(reason ? { reason } : {}), timestamp: new Date(at) });
}

/**
 * How soon CloudFormation gives up a deletion whose export another stack imports: "within seconds"
 * it is back in its previous status (serverless/serverless#2984, aws/aws-cdk#604).
 */
const EXPORT_IN_USE_AFTER_MS = 3_000;

/**
 * CloudFormation accepts the stack's deletion at `now`: it runs at once when its weight fits under
 * the concurrent-resources limit and no deletion waits before it (it settles after the stack's
 * deleteSeconds), else it waits its turn. One refused because an export is in use is refused
 * within seconds, whatever the limit: it takes no weight and does not wait.
 */
export function beginDeletion(account: SandboxAccount, stack: StackModel, now: number, retain: string[]): void {
  stack.retainOnDelete = retain;
  stack.statusBeforeDeletion = stack.status;
  stack.status = 'DELETE_IN_PROGRESS';
  stack.statusReason = 'User Initiated';
  event(stack, now, stack.name, stack.stackId, STACK_TYPE, 'DELETE_IN_PROGRESS', 'User Initiated');
  const weight = weightOf(account, stack);
  if (!importerOf(account, stack) && (account.waitingDeletions.size > 0 || !fits(account, weight))) {
    stack.deletionWeight = weight;
    account.waitingDeletions.push(stack);
    return;
  }
  run(account, stack, now, weight);
}

/** The resources deleting the stack involves: its own and, at any depth, its nested stacks' (a nested stack is also one resource of its parent); at least 1. */
function weightOf(account: SandboxAccount, stack: StackModel): number {
  let resources = 0;
  const count = (s: StackModel): void => {
    resources += s.resources.length;
    for (const r of s.resources) {
      const nested = r.nestedStackId === undefined ? undefined : account.stacks.get(r.nestedStackId);
      if (nested && nested.status !== 'DELETE_COMPLETE') count(nested);
    }
  };
  count(stack);
  return Math.max(1, resources);
}

/** Whether a deletion of this weight may run now: it fits under the limit, or nothing runs (a deletion heavier than the limit runs alone). */
function fits(account: SandboxAccount, weight: number): boolean {
  return account.deletionWeightInFlight === 0 || account.deletionWeightInFlight + weight <= account.concurrentResourcesLimit;
}

/** The deletion's resource operations start at `at`: refused within seconds if an export is in use (no weight), else it takes its weight and settles deleteSeconds later. */
function run(account: SandboxAccount, stack: StackModel, at: number, weight: number): void {
  if (importerOf(account, stack)) {
    delete stack.deletionWeight;
    stack.deleteDueAt = at + EXPORT_IN_USE_AFTER_MS;
  } else {
    stack.deletionWeight = weight;
    account.deletionWeightInFlight += weight;
    stack.deleteDueAt = at + stack.deleteSeconds * 1000;
  }
  account.deletions.add(stack, stack.deleteDueAt);
}

/**
 * The stack's deletion no longer holds or waits for the limit (it settled, or its root's deletion
 * took it over). Called before its due time is cleared: a deletion without one is a waiting one.
 */
function release(account: SandboxAccount, stack: StackModel): void {
  const weight = stack.deletionWeight;
  if (weight === undefined) return;
  delete stack.deletionWeight;
  // A deletion waiting has no due time yet, and holds no weight.
  if (stack.deleteDueAt === undefined) account.waitingDeletions.remove(stack);
  else account.deletionWeightInFlight -= weight;
}

/** Admits, at `at`, the deletions waiting in turn, as long as the first one fits: none overtakes another. */
function admitWaiting(account: SandboxAccount, at: number): void {
  for (let next = account.waitingDeletions.peek(); next && fits(account, next.deletionWeight ?? 1); next = account.waitingDeletions.peek()) {
    account.waitingDeletions.shift();
    run(account, next, at, next.deletionWeight ?? 1);
  }
}

/** Whether `stack` is `ancestor` or one of its nested stacks, at any depth. */
function within(account: SandboxAccount, stack: StackModel, ancestor: StackModel): boolean {
  for (let s: StackModel | undefined = stack; s; s = s.parentId === undefined ? undefined : account.stacks.get(s.parentId)) if (s === ancestor) return true;
  return false;
}

/** The first live stack, outside this stack and its nested stacks, importing one of its exports (the account's index of importers). */
function importerOf(account: SandboxAccount, stack: StackModel): { exportName: string; importer: StackModel } | undefined {
  for (const exportName of stack.exports) {
    for (const importer of account.stacks.liveImporters(exportName)) if (!within(account, importer, stack)) return { exportName, importer };
  }
  return undefined;
}

/** Why CloudFormation cannot delete the resource, if it cannot: the scenario says so, or it is a bucket with objects left. */
function deletionFailure(account: SandboxAccount, r: StackResourceModel): string | undefined {
  if (r.failsToDelete) return r.failsToDelete;
  if (account.resources.get(r.arn)?.contents?.size) {
    return 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: sandbox)"';
  }
  return undefined;
}

/** Deletes one nested stack as a resource of its parent; true when it is gone. */
function deleteNested(account: SandboxAccount, parent: StackModel, r: StackResourceModel, at: number): boolean {
  const nested = account.stacks.get(r.nestedStackId ?? '');
  if (nested && nested.status !== 'DELETE_COMPLETE') {
    // Deleted with its parent now, whatever deletion of its own it had (its weight counted in the root's).
    release(account, nested);
    delete nested.deleteDueAt;
    nested.retainOnDelete = [];
    nested.status = 'DELETE_IN_PROGRESS';
    delete nested.statusReason;
    event(nested, at, nested.name, nested.stackId, STACK_TYPE, 'DELETE_IN_PROGRESS');
    settle(account, nested, at);
    if (nested.status !== 'DELETE_COMPLETE') {
      event(
        parent,
        at,
        r.logicalId,
        r.arn,
        r.type,
        'DELETE_FAILED',
        `Embedded stack ${nested.stackId} was not successfully deleted: ${nested.statusReason ?? ''}`,
      );
      return false;
    }
  }
  event(parent, at, r.logicalId, r.arn, r.type, 'DELETE_COMPLETE');
  return true;
}

/** The deletion ends at `at`: how, CloudFormation decides now, from what the account holds. */
function settle(account: SandboxAccount, stack: StackModel, at: number): void {
  release(account, stack);
  delete stack.deleteDueAt;
  const inUse = importerOf(account, stack);
  if (inUse) {
    stack.statusReason = `Export ${inUse.exportName} cannot be deleted as it is in use by ${inUse.importer.name}`;
    // A stack its own DeleteStack started is not DELETE_FAILED: CloudFormation refuses the whole
    // operation and the stack is back where it was. A nested stack fails as its root's resource.
    stack.status = stack.statusBeforeDeletion ?? 'DELETE_FAILED';
    delete stack.statusBeforeDeletion;
    event(stack, at, stack.name, stack.stackId, STACK_TYPE, stack.status, stack.statusReason);
    return;
  }
  const retained = (r: StackResourceModel) => r.deletionPolicy === 'Retain' || (stack.retainOnDelete ?? []).includes(r.logicalId);
  const failing: StackResourceModel[] = [];
  // Nested stacks first, so that the deepest go first; then the stack's own resources.
  const ordered = [...stack.resources.filter((r) => r.nestedStackId), ...stack.resources.filter((r) => !r.nestedStackId)];
  for (const r of ordered) {
    if (retained(r)) {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_SKIPPED');
      continue;
    }
    // The deletion identity (deletion-identity.ts) may not be allowed to delete it.
    const denied = deletionAuthority(account)?.denied(stack, r);
    if (denied) {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_FAILED', denied);
      failing.push(r);
      continue;
    }
    if (r.nestedStackId) {
      if (!deleteNested(account, stack, r, at)) failing.push(r);
      continue;
    }
    const failure = deletionFailure(account, r);
    if (failure) {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_FAILED', failure);
      failing.push(r);
    } else {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_COMPLETE');
      account.removeResource(r.arn);
    }
  }
  stack.resources = stack.resources.filter((r) => failing.includes(r));
  if (failing.length > 0) {
    stack.status = 'DELETE_FAILED';
    stack.statusReason = `The following resource(s) failed to delete: [${failing.map((r) => r.logicalId).join(', ')}].`;
    event(stack, at, stack.name, stack.stackId, STACK_TYPE, 'DELETE_FAILED', stack.statusReason);
    return;
  }
  stack.status = 'DELETE_COMPLETE';
  stack.deletedAt = at;
  delete stack.statusReason;
  account.tagged.delete(stack.stackId);
  event(stack, at, stack.name, stack.stackId, STACK_TYPE, 'DELETE_COMPLETE');
}

/**
 * Settles, in order of due time, every deletion due at or before `now`. Each settles at its
 * own due time, so one that completes first frees the exports another's deletion needed, and the
 * weight it held admits the deletions waiting at that same instant (they settle in turn if due by `now`).
 */
export function settleDueDeletions(account: SandboxAccount, now: number): void {
  for (let due = account.deletions.takeDue(now); due; due = account.deletions.takeDue(now)) {
    const stack = due.item;
    // Skip an entry the stack no longer waits on (deleted with its root meanwhile, or changed by hand in a test).
    if (stack.status === 'DELETE_IN_PROGRESS' && stack.deleteDueAt === due.dueAt) {
      settle(account, stack, due.dueAt);
      admitWaiting(account, due.dueAt);
    }
  }
}
