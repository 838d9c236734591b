import type { Fleet, FleetRow, FleetTotals } from './fleet.js';
import { childReportLink, fleetFailures, fleetProgress, statusesIn, statusWords } from './fleet-view.js';
import type { Report, ReportEntry } from './report.js';
import { displayName, reportTitle, runDuration, subjectOf, verdictOf, whyOf } from './report-view.js';

/**
 * The report as Markdown that fits a ticket: what happened, what failed and what was kept, each
 * with its next step. Pure. Every section lists at most `maxRows` rows and says how many more
 * the HTML and JSON reports hold, so that a huge run still gives a short summary.
 */
interface MarkdownOptions {
  /** Rows per section at most (default 25). */
  maxRows?: number;
}

const DEFAULT_MARKDOWN_ROWS = 25;

/**
 * Text from AWS and from customers (names, reasons) read as text, never as Markdown or HTML: the
 * characters that would format, link or open a tag are escaped, and a table cell stays one line.
 */
export function mdText(text: string): string {
  return (
    text
      .replace(/\r?\n|\r/g, ' ')
      .replace(/[\\`*[\]<>|~]/g, (c) => `\\${c}`)
      // An underscore inside a word (DELETE_FAILED) formats nothing: only one at a word's edge is escaped.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
      .replace(/&/g, '&amp;')
      // Text from AWS and customers is never a link or a mention where the ticket renders it (GFM
      // autolinks http(s):// and www., GitHub notifies @team): a zero-width space breaks both.
      .replace(/(https?):\/\//gi, '$1:\u200b//')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200b.`)
      .replace(/@/g, '@\u200b')
  );
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** A section's rows, at most `max` (then `last`, always shown), and a line saying how many more there are and where. */
function bounded<T>(items: readonly T[], max: number, row: (item: T) => string[], headers: readonly string[], last: readonly string[][] = []): string[] {
  const more = items.length - max;
  return [
    ...table(headers, [...items.slice(0, max).map(row), ...last]),
    ...(more > 0 ? ['', `…and ${more} more: see the HTML report (or the JSON report) beside this file.`] : []),
  ];
}

function failureCell(entry: ReportEntry): string {
  const failing = (entry.failedResources ?? []).map((r) => `${r.logicalId}${r.type ? ` (${r.type})` : ''}: ${r.reason}`);
  return mdText(failing.length ? failing.join('; ') : whyOf(entry));
}

const resourceCell = (entry: ReportEntry) => `${mdText(displayName(entry))}<br>${mdText(entry.type)}`;

function header(report: Report): string[] {
  const c = report.connection;
  const facts = [
    `- Execution: ${mdText(report.execution.name)}, ${mdText(report.execution.startedAt)} to ${mdText(report.execution.finishedAt)} (${runDuration(report)})`,
    `- Mode: ${report.mode ?? 'unknown'}; status: **${verdictOf(report).text}**`,
    ...(report.execution.account ? [`- Account: ${mdText(report.execution.account)}, region ${mdText(report.execution.region ?? 'unknown')}`] : []),
    ...(c.environmentName ? [`- Environment: ${mdText(c.environmentName)}`] : []),
    ...(report.executedPlan
      ? [`- Executed plan: ${mdText(report.executedPlan.uri)} (run ${mdText(report.executedPlan.execution)}, made ${mdText(report.executedPlan.madeAt)})`]
      : []),
    ...(report.requestedBy ? [`- Requested by: ${mdText(report.requestedBy)}`] : []),
    `- Connection${c.id ? ` ${mdText(c.id)}` : ''}: **${c.outcome}**${c.attempts ? ` after ${c.attempts} attempt(s)` : ''}${c.error ? `: ${mdText(c.error)}` : c.reason ? `: ${mdText(c.reason)}` : ''}`,
    ...(c.nextStep ? [`  - Next step: ${mdText(c.nextStep)}`] : []),
    ...(report.failure ? [`- The run failed: ${mdText(report.failure.error)}: ${mdText(report.failure.message)}`] : []),
    ...(report.heldBack ? [`- Held back: ${mdText(report.heldBack)}`] : []),
    ...(report.notes ?? []).map((note) => `- **Note:** ${mdText(note)}`),
  ];
  return [`# ${mdText(reportTitle(report))}`, '', ...facts];
}

function counts(report: Report): string[] {
  const s = report.summary;
  return [
    '## Resources',
    '',
    ...table(
      ['total', 'deleted', 'already absent', 'retained', 'failed', 'planned'],
      [[s.total, s.deleted, s.alreadyAbsent, s.retained, s.failed, s.planned].map(String)],
    ),
  ];
}

function failures(report: Report, max: number): string[] {
  const failed = report.resources.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return [];
  return [
    `## Failed (${failed.length})`,
    '',
    ...bounded(failed, max, (r) => [resourceCell(r), failureCell(r), mdText(r.nextStep ?? '')], ['resource', 'why', 'next step']),
  ];
}

function kept(report: Report, max: number): string[] {
  const retained = report.resources.filter((r) => r.outcome === 'retained');
  if (retained.length === 0) return [];
  return [
    `## Kept (${retained.length})`,
    '',
    ...bounded(retained, max, (r) => [resourceCell(r), mdText(whyOf(r)), mdText(r.nextStep ?? '')], ['resource', 'why', 'next step']),
  ];
}

function deleted(report: Report, max: number): string[] {
  const gone = report.resources.filter((r) => r.outcome === 'deleted');
  if (gone.length === 0) return [];
  return [`## Deleted (${gone.length})`, '', ...bounded(gone, max, (r) => [resourceCell(r), mdText(r.reason ?? '')], ['resource', 'how'])];
}

function planned(report: Report, max: number): string[] {
  const toDo = report.resources.filter((r) => r.outcome === 'planned');
  if (toDo.length === 0) return [];
  return [
    `## Planned (${toDo.length})`,
    '',
    ...bounded(toDo, max, (r) => [resourceCell(r), mdText(r.plannedAction), mdText(r.reason ?? '')], ['resource', 'action', 'why']),
  ];
}

function sweep(report: Report, max: number): string[] {
  if (!report.sweep) return [];
  // A fleet sweep's sections are in several accounts: the same environment name may be in two.
  const where = report.sweep.some((s) => s.account) || report.fleet !== undefined;
  const hub = `${report.execution.account ?? ''} ${report.execution.region ?? ''}`.trim();
  return [
    `## Sweep (${report.sweep.length} environment${report.sweep.length === 1 ? '' : 's'})`,
    '',
    ...bounded(
      report.sweep,
      max,
      (s) => [
        ...(where ? [mdText(s.account ? `${s.account} ${s.region ?? ''}` : hub)] : []),
        `${mdText(s.environmentName)}<br>${mdText(s.managementAccountId)}`,
        String(s.resources),
        s.outcome,
        mdText(s.execution ?? ''),
        mdText(s.error ?? s.reason),
        mdText(s.report ?? ''),
      ],
      [...(where ? ['account and Region'] : []), 'environment', 'resources', 'outcome', 'execution', 'why', 'its report'],
    ),
  ];
}

// --- The fleet ------------------------------------------------------------------------------------

/** A Markdown link whose target cannot end early: a parenthesis or a space in it is percent-encoded. */
const mdLink = (label: string, url: string) => `[${label}](${url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`;

function fleetTotalsCells(totals: FleetTotals, statuses: readonly string[]): string[] {
  const s = totals.summary;
  return [
    String(totals.environments),
    ...statuses.map((status) => String(totals.byStatus[status] ?? 0)),
    ...[s.deleted, s.retained, s.failed, s.planned].map(String),
  ];
}

/** The verdict, then the totals per account and Region, and for the fleet (its last row, always shown). */
function fleetTotals(fleet: Fleet, max: number): string[] {
  const statuses = statusesIn(fleet);
  const accounts = new Set(fleet.accounts.map((a) => a.account)).size;
  return [
    `## Fleet totals (${accounts} account${accounts === 1 ? '' : 's'}, ${fleet.accounts.length} account and Region pair${fleet.accounts.length === 1 ? '' : 's'})`,
    '',
    `**${fleetProgress(fleet)}**`,
    '',
    ...bounded(
      fleet.accounts,
      max,
      (a) => [mdText(a.account ?? ''), mdText(a.region ?? ''), ...fleetTotalsCells(a, statuses)],
      ['account', 'Region', 'environments', ...statuses.map(statusWords), 'deleted', 'retained', 'failed resources', 'planned'],
      [['**fleet**', '', ...fleetTotalsCells(fleet.totals, statuses).map((cell) => `**${cell}**`)]],
    ),
  ];
}

/** An error cut to a ticket's measure (the HTML and JSON reports have it whole). */
const ERROR_CHARS = 300;
const clip = (text: string) => (text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS - 1)}…` : text);

function fleetFailureSection(fleet: Fleet, max: number): string[] {
  const failures = fleetFailures(fleet);
  if (failures.length === 0) return [];
  return [
    `## Fleet failures (${failures.length})`,
    '',
    ...bounded(
      failures,
      max,
      (f) => [
        mdText(f.account),
        mdText(f.region),
        mdText(f.environment ?? ''),
        `${mdText(f.resource)}${f.type ? `<br>${mdText(f.type)}` : ''}`,
        mdText(clip(f.error)),
        mdText(f.nextStep ?? ''),
      ],
      ['account', 'Region', 'environment', 'resource', 'error', 'next step'],
    ),
  ];
}

function fleetRowCells(row: FleetRow, region: string | undefined): string[] {
  const s = row.summary;
  const link = childReportLink(row.report, region);
  return [
    mdText(row.account),
    mdText(row.region),
    `${mdText(row.environment ?? '')}${row.execution ? `<br>${mdText(row.execution)}` : ''}`,
    `${statusWords(row.status)}${row.reason ? `: ${mdText(clip(row.reason))}` : ''}`,
    ...[s.deleted, s.retained, s.failed, s.planned].map(String),
    `${mdText(row.report ?? '')}${link ? `${row.report ? '<br>' : ''}${mdLink('HTML in the S3 console', link)}` : ''}`,
  ];
}

function fleetRows(fleet: Fleet, region: string | undefined, max: number): string[] {
  return [
    `## Fleet environments (${fleet.rows.length})`,
    '',
    ...bounded(fleet.rows, max, (row) => fleetRowCells(row, region), [
      'account',
      'Region',
      'environment',
      'status',
      'deleted',
      'retained',
      'failed resources',
      'planned',
      'its report',
    ]),
  ];
}

function fleet(report: Report, max: number): string[][] {
  if (!report.fleet) return [];
  // The children's reports are in the hub's bucket, in the hub's Region: where the sweep ran.
  return [fleetTotals(report.fleet, max), fleetFailureSection(report.fleet, max), fleetRows(report.fleet, report.execution.region, max)];
}

/** The fleet sections alone (the operator CLI's `report --format markdown` of a sweep); empty without a fleet. */
export function fleetMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const sections = fleet(report, Math.max(1, options.maxRows ?? DEFAULT_MARKDOWN_ROWS)).filter((s) => s.length > 0);
  return sections.length ? `${sections.map((s) => s.join('\n')).join('\n\n')}\n` : '';
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = Math.max(1, options.maxRows ?? DEFAULT_MARKDOWN_ROWS);
  const sections = [
    header(report),
    counts(report),
    failures(report, max),
    kept(report, max),
    deleted(report, max),
    planned(report, max),
    ...fleet(report, max),
    sweep(report, max),
  ].filter((s) => s.length > 0);
  const footer = [
    `_Report of ${mdText(subjectOf(report))}, format ${report.reportVersion}: the full record is the JSON report; the HTML report has the timeline and a table that sorts and filters._`,
  ];
  return `${[...sections, footer].map((s) => s.join('\n')).join('\n\n')}\n`;
}
