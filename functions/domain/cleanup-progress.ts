import * as z from '../runtime/zod.js';
import { type Inventory, PHASES } from './inventory.js';
import { ObjectRefSchema } from './object-ref.js';
import { STACK_OUTCOMES, type StackProgress, StackProgressSchema } from './stack-deletion.js';

/**
 * The cleanup's progress, stack by stack, kept in S3 between rounds of the AdvanceCleanup loop
 * (one writer per execution). Pure: which stacks may start now, what a status read means, and
 * when the loop is done.
 */
/** Where, among the execution's files in the report bucket, the progress is kept. */
export const PROGRESS_FILE = 'cleanup-progress.json';

/** `starting`: its DeleteStack is being called (stored first, so that a round lost mid-way is never lost from the report). */
export const TRACKED_OUTCOMES = ['pending', 'starting', ...STACK_OUTCOMES] as const;
export type TrackedOutcome = (typeof TRACKED_OUTCOMES)[number];

export const TrackedStackSchema = StackProgressSchema.omit({ deletionStartedAt: true, deletionEndedAt: true }).extend({
  outcome: z.enum(TRACKED_OUTCOMES),
  nestedStackIds: z.array(z.string()),
  /** A stack without exports cannot be imported from, so nothing has to be deleted before it. */
  hasExports: z.boolean(),
  /** Its exports and its nested stacks': CloudFormation refuses to delete one another live stack imports. */
  exports: z.array(z.string()).optional(),
  /** When its current deletion started (epoch ms). */
  startedAt: z.number().optional(),
  /** For the report's timeline (epoch ms): when CloudFormation first started deleting it (a retaining deletion keeps it), and when its outcome became final. */
  deletingSince: z.number().optional(),
  settledAt: z.number().optional(),
  /** Calls for it that were still throttled after the SDK's retries (tried again next round). */
  throttled: z.number().int().optional(),
});
export type TrackedStack = z.infer<typeof TrackedStackSchema>;

/** An owned stack the inventory retained (protected, mixed, …): never deleted, and still there for the stacks that wait for it. */
const KeptStackSchema = z.object({ stackId: z.string(), phase: z.enum(PHASES), reason: z.string() });

export const CleanupProgressSchema = z.object({
  version: z.literal(1),
  /** Rounds completed. */
  round: z.number().int().nonnegative(),
  /** In phase order: components, service instances, environment. */
  stacks: z.array(TrackedStackSchema),
  keptByInventory: z.array(KeptStackSchema).default([]),
  /** Set when the serving rule stopped the cleanup mid-way: why nothing more was started. */
  heldBack: z.string().optional(),
});
export type CleanupProgress = z.infer<typeof CleanupProgressSchema>;

const IN_FLIGHT: readonly TrackedOutcome[] = ['starting', 'deleting', 'retry-retaining'];
export const isInFlight = (stack: TrackedStack): boolean => IN_FLIGHT.includes(stack.outcome);
const isSettled = (stack: TrackedStack): boolean => stack.outcome !== 'pending' && !isInFlight(stack);

/** Every stack the inventory plans to delete, pending, in dependency order. */
export function startProgress(inventory: Inventory): CleanupProgress {
  const nested = new Map<string, string[]>();
  const exportsOf = new Map<string, string[]>();
  for (const r of inventory.resources) {
    if (r.type !== 'cloudformation:stack') continue;
    // A root's exports include its nested stacks': deleting the root deletes them.
    const root = r.stackId ?? r.id;
    if (r.exports?.length) exportsOf.set(root, [...(exportsOf.get(root) ?? []), ...r.exports]);
    if (r.stackId) nested.set(r.stackId, [...(nested.get(r.stackId) ?? []), r.id]);
  }
  const stacks = PHASES.flatMap((phase) =>
    inventory.resources
      .filter((r) => r.action === 'delete-stack' && r.phase === phase)
      .map((r): TrackedStack => {
        const exports = exportsOf.get(r.id) ?? [];
        return {
          stackId: r.id,
          phase,
          outcome: 'pending',
          polls: 0,
          nestedStackIds: nested.get(r.id) ?? [],
          hasExports: exports.length > 0,
          ...(exports.length ? { exports } : {}),
        };
      }),
  );
  const keptByInventory = inventory.resources.flatMap((r) =>
    r.type === 'cloudformation:stack' && r.action === 'retain' && r.phase && !r.stackId ? [{ stackId: r.id, phase: r.phase, reason: r.reason }] : [],
  );
  return { version: 1, round: 0, stacks, keptByInventory };
}

/** A stack that may be imported from (it has exports), or the environment's, waits for every stack of the earlier phases. */
const waitsForEarlierPhases = (s: TrackedStack) => s.hasExports || s.phase === 'environment';
const isEarlier = (phase: string, than: string) => PHASES.indexOf(phase as never) < PHASES.indexOf(than as never);
export const stackName = (stackId: string) => stackId.split('/')[1] ?? stackId;

/**
 * What the live importers of a stack's exports mean for it: go ahead (none, or only its own nested
 * stacks), wait (a stack this run is still deleting or about to), or never start (a stack this run
 * will not delete imports it: CloudFormation would refuse, and the importer still needs it).
 */
export function judgeImporters(
  stack: TrackedStack,
  importers: readonly { exportName: string; stackName: string }[],
  progress: CleanupProgress,
): { verdict: 'start' } | { verdict: 'wait' } | { verdict: 'hold'; reason: string } {
  const own = new Set([stack.stackId, ...stack.nestedStackIds].map(stackName));
  const others = importers.filter((i) => !own.has(i.stackName));
  if (others.length === 0) return { verdict: 'start' };
  const tracked = new Map(progress.stacks.map((s) => [stackName(s.stackId), s]));
  const blocking = others.find((i) => {
    const other = tracked.get(i.stackName);
    return !other || other.outcome === 'failed' || other.outcome === 'retained';
  });
  if (!blocking) return { verdict: 'wait' };
  const other = tracked.get(blocking.stackName);
  const why = other ? `${other.outcome}: ${other.reason ?? other.error?.Cause ?? 'no reason given'}` : 'this run does not delete it';
  return { verdict: 'hold', reason: `not started: stack ${blocking.stackName} imports its export ${blocking.exportName} (${why}); re-run after fixing it` };
}

/** Why a stack it waits for will not go away in this run (failed, timed out, retained), or undefined. */
function blockedBy(stack: TrackedStack, progress: CleanupProgress): string | undefined {
  if (!waitsForEarlierPhases(stack)) return undefined;
  const kept = progress.keptByInventory.find((k) => isEarlier(k.phase, stack.phase));
  if (kept) return `${stackName(kept.stackId)} (retained: ${kept.reason})`;
  const stuck = progress.stacks.find((s) => isEarlier(s.phase, stack.phase) && (s.outcome === 'failed' || s.outcome === 'retained'));
  if (stuck)
    return `${stackName(stuck.stackId)} (${stuck.outcome}: ${stuck.error ? `${stuck.error.Error}: ${stuck.error.Cause}` : (stuck.reason ?? 'no reason given')})`;
  return undefined;
}

/**
 * Holds dependents back: a pending stack that waits for one that failed, timed out or was
 * retained is never started (CloudFormation would refuse it, or worse, take what the other still
 * uses): it is retained, saying what it waits for.
 */
export function holdBackDependents(progress: CleanupProgress): CleanupProgress {
  return {
    ...progress,
    stacks: progress.stacks.map((s): TrackedStack => {
      if (s.outcome !== 'pending') return s;
      const blocker = blockedBy(s, progress);
      return blocker ? { ...s, outcome: 'retained', reason: `not started: waits for ${blocker}; re-run after fixing it` } : s;
    }),
  };
}

/**
 * The pending stacks whose deletion may start now, at most `freeSlots`, in dependency order.
 * The environment's stacks wait until every component and service instance stack has settled
 * (they use its network and cluster, by export or by value); so does any stack with exports
 * (one of the earlier stacks may import from it: CloudFormation would refuse). A component or
 * service instance stack without exports never waits: nothing can import from it.
 */
export function stacksToStart(progress: CleanupProgress, freeSlots: number): TrackedStack[] {
  if (freeSlots <= 0) return [];
  const unsettledPhases = new Set(progress.stacks.filter((s) => !isSettled(s)).map((s) => s.phase));
  const earlierUnsettled = (phase: string) => PHASES.slice(0, PHASES.indexOf(phase as never)).some((p) => unsettledPhases.has(p));
  // Held back (see holdBackDependents) as well as waiting: only a stack all of whose predecessors are gone may start.
  const ready = (s: TrackedStack) => !waitsForEarlierPhases(s) || (!earlierUnsettled(s.phase) && blockedBy(s, progress) === undefined);
  return progress.stacks.filter((s) => s.outcome === 'pending' && ready(s)).slice(0, freeSlots);
}

/** The environment is served again (or otherwise held back) since the inventory: nothing more starts. */
export function retainPending(progress: CleanupProgress, reason: string): CleanupProgress {
  return {
    ...progress,
    heldBack: reason,
    stacks: progress.stacks.map((s): TrackedStack => (s.outcome === 'pending' ? { ...s, outcome: 'retained', reason } : s)),
  };
}

export function freeSlots(progress: CleanupProgress, maxStacksDeleting: number): number {
  return maxStacksDeleting - progress.stacks.filter(isInFlight).length;
}

export const isCleanupDone = (progress: CleanupProgress): boolean => progress.stacks.every(isSettled);

export const CleanupCountsSchema = z.object({
  pending: z.number().int(),
  deleting: z.number().int(),
  deleted: z.number().int(),
  alreadyAbsent: z.number().int(),
  retained: z.number().int(),
  failed: z.number().int(),
});
export type CleanupCounts = z.infer<typeof CleanupCountsSchema>;

/**
 * AdvanceCleanup's output ($.cleanup): the round's reference to the stored progress and its
 * counts, so the state never grows with the number of stacks. IsCleanupDone reads `done`,
 * WaitForDeletions `nextRoundAt`.
 */
export const CleanupStateSchema = z.object({
  round: z.number().int(),
  done: z.boolean(),
  /** When the next round starts (WaitForDeletions waits until then). */
  nextRoundAt: z.string(),
  progress: ObjectRefSchema,
  counts: CleanupCountsSchema,
});
export type CleanupState = z.infer<typeof CleanupStateSchema>;

export function countProgress(progress: CleanupProgress): CleanupCounts {
  const count = (...outcomes: TrackedOutcome[]) => progress.stacks.filter((s) => outcomes.includes(s.outcome)).length;
  return {
    pending: count('pending'),
    deleting: count('starting', 'deleting', 'retry-retaining'),
    deleted: count('deleted'),
    alreadyAbsent: count('already-absent'),
    retained: count('retained'),
    failed: count('failed'),
  };
}

/**
 * The run's last round: whatever is still deleting is reported as not finished (CloudFormation
 * goes on; a re-run picks up the result) and what never started is left, with the reason.
 */
export function endWithoutFinishing(progress: CleanupProgress, rounds: number): CleanupProgress {
  const why = `the run reached its limit of ${rounds} rounds (about ${Math.round((rounds * 30) / 3600)} h), which keeps its history within Step Functions' limit`;
  return {
    ...progress,
    stacks: progress.stacks.map((s): TrackedStack => {
      if (s.outcome === 'pending') return { ...s, outcome: 'retained', reason: `not started: ${why}; re-run to continue` };
      if (s.outcome === 'starting') return { ...s, outcome: 'failed', reason: `its deletion was being started when ${why}; re-run to see the result` };
      if (isInFlight(s)) return { ...s, outcome: 'failed', reason: `still deleting when ${why}; CloudFormation goes on: re-run to pick up the result` };
      return s;
    }),
  };
}

/**
 * Records, at `now`, when a stack was first seen deleting (its DeleteStack went through) and when
 * its outcome became final: what the report's timeline is drawn from. A stack back to pending (its
 * DeleteStack not seen to take effect) starts afresh.
 */
export function stampTimes(progress: CleanupProgress, now: number): CleanupProgress {
  return {
    ...progress,
    stacks: progress.stacks.map((s): TrackedStack => {
      if (s.outcome === 'pending' && s.deletingSince !== undefined) {
        const { deletingSince: _d, ...rest } = s;
        return rest;
      }
      if (s.outcome === 'deleting' && s.deletingSince === undefined) return { ...s, deletingSince: s.startedAt ?? now };
      if (isSettled(s) && s.settledAt === undefined) return { ...s, settledAt: now };
      return s;
    }),
  };
}

/** What the report needs of each stack the cleanup touched (pending ones were never processed). */
export function stackResults(progress: CleanupProgress): StackProgress[] {
  return (
    progress.stacks
      .filter((s): s is TrackedStack & { outcome: Exclude<TrackedOutcome, 'pending'> } => s.outcome !== 'pending')
      // A stack whose DeleteStack was being called when the run stopped is reported like one still deleting.
      .map(({ nestedStackIds: _n, hasExports: _e, startedAt: _s, throttled: _t, deletingSince, settledAt, outcome, ...rest }) => ({
        ...rest,
        outcome: outcome === 'starting' ? 'deleting' : outcome,
        ...(deletingSince !== undefined ? { deletionStartedAt: new Date(deletingSince).toISOString() } : {}),
        ...(settledAt !== undefined ? { deletionEndedAt: new Date(settledAt).toISOString() } : {}),
      }))
  );
}
