import { stackName } from './arn.js';
import { fleetVerdict } from './fleet-view.js';
import type { Report, ReportEntry } from './report.js';

/**
 * What the Markdown and HTML reports both say, worded once: the title, the names people
 * recognise, and the stacks' timeline. Pure.
 */

/** Who the run was about: the connection, the environment, or a sweep. */
export function subjectOf(report: Report): string {
  const connectionId = report.request?.connectionId ?? report.connection.id;
  if (connectionId) return `connection ${connectionId}`;
  if (report.sweep || report.fleet) return 'a sweep of the environments';
  if (report.connection.environmentName) return `environment ${report.connection.environmentName}`;
  return 'a rejected request';
}

/**
 * The run in a word, as people read it: a run that completed with a failed resource or connection
 * did not simply succeed (its JSON `status` says the execution completed; this says how it went).
 * A sweep that built its fleet report speaks for the fleet ("fleet: 12 environments in 3
 * accounts, 2 failed, 1 account unreachable"); `running` is a fleet whose children have not all ended.
 */
export function verdictOf(report: Report): { kind: 'succeeded' | 'failures' | 'failed' | 'running'; text: string } {
  if (report.status === 'failed') return { kind: 'failed', text: 'failed' };
  if (report.fleet) return fleetVerdict(report.fleet);
  const failures = report.summary.failed + (report.connection.outcome === 'failed' ? 1 : 0);
  return failures > 0 ? { kind: 'failures', text: `completed with ${failures} failure(s)` } : { kind: 'succeeded', text: 'succeeded' };
}

export function reportTitle(report: Report): string {
  return `Proton connection cleanup ${verdictOf(report).text} (${report.mode ?? 'no mode'}): ${subjectOf(report)}`;
}

/** The resource part of an ARN (`vpc/vpc-0a1b…`, `parameter/payments/db-url`), a stack's name, a bucket's name. */
export function displayName(entry: Pick<ReportEntry, 'id' | 'type'>): string {
  if (entry.type === 'cloudformation:stack') return stackName(entry.id);
  const parts = entry.id.split(':');
  if (!entry.id.startsWith('arn:') || parts.length < 6) return entry.id;
  return parts.slice(5).join(':');
}

/** "12 min 5 s", "1 h 3 min": a run's length. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return `${h} h ${min} min`;
  if (min) return `${min} min${s ? ` ${s} s` : ''}`;
  return `${s} s`;
}

export function runDuration(report: Report): string {
  return formatDuration(Date.parse(report.execution.finishedAt) - Date.parse(report.execution.startedAt));
}

/** The error of a failed entry, or its reason. */
export function whyOf(entry: Pick<ReportEntry, 'error' | 'reason'>): string {
  return entry.error ?? entry.reason ?? 'no reason given';
}

// --- The stacks' timeline -------------------------------------------------------------------

export const TIMELINE_SERIES = ['pending', 'deleting', 'deleted', 'failed or kept'] as const;
export type TimelineSeries = (typeof TIMELINE_SERIES)[number];

export interface TimelinePoint {
  /** Epoch ms. */
  at: number;
  counts: Record<TimelineSeries, number>;
}

/** The stacks the cleanup set out to delete (execute mode): what the timeline counts. */
function timedStacks(report: Report): ReportEntry[] {
  return report.resources.filter((r) => r.type === 'cloudformation:stack' && r.plannedAction === 'delete-stack' && r.outcome !== 'planned');
}

/** When a stack's series changes: from `from` to `to` at `at` (epoch ms). */
interface SeriesChange {
  at: number;
  from: TimelineSeries;
  to: TimelineSeries;
}

/**
 * A stack is pending until its deletion starts, deleting until it ends, then deleted (or failed or
 * kept) for good; an end recorded without a start (or before it) goes straight from pending.
 */
function changesOf(stack: ReportEntry): SeriesChange[] {
  const started = stack.deletionStartedAt ? Date.parse(stack.deletionStartedAt) : undefined;
  const ended = stack.deletionEndedAt ? Date.parse(stack.deletionEndedAt) : undefined;
  const deletes = started !== undefined && (ended === undefined || started < ended);
  const final: TimelineSeries = stack.outcome === 'deleted' || stack.outcome === 'already-absent' ? 'deleted' : 'failed or kept';
  return [
    ...(deletes ? [{ at: started, from: 'pending' as const, to: 'deleting' as const }] : []),
    ...(ended !== undefined ? [{ at: ended, from: deletes ? ('deleting' as const) : ('pending' as const), to: final }] : []),
  ];
}

/**
 * How many stacks were pending, deleting, deleted, and failed or kept, at each instant one of
 * them changed (a step function), from the run's start to its end. Empty when no stack has a
 * recorded time: there were no stack deletions in this run. One pass over the changes in time
 * order (a report may hold 20,000 stacks).
 */
export function timeline(report: Report): TimelinePoint[] {
  const stacks = timedStacks(report);
  const changes = stacks.flatMap(changesOf).sort((a, b) => a.at - b.at);
  const first = changes[0];
  const last = changes.at(-1);
  if (!first || !last) return [];
  const start = Math.min(Date.parse(report.execution.startedAt), first.at);
  const end = Math.max(Date.parse(report.execution.finishedAt), last.at);
  const counts = Object.fromEntries(TIMELINE_SERIES.map((s) => [s, 0])) as Record<TimelineSeries, number>;
  counts.pending = stacks.length;
  const points: TimelinePoint[] = [];
  let next = 0;
  for (const at of [start, ...new Set(changes.map((c) => c.at)), end]) {
    if (points.at(-1)?.at === at) continue;
    for (; next < changes.length && (changes[next]?.at ?? Number.POSITIVE_INFINITY) <= at; next += 1) {
      const change = changes[next] as SeriesChange;
      counts[change.from] -= 1;
      counts[change.to] += 1;
    }
    points.push({ at, counts: { ...counts } });
  }
  return points;
}
