import * as z from '../runtime/zod.js';
import { TAG, type Tags } from './inventory.js';
import { ObjectRefSchema } from './object-ref.js';
import { hasProtectTag } from './ownership.js';
import type { DirectResult } from './report.js';
import { LoopCountsSchema } from './summary.js';
import { type StandaloneCandidate, StandaloneCandidateSchema } from './verification.js';

/**
 * The stand-alone deletions (deleteTypes), kept in S3 between the invocations of the
 * DeleteStandaloneResources loop (one writer per execution), as the cleanup loop keeps its
 * stacks. Pure: the re-check before each delete, which resources are due, what the loop's state
 * says, and how the run ends when its history budget is spent.
 */
export function recheckStandalone(tags: Tags | undefined, environmentArn: string, protectTagKey: string): string | undefined {
  if (!tags) return 'no longer tagged for this environment (or already gone): left alone';
  if (tags[TAG.environment] !== environmentArn) return `its tags changed since the inventory: now proton:environment=${tags[TAG.environment] ?? '(none)'}`;
  if (hasProtectTag(tags, protectTagKey)) return `protected: tagged ${protectTagKey}`;
  return undefined;
}

/** Where, among the execution's files in the report bucket, the stand-alone progress is kept. */
export const STANDALONE_PROGRESS_FILE = 'standalone-progress.json';

/** `in-progress`: a bucket being emptied, a bounded amount per call. */
export const STANDALONE_OUTCOMES = ['pending', 'in-progress', 'deleted', 'already-absent', 'retained', 'failed'] as const;
export type StandaloneOutcome = (typeof STANDALONE_OUTCOMES)[number];
const UNSETTLED: readonly StandaloneOutcome[] = ['pending', 'in-progress'];

export const StandaloneItemSchema = StandaloneCandidateSchema.extend({
  outcome: z.enum(STANDALONE_OUTCOMES),
  /** Delete calls made for it (a bucket is emptied over several). */
  calls: z.number().int().nonnegative(),
  reason: z.string().optional(),
  error: z.string().optional(),
  /** Not called again before this instant (epoch ms): a bucket between emptying calls, a transient error's backoff. */
  dueAt: z.number().optional(),
  /** Transient errors (throttling, 5xx, network) in a row, after the SDK's own retries; the last one's text. */
  transientErrors: z.number().int().optional(),
  lastError: z.string().optional(),
  /**
   * Its delete call may have gone out without its answer being stored: set (and stored) before each
   * group of calls, cleared by the call's result. Found set, an invocation was lost after the call,
   * or the call failed transiently: if the resource is gone now, that call deleted it.
   */
  deleteCalled: z.boolean().optional(),
});
export type StandaloneItem = z.infer<typeof StandaloneItemSchema>;

export const StandaloneProgressSchema = z.object({
  version: z.literal(1),
  /** Invocations of DeleteStandaloneResources completed. */
  batch: z.number().int().nonnegative(),
  /** Every resource VerifyCleanup handed on, in its order. */
  items: z.array(StandaloneItemSchema),
  /** Set when the serving rule stopped the deletions mid-way: why nothing more was deleted. */
  heldBack: z.string().optional(),
});
export type StandaloneProgress = z.infer<typeof StandaloneProgressSchema>;

export function startStandaloneProgress(candidates: readonly StandaloneCandidate[]): StandaloneProgress {
  return { version: 1, batch: 0, items: candidates.map((c) => ({ ...c, outcome: 'pending', calls: 0 })) };
}

export const isUnsettled = (item: StandaloneItem): boolean => UNSETTLED.includes(item.outcome);

/** Unsettled and due by `now`, in the order VerifyCleanup handed them on. */
export function dueItems(progress: StandaloneProgress, now: number): StandaloneItem[] {
  return progress.items.filter((item) => isUnsettled(item) && (item.dueAt ?? 0) <= now);
}

export const isStandaloneDone = (progress: StandaloneProgress): boolean => !progress.items.some(isUnsettled);

/** When the next invocation is due: at once when there is work due now (it ran out of time), else at the earliest due item. */
export function nextBatchAt(progress: StandaloneProgress, now: number): number {
  const waiting = progress.items.filter(isUnsettled).map((item) => Math.max(now, item.dueAt ?? 0));
  return waiting.length > 0 ? Math.min(...waiting) : now;
}

/** `deleting`: buckets being emptied. */
export const StandaloneCountsSchema = LoopCountsSchema;
export type StandaloneCounts = z.infer<typeof StandaloneCountsSchema>;

export function countStandalone(progress: StandaloneProgress): StandaloneCounts {
  const count = (outcome: StandaloneOutcome) => progress.items.filter((item) => item.outcome === outcome).length;
  return {
    pending: count('pending'),
    deleting: count('in-progress'),
    deleted: count('deleted'),
    alreadyAbsent: count('already-absent'),
    retained: count('retained'),
    failed: count('failed'),
  };
}

/**
 * DeleteStandaloneResources' output ($.standaloneCleanup): the stored progress by reference and
 * its counts, so the state never grows with the number of resources. IsStandaloneDone reads
 * `done`, WaitForStandaloneDeletions `nextBatchAt`.
 */
export const StandaloneStateSchema = z.object({
  batch: z.number().int(),
  done: z.boolean(),
  /** When the next invocation is due (WaitForStandaloneDeletions waits until then). */
  nextBatchAt: z.string(),
  progress: ObjectRefSchema,
  counts: StandaloneCountsSchema,
});
export type StandaloneState = z.infer<typeof StandaloneStateSchema>;

/** The environment is served again (or otherwise held back): nothing more is deleted, and what is left says why. */
export function holdBackStandalone(progress: StandaloneProgress, reason: string): StandaloneProgress {
  return {
    ...progress,
    heldBack: reason,
    items: progress.items.map((item): StandaloneItem => (isUnsettled(item) ? settle(item, { outcome: 'retained', reason }) : item)),
  };
}

/** The item with its final outcome, without the loop's bookkeeping. */
function settle(item: StandaloneItem, result: { outcome: 'retained' | 'failed'; reason?: string; error?: string }): StandaloneItem {
  const { dueAt: _d, deleteCalled: _c, lastError: _l, transientErrors: _t, reason: _r, error: _e, ...rest } = item;
  return { ...rest, ...result };
}

/**
 * The run's last invocation the history budget allows (history-budget.ts): what is still unsettled
 * is reported, never lost. A resource never tried is left, saying a re-run continues; a bucket still
 * being emptied, or one whose calls kept failing transiently, failed, saying a re-run goes on.
 */
export function endStandaloneWithoutFinishing(progress: StandaloneProgress, batches: number): StandaloneProgress {
  const why = `the run reached its limit of ${batches} invocations of the stand-alone deletion loop, which keeps its history within Step Functions' limit`;
  return {
    ...progress,
    items: progress.items.map((item): StandaloneItem => {
      if (!isUnsettled(item)) return item;
      if (item.lastError)
        return settle(item, { outcome: 'failed', error: `${item.lastError} (after ${item.transientErrors ?? 1} attempt(s)); ${why}: re-run to go on` });
      if (item.outcome === 'in-progress')
        return settle(item, { outcome: 'failed', error: `still emptying after ${item.calls} calls when ${why}: re-run to go on` });
      return settle(item, { outcome: 'retained', reason: `not started: ${why}; re-run to continue` });
    }),
  };
}

/**
 * What the report needs of each resource (WriteReport): its outcome, reason and error. A resource
 * never tried is left out (the report says why it was not processed); one the run stopped in the
 * middle of (it failed, or was lost while deleting) is reported failed, saying a re-run goes on.
 */
export function standaloneResults(progress: StandaloneProgress): DirectResult[] {
  return progress.items.flatMap((item): DirectResult[] => {
    const { arn: id, reason, error } = item;
    if (!isUnsettled(item)) {
      const outcome = item.outcome as DirectResult['outcome'];
      return [{ id, outcome, ...(reason ? { reason } : {}), ...(error ? { error } : {}) }];
    }
    if (item.deleteCalled || item.outcome === 'in-progress' || item.lastError) {
      const where = item.outcome === 'in-progress' ? `still emptying after ${item.calls} calls` : 'its deletion was being made';
      return [{ id, outcome: 'failed', error: `${where} when the run stopped${item.lastError ? ` (last error: ${item.lastError})` : ''}: re-run to go on` }];
    }
    return [];
  });
}
