/**
 * A fleet for the rendering tests: rows written out (not built from child reports), totals by the
 * contract's buildFleet. Three accounts in two Regions: succeeded, completed with failures, failed,
 * skipped, running and unreachable children.
 */
import { buildFleet, type Fleet, type FleetFailure, type FleetRow } from '../../functions/domain/fleet.js';
import type { Report } from '../../functions/domain/report.js';
import type { Summary } from '../../functions/domain/summary.js';
import { MANAGEMENT_ACCOUNT, reportFixture } from './domain-fixtures.js';

export const HUB = { account: '111111111111', region: 'eu-west-1' };
export const BUCKET = 'proton-cleanup-reports-111111111111';

export function summaryOf(counts: Partial<Summary> = {}): Summary {
  const s = { deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0, planned: 0, ...counts };
  return { total: s.deleted + s.alreadyAbsent + s.retained + s.failed + s.planned, ...s };
}

export function fleetFailure(resource: string, error: string, nextStep?: string): FleetFailure {
  return { resource, error, ...(nextStep ? { nextStep } : {}) };
}

/** A child's row: its execution and report named after its environment. */
export function childRow(account: string, region: string, name: string, status: FleetRow['status'], overrides: Partial<FleetRow> = {}): FleetRow {
  const execution = `sweep-0a1b2c3d4e-execute-${name}-9f8e7d6c`;
  return {
    account,
    region,
    environment: `${name}@${MANAGEMENT_ACCOUNT}`,
    execution,
    status,
    summary: summaryOf(),
    ...(status === 'running' || status === 'skipped' ? {} : { report: `s3://${BUCKET}/reports/${execution}.json` }),
    failures: [],
    ...overrides,
  };
}

export const LEDGER_FAILURE = fleetFailure(
  'arn:aws:cloudformation:eu-west-1:111111111111:stack/AWSProton-ledger-prod-cloudformation--ABCDEFGH/1',
  'DELETE_FAILED: The bucket you tried to delete is not empty',
  're-run with retainFailedResources to keep bucket ledger-prod-uploads',
);
export const API_FAILURE = fleetFailure(
  'connection',
  'AccessDeniedException: not authorized to perform proton:DeleteEnvironmentAccountConnection',
  "grant the permission the error names to the DeleteConnection function's role, then re-run",
);
export const UNREACHABLE_ERROR = 'AccessDenied: User is not authorized to perform sts:AssumeRole on arn:aws:iam::333333333333:role/proton-cleanup-spoke';

export function fleetRows(): FleetRow[] {
  return [
    childRow('111111111111', 'eu-west-1', 'payments-prod', 'succeeded', { summary: summaryOf({ deleted: 5, retained: 1 }) }),
    childRow('111111111111', 'eu-west-1', 'ledger-prod', 'completed-with-failures', {
      summary: summaryOf({ deleted: 3, failed: 1 }),
      failures: [LEDGER_FAILURE],
    }),
    childRow('111111111111', 'us-east-1', 'api-prod', 'failed', { summary: summaryOf({ retained: 2 }), failures: [API_FAILURE] }),
    childRow('222222222222', 'eu-west-1', 'web-staging', 'succeeded', { summary: summaryOf({ deleted: 7 }) }),
    childRow('222222222222', 'eu-west-1', 'web-dev', 'skipped', { reason: 'another connection serves it' }),
    childRow('222222222222', 'us-east-1', 'batch-prod', 'running'),
    {
      account: '333333333333',
      region: 'us-east-1',
      status: 'unreachable',
      summary: summaryOf(),
      reason: UNREACHABLE_ERROR,
      failures: [fleetFailure('333333333333/us-east-1', UNREACHABLE_ERROR, 'see why in the error; once fixed, sweep this target again')],
    },
  ];
}

export function fleetFixture(rows: FleetRow[] = fleetRows()): Fleet {
  return buildFleet(rows);
}

/** A sweep's report (the hub's, in eu-west-1) with its fleet. */
export function fleetReport(fleet: Fleet = fleetFixture(), overrides: Partial<Report> = {}): Report {
  return reportFixture({
    execution: { name: 'cli-execute-20261201T100000Z-abc123', startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:20:00.000Z', ...HUB },
    request: null,
    connection: { outcome: 'not-attempted' },
    fleet,
    ...overrides,
  });
}
