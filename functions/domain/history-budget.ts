import { MAX_EMPTYING_CALLS } from './standalone-deletion.js';

/**
 * One history budget for the whole execution. Step Functions keeps at most 25,000 events per
 * execution, and running out cannot be caught. Two loops grow the history: the cleanup loop
 * (AdvanceCleanup → IsCleanupDone → WaitForDeletions: 9 events a round, at most MAX_ROUNDS rounds)
 * and the DeleteStandaloneResources Map (at most 200 items; a bucket being emptied loops
 * WaitForEmptying → KeepEmptying → DeleteStandaloneResource → IsResourceEmptying). The Map comes
 * after the cleanup loop, so it spends only what the rounds left: each item gets an equal share
 * of the emptying calls the budget still allows (the Map's iterations run side by side and share
 * no state), at least one call, at most MAX_EMPTYING_CALLS. The events are counted as the
 * history records them (bench/execution-model.ts): a Task 5 (entered, scheduled, started,
 * succeeded, exited), any other state 2, a Map iteration 2.
 */
export const HISTORY_LIMIT = 25_000;
/** 10 % kept for retries (3 events each) and the states outside the loops. */
const HISTORY_TARGET = 22_500;
const EVENTS_OUTSIDE_LOOPS = 200;
const EVENTS_PER_ROUND = 9;
/** Iteration started/succeeded, the Task, the Choice, the Succeed. */
const EVENTS_PER_ITEM = 11;
/** Wait, Pass, Task, Choice. */
const EVENTS_PER_EMPTYING_CALL = 11;

export function emptyingCallsAllowed(roundsUsed: number, items: number): number {
  const n = Math.max(1, items);
  const spare = HISTORY_TARGET - EVENTS_OUTSIDE_LOOPS - EVENTS_PER_ROUND * roundsUsed - EVENTS_PER_ITEM * n;
  const extraPerItem = Math.max(0, Math.floor(spare / EVENTS_PER_EMPTYING_CALL / n));
  return Math.min(MAX_EMPTYING_CALLS, 1 + extraPerItem);
}
