import { stackName } from './cleanup-progress.js';
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

function stateAt(stack: ReportEntry, at: number): TimelineSeries {
  const started = stack.deletionStartedAt ? Date.parse(stack.deletionStartedAt) : undefined;
  const ended = stack.deletionEndedAt ? Date.parse(stack.deletionEndedAt) : undefined;
  if (ended !== undefined && at >= ended) return stack.outcome === 'deleted' || stack.outcome === 'already-absent' ? 'deleted' : 'failed or kept';
  if (started !== undefined && at >= started) return 'deleting';
  return 'pending';
}

/**
 * How many stacks were pending, deleting, deleted, and failed or kept, at each instant one of
 * them changed (a step function), from the run's start to its end. Empty when no stack has a
 * recorded time: there were no stack deletions in this run.
 */
export function timeline(report: Report): TimelinePoint[] {
  const stacks = timedStacks(report);
  const instants = stacks.flatMap((s) => [s.deletionStartedAt, s.deletionEndedAt].flatMap((t) => (t ? [Date.parse(t)] : [])));
  if (instants.length === 0) return [];
  const start = Math.min(Date.parse(report.execution.startedAt), ...instants);
  const end = Math.max(Date.parse(report.execution.finishedAt), ...instants);
  return [...new Set([start, ...instants, end])]
    .sort((a, b) => a - b)
    .map((at) => {
      const counts = Object.fromEntries(TIMELINE_SERIES.map((s) => [s, 0])) as Record<TimelineSeries, number>;
      for (const stack of stacks) counts[stateAt(stack, at)] += 1;
      return { at, counts };
    });
}
