import type { Report } from '../functions/domain/report.js';

/**
 * The exit code of every command that ends with an execution (the operator CLI and `npm start`):
 * 0 the run completed and nothing in its report is `failed`; 3 it completed, but the connection,
 * some resource, or (a sweep) some environment's cleanup failed; 1 the execution failed; 2 is the
 * usage error, decided before any execution. Kept and retained resources and a completed plan are
 * not failures: they are what was asked for. Pure.
 */
export const EXIT = { ok: 0, executionFailed: 1, usage: 2, completedWithFailures: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Step Functions' execution statuses, plus the local runner's `succeeded`/`failed`. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE' | 'succeeded' | 'failed';

export function exitCodeOf(status: ExecutionStatus | string, report: Report | undefined): ExitCode {
  if (status.toUpperCase() !== 'SUCCEEDED' || report?.status === 'failed') return EXIT.executionFailed;
  if (!report) return EXIT.ok;
  const failed =
    report.connection.outcome === 'failed' ||
    report.resources.some((r) => r.outcome === 'failed') ||
    (report.sweep ?? []).some((s) => s.outcome === 'failed-to-start');
  return failed ? EXIT.completedWithFailures : EXIT.ok;
}

/** Several executions (a sweep and its children): the worst of their codes, a failed execution first. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  for (const code of [EXIT.usage, EXIT.executionFailed, EXIT.completedWithFailures] as const) if (codes.includes(code)) return code;
  return EXIT.ok;
}
