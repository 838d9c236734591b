import type { Report } from '../functions/domain/report.js';
import { verdictOf } from '../functions/domain/report-view.js';
import { stackName } from './progress.js';

/** The report as a terminal table: connection, counts, then one row per resource. Pure. */
function shortName(id: string, type: string): string {
  if (type === 'cloudformation:stack') return stackName(id);
  const resource = id.split(':').slice(5).join(':') || id;
  return resource.replace(/^[a-z-]+[/:]/, '');
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function table(rows: string[][], widths: number[]): string[] {
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : truncate(cell, widths[i] ?? 20).padEnd(widths[i] ?? 20)))
      .join('  ')
      .trimEnd(),
  );
}

function verdictLine(report: Report): string {
  const verdict = verdictOf(report);
  return verdict.kind === 'failed' ? 'FAILED' : `${verdict.text.charAt(0).toUpperCase()}${verdict.text.slice(1)}`;
}

export function summaryTable(report: Report, reasonWidth = 70): string[] {
  const c = report.connection;
  const s = report.summary;
  const connection =
    `${c.id ? `Connection ${c.id}` : 'No connection named'}${c.environmentName ? ` (environment ${c.environmentName})` : ''}: ${c.outcome}` +
    `${c.attempts ? ` after ${c.attempts} attempt(s)` : ''}${c.error ? `: ${c.error}` : c.reason ? ` (${c.reason})` : ''}`;
  const counts = table(
    [
      ['deleted', String(s.deleted)],
      ['already-absent', String(s.alreadyAbsent)],
      ['retained', String(s.retained)],
      ['failed', String(s.failed)],
      ['planned', String(s.planned)],
      ['total', String(s.total)],
    ],
    [16],
  );
  const rows = table(
    [
      ['OUTCOME', 'TYPE', 'RESOURCE', 'REASON'],
      ...report.resources.map((r) => [r.outcome, r.type, shortName(r.id, r.type), truncate(r.error ?? r.reason ?? '', reasonWidth)]),
    ],
    [15, 21, 44],
  );
  return [
    `${verdictLine(report)} (${report.mode ?? 'no'} mode)${report.failure ? `: ${report.failure.error}: ${report.failure.message}` : ''}`,
    connection,
    ...(report.heldBack ? [`Held back: ${report.heldBack}`] : []),
    ...(report.notes ?? []).map((note) => `Note: ${note}`),
    ...(report.sweep
      ? [
          '',
          ...report.sweep.map(
            (e) => `${e.outcome.padEnd(16)}${e.environmentName}@${e.managementAccountId} (${e.resources} resource(s)): ${e.error ?? e.reason}`,
          ),
        ]
      : []),
    '',
    ...counts,
    '',
    ...rows,
  ];
}
