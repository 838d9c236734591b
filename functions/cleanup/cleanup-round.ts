import { createHash } from 'node:crypto';
import { TAG } from '../domain/inventory.js';
import { freeSlots, isInFlight, stacksToStart, type CleanupProgress, type TrackedStack } from '../domain/cleanup-progress.js';
import { decideDelete, decideForProtectedResources, decidePoll, describeFailure, shouldRetryRetaining } from '../domain/stack-deletion.js';
import { deleteStack, describeStack, failedResources, stacksBeingDeleted, type StackStatusFacts } from '../aws/cloudformation.js';
import { resourcesInStacksWithTag } from '../aws/tagging.js';
import { clock } from '../runtime/clock.js';
import { TRANSIENT_AWS_ERRORS } from '../runtime/errors.js';
import { mapInPool } from '../runtime/pool.js';

/**
 * One round of the cleanup loop, for every stack at once: read the status of every deleting
 * stack in a few calls, explain new failures, then start deletions into the free slots, each
 * re-checked right before its DeleteStack. Calls are paced per API by the clients; a call still
 * throttled after the SDK's retries leaves its stack as it was, for the next round.
 */
export interface RoundSettings {
  executionName: string;
  environmentArn: string;
  protectTagKey: string;
  retainFailedResources: boolean;
  maxStacksDeleting: number;
  maxWaitMs: number;
  /** Stop starting deletions after this instant (epoch ms): the Lambda's time budget. */
  startUntil: number;
}

/** Calls for different stacks in flight at once; the pacers keep each API at its rate. */
const CALLS_IN_FLIGHT = 8;

export function clientRequestToken(executionName: string, stackId: string): string {
  return `pcc-${createHash('sha256').update(`${executionName}\n${stackId}`).digest('hex').slice(0, 40)}`;
}

const isTransient = (error: unknown) => TRANSIENT_AWS_ERRORS.includes((error as Error).name as never);

/** Runs one stack's step; a transient error leaves the stack for the next round, any other fails it (with the error). */
async function guarded(stack: TrackedStack, step: () => Promise<Partial<TrackedStack>>): Promise<TrackedStack> {
  try {
    return { ...stack, ...(await step()) };
  } catch (error) {
    if (isTransient(error)) return { ...stack, throttled: (stack.throttled ?? 0) + 1 };
    const { name, message } = error as Error;
    return { ...stack, outcome: 'failed', error: { Error: name, Cause: message } };
  }
}

async function observe(stack: TrackedStack, listed: StackStatusFacts | undefined, settings: RoundSettings): Promise<Partial<TrackedStack>> {
  // Absent from the listing after it was seen deleting: DELETE_COMPLETE. Never seen: ask by ID (a listing may lag a DeleteStack).
  const facts = listed ?? (stack.seenDeleting ? undefined : await describeStack(stack.stackId));
  const waited = clock.now() - (stack.startedAt ?? clock.now());
  const decision = decidePoll(facts, waited, settings.maxWaitMs);
  const seen = { polls: stack.polls + 1, status: facts?.status ?? 'DELETE_COMPLETE', seenDeleting: stack.seenDeleting || facts?.status === 'DELETE_IN_PROGRESS' };
  if (decision.outcome !== 'failed' || facts?.status !== 'DELETE_FAILED') return { ...seen, outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}) };
  const failed = await failedResources(stack.stackId);
  const retry = shouldRetryRetaining(stack, failed, settings.retainFailedResources);
  return { ...seen, outcome: retry ? 'retry-retaining' : 'failed', reason: describeFailure({ ...facts, terminationProtection: false }, failed), failedResources: failed };
}

/** retainFailedResources: DeleteStack once more, keeping exactly the resources that failed (its own token). */
async function retryRetaining(stack: TrackedStack, settings: RoundSettings): Promise<Partial<TrackedStack>> {
  const retain = stack.failedResources ?? [];
  await deleteStack(stack.stackId, clientRequestToken(settings.executionName, `${stack.stackId}#retain`), retain.map((r) => r.logicalId));
  return { outcome: 'deleting', startedAt: clock.now(), seenDeleting: false, retainedResources: retain };
}

async function protectedResourcesByStack(candidates: readonly TrackedStack[], protectTagKey: string): Promise<Map<string, { arn: string; logicalId?: string }[]>> {
  const rootOf = new Map(candidates.flatMap((s) => [s.stackId, ...s.nestedStackIds].map((id) => [id, s.stackId] as const)));
  const found = await resourcesInStacksWithTag(protectTagKey, [...rootOf.keys()]);
  const byStack = new Map<string, { arn: string; logicalId?: string }[]>();
  for (const r of found) {
    const root = rootOf.get(r.tags[TAG.stackId] ?? '');
    if (!root) continue;
    byStack.set(root, [...(byStack.get(root) ?? []), { arn: r.arn, ...(r.tags[TAG.logicalId] ? { logicalId: r.tags[TAG.logicalId] } : {}) }]);
  }
  return byStack;
}

/** Re-reads the stack and its protection and ownership, then starts its deletion by stack ID. */
async function start(stack: TrackedStack, protectedInside: readonly { arn: string; logicalId?: string }[], settings: RoundSettings): Promise<Partial<TrackedStack>> {
  const check = { environmentArn: settings.environmentArn, protectTagKey: settings.protectTagKey };
  const decision = decideForProtectedResources(decideDelete(await describeStack(stack.stackId), check), protectedInside, settings.protectTagKey);
  if (decision.outcome !== 'deleting') return { outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}) };
  await deleteStack(stack.stackId, clientRequestToken(settings.executionName, stack.stackId));
  return { outcome: 'deleting', startedAt: clock.now(), seenDeleting: false };
}

function replace(progress: CleanupProgress, updated: readonly TrackedStack[]): CleanupProgress {
  const byId = new Map(updated.map((s) => [s.stackId, s]));
  return { ...progress, stacks: progress.stacks.map((s) => byId.get(s.stackId) ?? s) };
}

export interface RoundOutcome {
  progress: CleanupProgress;
  /** Deletions that could start but did not for lack of time this round. */
  startsLeft: boolean;
  deletionsStarted: number;
}

export async function advanceRound(initial: CleanupProgress, settings: RoundSettings): Promise<RoundOutcome> {
  let progress = initial;
  const inFlight = progress.stacks.filter(isInFlight);
  if (inFlight.length > 0) {
    const listed = await stacksBeingDeleted().catch((error: unknown) => {
      if (isTransient(error)) return undefined; // statuses unknown this round: read them next round
      throw error;
    });
    if (listed) {
      const watched = inFlight.filter((s) => s.outcome === 'deleting');
      progress = replace(progress, await mapInPool(watched, CALLS_IN_FLIGHT, (s) => guarded(s, () => observe(s, listed.get(s.stackId), settings))));
    }
    const retaining = progress.stacks.filter((s) => s.outcome === 'retry-retaining');
    progress = replace(progress, await mapInPool(retaining, CALLS_IN_FLIGHT, (s) => guarded(s, () => retryRetaining(s, settings))));
  }

  let deletionsStarted = 0;
  const tried = new Set<string>();
  let candidates = stacksToStart(progress, freeSlots(progress, settings.maxStacksDeleting));
  // In batches: one protect-tag query per batch, then the batch's re-checks and DeleteStacks.
  while (candidates.length > 0 && clock.now() < settings.startUntil) {
    const batch = candidates.slice(0, 20);
    const guardedBy = await protectedResourcesByStack(batch, settings.protectTagKey).catch((error: unknown) => {
      if (isTransient(error)) return undefined;
      throw error;
    });
    if (!guardedBy) break; // the protect tags could not be read: start nothing more this round
    const started = await mapInPool(batch, CALLS_IN_FLIGHT, (s) => guarded(s, () => start(s, guardedBy.get(s.stackId) ?? [], settings)));
    deletionsStarted += started.filter((s) => s.outcome === 'deleting').length;
    progress = replace(progress, started);
    // Stacks left pending by a transient error wait for the next round.
    for (const s of batch) tried.add(s.stackId);
    candidates = stacksToStart(progress, freeSlots(progress, settings.maxStacksDeleting)).filter((s) => !tried.has(s.stackId));
  }
  return { progress: { ...progress, round: progress.round + 1 }, startsLeft: candidates.length > 0, deletionsStarted };
}
