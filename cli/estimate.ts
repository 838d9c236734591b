/**
 * How long a running cleanup may still take: the stacks still to settle at the rate stacks have
 * settled so far. No stack settled yet, or none to delete: no basis, "unknown". Pure.
 */
export interface CleanupPace {
  /** Since the execution started (simulated time on the sandbox). */
  elapsedMs: number;
  /** Stacks whose deletion has settled (deleted, gone, kept or failed). */
  settled: number;
  /** Stacks the cleanup deletes. */
  total: number;
}

export function remainingMs(pace: CleanupPace): number | undefined {
  if (pace.total === 0 || pace.settled === 0 || pace.elapsedMs <= 0) return undefined;
  return Math.round((pace.elapsedMs / pace.settled) * Math.max(0, pace.total - pace.settled));
}

/** 0s, 42s, 3m 05s, 2h 07m. */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function paceLine(pace: CleanupPace): string {
  const left = remainingMs(pace);
  return `elapsed ${duration(pace.elapsedMs)}, ${pace.settled} of ${pace.total} stack(s) settled, time left: ${left === undefined ? 'unknown' : `about ${duration(left)}`}`;
}
