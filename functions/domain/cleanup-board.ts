import * as z from '../runtime/zod.js';

/**
 * The cleanup board: what the executions cleaning up in one account and Region at once (a
 * sweep's children, a fleet's) tell each other, in one S3 object per account-Region, read and
 * written by each AdvanceCleanup round with conditional writes (aws/cleanup-board.ts). In AWS
 * each execution's rounds run in Lambda instances of their own, so nothing in memory is shared:
 * the board is how they share the account's CloudFormation ConcurrentResourcesLimit, its API
 * rates and one status listing, instead of each taking the whole of each. Pure.
 *
 * Per running execution (its entry, keyed by execution name): the weight it may have in stack
 * deletions until it writes again, whether it has stacks ready to start, and when it last wrote.
 * An entry not rewritten for STALE_AFTER_MS no longer counts (its execution stopped without
 * removing it: aborted, failed, timed out); an execution's last round removes its own.
 */
export const BoardEntrySchema = z.object({
  /**
   * Resources this execution may have in stack deletions until it writes again: at the start of
   * its deletions, what it has in flight plus what it claims to start; at the end of its round,
   * what it has in flight. Its in-flight weight only falls between two writes.
   */
  weight: z.number().int().nonnegative(),
  /** It has stacks ready to start (whether or not they fit): it takes part in dividing the limit. */
  wantsToStart: z.boolean(),
  /** When it last wrote its entry (epoch ms): its heartbeat. */
  heartbeatAt: z.number(),
});
export type BoardEntry = z.infer<typeof BoardEntrySchema>;

const ListedStatusSchema = z.object({ status: z.string(), statusReason: z.string().optional() });

/** A ListStacks of the account's stacks being deleted or failed to delete (stack ID → status), and when it was read (epoch ms: when its first page was asked for). */
export const BoardListingSchema = z.object({
  readAt: z.number(),
  stacks: z.record(z.string(), ListedStatusSchema),
  /** The execution that read it: it never takes its own last listing for a new one. */
  by: z.string().optional(),
});
export type BoardListing = z.infer<typeof BoardListingSchema>;

export const CleanupBoardSchema = z.object({
  version: z.literal(1),
  executions: z.record(z.string(), BoardEntrySchema),
  /** The latest listing any execution read: the others use it while it is fresh instead of listing again. */
  listing: BoardListingSchema.optional(),
});
export type CleanupBoard = z.infer<typeof CleanupBoardSchema>;

export const EMPTY_BOARD: CleanupBoard = { version: 1, executions: {} };

/** Where the board of an account-Region is kept in the hub's report bucket (`scope`: domain/target.ts keyScope, as leases and memory are). */
export function boardKey(scope = ''): string {
  return `boards/${scope}cleanup-board.json`;
}

/** Between cleanup rounds (AdvanceCleanup's WaitForDeletions) with nothing left to start: CloudFormation's own waiter polls every 30 s. */
export const ROUND_INTERVAL_MS = 30_000;
/**
 * Between rounds while stacks are ready to start but the account's limit has no room for them:
 * every deletion that ends frees room, and a 30 s wait left a sixth of the limit unused (measured
 * at 100,000 resources). Only in the first half of the run's rounds, so that the rounds' cap
 * (which keeps the history within Step Functions' limit) still spans many hours.
 */
export const START_POLL_INTERVAL_MS = 10_000;

/**
 * How long from this round's start until the next one's (AdvanceCleanup waits only what is left of
 * it, so a round that took longer is followed at once): at once when the round ran out of time with
 * starts left; sooner while ready stacks wait for room, in the first half of the rounds. Rounds
 * start at least this far apart, so the rounds' cap spans 900 × 10 s + 900 × 30 s = 10 hours.
 */
export function nextRoundDelayMs(round: { startsLeft: boolean; readyWaiting: boolean; round: number; maxRounds: number }): number {
  if (round.startsLeft) return 0;
  return round.readyWaiting && round.round < round.maxRounds / 2 ? START_POLL_INTERVAL_MS : ROUND_INTERVAL_MS;
}

/**
 * A running execution rewrites its entry at least every round (twice: before its deletions start
 * and at its end), rounds at most one interval or one round's time budget apart: three
 * intervals without a write means it has stopped.
 */
export const STALE_AFTER_MS = 3 * ROUND_INTERVAL_MS;
/**
 * How old another execution's listing may be and still be used instead of listing again: half the
 * waiter's interval. An execution never uses its own (its next round would see nothing new); a
 * stack started after the listing was read is never judged by it.
 */
export const LISTING_FRESH_MS = 15_000;

/** Later than this after now, a time on the board is not believed (a hand edit, a bug): it counts as stale. */
export const FUTURE_TOLERANCE_MS = 60_000;
const believable = (at: number, now: number) => at - now <= FUTURE_TOLERANCE_MS;
const isLive = (entry: BoardEntry, now: number) => believable(entry.heartbeatAt, now) && now - entry.heartbeatAt < STALE_AFTER_MS;

/** The other executions' entries that still count at `now`. */
function others(board: CleanupBoard, self: string, now: number): BoardEntry[] {
  return Object.entries(board.executions).flatMap(([name, entry]) => (name !== self && isLive(entry, now) ? [entry] : []));
}

/** How many executions work in the account now, this one included: each paces the account's APIs at rate ÷ this. */
export function activeExecutions(board: CleanupBoard, self: string, now: number): number {
  return others(board, self, now).length + 1;
}

export interface AccountShare {
  /** The resources this execution may have in stack deletions until it writes again (its claim). */
  budget: number;
  /**
   * Whether a stack heavier than the budget may still start when this execution has nothing in
   * flight (it could never fit otherwise): only when no other execution has any weight in flight,
   * as a run alone in the account always could.
   */
  aloneOverBudget: boolean;
}

interface ShareRequest {
  /** The resources the account's deletions may involve at once, for this product: ConcurrentResourcesLimit × concurrentResourcesPercent. */
  limit: number;
  /** What this execution has in flight now. */
  inFlight: number;
  /** Its stacks ready to start, in the order it starts them, by weight. */
  readyWeights: readonly number[];
}

/**
 * This execution's budget: min(its fair share of the limit among the executions that want to start
 * stacks, the limit minus the other executions' weight), never less than what it already has in
 * flight (that only falls). Alone on the board, it is the whole limit, as a run alone always had.
 *
 * A stale entry (no write for STALE_AFTER_MS) counts neither in the share nor against the limit:
 * its execution stopped. Its stacks may still be deleting: CloudFormation then queues what goes
 * over the limit (accepted, waiting) until they settle; the board can do no better without a
 * writer. While one of this execution's own stacks is heavier than its share, it goes when the
 * account has room for it (nothing of its own in flight and the limit minus the others' weight
 * holds it), or alone when no other execution has anything in flight: no stack waits for ever.
 */
export function shareOfAccount(board: CleanupBoard, self: string, now: number, request: ShareRequest): AccountShare {
  const live = others(board, self, now);
  const othersWeight = live.reduce((sum, e) => sum + e.weight, 0);
  const room = Math.max(0, request.limit - othersWeight);
  const wanting = live.filter((e) => e.wantsToStart).length + 1;
  const fair = Math.floor(request.limit / wanting);
  const aloneOverBudget = othersWeight === 0;
  const share = Math.min(fair, room);
  const first = request.readyWeights[0];
  // Nothing of its own in flight, and its first stack is heavier than its share: it may take the room there is.
  const big = request.inFlight === 0 && first !== undefined && first > share && first <= room ? first : 0;
  return { budget: Math.max(request.inFlight, share, big), aloneOverBudget };
}

/**
 * What this execution claims before it starts deletions: with stacks ready, its whole budget (the
 * round starts stacks within it, those that become ready during the round included), or its
 * first stack when that is heavier and may go alone; with none, what it has in flight. Until it
 * writes again, its in-flight weight stays within the claim; its round's end writes what it
 * actually has in flight, giving back what it did not use.
 */
export function claimedEntry(share: AccountShare, request: ShareRequest, now: number): BoardEntry {
  const [first] = request.readyWeights;
  if (first === undefined) return { weight: request.inFlight, wantsToStart: false, heartbeatAt: now };
  const alone = share.aloneOverBudget && request.inFlight === 0 ? first : 0;
  return { weight: Math.max(share.budget, alone), wantsToStart: true, heartbeatAt: now };
}

/** The board with this execution's entry put in (or taken out: `undefined`), others' as they are. */
export function withEntry(board: CleanupBoard, self: string, entry: BoardEntry | undefined): CleanupBoard {
  const { [self]: _previous, ...rest } = board.executions;
  return { ...board, executions: entry ? { ...rest, [self]: entry } : rest };
}

/** The board with `listing` if it is newer than the one it holds; entries that went stale dropped (nobody else removes them). */
export function withListing(board: CleanupBoard, listing: BoardListing | undefined): CleanupBoard {
  if (!listing || (board.listing && believable(board.listing.readAt, listing.readAt) && board.listing.readAt >= listing.readAt)) return board;
  return { ...board, listing };
}

/** Entries stale for long (ten times STALE_AFTER_MS) are dropped when the board is written, so that it does not grow with every execution that ever stopped. */
export function withoutLongStale(board: CleanupBoard, now: number): CleanupBoard {
  const kept = Object.entries(board.executions).filter(([, entry]) => believable(entry.heartbeatAt, now) && now - entry.heartbeatAt < 10 * STALE_AFTER_MS);
  return kept.length === Object.keys(board.executions).length ? board : { ...board, executions: Object.fromEntries(kept) };
}

/** The board's listing if another execution than `self` read it within LISTING_FRESH_MS of `now`. */
export function freshListing(board: CleanupBoard, now: number, self: string): BoardListing | undefined {
  const listing = board.listing;
  if (!listing || (listing.by !== undefined && listing.by === self)) return undefined;
  return believable(listing.readAt, now) && now - listing.readAt <= LISTING_FRESH_MS ? listing : undefined;
}
