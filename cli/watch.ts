import { PROGRESS_FILE } from '../functions/domain/cleanup-progress.js';
import { executionKey } from '../functions/domain/object-keys.js';
import { type Report, ReportSchema } from '../functions/domain/report.js';
import { ProgressPrinter } from '../local/progress.js';
import type { CleanupAccess, ExecutionInfo } from './access.js';
import { type CleanupPace, paceLine } from './estimate.js';
import { HistoryReader } from './history-progress.js';

/**
 * Watches an execution to its end: the local run's progress lines (local/progress.ts), read
 * from the execution's history, and after each look the elapsed time and an estimate of the
 * time left, from the cleanup's progress object in the report bucket.
 */
interface Watched {
  execution: ExecutionInfo;
  report?: Report;
}

/** Stacks settled and to delete, from the cleanup's progress object (none yet: undefined). */
async function stackCounts(access: CleanupAccess, name: string): Promise<Pick<CleanupPace, 'settled' | 'total'> | undefined> {
  const text = await access.getObject(executionKey(name, PROGRESS_FILE));
  if (text === undefined) return undefined;
  const stacks = (JSON.parse(text) as { stacks?: { outcome?: string }[] }).stacks ?? [];
  const inFlight = new Set(['pending', 'starting', 'deleting', 'retry-retaining']);
  return { total: stacks.length, settled: stacks.filter((s) => !inFlight.has(String(s.outcome))).length };
}

/** How often a running execution's pace is repeated when nothing changed. */
const PACE_EVERY_MS = 60_000;

export async function readReport(access: CleanupAccess, name: string): Promise<Report | undefined> {
  const text = await access.getObject(`reports/${name}.json`);
  if (text === undefined) return undefined;
  const parsed = ReportSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `reports/${name}.json is not a report this CLI can read (reportVersion ${String((JSON.parse(text) as { reportVersion?: unknown }).reportVersion)})`,
    );
  return parsed.data;
}

export async function watchExecution(access: CleanupAccess, name: string, out: (line: string) => void): Promise<Watched> {
  const printer = new ProgressPrinter(out);
  const reader = new HistoryReader();
  let lastPace = { seen: '', at: Number.NEGATIVE_INFINITY };
  for (;;) {
    const execution = await access.describeExecution(name);
    if (!execution) throw new Error(`execution ${name} does not exist`);
    for (const event of reader.read(await access.executionHistory(name))) printer.onEvent(event);
    const end = execution.stoppedAt?.getTime() ?? access.now();
    const counts = await stackCounts(access, execution.name);
    const pace = { elapsedMs: end - execution.startedAt.getTime(), settled: counts?.settled ?? 0, total: counts?.total ?? 0 };
    if (execution.status !== 'RUNNING') {
      out(
        `  ${execution.status === 'SUCCEEDED' ? '■' : '✗'} ${execution.status.toLowerCase()} after ${paceLine(pace)
          .replace(/^elapsed /, '')
          .replace(/, time left: .*$/, '')}`,
      );
      const report = await readReport(access, execution.name);
      return { execution, ...(report ? { report } : {}) };
    }
    // A line when the count of settled stacks changes, else once a minute: a long wait is not a wall of lines.
    const seen = `${pace.settled}/${pace.total}`;
    if (seen !== lastPace.seen || access.now() - lastPace.at >= PACE_EVERY_MS) {
      out(`  … ${paceLine(pace)}`);
      lastPace = { seen, at: access.now() };
    }
    await access.pause();
  }
}
