import { type ReadBoard, readBoard, updateBoard } from './aws/cleanup-board.js';
import { shareTargetRates } from './aws/clients.js';
import { concurrentResourcesLimit, stacksBeingDeleted } from './aws/cloudformation.js';
import { throttledSoFar } from './aws/error-mapping.js';
import { executionKey, getJson, getJsonIfExistsRemembered, type ObjectRef, putJsonRemembered } from './aws/object-store.js';
import { workingKeyScope } from './aws/target-session.js';
import { advanceRound, type RoundBudget, type StatusListing } from './cleanup/cleanup-round.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import {
  activeExecutions,
  type BoardListing,
  boardKey,
  claimedEntry,
  freshListing,
  nextRoundDelayMs,
  shareOfAccount,
  withEntry,
  withListing,
  withoutLongStale,
} from './domain/cleanup-board.js';
import {
  type CleanupProgress,
  CleanupProgressSchema,
  type CleanupState,
  countProgress,
  endWithoutFinishing,
  isCleanupDone,
  PROGRESS_FILE,
  readyToStart,
  stampTimes,
  startProgress,
  weightHeld,
  weightInFlight,
} from './domain/cleanup-progress.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { InventoryReferenceSchema, InventorySchema } from './domain/inventory.js';
import { MODES } from './domain/request.js';
import { roleArnIn, sameTarget, type Target, TargetSchema } from './domain/target.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget } from './runtime/deployment.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { logger, MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * AdvanceCleanup: one round of the cleanup loop (AdvanceCleanup → IsCleanupDone →
 * WaitForDeletions), for every stack of the connection at once. Progress lives in S3; the state
 * carries its reference and counts, so neither grows with the number of stacks.
 */
const config = loadConfig(
  settingsSchema({
    REPORT_BUCKET: true,
    DELETION_ROLE_ARN: true,
    SPOKE_DELETION_ROLE_NAME: true,
    PROTECT_TAG_KEY: true,
    CONCURRENT_RESOURCES_PERCENT: true,
    MAX_STACK_DELETION_MINUTES: true,
    MAX_ROUNDS: true,
  }),
);

/** The role CloudFormation deletes with: the hub's own in its account, the spoke's deletion role in another target. */
function deletionRoleIn(target: Target): string {
  return sameTarget(target, hubTarget()) ? config.DELETION_ROLE_ARN : roleArnIn(target, config.SPOKE_DELETION_ROLE_NAME);
}

/**
 * When DescribeAccountLimits names no ConcurrentResourcesLimit: the value AWS's own example of the
 * call shows (an assumption; the call is read every round, so a raised quota is used at once).
 */
const ASSUMED_CONCURRENT_RESOURCES_LIMIT = 2500;

/**
 * The account's concurrent-resources limit, read each round (quotas change). A round never fails
 * over it: denied (a spoke deployed before the permission) or throttled, it takes the limit the run
 * last read, else the assumed one, and says so in the log.
 */
async function accountLimit(lastKnown: number | undefined): Promise<number> {
  try {
    return (await concurrentResourcesLimit()) ?? ASSUMED_CONCURRENT_RESOURCES_LIMIT;
  } catch (error) {
    logger.warn('DescribeAccountLimits failed: this round sizes its deletions to the last known or assumed limit', {
      error: (error as Error).message,
      limit: lastKnown ?? ASSUMED_CONCURRENT_RESOURCES_LIMIT,
    });
    return lastKnown ?? ASSUMED_CONCURRENT_RESOURCES_LIMIT;
  }
}

/** The product's share of the account's limit, for all its executions there together. */
const productShare = (limit: number) => Math.max(1, Math.floor((limit * config.CONCURRENT_RESOURCES_PERCENT) / 100));

/**
 * The round's side of the cleanup board (domain/cleanup-board.ts) of the account-Region it works
 * in: read once at the start; its listing used while fresh, else listed and published; this
 * execution's claim written before its deletions start, its entry (what it has in flight) at the
 * end, or removed when the cleanup is done.
 */
class BoardRound {
  private read: ReadBoard | undefined;
  private listed: BoardListing | undefined;

  constructor(
    private readonly ref: ObjectRef,
    private readonly self: string,
  ) {}

  async open(): Promise<void> {
    this.read = await readBoard(this.ref);
    // Each API's rate divided among the executions working in the account now.
    shareTargetRates(activeExecutions(this.read.board, this.self, clock.now()));
  }

  /**
   * The board's listing while fresh, read again first (another execution may have published one
   * since this round opened the board); else ListStacks, published on the board at once, so that
   * the executions whose rounds start meanwhile use it instead of listing too.
   */
  async listDeleting(): Promise<StatusListing> {
    // Alone in the account when the round opened the board: nobody else lists, nor needs this listing soon.
    const alone = activeExecutions((await this.current()).board, this.self, clock.now()) === 1;
    const fresh = freshListing((alone ? await this.current() : await this.reread()).board, clock.now(), this.self);
    if (fresh) return { stacks: new Map(Object.entries(fresh.stacks)), readAt: fresh.readAt };
    const readAt = clock.now();
    const stacks = await stacksBeingDeleted();
    this.listed = { readAt, stacks: Object.fromEntries(stacks), by: this.self };
    if (!alone) {
      const published = await updateBoard(this.ref, await this.current(), (board) => ({ board: withListing(board, this.listed), result: undefined }));
      this.read = published.read;
    }
    return { stacks, readAt };
  }

  /** The board as it is now, unless the one this round holds has a fresh listing already. */
  private async reread(): Promise<ReadBoard> {
    const held = await this.current();
    if (!freshListing(held.board, clock.now(), this.self)) this.read = await readBoard(this.ref);
    return this.read ?? held;
  }

  /** This execution's budget from the board as it stands, claimed on it before any deletion starts. */
  async claim(progress: CleanupProgress, limit: number): Promise<RoundBudget> {
    const ready = readyToStart(progress).map((s) => s.weight);
    const request = { limit, inFlight: weightInFlight(progress), readyWeights: ready };
    const update = await updateBoard(this.ref, await this.current(), (board) => {
      const now = clock.now();
      const share = shareOfAccount(board, this.self, now, request);
      const entry = claimedEntry(share, request, now);
      return {
        board: withoutLongStale(withListing(withEntry(board, this.self, entry), this.listed), now),
        result: { budget: share.budget, aloneOverBudget: share.aloneOverBudget },
      };
    });
    this.read = update.read;
    return update.result;
  }

  /** What this execution has in flight after the round, and whether it has stacks ready; none once it is done. */
  async close(progress: CleanupProgress, done: boolean): Promise<void> {
    const entry = done ? undefined : { weight: weightHeld(progress), wantsToStart: readyToStart(progress).length > 0, heartbeatAt: clock.now() };
    await updateBoard(this.ref, await this.current(), (board) => ({ board: withListing(withEntry(board, this.self, entry), this.listed), result: undefined }));
  }

  private async current(): Promise<ReadBoard> {
    this.read ??= await readBoard(this.ref);
    return this.read;
  }
}

/** Time a round may spend (the function's timeout is 120 s): what is left waits for the next round. */
const ROUND_BUDGET_MS = 60_000;

/** The stored progress; the first round builds it from the inventory (a retried round finds what the first attempt stored). */
async function loadProgress(executionName: string, inventory: ObjectRef): Promise<CleanupProgress> {
  const stored = await getJsonIfExistsRemembered({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, PROGRESS_FILE) }, CleanupProgressSchema);
  return stored ?? startProgress(await getJson(inventory, InventorySchema));
}

export const handler = taskHandler({
  task: 'AdvanceCleanup',
  input: z.object({
    target: TargetSchema,
    inventory: InventoryReferenceSchema,
    mode: z.enum(MODES),
    connection: ConnectionFactsSchema,
    retainFailedResources: z.boolean(),
    /** When this round was due: WaitForDeletions waited until then (the local run moves its virtual clock there). */
    roundAt: z.string(),
    executionName: z.string(),
  }),
  logKeys: ({ executionName }) => ({ executionName }),
  workIn: givenTarget,
  summarize: (state: CleanupState) => ({ round: state.round, done: state.done, counts: state.counts }),
  run: async ({ target, inventory, mode, connection, retainFailedResources, executionName }): Promise<CleanupState> => {
    requireExecuteMode('AdvanceCleanup', mode);
    const roundStartedAt = clock.now();
    const throttledBefore = throttledSoFar();
    const stored = { bucket: config.REPORT_BUCKET, key: executionKey(executionName, PROGRESS_FILE) };
    const board = new BoardRound({ bucket: config.REPORT_BUCKET, key: boardKey(workingKeyScope()) }, executionName);
    await board.open();
    const loaded = await loadProgress(executionName, inventory.location);
    const known = await accountLimit(loaded.accountLimit);
    const limit = productShare(known);
    const {
      progress: advanced,
      startsLeft,
      deletionsStarted,
    } = await advanceRound(
      { ...loaded, accountLimit: known },
      {
        executionName,
        deletionRoleArn: deletionRoleIn(target),
        environmentArn: connection.environmentArn,
        protectTagKey: config.PROTECT_TAG_KEY,
        retainFailedResources,
        listDeleting: () => board.listDeleting(),
        claimBudget: (progress) => board.claim(progress, limit),
        maxWaitMs: config.MAX_STACK_DELETION_MINUTES * 60_000,
        until: clock.now() + ROUND_BUDGET_MS,
        save: async (progress) => void (await putJsonRemembered(stored, progress)),
        checkEligibility: () => checkEligibility(connection),
      },
    );
    const progress =
      advanced.round >= config.MAX_ROUNDS && !isCleanupDone(advanced) ? stampTimes(endWithoutFinishing(advanced, config.MAX_ROUNDS), clock.now()) : advanced;
    const done = isCleanupDone(progress);
    // A finished cleanup's progress is not read again: not kept in memory either.
    const location = await putJsonRemembered(stored, progress, { remember: !done });
    await board.close(progress, done);
    metrics.addMetric('StackDeletionsStarted', MetricUnit.Count, deletionsStarted);
    const readyWaiting = readyToStart(progress).length > 0;
    const delay = nextRoundDelayMs({ startsLeft, readyWaiting, round: progress.round, maxRounds: config.MAX_ROUNDS });
    // Counted from this round's start: a round that took longer than the interval is followed at once,
    // unless the account throttled it: then the whole interval after it (the wait is its backoff).
    const waitFrom = throttledSoFar() > throttledBefore ? clock.now() : roundStartedAt;
    const nextRoundAt = new Date(Math.max(clock.now(), waitFrom + delay)).toISOString();
    return { round: progress.round, done, nextRoundAt, progress: location, counts: countProgress(progress) };
  },
});
