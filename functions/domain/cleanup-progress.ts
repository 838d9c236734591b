import * as z from '../runtime/zod.js';
import { stackName } from './arn.js';
import { type Inventory, PHASES } from './inventory.js';
import { ObjectRefSchema } from './object-ref.js';
import { STACK_OUTCOMES, type StackProgress, StackProgressSchema } from './stack-deletion.js';
import { LoopCountsSchema } from './summary.js';

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
  /**
   * What its deletion takes of the account's concurrent-resources limit: the resources CloudFormation
   * deletes with it (its tagged resources and nested stacks, as the inventory found them; at least 1).
   */
  weight: z.number().int().positive().default(1),
  /** The stacks importing its exports that this run was still deleting at its last ListImports: it is not tried again before they settle. */
  waitsFor: z.array(z.string()).optional(),
  /** Its exports and its nested stacks': CloudFormation refuses to delete one another live stack imports. */
  exports: z.array(z.string()).optional(),
  /** When its current deletion started (epoch ms). */
  startedAt: z.number().optional(),
  /**
   * When a status listing (epoch ms, its read time) no longer showed it deleting: gone from it, or
   * DELETE_FAILED. Its room under the account's limit is free from then; its outcome is still read
   * by stack ID before it counts as deleted or failed.
   */
  endListedAt: z.number().optional(),
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
  /** The account's ConcurrentResourcesLimit as last read (DescribeAccountLimits): used when a round cannot read it. */
  accountLimit: z.number().int().positive().optional(),
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
  // Everything the inventory found inside a root stack (resources and nested stacks carry the root's ID).
  const inside = new Map<string, number>();
  for (const r of inventory.resources) {
    if (r.stackId) inside.set(r.stackId, (inside.get(r.stackId) ?? 0) + 1);
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
          weight: Math.max(1, inside.get(r.id) ?? 0),
          ...(exports.length ? { exports } : {}),
        };
      }),
  );
  const keptByInventory = inventory.resources.flatMap((r) =>
    r.type === 'cloudformation:stack' && r.action === 'retain' && r.phase && !r.stackId ? [{ stackId: r.id, phase: r.phase, reason: r.reason }] : [],
  );
  return { version: 1, round: 0, stacks, keptByInventory };
}

/**
 * The environment's stacks wait for every stack of the earlier phases: service instances and
 * components use its network and cluster by export or by value. Other stacks wait only for the
 * stacks that import their exports (ListImports, read right before each start).
 */
const waitsForEarlierPhases = (s: TrackedStack) => s.phase === 'environment';
const isEarlier = (phase: string, than: string) => PHASES.indexOf(phase as never) < PHASES.indexOf(than as never);
const isStuck = (s: TrackedStack) => s.outcome === 'failed' || s.outcome === 'retained';
const isGone = (s: TrackedStack) => s.outcome === 'deleted' || s.outcome === 'already-absent';

/**
 * What the live importers of a stack's exports mean for it: go ahead (none, or only its own nested
 * stacks), wait (for stacks this run is still deleting or about to), or never start (a stack this run
 * will not delete imports it: CloudFormation would refuse, and the importer still needs it).
 */
export function judgeImporters(
  stack: TrackedStack,
  importers: readonly { exportName: string; stackName: string }[],
  progress: CleanupProgress,
): { verdict: 'start' } | { verdict: 'wait'; on: string[] } | { verdict: 'hold'; reason: string } {
  const own = new Set([stack.stackId, ...stack.nestedStackIds].map(stackName));
  const others = importers.filter((i) => !own.has(i.stackName));
  if (others.length === 0) return { verdict: 'start' };
  const tracked = byStackName(progress);
  const blocking = others.find((i) => {
    const other = tracked(i.stackName);
    return !other || isStuck(other);
  });
  if (!blocking) return { verdict: 'wait', on: [...new Set(others.map((i) => stackName((tracked(i.stackName) as TrackedStack).stackId)))] };
  const other = tracked(blocking.stackName);
  const why = other ? `${other.outcome}: ${other.reason ?? other.error?.Cause ?? 'no reason given'}` : 'this run does not delete it';
  return { verdict: 'hold', reason: `not started: stack ${blocking.stackName} imports its export ${blocking.exportName} (${why}); re-run after fixing it` };
}

/**
 * Where each tracked root stack is in `stacks`, by its name and by its nested stacks' names
 * (ListImports names the stack that imports, nested or not). Every round's progress holds the same
 * stacks in the same order (startProgress's), so the index is built once and kept while they are.
 */
let named: { keys: readonly string[]; positions: ReadonlyMap<string, number> } | undefined;

/** A root stack and the nested stacks it names: what the index is built from. */
const namesKey = (s: TrackedStack) => (s.nestedStackIds.length === 0 ? s.stackId : [s.stackId, ...s.nestedStackIds].join(' '));
const sameStacks = (keys: readonly string[], stacks: readonly TrackedStack[]) =>
  keys.length === stacks.length && stacks.every((s, i) => namesKey(s) === keys[i]);

/** Each tracked root stack by its name or a nested stack's name. */
function byStackName(progress: CleanupProgress): (name: string) => TrackedStack | undefined {
  const { stacks } = progress;
  if (!named || !sameStacks(named.keys, stacks)) {
    const positions = new Map<string, number>();
    stacks.forEach((s, i) => {
      positions.set(stackName(s.stackId), i);
      for (const nested of s.nestedStackIds) positions.set(stackName(nested), i);
    });
    named = { keys: stacks.map(namesKey), positions };
  }
  const { positions } = named;
  return (name) => {
    const at = positions.get(name);
    return at === undefined ? undefined : stacks[at];
  };
}

/**
 * Every this many rounds a stack waiting for its importers reads ListImports again anyway: an
 * importer changed by hand, or a stack named like one that was deleted, never holds it for good.
 */
export const IMPORTS_REREAD_ROUNDS = 10;

/** Read once per question about the whole progress (one pass over its stacks), so that asking it of every stack stays linear. */
class ProgressIndex {
  private readonly byName: (name: string) => TrackedStack | undefined;
  private readonly unsettledPhases = new Set<string>();
  /** Per phase, the first stack of an earlier phase that will not go away in this run (why it blocks). */
  private readonly stuckBefore = new Map<string, string | undefined>();

  constructor(private readonly progress: CleanupProgress) {
    this.byName = byStackName(progress);
    const firstStuck = new Map<string, { at: number; stack: TrackedStack }>();
    progress.stacks.forEach((s, at) => {
      if (!isSettled(s)) this.unsettledPhases.add(s.phase);
      else if (isStuck(s) && !firstStuck.has(s.phase)) firstStuck.set(s.phase, { at, stack: s });
    });
    for (const phase of PHASES) this.stuckBefore.set(phase, this.findStuckBefore(phase, firstStuck));
  }

  private findStuckBefore(phase: string, firstStuck: ReadonlyMap<string, { at: number; stack: TrackedStack }>): string | undefined {
    const kept = this.progress.keptByInventory.find((k) => isEarlier(k.phase, phase));
    if (kept) return `${stackName(kept.stackId)} (retained: ${kept.reason})`;
    const stuck = [...firstStuck].filter(([p]) => isEarlier(p, phase)).sort(([, a], [, b]) => a.at - b.at)[0]?.[1].stack;
    if (stuck)
      return `${stackName(stuck.stackId)} (${stuck.outcome}: ${stuck.error ? `${stuck.error.Error}: ${stuck.error.Cause}` : (stuck.reason ?? 'no reason given')})`;
    return undefined;
  }

  /** Why a stack it waits for will not go away in this run (failed, timed out, retained), or undefined. */
  blockedBy(stack: TrackedStack): string | undefined {
    const before = waitsForEarlierPhases(stack) ? this.stuckBefore.get(stack.phase) : undefined;
    if (before) return before;
    const importer = (stack.waitsFor ?? []).map((name) => this.byName(name)).find((s) => s && isStuck(s));
    return importer ? `${stackName(importer.stackId)}, which imports its export (${importer.outcome}: ${importer.reason ?? 'no reason given'})` : undefined;
  }

  /** Whether everything it waits for is gone (held-back ones excluded: see holdBackDependents). */
  mayStart(stack: TrackedStack): boolean {
    if (waitsForEarlierPhases(stack)) {
      const earlierUnsettled = PHASES.slice(0, PHASES.indexOf(stack.phase as never)).some((p) => this.unsettledPhases.has(p));
      if (earlierUnsettled || this.blockedBy(stack) !== undefined) return false;
    }
    const importersGone = (stack.waitsFor ?? []).every((name) => {
      const importer = this.byName(name);
      return !importer || isGone(importer);
    });
    return importersGone || (this.progress.round > 0 && this.progress.round % IMPORTS_REREAD_ROUNDS === 0);
  }
}

/** Progress is never changed in place (every step makes a new one): its index holds as long as it lives. */
const indexes = new WeakMap<CleanupProgress, ProgressIndex>();
function indexOf(progress: CleanupProgress): ProgressIndex {
  let index = indexes.get(progress);
  if (!index) {
    index = new ProgressIndex(progress);
    indexes.set(progress, index);
  }
  return index;
}

/**
 * Holds dependents back: a pending stack that waits for one that failed, timed out or was
 * retained is never started (CloudFormation would refuse it, or worse, take what the other still
 * uses): it is retained, saying what it waits for.
 */
export function holdBackDependents(progress: CleanupProgress): CleanupProgress {
  const index = indexOf(progress);
  return mapStacks(progress, (s) => {
    const blocker = s.outcome === 'pending' ? index.blockedBy(s) : undefined;
    return blocker ? { ...s, outcome: 'retained', reason: `not started: waits for ${blocker}; re-run after fixing it` } : s;
  });
}

/** Each stack through `change`; when none changes, the very same progress (its index is kept, not rebuilt). */
function mapStacks(progress: CleanupProgress, change: (stack: TrackedStack) => TrackedStack): CleanupProgress {
  const stacks = progress.stacks.map(change);
  return stacks.every((s, i) => s === progress.stacks[i]) ? progress : { ...progress, stacks };
}

/**
 * The pending stacks whose deletion may start now, in dependency order, before any budget: the
 * environment's once every component and service instance stack has settled; a stack with exports
 * once the importers its last ListImports named are gone (ListImports is read again before it
 * starts); any other at once.
 */
export function readyToStart(progress: CleanupProgress): TrackedStack[] {
  const index = indexOf(progress);
  return progress.stacks.filter((s) => s.outcome === 'pending' && index.mayStart(s));
}

/** The account's concurrent-resources budget this run has not yet taken: the budget minus the weight of its deletions in flight. */
export function freeWeight(progress: CleanupProgress, budget: number): number {
  return budget - weightInFlight(progress);
}

/**
 * The first of `ready` that fit into `free` weight, in order: no stack overtakes one that does not
 * fit (so a large stack is never starved). With nothing in flight, the first goes even if it alone
 * exceeds the budget: it could never fit otherwise.
 */
export function withinBudget(ready: readonly TrackedStack[], free: number, nothingInFlight: boolean): TrackedStack[] {
  const chosen: TrackedStack[] = [];
  let left = free;
  for (const stack of ready) {
    const alone = nothingInFlight && chosen.length === 0;
    if (stack.weight > left && !alone) break;
    chosen.push(stack);
    left -= stack.weight;
  }
  return chosen;
}

/**
 * The pending stacks whose deletion may start now, in dependency order, within the free budget.
 * `aloneOverBudget`: whether a stack heavier than the budget may go when this run has nothing in
 * flight (false while other executions in the account have deletions in flight: domain/cleanup-board.ts).
 */
export function stacksToStart(progress: CleanupProgress, budget: number, aloneOverBudget = true): TrackedStack[] {
  return withinBudget(readyToStart(progress), freeWeight(progress, budget), aloneOverBudget && !progress.stacks.some(isInFlight));
}

/**
 * The weight of this run's deletions in flight (starting, deleting, deleting again retaining),
 * but for those a listing already showed ended: CloudFormation no longer counts their resources.
 */
export function weightInFlight(progress: CleanupProgress): number {
  return progress.stacks.filter((s) => isInFlight(s) && s.endListedAt === undefined).reduce((sum, s) => sum + s.weight, 0);
}

/**
 * What this run may still have deleting, for the other executions in the account (the board):
 * its deletions in flight, those a listing showed ended but whose outcome is still to be read
 * included (if the listing was wrong, they still hold their room).
 */
export function weightHeld(progress: CleanupProgress): number {
  return progress.stacks.filter(isInFlight).reduce((sum, s) => sum + s.weight, 0);
}

/** The environment is served again (or otherwise held back) since the inventory: nothing more starts. */
export function retainPending(progress: CleanupProgress, reason: string): CleanupProgress {
  return {
    ...progress,
    heldBack: reason,
    stacks: progress.stacks.map((s): TrackedStack => (s.outcome === 'pending' ? { ...s, outcome: 'retained', reason } : s)),
  };
}

export const isCleanupDone = (progress: CleanupProgress): boolean => progress.stacks.every(isSettled);

export const CleanupCountsSchema = LoopCountsSchema;
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
  const why = `the run reached its limit of ${rounds} rounds, which keeps its history within Step Functions' limit`;
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
  return mapStacks(progress, (s): TrackedStack => {
    if (s.outcome === 'pending' && s.deletingSince !== undefined) {
      const { deletingSince: _d, ...rest } = s;
      return rest;
    }
    if (s.outcome === 'deleting' && s.deletingSince === undefined) return { ...s, deletingSince: s.startedAt ?? now };
    if (isSettled(s) && s.settledAt === undefined) return { ...s, settledAt: now };
    return s;
  });
}

/** What the report needs of each stack the cleanup touched (pending ones were never processed). */
export function stackResults(progress: CleanupProgress): StackProgress[] {
  return (
    progress.stacks
      .filter((s): s is TrackedStack & { outcome: Exclude<TrackedOutcome, 'pending'> } => s.outcome !== 'pending')
      // A stack whose DeleteStack was being called when the run stopped is reported like one still deleting.
      .map(
        ({
          nestedStackIds: _n,
          hasExports: _e,
          weight: _w,
          waitsFor: _f,
          startedAt: _s,
          endListedAt: _l,
          throttled: _t,
          deletingSince,
          settledAt,
          outcome,
          ...rest
        }) => ({
          ...rest,
          outcome: outcome === 'starting' ? 'deleting' : outcome,
          ...(deletingSince !== undefined ? { deletionStartedAt: new Date(deletingSince).toISOString() } : {}),
          ...(settledAt !== undefined ? { deletionEndedAt: new Date(settledAt).toISOString() } : {}),
        }),
      )
  );
}
