import {
  buildFleet,
  type ChildState,
  FLEET_STATUSES,
  type Fleet,
  type FleetFailure,
  type FleetRow,
  type FleetStatus,
  fleetRow,
  unreachableRow,
} from './fleet.js';
import { s3ConsoleLink } from './notification.js';
import type { Report } from './report.js';
import type { SweepSection, UnreachableTarget } from './sweep-result.js';
import { REGION, type Target } from './target.js';

/**
 * What the Markdown, HTML and terminal fleet reports all say, worded once (the verdict, the
 * failures with their account, the link to each child's report), and the fleet built on demand
 * from a sweep's sections and its children's reports. Pure.
 */

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A status as people read it ("completed with failures"). */
export const statusWords = (status: FleetStatus): string => status.replaceAll('-', ' ');

/** The statuses a child can end in that need someone to look, in the order they are told. */
const PROBLEMS: readonly FleetStatus[] = ['failed', 'completed-with-failures', 'not-started'];

/** Distinct accounts among the rows. */
export function accountsOf(fleet: Fleet): string[] {
  return [...new Set(fleet.rows.map((r) => r.account))];
}

/**
 * The fleet in a line: "fleet: 12 environments in 3 accounts, 2 failed, 1 account unreachable".
 * An account counts as unreachable when the sweep could not read it in at least one Region.
 */
export function fleetVerdict(fleet: Fleet): { kind: 'succeeded' | 'failures' | 'running'; text: string } {
  const count = (status: FleetStatus) => fleet.totals.byStatus[status] ?? 0;
  const unreachable = new Set(fleet.rows.filter((r) => r.status === 'unreachable').map((r) => r.account)).size;
  const parts = [
    ...PROBLEMS.filter((s) => count(s) > 0).map((s) => `${count(s)} ${statusWords(s)}`),
    ...(count('running') > 0 ? [`${count('running')} running`] : []),
    ...(unreachable > 0 ? [`${plural(unreachable, 'account')} unreachable`] : []),
  ];
  const text = `fleet: ${plural(fleet.totals.environments, 'environment')} in ${plural(accountsOf(fleet).length, 'account')}, ${parts.length ? parts.join(', ') : 'none failed'}`;
  const failing = PROBLEMS.some((s) => count(s) > 0) || unreachable > 0;
  return { kind: failing ? 'failures' : count('running') > 0 ? 'running' : 'succeeded', text };
}

/** "fleet complete" or "still running", and the rows by status ("9 succeeded, 1 failed"). */
export function fleetProgress(fleet: Fleet): string {
  const byStatus = FLEET_STATUSES.filter((s) => (fleet.totals.byStatus[s] ?? 0) > 0).map((s) => `${fleet.totals.byStatus[s]} ${statusWords(s)}`);
  return `${fleet.complete ? 'fleet complete' : 'still running'}: ${byStatus.length ? byStatus.join(', ') : 'nothing swept'}`;
}

/** The statuses any row has, in FLEET_STATUSES order: the columns of a totals table. */
export function statusesIn(fleet: Fleet): FleetStatus[] {
  return FLEET_STATUSES.filter((s) => (fleet.totals.byStatus[s] ?? 0) > 0);
}

/** A failure with the row it belongs to. */
export interface PlacedFailure extends FleetFailure {
  account: string;
  region: string;
  environment?: string | undefined;
  execution?: string | undefined;
}

/** Every failure of every row, with its account, Region and environment, in row order. */
export function fleetFailures(fleet: Fleet): PlacedFailure[] {
  return fleet.rows.flatMap((row) =>
    row.failures.map((f) => ({ ...f, account: row.account, region: row.region, environment: row.environment, execution: row.execution })),
  );
}

/** `s3://bucket/key` as bucket and key; undefined for anything else. */
function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  return match?.[1] && match[2] ? { bucket: match[1], key: match[2] } : undefined;
}

/**
 * A child's HTML report (written beside its JSON) on its page in the S3 console, the link the SNS
 * message gives (the bucket is the hub's, in the hub's Region). Undefined without a Region or an S3 URI.
 */
export function childReportLink(report: string | undefined, region: string | undefined): string | undefined {
  const object = report ? parseS3Uri(report) : undefined;
  if (!object || !region || !REGION.test(region)) return undefined;
  return s3ConsoleLink({ bucket: object.bucket, key: object.key.replace(/\.json$/, '.html') }, region);
}

// --- The fleet built on demand ------------------------------------------------------------------

/** A finished child's report as the fleet sees it: its outcome, counts and every failure with its next step. */
export function childState(report: Report, uri: string): ChildState {
  const c = report.connection;
  const failures: FleetFailure[] = [
    ...(report.failure ? [{ resource: 'execution', error: `${report.failure.error}: ${report.failure.message}` }] : []),
    ...(c.outcome === 'failed'
      ? [{ resource: 'connection', error: c.error ?? c.reason ?? 'no reason given', ...(c.nextStep ? { nextStep: c.nextStep } : {}) }]
      : []),
    ...report.resources
      .filter((r) => r.outcome === 'failed')
      .map((r) => ({ resource: r.id, type: r.type, error: r.error ?? r.reason ?? 'no reason given', ...(r.nextStep ? { nextStep: r.nextStep } : {}) })),
  ];
  return { kind: 'reported', status: report.status, summary: report.summary, failures, report: uri };
}

/**
 * The fleet of a sweep from its sections, the targets it could not read and what is known of each
 * child (by execution name; a child missing from `children` is taken as still running).
 */
export function fleetFromSweep(
  sections: readonly SweepSection[],
  hub: Target,
  children: ReadonlyMap<string, ChildState>,
  unreachable: readonly UnreachableTarget[] = [],
  swept: readonly Target[] = [],
): Fleet {
  const rows: FleetRow[] = [
    ...sections.map((s) => fleetRow(s, hub, s.execution ? children.get(s.execution) : undefined)),
    ...unreachable.map((t) => unreachableRow({ account: t.account, region: t.region }, t.error)),
  ];
  return buildFleet(rows, swept);
}
