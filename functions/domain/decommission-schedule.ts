import * as z from '../runtime/zod.js';

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

type ScheduleVerdict =
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

/**
 * With Proton retired, decommission dates live outside the stacks (tagging a stack is a stack
 * update): one SSM parameter per environment, `<path>/<management account>/<environment>` =
 * `YYYY-MM-DD`. A malformed one is reported, never a reason to delete.
 */
export const DEFAULT_DECOMMISSION_PATH = '/proton-cleanup/decommission';

export type DecommissionDate = { environment: { name: string; managementAccountId: string }; source: string } & ({ day: string } | { problem: string });

export interface ParameterValue {
  name: string;
  value: string;
}

export function decommissionDates(
  parameters: readonly ParameterValue[],
  path: string,
): { dates: DecommissionDate[]; ignored: { name: string; problem: string }[] } {
  const prefix = `${path.replace(/\/+$/, '')}/`;
  const dates: DecommissionDate[] = [];
  const ignored: { name: string; problem: string }[] = [];
  for (const { name, value } of parameters) {
    const match = /^(\d{12})\/([0-9A-Za-z][0-9A-Za-z_-]{0,99})$/.exec(name.startsWith(prefix) ? name.slice(prefix.length) : '');
    if (!match) {
      ignored.push({ name, problem: `expected ${prefix}<12-digit management account id>/<environment name>` });
      continue;
    }
    const environment = { managementAccountId: match[1] as string, name: match[2] as string };
    const parsed = parseDecommissionDate(value);
    dates.push({ environment, source: `SSM parameter ${name}`, ...parsed });
  }
  return { dates, ignored };
}

export function parameterNameOf(path: string, environment: { name: string; managementAccountId: string }): string {
  return `${path.replace(/\/+$/, '')}/${environment.managementAccountId}/${environment.name}`;
}

/**
 * The execution input for a due decommission: an event-shaped request, so the report names its
 * trigger. Its time is the day it is due for, not the moment of the run: every run of the
 * schedule that day builds the same input, so a second one is known for the same request.
 */
export function decommissionDueEvent(
  detail: ({ connectionId: string } | { environment: { name: string; managementAccountId: string } }) & { plan?: string; account?: string; region?: string },
  options: { name: string; source: string; detailType: string; mode: string; day: string; account: string; region: string; resources: string[] },
): Record<string, unknown> {
  return {
    version: '0',
    id: options.name,
    source: options.source,
    'detail-type': options.detailType,
    account: options.account,
    time: `${options.day}T00:00:00Z`,
    region: options.region,
    resources: options.resources,
    detail: { ...detail, mode: options.mode },
  };
}

/**
 * What the daily schedule does today about a decommission dated `day`: nothing yet (`wait`), the
 * notice plan (`notice`, from noticeDays before the date), or the decommission itself (`due`).
 * Dates compare as UTC calendar days (YYYY-MM-DD strings order as dates).
 */
type ScheduledStep = 'wait' | 'notice' | 'due';

export function scheduledStep(day: string, today: string, noticeDays: number): ScheduledStep {
  if (day <= today) return 'due';
  return noticeDays > 0 && addDays(day, -noticeDays) <= today ? 'notice' : 'wait';
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** ScheduleDecommission's output ($.scheduled): the date written, and where the daily schedule reads it. */
export const ScheduledDecommissionSchema = z.object({
  environmentName: z.string(),
  managementAccountId: z.string(),
  decommissionOn: z.string(),
  parameter: z.string(),
});
export type ScheduledDecommission = z.infer<typeof ScheduledDecommissionSchema>;
