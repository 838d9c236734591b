/**
 * Which connections the scheduled sweep decommissions: those whose decommission tag holds a
 * date that has come. A malformed tag is reported, never fatal, and never a reason to delete.
 */
export interface TaggedConnection {
  id: string;
  arn: string;
  environmentName: string;
  status: string;
  tags: Record<string, string>;
}

export type ScheduleVerdict =
  | { kind: 'due'; connection: TaggedConnection; decommissionOn: string }
  | { kind: 'not-due'; connection: TaggedConnection; decommissionOn: string }
  | { kind: 'untagged'; connection: TaggedConnection }
  | { kind: 'malformed'; connection: TaggedConnection; value: string; problem: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` (a calendar date, compared in UTC). */
export function parseDecommissionDate(value: string): { day: string } | { problem: string } {
  const match = DATE.exec(value.trim());
  if (!match) return { problem: `expected a date written YYYY-MM-DD (e.g. 2026-12-01), got "${value.slice(0, 64)}"` };
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCFullYear() !== Number(year) || date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) {
    return { problem: `"${value}" is not a calendar date: expected a date written YYYY-MM-DD (e.g. 2026-12-01)` };
  }
  return { day: `${year}-${month}-${day}` };
}

export function judgeConnection(connection: TaggedConnection, tagKey: string, today: string): ScheduleVerdict {
  const value = connection.tags[tagKey];
  if (value === undefined) return { kind: 'untagged', connection };
  const parsed = parseDecommissionDate(value);
  if ('problem' in parsed) return { kind: 'malformed', connection, value, problem: parsed.problem };
  return parsed.day <= today ? { kind: 'due', connection, decommissionOn: parsed.day } : { kind: 'not-due', connection, decommissionOn: parsed.day };
}

export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** The execution input for a due connection: an event-shaped request, so the report names its trigger. */
export function decommissionDueEvent(
  connection: TaggedConnection,
  options: { name: string; source: string; detailType: string; mode: string; now: Date },
): Record<string, unknown> {
  const [, , , region = '', account = ''] = connection.arn.split(':');
  return {
    version: '0',
    id: options.name,
    source: options.source,
    'detail-type': options.detailType,
    account,
    time: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [connection.arn],
    detail: { connectionId: connection.id, mode: options.mode },
  };
}
