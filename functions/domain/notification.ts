import { DECOMMISSION_NOTICE } from './event-types.js';
import type { Fleet } from './fleet.js';
import type { Report } from './report.js';

/**
 * What people read (SNS) and what machines receive (EventBridge). Pure formatting.
 */
export const COMPLETION_DETAIL_TYPE = {
  succeeded: 'Proton Connection Cleanup Completed',
  failed: 'Proton Connection Cleanup Failed',
} as const;

/** Sent once every child of a fleet sweep has ended (CollectFleet). */
export const FLEET_COMPLETED_DETAIL_TYPE = 'Proton Connection Cleanup Fleet Completed';

const MAX_LISTED_FAILURES = 20;

export interface Notification {
  subject: string;
  message: string;
  detailType: string;
  /** ARNs for the event's `resources` field. */
  resources: string[];
  detail: CompletionDetail | BareFailureDetail | FleetDetail;
}

export interface FleetDetail {
  sweep: string;
  mode: string | null;
  complete: boolean;
  totals: Fleet['totals'];
  accounts: Fleet['accounts'];
  report: { uri: string; bucket: string; key: string; markdown?: string; html?: string };
}

interface BareFailureDetail {
  executionName: string;
  status: 'failed';
  error: string;
  report: null;
}

export interface CompletionDetail {
  connectionId: string | null;
  mode: string | null;
  status: Report['status'];
  connectionOutcome: string;
  summary: Report['summary'];
  failure?: Report['failure'];
  /** Where the reports are: the JSON (uri, bucket, key), and the S3 URIs of the Markdown and HTML reports beside it. */
  report: { uri: string; bucket: string; key: string; markdown?: string; html?: string };
}

interface ObjectLocation {
  bucket: string;
  key: string;
}

/** The reports people read, written beside the JSON, and the region whose S3 console shows them. */
interface ReadableReports {
  markdown: ObjectLocation;
  html: ObjectLocation;
  region: string;
}

/** The object's page in the S3 console (the key URL-encoded, as the console writes it). */
export function s3ConsoleLink(object: ObjectLocation, region: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(object.bucket)}?region=${encodeURIComponent(region)}&prefix=${encodeURIComponent(object.key)}`;
}

const s3UriOf = (object: ObjectLocation) => `s3://${object.bucket}/${object.key}`;

function readableLines(readable: ReadableReports | undefined): string[] {
  if (!readable) return [];
  return [
    `Summary (Markdown): ${s3UriOf(readable.markdown)}`,
    `  ${s3ConsoleLink(readable.markdown, readable.region)}`,
    `Report (HTML: timeline, table, failures): ${s3UriOf(readable.html)}`,
    `  ${s3ConsoleLink(readable.html, readable.region)}`,
  ];
}

/** A plan the daily schedule made as notice of a decommission it will execute. */
function isNotice(report: Report): boolean {
  return report.request?.trigger.type === 'event' && report.request.trigger.detailType === DECOMMISSION_NOTICE;
}

export function composeNotification(report: Report, location: ObjectLocation, readable?: ReadableReports): Notification {
  const uri = `s3://${location.bucket}/${location.key}`;
  const connectionId = report.request?.connectionId ?? report.connection.id ?? null;
  const who = connectionId
    ? `connection ${connectionId}`
    : report.sweep
      ? 'a sweep of the environments'
      : report.connection.environmentName
        ? `environment ${report.connection.environmentName}`
        : 'a rejected request';
  const failures = report.summary.failed;
  const notice = report.status === 'succeeded' && isNotice(report);
  const verdict =
    report.status === 'failed'
      ? 'FAILED'
      : notice
        ? 'decommission notice, plan ready'
        : report.mode === 'plan'
          ? 'plan ready'
          : failures > 0
            ? `done with ${failures} failure(s)`
            : 'done';
  const s = report.summary;
  const problems = report.resources.filter((r) => r.outcome === 'failed');
  const lines = [
    `Proton connection cleanup ${verdict} for ${who}.`,
    ...(notice
      ? [
          '',
          'The daily schedule executes exactly this plan on the decommission date: nothing else is deleted. To call it off, remove the date (the SSM parameter, or the connection tag) before then.',
        ]
      : []),
    '',
    `Mode: ${report.mode ?? 'unknown'}`,
    `Environment: ${report.connection.environmentName ?? 'unknown'}`,
    `Connection: ${report.connection.outcome}${report.connection.attempts ? ` after ${report.connection.attempts} attempt(s)` : ''}${report.connection.error ? ` (${report.connection.error})` : ''}`,
    ...(report.connection.nextStep ? [`  Next step: ${report.connection.nextStep}`] : []),
    `Resources: ${s.total} total: ${s.deleted} deleted, ${s.alreadyAbsent} already absent, ${s.retained} retained, ${s.failed} failed, ${s.planned} planned.`,
    ...(report.failure ? ['', `The run failed: ${report.failure.error}: ${report.failure.message}`] : []),
    ...(report.heldBack ? ['', `Held back: ${report.heldBack}.`] : []),
    ...(report.notes ?? []).flatMap((note) => ['', `Note: ${note}.`]),
    ...(report.sweep
      ? [
          '',
          `Sweep: ${report.sweep.length} environment(s) found:`,
          ...report.sweep.map(
            (s) => `- ${s.environmentName} (${s.managementAccountId}): ${s.outcome}${s.execution ? ` ${s.execution}` : ''}: ${s.error ?? s.reason}`,
          ),
        ]
      : []),
    ...(problems.length > 0
      ? [
          '',
          'Failures:',
          ...problems
            .slice(0, MAX_LISTED_FAILURES)
            .flatMap((r) => [`- ${r.id}: ${r.error ?? r.reason ?? 'no reason given'}`, ...(r.nextStep ? [`  Next step: ${r.nextStep}`] : [])]),
        ]
      : []),
    ...(problems.length > MAX_LISTED_FAILURES ? [`...and ${problems.length - MAX_LISTED_FAILURES} more in the report.`] : []),
    '',
    ...readableLines(readable),
    `Full report: ${uri}`,
  ];
  return {
    subject: `[proton-connection-cleanup] ${verdict}: ${who}`,
    message: lines.join('\n'),
    detailType: COMPLETION_DETAIL_TYPE[report.status],
    resources: report.connection.arn ? [report.connection.arn] : [],
    detail: {
      connectionId,
      mode: report.mode ?? null,
      status: report.status,
      connectionOutcome: report.connection.outcome,
      summary: report.summary,
      ...(report.failure ? { failure: report.failure } : {}),
      ...(report.heldBack ? { heldBack: report.heldBack } : {}),
      report: { uri, ...location, ...(readable ? { markdown: s3UriOf(readable.markdown), html: s3UriOf(readable.html) } : {}) },
    },
  };
}

/** When even the failure report could not be written, people still hear about the failure. */
export function composeBareFailure(executionName: string, error: { Error: string; Cause?: string | undefined }): Notification {
  return {
    subject: `[proton-connection-cleanup] FAILED: execution ${executionName}`,
    message: [
      `Proton connection cleanup execution ${executionName} failed, and its report could not be written.`,
      `Error: ${error.Error}`,
      `Cause: ${error.Cause ?? 'none given'}`,
      'See the execution history in the Step Functions console.',
    ].join('\n'),
    detailType: COMPLETION_DETAIL_TYPE.failed,
    resources: [],
    detail: { executionName, status: 'failed', error: error.Error, report: null },
  };
}

/** The fleet report's message: totals per account, then every failure with its account and next step (bounded). */
export function composeFleetNotification(report: Report & { fleet: Fleet }, location: ObjectLocation, readable?: ReadableReports): Notification {
  const uri = `s3://${location.bucket}/${location.key}`;
  const { fleet } = report;
  const status = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([name, count]) => `${count} ${name}`)
      .join(', ');
  const accounts = new Set(fleet.rows.map((r) => r.account)).size;
  const troubled = fleet.rows.filter((r) => r.failures.length > 0);
  const failures = troubled.flatMap((row) => row.failures.map((failure) => ({ row, failure })));
  const verdict = `${report.mode === 'plan' ? 'fleet plan ready' : 'fleet done'}${failures.length > 0 ? ` with ${failures.length} failure(s)` : ''}`;
  const lines = [
    `Proton connection cleanup ${verdict}: ${fleet.totals.environments} environment(s) in ${accounts} account(s)${fleet.complete ? '' : ' (some still running)'}.`,
    '',
    `Fleet: ${status(fleet.totals.byStatus)}.`,
    ...fleet.accounts.map(
      (a) => `- ${a.account} ${a.region}: ${a.environments} environment(s): ${status(a.byStatus)}; ${a.summary.deleted} deleted, ${a.summary.failed} failed`,
    ),
    ...(failures.length > 0
      ? [
          '',
          'Failures:',
          ...failures
            .slice(0, MAX_LISTED_FAILURES)
            .flatMap(({ row, failure }) => [
              `- ${row.account} ${row.region}${row.environment ? ` ${row.environment}` : ''}: ${failure.resource}: ${failure.error}`,
              ...(failure.nextStep ? [`  Next step: ${failure.nextStep}`] : []),
            ]),
        ]
      : []),
    ...(failures.length > MAX_LISTED_FAILURES ? [`...and ${failures.length - MAX_LISTED_FAILURES} more in the report.`] : []),
    '',
    ...readableLines(readable),
    `Full report: ${uri}`,
  ];
  return {
    subject: `[proton-connection-cleanup] ${verdict}: ${fleet.totals.environments} environment(s) in ${accounts} account(s)`,
    message: lines.join('\n'),
    detailType: FLEET_COMPLETED_DETAIL_TYPE,
    resources: [],
    detail: {
      sweep: report.execution.name,
      mode: report.mode ?? null,
      complete: fleet.complete,
      totals: fleet.totals,
      accounts: fleet.accounts,
      report: { uri, ...location, ...(readable ? { markdown: s3UriOf(readable.markdown), html: s3UriOf(readable.html) } : {}) },
    },
  };
}
