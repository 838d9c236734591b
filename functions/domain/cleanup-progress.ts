import * as z from '../runtime/zod.js';
import { PHASES, type Inventory } from './inventory.js';
import { STACK_OUTCOMES, StackProgressSchema, type StackProgress } from './stack-deletion.js';

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

export const TrackedStackSchema = StackProgressSchema.extend({
  outcome: z.enum(TRACKED_OUTCOMES),
  nestedStackIds: z.array(z.string()),
  /** A stack without exports cannot be imported from, so nothing has to be deleted before it. */
  hasExports: z.boolean(),
  /** When its current deletion started (epoch ms). */
  startedAt: z.number().optional(),
  /** Calls for it that were still throttled after the SDK's retries (tried again next round). */
  throttled: z.number().int().optional(),
});
export type TrackedStack = z.infer<typeof TrackedStackSchema>;

export const CleanupProgressSchema = z.object({
  version: z.literal(1),
  /** Rounds completed. */
  round: z.number().int().nonnegative(),
  /** In phase order: components, service instances, environment. */
  stacks: z.array(TrackedStackSchema),
});
export type CleanupProgress = z.infer<typeof CleanupProgressSchema>;

const IN_FLIGHT: readonly TrackedOutcome[] = ['starting', 'deleting', 'retry-retaining'];
export const isInFlight = (stack: TrackedStack): boolean => IN_FLIGHT.includes(stack.outcome);
export const isSettled = (stack: TrackedStack): boolean => stack.outcome !== 'pending' && !isInFlight(stack);

/** Every stack the inventory plans to delete, pending, in dependency order. */
export function startProgress(inventory: Inventory): CleanupProgress {
  const nested = new Map<string, string[]>();
  const exporting = new Set<string>();
  for (const r of inventory.resources) {
    if (r.type !== 'cloudformation:stack') continue;
    // A root's exports include its nested stacks': deleting the root deletes them.
    if (r.exports?.length) exporting.add(r.stackId ?? r.id);
    if (r.stackId) nested.set(r.stackId, [...(nested.get(r.stackId) ?? []), r.id]);
  }
  const stacks = PHASES.flatMap((phase) =>
    inventory.resources
      .filter((r) => r.action === 'delete-stack' && r.phase === phase)
      .map((r): TrackedStack => ({ stackId: r.id, phase, outcome: 'pending', polls: 0, nestedStackIds: nested.get(r.id) ?? [], hasExports: exporting.has(r.id) })),
  );
  return { version: 1, round: 0, stacks };
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
  const mayWait = (s: TrackedStack) => s.hasExports || s.phase === 'environment';
  return progress.stacks.filter((s) => s.outcome === 'pending' && (!mayWait(s) || !earlierUnsettled(s.phase))).slice(0, freeSlots);
}

export function freeSlots(progress: CleanupProgress, maxStacksDeleting: number): number {
  return maxStacksDeleting - progress.stacks.filter(isInFlight).length;
}

export const isCleanupDone = (progress: CleanupProgress): boolean => progress.stacks.every(isSettled);

export interface CleanupCounts {
  pending: number;
  deleting: number;
  deleted: number;
  alreadyAbsent: number;
  retained: number;
  failed: number;
}

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

/** What the report needs of each stack the cleanup touched (pending ones were never processed). */
export function stackResults(progress: CleanupProgress): StackProgress[] {
  return progress.stacks
    .filter((s): s is TrackedStack & { outcome: Exclude<TrackedOutcome, 'pending'> } => s.outcome !== 'pending')
    // A stack whose DeleteStack was being called when the run stopped is reported like one still deleting.
    .map(({ nestedStackIds: _n, hasExports: _e, startedAt: _s, throttled: _t, outcome, ...rest }) => ({ ...rest, outcome: outcome === 'starting' ? 'deleting' : outcome }));
}
