import { afterEach, beforeEach } from 'vitest';
import { type Clock, useClock } from '../../functions/runtime/clock.js';

/** A clock the test moves by hand: `set` jumps to an instant, `sleep` advances it at once. */
export interface HandClock extends Clock {
  set(instant: string | number): void;
}

export function handClock(instant: string | number): HandClock {
  let now = typeof instant === 'number' ? instant : Date.parse(instant);
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    set: (at) => {
      now = typeof at === 'number' ? at : Date.parse(at);
    },
  };
}

/**
 * The one way tests control time: the functions' own clock (functions/runtime/clock.ts), set to
 * `instant` before each test and back to the real clock after it. Not vi.useFakeTimers: the
 * functions never read Date directly.
 */
export function clockAt(instant: string | number): HandClock {
  const clock = handClock(instant);
  beforeEach(() => {
    clock.set(instant);
    useClock(clock);
  });
  afterEach(() => useClock(undefined));
  return clock;
}
