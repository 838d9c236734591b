import { describe, expect, it } from 'vitest';
import { duration, paceLine, remainingMs } from '../../cli/estimate.js';

describe('the time left of a cleanup', () => {
  it('is the stacks still to settle at the rate stacks have settled so far', () => {
    expect(remainingMs({ elapsedMs: 600_000, settled: 2, total: 6 })).toBe(1_200_000);
  });

  it('is zero once every stack has settled', () => {
    expect(remainingMs({ elapsedMs: 600_000, settled: 6, total: 6 })).toBe(0);
  });

  it.each([
    ['no stack has settled yet', { elapsedMs: 600_000, settled: 0, total: 6 }],
    ['there is no stack to delete', { elapsedMs: 600_000, settled: 0, total: 0 }],
  ])('is unknown when %s (no basis)', (_why, pace) => {
    expect(remainingMs(pace)).toBeUndefined();
    expect(paceLine(pace)).toMatch(/time left: unknown$/);
  });

  it('is said in hours, minutes and seconds', () => {
    expect(paceLine({ elapsedMs: 3_600_000, settled: 1, total: 3 })).toBe('elapsed 1h 00m, 1 of 3 stack(s) settled, time left: about 2h 00m');
    expect(duration(185_000)).toBe('3m 05s');
    expect(duration(42_400)).toBe('42s');
  });
});
