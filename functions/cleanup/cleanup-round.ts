import { createHash } from 'node:crypto';
import { deleteStack, describeStack, failedResources, importersOf, type StackStatusFacts } from '../aws/cloudformation.js';
import { resourcesInStacks } from '../aws/tagging.js';
import {
  type CleanupProgress,
  freeWeight,
  holdBackDependents,
  isInFlight,
  judgeImporters,
  readyToStart,
  retainPending,
  stacksToStart,
  stampTimes,
  type TrackedStack,
  withinBudget,
} from '../domain/cleanup-progress.js';
import type { TaggedResource } from '../domain/ownership.js';
import { type Eligibility, stoppedBecause } from '../domain/serving.js';
import { decidePoll, decideRecheck, describeFailure, shouldRetryRetaining } from '../domain/stack-deletion.js';
import { clock } from '../runtime/clock.js';
import { isTransientAwsError as isTransient } from '../runtime/errors.js';
import { mapInPool } from '../runtime/pool.js';

/**
 * One round of the cleanup loop, for every stack at once: read the status of every deleting
 * stack in a few calls, explain new failures, then start deletions into the free slots, each
 * re-checked right before its DeleteStack. Calls are paced per API by the clients; a call still
 * throttled after the SDK's retries leaves its stack as it was, for the next round, and so does
 * a round that runs out of time.
 */
interface RoundSettings {
  executionName: string;
  /** The identity CloudFormation deletes with: passed as RoleARN on every DeleteStack. */
  deletionRoleArn: string;
  environmentArn: string;
  protectTagKey: string;
  retainFailedResources: boolean;
  /**
   * The status of every stack of the account being deleted or failed to delete (ListStacks, or a
   * listing another execution in the account read lately), with when it was read. Its transient
   * errors leave the statuses unknown this round.
   */
  listDeleting: () => Promise<StatusListing>;
  /**
   * The resources this run may have in stack deletions until its next round (its share of the
   * account's ConcurrentResourcesLimit: each stack weighs the resources deleted with it), asked
   * once per round, after the statuses are read and before any deletion starts, with the progress
   * as it stands then (what is in flight, what is ready).
   */
  claimBudget: (progress: CleanupProgress) => Promise<RoundBudget>;
  maxWaitMs: number;
  /** The round's time budget ends at this instant (epoch ms): what is left waits for the next round. */
  until: number;
  /** Stores the progress: called before DeleteStack calls, so that a round lost mid-way loses no deletion. */
  save: (progress: CleanupProgress) => Promise<void>;
  /** The serving rule, read afresh (once per round, before its first deletion); its errors fail the round. */
  checkEligibility: () => Promise<Eligibility>;
}

export interface StatusListing {
  stacks: ReadonlyMap<string, StackStatusFacts>;
  /** When it was read (epoch ms): a stack whose deletion started since may be missing from it. */
  readAt: number;
}

export interface RoundBudget {
  /** Weight this run may have in flight. */
  budget: number;
  /** Whether a stack heavier than the budget may start when this run has nothing in flight (a run alone in the account: it could never fit otherwise). */
  aloneOverBudget: boolean;
}

/** Calls for different stacks in flight at once; the pacers keep each API at its rate. */
const CALLS_IN_FLIGHT = 8;
/** Stacks stored as starting at once (one S3 write each batch). */
const BATCH = 50;
/**
 * How old the serving rule's answer may be when a DeleteStack goes out: a connection created while
 * the round runs stops the deletions that follow within about this long.
 */
const SERVING_FRESH_MS = 1_000;
/**
 * A deletion the listing no longer shows frees its room before its outcome is read only if it
 * started at least this long before the listing was read: a listing read right after a DeleteStack
 * may not show the stack deleting yet.
 */
const LISTED_END_AFTER_MS = 30_000;

export function clientRequestToken(executionName: string, stackId: string): string {
  return `pcc-${createHash('sha256').update(`${executionName}\n${stackId}`).digest('hex').slice(0, 40)}`;
}

/**
 * Runs one stack's step within the round's time. A transient error leaves the stack as it was,
 * for the next round; any other fails it, with the error.
 */
async function guarded(stack: TrackedStack, settings: RoundSettings, step: () => Promise<Partial<TrackedStack>>): Promise<TrackedStack> {
  if (clock.now() >= settings.until) return stack;
  try {
    return { ...stack, ...(await step()) };
  } catch (error) {
    if (isTransient(error)) return { ...stack, throttled: (stack.throttled ?? 0) + 1 };
    const { name, message } = error as Error;
    return { ...stack, outcome: 'failed', error: { Error: name, Cause: message } };
  }
}

/**
 * What a status read says. Only a listed DELETE_IN_PROGRESS is taken from ListStacks as it is;
 * anything else (gone from the list, DELETE_FAILED, a DeleteStack being called) is confirmed by
 * stack ID, since a listing may lag or a page may miss a stack.
 */
async function observe(stack: TrackedStack, listed: StackStatusFacts | undefined, settings: RoundSettings): Promise<Partial<TrackedStack>> {
  const facts = listed?.status === 'DELETE_IN_PROGRESS' ? listed : await describeStack(stack.stackId);
  if (stack.outcome === 'starting' && facts?.status !== 'DELETE_IN_PROGRESS') {
    // Not visibly deleting: start it again. The re-check finds a stack gone already absent, and a
    // DeleteStack that did go through is the same request again (same token).
    return { outcome: 'pending' };
  }
  const waited = clock.now() - (stack.startedAt ?? clock.now());
  const decision = decidePoll(facts, waited, settings.maxWaitMs);
  const seen = { polls: stack.polls + 1, status: facts?.status ?? 'DELETE_COMPLETE' };
  if (decision.outcome !== 'failed' || facts?.status !== 'DELETE_FAILED')
    return { ...seen, outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}) };
  const failed = await failedResources(stack.stackId);
  const retry = shouldRetryRetaining(stack, failed, settings.retainFailedResources);
  return { ...seen, outcome: retry ? 'retry-retaining' : 'failed', reason: describeFailure(facts, failed), failedResources: failed };
}

/** What a check before DeleteStack found: why not (the stack's new state), or the go-ahead with what the stack looked like. */
type Check = { refused: Partial<TrackedStack> } | { refused?: undefined; previousRoleArn: string };

/**
 * The inventory's proof, again, read right before the DeleteStack: the stack and its nested stacks
 * as they are now, and every tagged resource inside them.
 */
async function recheck(stack: TrackedStack, settings: RoundSettings): Promise<Check> {
  const tree = [stack.stackId, ...stack.nestedStackIds];
  const [live, ...nested] = await Promise.all(tree.map((id) => describeStack(id)));
  const resources: TaggedResource[] = await resourcesInStacks(tree);
  const nestedStacks = nested.flatMap((n, i) => (n ? [{ stackId: stack.nestedStackIds[i] ?? '', tags: n.tags }] : []));
  const decision = decideRecheck(live, { nestedStacks, resources }, { environmentArn: settings.environmentArn, protectTagKey: settings.protectTagKey });
  if (decision.outcome !== 'deleting') return { refused: { outcome: decision.outcome, ...(decision.reason ? { reason: decision.reason } : {}) } };
  // Recorded for the report: a stack that had a service role of its own is deleted with the deletion role instead.
  return { previousRoleArn: live?.roleArn ?? 'none' };
}

/**
 * The stacks importing its exports, read now (ListImports): a stack this run still deletes makes it
 * wait (back to pending, tried again next round); one it will not delete holds it back for good.
 */
async function importsAllow(stack: TrackedStack, progress: CleanupProgress): Promise<Partial<TrackedStack> | undefined> {
  if (!stack.exports?.length) return undefined;
  const importers = (
    await Promise.all(stack.exports.map(async (exportName) => (await importersOf(exportName)).map((stackName) => ({ exportName, stackName }))))
  ).flat();
  const verdict = judgeImporters(stack, importers, progress);
  if (verdict.verdict === 'start') return undefined;
  // Not tried again (nor ListImports read again) before the stacks it waits for settle.
  return verdict.verdict === 'wait' ? { outcome: 'pending', waitsFor: verdict.on } : { outcome: 'retained', reason: verdict.reason };
}

/** The serving rule, fresh: nothing more starts once the environment is served (or otherwise held back). */
async function stillEligible(settings: RoundSettings): Promise<Partial<TrackedStack> | undefined> {
  const verdict = await settings.checkEligibility();
  return verdict.eligible ? undefined : { outcome: 'retained', reason: stoppedBecause(verdict.fact) };
}

/** Every check, in this order, the last ones read right before the call: proof and protection, importers, the serving rule. */
async function mayDelete(stack: TrackedStack, settings: RoundSettings, progress: CleanupProgress): Promise<Check> {
  const proof = await recheck(stack, settings);
  if (proof.refused) return proof;
  const refused = (await importsAllow(stack, progress)) ?? (await stillEligible(settings));
  return refused ? { refused } : proof;
}

/** Starts the deletion by stack ID, with the deletion role and a token per execution and stack (a repeated call is the same request). */
async function start(stack: TrackedStack, settings: RoundSettings, progress: CleanupProgress): Promise<Partial<TrackedStack>> {
  const check = await mayDelete(stack, settings, progress);
  if (check.refused) return check.refused;
  await deleteStack(stack.stackId, { clientRequestToken: clientRequestToken(settings.executionName, stack.stackId), roleArn: settings.deletionRoleArn });
  return { outcome: 'deleting', startedAt: clock.now(), previousRoleArn: stack.previousRoleArn ?? check.previousRoleArn };
}

/** retainFailedResources: re-checked like a first deletion, then deleted once more keeping exactly the resources that failed (its own token). */
async function retryRetaining(stack: TrackedStack, settings: RoundSettings, progress: CleanupProgress): Promise<Partial<TrackedStack>> {
  const check = await mayDelete(stack, settings, progress);
  if (check.refused) {
    return check.refused.outcome === 'pending'
      ? { outcome: 'failed', reason: `${stack.reason ?? 'DELETE_FAILED'}; not deleted again: a stack still deleting imports its export` }
      : check.refused;
  }
  const retain = stack.failedResources ?? [];
  await deleteStack(stack.stackId, {
    clientRequestToken: clientRequestToken(settings.executionName, `${stack.stackId}#retain`),
    roleArn: settings.deletionRoleArn,
    retainResources: retain.map((r) => r.logicalId),
  });
  return { outcome: 'deleting', startedAt: clock.now(), retainedResources: retain };
}

function replace(progress: CleanupProgress, updated: readonly TrackedStack[]): CleanupProgress {
  const byId = new Map(updated.map((s) => [s.stackId, s]));
  return { ...progress, stacks: progress.stacks.map((s) => byId.get(s.stackId) ?? s) };
}

interface RoundOutcome {
  progress: CleanupProgress;
  /** The round ran out of time with deletions it could have started: the next one should not wait. */
  startsLeft: boolean;
  deletionsStarted: number;
}

/**
 * Reads every deleting stack's status in a few calls (ListStacks, or a listing another execution in
 * the account read a few seconds ago). Listed DELETE_IN_PROGRESS: still deleting. A deleting stack
 * the listing shows ended (gone from it, or DELETE_FAILED), whose deletion started well before the
 * listing was read, frees its room at once and is read by stack ID after the round's first starts
 * (confirmEnded): a listing may lag or a page may miss a stack, so it proves nothing of the outcome,
 * and a later listing that shows it deleting takes the room back. A stack being started, one that
 * started just before the listing, and one at its deadline while no listing could be read, are read
 * by stack ID now. A stack whose deletion started after the listing was read is left for the next round.
 */
async function readStatuses(progress: CleanupProgress, settings: RoundSettings): Promise<CleanupProgress> {
  const listing = await settings.listDeleting().catch((error: unknown) => {
    if (isTransient(error)) return undefined; // statuses unknown this round: read them next round
    throw error;
  });
  const listedSince = (s: TrackedStack) => listing !== undefined && (s.startedAt ?? 0) <= listing.readAt;
  // Without the listing, only stacks at their deadline are read (by stack ID), so that the deadline holds.
  const due = (s: TrackedStack) => listedSince(s) || clock.now() - (s.startedAt ?? 0) >= settings.maxWaitMs;
  const listedDeleting = (s: TrackedStack) => listing?.stacks.get(s.stackId)?.status === 'DELETE_IN_PROGRESS';
  const watched = progress.stacks.filter((s) => (s.outcome === 'deleting' || s.outcome === 'starting') && due(s));
  const read = (s: TrackedStack): Promise<TrackedStack> => {
    if (s.endListedAt !== undefined) return Promise.resolve(listedSince(s) && listedDeleting(s) ? withoutEndListed(s) : s);
    const longStarted = listing !== undefined && (s.startedAt ?? 0) <= listing.readAt - LISTED_END_AFTER_MS;
    if (s.outcome === 'deleting' && longStarted && !listedDeleting(s)) return Promise.resolve({ ...s, endListedAt: listing.readAt });
    return guarded(s, settings, () => observe(s, listing?.stacks.get(s.stackId), settings));
  };
  return replace(progress, await mapInPool(watched, CALLS_IN_FLIGHT, read));
}

/**
 * The outcome of each deletion a listing showed ended, read by stack ID. Still deleting after all
 * (the listing lagged): it takes its room back. One the round had no time (or rate) left for keeps
 * its mark, for the next round.
 */
async function confirmEnded(progress: CleanupProgress, settings: RoundSettings): Promise<CleanupProgress> {
  const ended = progress.stacks.filter((s) => s.outcome === 'deleting' && s.endListedAt !== undefined);
  const read = await mapInPool(ended, CALLS_IN_FLIGHT, async (s) => {
    const after = await guarded(s, settings, () => observe(withoutEndListed(s), undefined, settings));
    const unread = after === s || (after.throttled ?? 0) > (s.throttled ?? 0);
    return unread ? after : withoutEndListed(after);
  });
  return replace(progress, read);
}

function withoutEndListed(stack: TrackedStack): TrackedStack {
  const { endListedAt: _read, ...rest } = stack;
  return rest;
}

/** retainFailedResources: the second, retaining deletion of the stacks whose first one failed. */
async function retainFailed(initial: CleanupProgress, settings: RoundSettings): Promise<CleanupProgress> {
  let progress = initial;
  const retaining = progress.stacks.filter((s) => s.outcome === 'retry-retaining');
  for (let i = 0; i < retaining.length && clock.now() < settings.until; i += BATCH) {
    const batch = retaining.slice(i, i + BATCH);
    // Stored first, with what it will keep: a round lost after the call still reports the kept resources.
    await settings.save(
      replace(
        progress,
        batch.map((s) => ({ ...s, outcome: 'deleting' as const, startedAt: clock.now(), retainedResources: s.failedResources ?? [] })),
      ),
    );
    progress = replace(progress, await mapInPool(batch, CALLS_IN_FLIGHT, (s) => guarded(s, settings, () => retryRetaining(s, settings, progress))));
  }
  return progress;
}

/** Starts deletions into the free slots, in dependency order, a batch at a time, within the round's time. */
async function startDeletions(
  initial: CleanupProgress,
  settings: RoundSettings,
  { budget, aloneOverBudget }: RoundBudget,
  /** Stacks this round already tried: one a transient error left pending waits for the next round, without holding room now. */
  tried: Set<string>,
): Promise<{ progress: CleanupProgress; started: number }> {
  let progress = initial;
  let started = 0;
  const nextCandidates = () =>
    withinBudget(
      readyToStart(progress).filter((s) => !tried.has(s.stackId)),
      freeWeight(progress, budget),
      aloneOverBudget && !progress.stacks.some(isInFlight),
    );
  for (let candidates = nextCandidates(); candidates.length > 0 && clock.now() < settings.until; candidates = nextCandidates()) {
    const batch = candidates.slice(0, BATCH);
    // Stored as starting before any DeleteStack: if this round is lost, the next one (or the report) knows.
    await settings.save(
      replace(
        progress,
        batch.map((s) => ({ ...s, outcome: 'starting' as const, startedAt: clock.now() })),
      ),
    );
    const results = await mapInPool(batch, CALLS_IN_FLIGHT, (s) => guarded(s, settings, () => start(s, settings, progress)));
    started += results.filter((s) => s.outcome === 'deleting').length;
    progress = replace(progress, results);
    // Found served mid-batch: the stacks not yet tried stay undeleted, with the reason.
    const verdict = await settings.checkEligibility();
    if (!verdict.eligible) return { progress: retainPending(progress, stoppedBecause(verdict.fact)), started };
    // guarded() hands back the very same stack when it ran out of time: that one was not tried.
    results.forEach((s, i) => {
      if (s !== batch[i]) tried.add(s.stackId);
    });
  }
  return { progress, started };
}

/** A stack whose retaining deletion will not be started: it stays failed, saying why. */
function failRetaining(progress: CleanupProgress, why: string): CleanupProgress {
  return {
    ...progress,
    stacks: progress.stacks.map(
      (s): TrackedStack =>
        s.outcome === 'retry-retaining' ? { ...s, outcome: 'failed', reason: `${s.reason ?? 'DELETE_FAILED'}; not deleted again: ${why}` } : s,
    ),
  };
}

/**
 * The serving rule once per round, before the round's first deletion: when the environment is
 * served again, nothing more starts (what is already deleting goes on: CloudFormation cannot be
 * stopped) and the rest is retained with the reason.
 */
async function applyServingRule(progress: CleanupProgress, settings: RoundSettings, budget: RoundBudget): Promise<CleanupProgress> {
  const wantsToDelete =
    progress.stacks.some((s) => s.outcome === 'retry-retaining') || stacksToStart(progress, budget.budget, budget.aloneOverBudget).length > 0;
  if (!wantsToDelete) return progress;
  const verdict = await settings.checkEligibility();
  return verdict.eligible ? progress : failRetaining(retainPending(progress, stoppedBecause(verdict.fact)), verdict.fact);
}

/** One reading of the serving rule shared by the calls that ask within `freshMs` of it (concurrent ones included). */
function freshFor(check: () => Promise<Eligibility>, freshMs: number): () => Promise<Eligibility> {
  let last: { at: number; answer: Promise<Eligibility> } | undefined;
  return () => {
    if (!last || clock.now() - last.at > freshMs) {
      const answer = check();
      last = { at: clock.now(), answer };
      answer.catch(() => (last = undefined)); // an error is never reused as an answer
    }
    return last.answer;
  };
}

/**
 * What may start, starts: dependents of what failed or was kept are held back, the serving rule is
 * read (before the first deletion), failed stacks are deleted again retaining (retainFailedResources),
 * then deletions start within the budget.
 */
async function startWhatMay(
  initial: CleanupProgress,
  settings: RoundSettings,
  budget: RoundBudget,
  tried: Set<string>,
): Promise<{ progress: CleanupProgress; started: number }> {
  const stamped = (p: CleanupProgress) => stampTimes(p, clock.now());
  let progress = holdBackDependents(initial);
  progress = stamped(await applyServingRule(progress, settings, budget));
  progress = stamped(await retainFailed(progress, settings));
  const { progress: afterStarts, started } = await startDeletions(progress, settings, budget, tried);
  return { progress: stamped(afterStarts), started };
}

export async function advanceRound(initial: CleanupProgress, given: RoundSettings): Promise<RoundOutcome> {
  const settings = { ...given, checkEligibility: freshFor(given.checkEligibility, SERVING_FRESH_MS) };
  // Stamped after each step, so that the timeline is accurate to the step, not to the round.
  const stamped = (p: CleanupProgress) => stampTimes(p, clock.now());
  let progress = initial;
  if (progress.stacks.some(isInFlight)) progress = stamped(await readStatuses(progress, settings));
  const atClaim = holdBackDependents(progress);
  const budget = await settings.claimBudget(atClaim);
  const tried = new Set<string>();
  // Starts first, into the room the ended deletions left; then their outcomes, and what waited for them.
  const first = await startWhatMay(progress, settings, budget, tried);
  const confirmed = stamped(await confirmEnded(first.progress, settings));
  // Stacks that became ready only now (what they waited for was just read ended) are claimed on the board before they start.
  const nowReady = holdBackDependents(confirmed);
  const newlyReady = readyToStart(atClaim).length === 0 && readyToStart(nowReady).length > 0;
  const secondBudget = newlyReady ? await settings.claimBudget(nowReady) : budget;
  const second = await startWhatMay(confirmed, settings, secondBudget, tried);
  const advanced = second.progress;
  // Out of time with deletions it could still start: the next round should not wait.
  const startsLeft = clock.now() >= settings.until && stacksToStart(advanced, secondBudget.budget, secondBudget.aloneOverBudget).length > 0;
  return { progress: { ...advanced, round: advanced.round + 1 }, startsLeft, deletionsStarted: first.started + second.started };
}
