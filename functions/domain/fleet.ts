import * as z from '../runtime/zod.js';
import { type Summary, SummarySchema } from './summary.js';
import type { SweepSection } from './sweep-result.js';
import { type Target, targetKey } from './target.js';

/**
 * The fleet report: a sweep's children (one per account, Region and environment), each with its
 * status and summary from its own report, and totals per account and for the fleet. Built when the
 * children have finished (CollectFleet) or on demand (proton-cleanup report). Pure.
 */
export const FLEET_STATUSES = ['succeeded', 'completed-with-failures', 'failed', 'running', 'not-started', 'skipped', 'unreachable'] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

const EMPTY_SUMMARY: Summary = { total: 0, deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0, planned: 0 };

export const FleetFailureSchema = z.object({
  resource: z.string().describe('the resource (ARN or id), or "connection", or the target when it could not be reached'),
  type: z.string().optional(),
  error: z.string(),
  nextStep: z.string().optional(),
});
export type FleetFailure = z.infer<typeof FleetFailureSchema>;

export const FleetRowSchema = z.object({
  account: z.string(),
  region: z.string(),
  environment: z.string().optional().describe('"<name>@<management account>"; unset for a target the sweep could not read'),
  execution: z.string().optional().describe('the child execution cleaning it up'),
  status: z.enum(FLEET_STATUSES),
  summary: SummarySchema,
  report: z.string().optional().describe("the child's report (S3 URI)"),
  reason: z.string().optional().describe('why it was skipped, not started, or could not be reached'),
  failures: z.array(FleetFailureSchema).describe('every failure of the child, with its next step'),
});
export type FleetRow = z.infer<typeof FleetRowSchema>;

export const FleetTotalsSchema = z.object({
  account: z.string().optional(),
  region: z.string().optional(),
  environments: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()),
  summary: SummarySchema,
});
export type FleetTotals = z.infer<typeof FleetTotalsSchema>;

export const FleetSchema = z.object({
  complete: z.boolean().describe('every child has finished (false: built before, some are still running)'),
  rows: z.array(FleetRowSchema),
  accounts: z.array(FleetTotalsSchema).describe('one per account and Region'),
  totals: FleetTotalsSchema,
});
export type Fleet = z.infer<typeof FleetSchema>;

/** What is known of a started child: its report's outcome once it wrote one, else what Step Functions says. */
export type ChildState =
  | { kind: 'reported'; status: 'succeeded' | 'failed'; summary: Summary; failures: FleetFailure[]; report: string }
  | { kind: 'running' }
  | { kind: 'ended-without-report'; status: string };

/** A target the sweep could not read (its spoke role could not be assumed, Proton failed there…): its environments are unknown. */
export function unreachableRow(target: Target, error: string): FleetRow {
  return {
    account: target.account,
    region: target.region,
    status: 'unreachable',
    summary: EMPTY_SUMMARY,
    reason: error,
    failures: [
      { resource: targetKey(target), error, nextStep: 'see why in the error; once fixed, sweep this target again ("targets": ["<account>/<region>"])' },
    ],
  };
}

/** A sweep section (one environment of one target; the hub's own when it names none) with its child's state. */
export function fleetRow(section: SweepSection, hub: Target, child: ChildState | undefined): FleetRow {
  const base = {
    account: section.account ?? hub.account,
    region: section.region ?? hub.region,
    environment: `${section.environmentName}@${section.managementAccountId}`,
    ...(section.execution ? { execution: section.execution } : {}),
    summary: EMPTY_SUMMARY,
    failures: [] as FleetFailure[],
  };
  if (section.outcome === 'skipped') return { ...base, status: 'skipped', reason: section.reason };
  if (section.outcome === 'failed-to-start') {
    return {
      ...base,
      status: 'not-started',
      reason: section.error ?? section.reason,
      failures: [{ resource: section.execution ?? 'execution', error: section.error ?? 'not started' }],
    };
  }
  if (!child || child.kind === 'running') return { ...base, status: 'running', ...(section.report ? { report: section.report } : {}) };
  if (child.kind === 'ended-without-report') {
    return {
      ...base,
      status: 'failed',
      reason: `the execution ended ${child.status} without writing its report`,
      failures: [
        { resource: section.execution ?? 'execution', error: child.status, nextStep: 'open the execution in the Step Functions console: its history says why' },
      ],
    };
  }
  const status: FleetStatus = child.status === 'failed' ? 'failed' : child.summary.failed > 0 ? 'completed-with-failures' : 'succeeded';
  return { ...base, status, summary: child.summary, report: child.report, failures: child.failures };
}

function totalsOf(rows: readonly FleetRow[], place?: Target): FleetTotals {
  const byStatus: Record<string, number> = {};
  const summary = { ...EMPTY_SUMMARY };
  for (const row of rows) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    for (const key of Object.keys(summary) as (keyof Summary)[]) summary[key] += row.summary[key];
  }
  return { ...(place ? { account: place.account, region: place.region } : {}), environments: rows.filter((r) => r.environment).length, byStatus, summary };
}

/**
 * Rows with totals per account and Region (in the order the targets were swept) and for the fleet.
 * `swept`: every target the sweep covered, so that one where nothing was found still has its
 * (empty) totals: swept and empty is not the same as never looked at.
 */
export function buildFleet(rows: readonly FleetRow[], swept: readonly Target[] = []): Fleet {
  const places: Target[] = [...swept.map((t) => ({ account: t.account, region: t.region }))];
  for (const row of rows)
    if (!places.some((p) => p.account === row.account && p.region === row.region)) places.push({ account: row.account, region: row.region });
  return {
    complete: rows.every((r) => r.status !== 'running'),
    rows: [...rows],
    accounts: places.map((place) =>
      totalsOf(
        rows.filter((r) => r.account === place.account && r.region === place.region),
        place,
      ),
    ),
    totals: totalsOf(rows),
  };
}
