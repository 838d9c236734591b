/**
 * One history budget for the whole execution. Step Functions keeps at most 25,000 events per
 * execution, and running out cannot be caught; the run aims to stay below 20,000. Two loops grow
 * the history, one after the other, each about 9 events per iteration whatever the number of
 * stacks or resources: the cleanup loop (AdvanceCleanup → IsCleanupDone → WaitForDeletions, at
 * most MAX_ROUNDS rounds), then the stand-alone deletion loop (DeleteStandaloneResources →
 * IsStandaloneDone → WaitForStandaloneDeletions). The second gets what the rounds of the first
 * left: its invocations are capped at what fits, at least one. The events are counted as the
 * history records them (bench/execution-model.ts): a Task 5 (entered, scheduled, started,
 * succeeded, exited), any other state 2.
 */
export const HISTORY_LIMIT = 25_000;
/** What the run aims at: 1,000 events kept below 20,000 for Lambda retries (3 events each). */
export const HISTORY_TARGET = 19_000;
/** The states outside the two loops, with margin (about 60 in a run). */
const EVENTS_OUTSIDE_LOOPS = 200;
/** A Task, a Choice and a Wait. */
export const EVENTS_PER_ITERATION = 9;

/** Invocations of DeleteStandaloneResources the history has room for after `roundsUsed` rounds of the cleanup loop. */
export function standaloneBatchesAllowed(roundsUsed: number): number {
  const spare = HISTORY_TARGET - EVENTS_OUTSIDE_LOOPS - EVENTS_PER_ITERATION * roundsUsed;
  return Math.max(1, Math.floor(spare / EVENTS_PER_ITERATION));
}
