import type { Clock } from '../../functions/runtime/clock.js';
import { DueQueue } from './due-queue.js';

/**
 * The sandbox's time: a clock that moves only when told to, so that an hour of paced calls,
 * API latency and stack deletions passes in moments and is still measured as an hour.
 *
 * Model: time only moves forward. A sleeper wakes at the instant it asked for (the time it fell
 * asleep plus `ms`); sleepers wake one at a time, in order of that instant, each on its own turn
 * of the event loop (setImmediate: never a real timer), and the clock moves to it as it wakes.
 * So concurrent sleepers overlap as they would in real time: eight paced callers waiting for
 * slots 200 ms apart wake 200 ms apart, and arrive at the API as their pacer planned. A call's
 * latency (`advance`) is not a sleep: concurrent calls' latencies add up, which makes simulated
 * durations slightly pessimistic, never flattering.
 */
export class VirtualClock implements Clock {
  /**
   * The latest instant any virtual clock of this process reached. A new clock starts there at
   * the earliest, so time stays monotonic across re-opened sandboxes: module state keyed by
   * clock time (the SDK clients' pacers) never finds itself in the future.
   */
  private static latest = 0;

  private current: number;
  private readonly sleepers = new DueQueue<() => void>();
  private waking = false;

  constructor(startAt?: number) {
    this.current = startAt ?? Math.max(Date.now(), VirtualClock.latest);
    VirtualClock.latest = Math.max(VirtualClock.latest, this.current);
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` (zero, negative or NaN: not at all). */
  advance(ms: number): void {
    if (!(ms > 0)) return;
    this.current += ms;
    VirtualClock.latest = Math.max(VirtualClock.latest, this.current);
  }

  /** Moves the clock forward to the instant (epoch ms), if it is later than now. */
  advanceTo(instant: number): void {
    this.advance(instant - this.current);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.add(resolve, this.current + Math.max(0, Number.isFinite(ms) ? ms : 0));
      this.wakeNext();
    });
  }

  /** On the next turn of the event loop, wakes the earliest sleeper at its instant; then the next. */
  private wakeNext(): void {
    if (this.waking) return;
    this.waking = true;
    setImmediate(() => {
      this.waking = false;
      const next = this.sleepers.takeDue(Number.POSITIVE_INFINITY);
      if (!next) return;
      this.advanceTo(next.dueAt);
      next.item();
      if (this.sleepers.size > 0) this.wakeNext();
    });
  }
}
