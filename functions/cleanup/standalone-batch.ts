import { currentTags } from '../aws/tagging.js';
import { type Eligibility, stoppedBecause } from '../domain/serving.js';
import { dueItems, holdBackStandalone, recheckStandalone, type StandaloneItem, type StandaloneProgress } from '../domain/standalone-deletion.js';
import { clock } from '../runtime/clock.js';
import { InvalidStateInputError, isTransientAwsError } from '../runtime/errors.js';
import { mapInPool } from '../runtime/pool.js';
import { MetricUnit, metrics } from '../runtime/powertools.js';
import { deleteStandaloneResource } from '../standalone-types/aws.js';
import { STANDALONE_TYPES, type StandaloneType } from '../standalone-types/index.js';

/**
 * One invocation of the stand-alone deletion loop (DeleteStandaloneResources): every resource
 * that is due, within the invocation's time, a bounded number at once. Each resource is handled as
 * it always was: its tags re-read right before its delete (still this environment's, not
 * protected), then one delete call by its type's module (a bucket: emptied a bounded amount per
 * call, only of data written before `writtenBefore`); a failure for good is kept as a value with a
 * bounded message. What changed is who loops: a bucket still being emptied, or a call that failed
 * transiently, is due again later, in this invocation if time allows or in a later one.
 */
export interface BatchSettings {
  environmentArn: string;
  protectTagKey: string;
  /** Resources deleted at once (mapConcurrency). */
  concurrency: number;
  /** The invocation's time budget ends at this instant (epoch ms): what is left waits for the next invocation. */
  until: number;
  /** Stores the progress: called before each group of delete calls, so that a lost invocation loses no deletion. */
  save: (progress: StandaloneProgress) => Promise<void>;
  /** The serving rule, read afresh before each group of delete calls; its errors fail the invocation. */
  checkEligibility: () => Promise<Eligibility>;
}

/** A failure's message as the report shows it: bounded, whatever the service said. */
const ERROR_CHARS = 300;
/** Between two emptying calls for the same bucket (the Map's Wait did the same). */
export const EMPTYING_INTERVAL_MS = 5_000;
/**
 * Attempts of a call that fails transiently (throttled, 5xx, network) after the SDK's own retries,
 * and the backoff between them: what the Map's Retry gave each resource (1 + 4 attempts, 2 s
 * doubling, at most 30 s). Then it is failed, with the error.
 */
export const TRANSIENT_ATTEMPTS = 5;
const backoffMs = (errors: number) => Math.min(30_000, 2_000 * 2 ** (errors - 1));

const bounded = (text: string) => (text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS - 1)}…` : text);

/** Resources called in one group: one stored write before each group. */
const groupSize = (concurrency: number) => concurrency * 4;

type Step = Partial<StandaloneItem> & Pick<StandaloneItem, 'outcome'>;

function standaloneType(type: string): StandaloneType {
  if ((STANDALONE_TYPES as readonly string[]).includes(type)) return type as StandaloneType;
  throw new InvalidStateInputError(`${type} is not a stand-alone resource type (expected one of ${STANDALONE_TYPES.join(', ')})`);
}

/** Where an attempt got to: once its delete call is made, the resource may be gone whatever the call answered. */
interface Attempt {
  deleteCalled: boolean;
}

/** The resource's tags re-read, then one delete call; what it did. Transient errors are thrown, for `attempt` to count. */
async function deleteOnce(item: StandaloneItem, settings: BatchSettings, progress: Attempt): Promise<Step> {
  const { arn, writtenBefore } = item;
  const type = standaloneType(item.type);
  const calls = item.calls + 1;
  const tags = (await currentTags([arn])).get(arn);
  const leftAlone = recheckStandalone(tags, settings.environmentArn, settings.protectTagKey);
  if (leftAlone) {
    // An earlier attempt of this run made its delete call and was lost (a Lambda timeout, a transient
    // error), and the resource is gone now: that call deleted it.
    if (!tags && item.deleteCalled) {
      return { outcome: 'deleted', calls, reason: `deleted (deleteTypes lists ${type}); gone when checked again after an interrupted attempt of this run` };
    }
    return { outcome: 'retained', calls, reason: leftAlone };
  }
  progress.deleteCalled = true;
  const outcome = await deleteStandaloneResource(arn, type, writtenBefore);
  if (typeof outcome === 'object') {
    const reason =
      `it holds data written after ${writtenBefore}, when this run's inventory (or the reviewed plan) saw it ` +
      `(${outcome.writtenSince}): not deleted; re-run, or make a new plan, to include it`;
    return { outcome: 'retained', calls, reason };
  }
  if (outcome === 'deleted') metrics.addMetric('StandaloneResourcesDeleted', MetricUnit.Count, 1);
  if (outcome === 'in-progress') return { outcome, calls, dueAt: clock.now() + EMPTYING_INTERVAL_MS };
  return { outcome, calls, ...(outcome === 'deleted' ? { reason: `deleted (deleteTypes lists ${type})` } : {}) };
}

/** The loop's bookkeeping of an attempt, dropped once it has a result. */
function withoutBookkeeping(item: StandaloneItem): StandaloneItem {
  const { deleteCalled: _c, dueAt: _d, transientErrors: _t, lastError: _l, ...rest } = item;
  return rest;
}

/** One attempt for the resource: settled, due again later (a bucket being emptied, a transient error), or failed for good. */
async function attempt(item: StandaloneItem, settings: BatchSettings): Promise<StandaloneItem> {
  const reached: Attempt = { deleteCalled: false };
  try {
    // A bucket's emptying calls are each complete when answered: the next one starts afresh.
    return { ...withoutBookkeeping(item), ...(await deleteOnce(item, settings, reached)) };
  } catch (error) {
    const text = bounded(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    const calls = item.calls + 1;
    if (!isTransientAwsError(error)) return { ...withoutBookkeeping(item), outcome: 'failed', calls, error: text };
    const errors = (item.transientErrors ?? 0) + 1;
    if (errors >= TRANSIENT_ATTEMPTS) return { ...withoutBookkeeping(item), outcome: 'failed', calls, error: `${text} (after ${errors} attempts)` };
    // Left as it was (a bucket stays in progress), to be tried again after a backoff; remembering whether a
    // delete call went out, which may have deleted it before failing.
    const deleteCalled = item.deleteCalled || reached.deleteCalled;
    return {
      ...withoutBookkeeping(item),
      ...(deleteCalled ? { deleteCalled } : {}),
      transientErrors: errors,
      lastError: text,
      dueAt: clock.now() + backoffMs(errors),
    };
  }
}

function replace(progress: StandaloneProgress, updated: readonly StandaloneItem[]): StandaloneProgress {
  const byArn = new Map(updated.map((item) => [item.arn, item]));
  return { ...progress, items: progress.items.map((item) => byArn.get(item.arn) ?? item) };
}

/**
 * Deletes what is due, a group at a time, until nothing is due or the time is spent. Each group is
 * stored before its calls, every resource in it marked `deleteCalled` (its call may go out now);
 * each result clears the mark, in the next stored write. A resource not reached in time is handed
 * back as it was.
 */
export async function runStandaloneBatch(initial: StandaloneProgress, settings: BatchSettings): Promise<StandaloneProgress> {
  let progress = initial;
  for (let due = dueItems(progress, clock.now()); due.length > 0 && clock.now() < settings.until; due = dueItems(progress, clock.now())) {
    // The serving rule, again, before each group's deletions: nothing of an environment served again goes.
    const verdict = await settings.checkEligibility();
    if (!verdict.eligible) return { ...holdBackStandalone(progress, stoppedBecause(verdict.fact)), batch: progress.batch + 1 };
    const group = due.slice(0, groupSize(settings.concurrency));
    await settings.save(
      replace(
        progress,
        group.map((item) => ({ ...item, deleteCalled: true })),
      ),
    );
    const results = await mapInPool(group, settings.concurrency, (item) => (clock.now() < settings.until ? attempt(item, settings) : Promise.resolve(item)));
    progress = replace(progress, results);
  }
  return { ...progress, batch: progress.batch + 1 };
}
