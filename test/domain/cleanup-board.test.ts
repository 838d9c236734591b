import { describe, expect, it } from 'vitest';
import {
  activeExecutions,
  type BoardEntry,
  boardKey,
  type CleanupBoard,
  claimedEntry,
  FUTURE_TOLERANCE_MS,
  freshListing,
  LISTING_FRESH_MS,
  nextRoundDelayMs,
  ROUND_INTERVAL_MS,
  STALE_AFTER_MS,
  START_POLL_INTERVAL_MS,
  shareOfAccount,
  withEntry,
  withListing,
  withoutLongStale,
} from '../../functions/domain/cleanup-board.js';

/**
 * The cleanup board's rules: how executions cleaning up in one account at once divide its
 * concurrent-resources limit and its API rates, and share one status listing.
 */
const NOW = 1_000_000;
/** The execution asking. */
const SELF = 'me';
const LIMIT = 1000;

const entry = (weight: number, wantsToStart: boolean, heartbeatAt = NOW - 5_000): BoardEntry => ({ weight, wantsToStart, heartbeatAt });
const board = (executions: Record<string, BoardEntry>, listing?: CleanupBoard['listing']): CleanupBoard => ({
  version: 1,
  executions,
  ...(listing ? { listing } : {}),
});
const share = (b: CleanupBoard, inFlight: number, readyWeights: number[]) => shareOfAccount(b, 'me', NOW, { limit: LIMIT, inFlight, readyWeights });

describe('boardKey', () => {
  it("keeps the hub's own board at the top of boards/ and another target's under its account and Region", () => {
    expect(boardKey('')).toBe('boards/cleanup-board.json');
    expect(boardKey('444455556666/eu-west-1/')).toBe('boards/444455556666/eu-west-1/cleanup-board.json');
  });
});

describe('shareOfAccount', () => {
  it('gives an execution alone on the board the whole limit, and lets a heavier stack go alone', () => {
    expect(share(board({}), 0, [5])).toEqual({ budget: LIMIT, aloneOverBudget: true });
  });

  it('gives an execution alone the whole limit even when its own earlier entry is on the board (it does not count against itself)', () => {
    expect(share(board({ me: entry(800, true) }), 300, [5])).toEqual({ budget: LIMIT, aloneOverBudget: true });
  });

  it('divides the limit evenly among 4 executions that all want to start stacks', () => {
    const others = { a: entry(100, true), b: entry(100, true), c: entry(100, true) };
    expect(share(board(others), 0, [5]).budget).toBe(250);
  });

  it('counts in the division only the executions that want to start stacks', () => {
    const others = { a: entry(100, true), b: entry(100, false), c: entry(100, false) };
    expect(share(board(others), 0, [5]).budget).toBe(500);
  });

  it('gives no more than the limit minus what the others have in flight, however large its fair share', () => {
    const others = { a: entry(900, true) };
    expect(share(board(others), 0, [5]).budget).toBe(100);
  });

  it('never gives less than what this execution already has in flight (that only falls)', () => {
    const others = { a: entry(500, true) };
    expect(share(board(others), 700, [5]).budget).toBe(700);
  });

  it('lets its first stack, heavier than its share, take the room the others leave when it has nothing in flight', () => {
    // Ten executions want to start: a share of 100; the others hold 90, leaving room for 910.
    const others = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`other-${i}`, entry(10, true)]));
    expect(share(board(others), 0, [300]).budget).toBe(300);
    expect(share(board(others), 0, [950]).budget).toBe(100);
    expect(share(board(others), 20, [300]).budget).toBe(100);
  });

  it('lets a stack heavier than the whole room go alone only when no other execution has anything in flight', () => {
    expect(share(board({ a: entry(0, true) }), 0, [1500]).aloneOverBudget).toBe(true);
    expect(share(board({ a: entry(1, false) }), 0, [1500]).aloneOverBudget).toBe(false);
  });

  it('no longer counts an entry not rewritten for three round intervals (its execution stopped)', () => {
    const stale = { a: entry(900, true, NOW - STALE_AFTER_MS) };
    expect(share(board(stale), 0, [5])).toEqual({ budget: LIMIT, aloneOverBudget: true });
  });

  it('does not believe an entry written more than a minute in the future (a hand edit, a bug): it counts for nothing', () => {
    const future = { a: entry(LIMIT, true, NOW + FUTURE_TOLERANCE_MS + 1) };
    expect(share(board(future), 0, [5])).toEqual({ budget: LIMIT, aloneOverBudget: true });
  });

  it('still counts an entry rewritten just within three round intervals', () => {
    const live = { a: entry(900, true, NOW - STALE_AFTER_MS + 1) };
    expect(share(board(live), 0, [5]).budget).toBe(100);
  });

  it('never lets the budgets of executions deciding on the same board add up to more than the limit', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    let b = board({});
    let total = 0;
    for (const name of names) {
      const request = { limit: LIMIT, inFlight: 0, readyWeights: [7] };
      const s = shareOfAccount(b, name, NOW, request);
      const claimed = claimedEntry(s, request, NOW);
      b = withEntry(b, name, claimed);
      total += claimed.weight;
    }
    expect(total).toBeLessThanOrEqual(LIMIT);
  });
});

describe('claimedEntry', () => {
  const request = (inFlight: number, readyWeights: number[]) => ({ limit: LIMIT, inFlight, readyWeights });

  it('claims the whole budget, with its heartbeat, when it has stacks ready to start', () => {
    expect(claimedEntry({ budget: 250, aloneOverBudget: false }, request(40, [5, 5]), NOW)).toEqual({ weight: 250, wantsToStart: true, heartbeatAt: NOW });
  });

  it('claims only what it has in flight, not wanting to start, when no stack is ready', () => {
    expect(claimedEntry({ budget: 250, aloneOverBudget: false }, request(40, []), NOW)).toEqual({ weight: 40, wantsToStart: false, heartbeatAt: NOW });
  });

  it('claims the weight of a stack heavier than the limit that goes alone', () => {
    expect(claimedEntry({ budget: LIMIT, aloneOverBudget: true }, request(0, [1500]), NOW).weight).toBe(1500);
  });
});

describe('activeExecutions', () => {
  it('counts itself and every other execution whose entry is not stale', () => {
    const b = board({ me: entry(0, false), a: entry(10, true), b: entry(0, false), old: entry(50, true, NOW - STALE_AFTER_MS) });
    expect(activeExecutions(b, 'me', NOW)).toBe(3);
  });

  it('is 1 for an execution alone, before it has written anything', () => {
    expect(activeExecutions(board({}), 'me', NOW)).toBe(1);
  });
});

describe('withEntry', () => {
  it("changes only this execution's entry and keeps the others' as they are", () => {
    const b = board({ a: entry(10, true), me: entry(5, true) });
    expect(withEntry(b, 'me', entry(7, false, NOW)).executions).toEqual({ a: entry(10, true), me: entry(7, false, NOW) });
  });

  it("removes this execution's entry when it has finished", () => {
    expect(withEntry(board({ a: entry(10, true), me: entry(5, true) }), 'me', undefined).executions).toEqual({ a: entry(10, true) });
  });
});

describe('the shared listing', () => {
  const listing = (readAt: number) => ({ readAt, stacks: { 'arn:stack/x/1': { status: 'DELETE_IN_PROGRESS' } } });

  it('is used while read within 15 s', () => {
    expect(freshListing(board({}, listing(NOW - LISTING_FRESH_MS)), NOW, SELF)).toEqual(listing(NOW - LISTING_FRESH_MS));
  });

  it('is listed again once older than 15 s', () => {
    expect(freshListing(board({}, listing(NOW - LISTING_FRESH_MS - 1)), NOW, SELF)).toBeUndefined();
  });

  it('is not used, and is replaced, when read more than a minute in the future', () => {
    const future = listing(NOW + FUTURE_TOLERANCE_MS + 1);
    expect(freshListing(board({}, future), NOW, SELF)).toBeUndefined();
    expect(withListing(board({}, future), listing(NOW)).listing?.readAt).toBe(NOW);
  });

  it('is replaced by a newer listing only, never by an older one another execution read before it', () => {
    expect(withListing(board({}, listing(NOW - 1000)), listing(NOW)).listing?.readAt).toBe(NOW);
    expect(withListing(board({}, listing(NOW)), listing(NOW - 1000)).listing?.readAt).toBe(NOW);
  });
});

describe('withoutLongStale', () => {
  it('drops the entries of executions that stopped long ago, so that the board does not grow with every run', () => {
    const b = board({ a: entry(10, true, NOW - 10 * STALE_AFTER_MS), b: entry(10, true, NOW - STALE_AFTER_MS) });
    expect(Object.keys(withoutLongStale(b, NOW).executions)).toEqual(['b']);
  });
});

describe('nextRoundDelayMs', () => {
  const round = { startsLeft: false, readyWaiting: false, round: 10, maxRounds: 1800 };

  it('goes on at once when the round ran out of time with deletions left to start', () => {
    expect(nextRoundDelayMs({ ...round, startsLeft: true, readyWaiting: true })).toBe(0);
  });

  it('comes back sooner than the waiter while ready stacks wait for room (each ended deletion frees some)', () => {
    expect(nextRoundDelayMs({ ...round, readyWaiting: true })).toBe(START_POLL_INTERVAL_MS);
    expect(START_POLL_INTERVAL_MS).toBeLessThan(ROUND_INTERVAL_MS);
  });

  it("polls like CloudFormation's waiter, every 30 s, when no stack is ready to start (nothing, or only stacks waiting for others)", () => {
    expect(nextRoundDelayMs(round)).toBe(30_000);
  });

  it('polls every 30 s in the second half of the rounds, so that their cap still spans many hours', () => {
    expect(nextRoundDelayMs({ ...round, readyWaiting: true, round: 900 })).toBe(30_000);
  });
});

describe('a listing of its own', () => {
  const listing = (readAt: number) => ({ readAt, stacks: { 'arn:stack/x/1': { status: 'DELETE_IN_PROGRESS' as const } } });

  it('is never taken for a fresh one: the execution lists again', () => {
    expect(freshListing(board({}, { ...listing(NOW - 1_000), by: SELF }), NOW, SELF)).toBeUndefined();
  });

  it("is another execution's fresh listing for that one", () => {
    expect(freshListing(board({}, { ...listing(NOW - 1_000), by: SELF }), NOW, 'another-run')).toMatchObject({ by: SELF });
  });
});
