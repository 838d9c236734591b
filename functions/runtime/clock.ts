/**
 * The time the functions see. In Lambda it is the real clock. The local run installs the
 * sandbox's virtual clock, so that an hour of stack deletions, paced calls and waits passes in
 * moments and is still measured as an hour.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` milliseconds have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

let current: Clock = REAL_CLOCK;

/** The local run's virtual clock (undefined: back to the real one). */
export function useClock(clock: Clock | undefined): void {
  current = clock ?? REAL_CLOCK;
}

export const clock = {
  now: (): number => current.now(),
  isoNow: (): string => new Date(current.now()).toISOString(),
  sleep: (ms: number): Promise<void> => current.sleep(ms),
  /** Sleeps until the instant (ISO string or epoch ms); at once if it has passed. */
  sleepUntil: (instant: string | number): Promise<void> => {
    const at = typeof instant === 'number' ? instant : Date.parse(instant);
    const wait = at - current.now();
    return wait > 0 ? current.sleep(wait) : Promise.resolve();
  },
};
