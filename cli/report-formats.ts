import type { Report, ReportEntry } from '../functions/domain/report.js';
import { stackName } from '../local/progress.js';
import { summaryTable } from '../local/summary-table.js';

/**
 * The report printed by `report EXECUTION`: as the terminal summary table, as JSON, as a Markdown
 * table or as CSV (RFC 4180). Pure: each returns the text to print.
 */
export const REPORT_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What failed or was kept: the resources a person has to look at. */
function isFailureOrKept(entry: ReportEntry): boolean {
  return entry.outcome === 'failed' || entry.outcome === 'retained';
}

/** The report with only what failed or was kept (the summary still counts the whole run). */
export function onlyFailures(report: Report): Report {
  return { ...report, resources: report.resources.filter(isFailureOrKept) };
}

/** A resource's short name: the stack name, or the ARN's resource part. */
function resourceName(entry: Pick<ReportEntry, 'id' | 'type'>): string {
  if (entry.type === 'cloudformation:stack') return stackName(entry.id);
  const resource = entry.id.split(':').slice(5).join(':') || entry.id;
  return resource.replace(/^[a-z-]+[/:]/, '');
}

const reasonOf = (entry: ReportEntry) => entry.error ?? entry.reason ?? '';

/**
 * The terminal summary table. With `failures`, each row (all failed or kept) is followed by
 * indented lines with its whole reason (the table cuts it) and its next step; the connection's
 * next step follows the connection line. The table keeps its width.
 */
export function tableFormat(report: Report, options: { failures?: boolean } = {}): string {
  const lines = summaryTable(report);
  if (!options.failures) return `${lines.join('\n')}\n`;
  const details = (entry: { nextStep?: string | undefined }, reason: string) => [
    ...(reason ? [`    reason: ${reason}`] : []),
    ...(entry.nextStep ? [`    next step: ${entry.nextStep}`] : []),
  ];
  const firstRow = lines.length - report.resources.length;
  const withDetails = lines.flatMap((line, i) => {
    if (i === 1 && report.connection.nextStep) return [line, `    next step: ${report.connection.nextStep}`];
    const entry = i >= firstRow ? report.resources[i - firstRow] : undefined;
    return entry ? [line, ...details(entry, reasonOf(entry))] : [line];
  });
  return `${withDetails.join('\n')}\n`;
}

export function jsonFormat(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A cell of a Markdown table: pipes escaped, line breaks as <br>. */
function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function markdownFormat(report: Report): string {
  const s = report.summary;
  const c = report.connection;
  const lines = [
    `## Cleanup ${report.execution.name}: ${report.status} (${report.mode ?? 'no'} mode)`,
    '',
    ...(report.failure ? [`**Failed:** ${markdownCell(`${report.failure.error}: ${report.failure.message}`)}`, ''] : []),
    `Connection ${c.id ? `\`${c.id}\`` : '(none named)'}${c.environmentName ? `, environment \`${c.environmentName}\`` : ''}: **${c.outcome}**${(c.error ?? c.reason) ? ` (${markdownCell(c.error ?? c.reason ?? '')})` : ''}`,
    '',
    ...(c.nextStep ? [`**Next step:** ${markdownCell(c.nextStep)}`, ''] : []),
    `deleted ${s.deleted} · already absent ${s.alreadyAbsent} · retained ${s.retained} · failed ${s.failed} · planned ${s.planned} · total ${s.total}`,
    '',
    '| Outcome | Type | Resource | Reason | Next step |',
    '| --- | --- | --- | --- | --- |',
    ...report.resources.map(
      (r) => `| ${r.outcome} | ${r.type} | ${markdownCell(resourceName(r))} | ${markdownCell(reasonOf(r))} | ${markdownCell(r.nextStep ?? '')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** RFC 4180: a field with a comma, a double quote or a line break is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record per resource, CRLF between records (RFC 4180), with a header. */
export function csvFormat(report: Report): string {
  const records = [
    ['outcome', 'type', 'name', 'id', 'owner', 'reason', 'next step'],
    ...report.resources.map((r) => [
      r.outcome,
      r.type,
      resourceName(r),
      r.id,
      r.owner.name ? `${r.owner.kind}:${r.owner.name}` : r.owner.kind,
      reasonOf(r),
      r.nextStep ?? '',
    ]),
  ];
  return `${records.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export function formatReport(report: Report, format: ReportFormat, options: { failures?: boolean } = {}): string {
  const shown = options.failures ? onlyFailures(report) : report;
  switch (format) {
    case 'table':
      return tableFormat(shown, options);
    case 'json':
      return jsonFormat(shown);
    case 'markdown':
      return markdownFormat(shown);
    case 'csv':
      return csvFormat(shown);
  }
}
