import { describe, expect, it } from 'vitest';
import { childReportLink, childState, fleetFromSweep } from '../../functions/domain/fleet-view.js';
import { summarize } from '../../functions/domain/report.js';
import { verdictOf } from '../../functions/domain/report-view.js';
import type { SweepSection } from '../../functions/domain/sweep-result.js';
import { arns, MANAGEMENT_ACCOUNT, reportEntry, reportFixture } from '../helpers/domain-fixtures.js';
import { childRow, fleetFixture, fleetReport, HUB } from '../helpers/fleet-fixtures.js';

describe('verdictOf a sweep with a fleet', () => {
  it('speaks for the fleet: environments, accounts, what failed and what could not be read', () => {
    expect(verdictOf(fleetReport())).toEqual({
      kind: 'failures',
      text: 'fleet: 6 environments in 3 accounts, 1 failed, 1 completed with failures, 1 running, 1 account unreachable',
    });
  });

  it('says none failed, and is still running while a child runs', () => {
    const rows = [childRow('111111111111', 'eu-west-1', 'a', 'succeeded'), childRow('222222222222', 'us-east-1', 'b', 'running')];
    expect(verdictOf(fleetReport(fleetFixture(rows)))).toEqual({ kind: 'running', text: 'fleet: 2 environments in 2 accounts, 1 running' });
    expect(verdictOf(fleetReport(fleetFixture(rows.slice(0, 1))))).toEqual({ kind: 'succeeded', text: 'fleet: 1 environment in 1 account, none failed' });
  });

  it('keeps the verdict of a sweep that failed itself, and of a report without a fleet', () => {
    expect(verdictOf(fleetReport(fleetFixture(), { status: 'failed' }))).toEqual({ kind: 'failed', text: 'failed' });
    expect(verdictOf(reportFixture())).toEqual({ kind: 'succeeded', text: 'succeeded' });
  });
});

describe('childReportLink', () => {
  it("is the child's HTML report on its page in the S3 console of the hub's Region", () => {
    expect(childReportLink('s3://b/reports/sweep-x.json', 'eu-west-1')).toBe(
      'https://eu-west-1.console.aws.amazon.com/s3/object/b?region=eu-west-1&prefix=reports%2Fsweep-x.html',
    );
  });

  it('is none without an S3 URI or a Region', () => {
    expect(childReportLink(undefined, 'eu-west-1')).toBeUndefined();
    expect(childReportLink('s3://b/k.json', undefined)).toBeUndefined();
    expect(childReportLink('https://evil.example/x.json', 'eu-west-1')).toBeUndefined();
  });
});

describe('the fleet built on demand', () => {
  const failed = reportEntry(arns.queue('q'), 'failed', { type: 'sqs:queue', error: 'AccessDenied', nextStep: 'grant it, then re-run' });
  const report = reportFixture({
    connection: { outcome: 'failed', error: 'ConflictException: busy', nextStep: 'wait, then re-run' },
    resources: [failed, reportEntry(arns.queue('r'), 'deleted')],
    summary: summarize([failed, reportEntry(arns.queue('r'), 'deleted')]),
  });

  it("takes from a child's report its outcome, counts and every failure with its next step", () => {
    expect(childState(report, 's3://b/reports/c.json')).toEqual({
      kind: 'reported',
      status: 'succeeded',
      summary: { total: 2, deleted: 1, alreadyAbsent: 0, retained: 0, failed: 1, planned: 0 },
      failures: [
        { resource: 'connection', error: 'ConflictException: busy', nextStep: 'wait, then re-run' },
        { resource: arns.queue('q'), type: 'sqs:queue', error: 'AccessDenied', nextStep: 'grant it, then re-run' },
      ],
      report: 's3://b/reports/c.json',
    });
  });

  it('has a row per section, with its child, and one per target the sweep could not read', () => {
    const section = (account: string | undefined, name: string): SweepSection => ({
      ...(account ? { account, region: 'us-east-1' } : {}),
      environmentName: name,
      managementAccountId: MANAGEMENT_ACCOUNT,
      environmentArn: '',
      resources: 1,
      outcome: 'started',
      reason: 'its connection is gone',
      execution: `sweep-${name}`,
    });
    const fleet = fleetFromSweep(
      [section(undefined, 'hub-env'), section('222222222222', 'far-env')],
      HUB,
      new Map([['sweep-hub-env', childState(report, 's3://b/reports/sweep-hub-env.json')]]),
      [{ account: '333333333333', region: 'eu-west-1', error: 'AccessDenied' }],
    );
    expect(fleet.rows.map((r) => `${r.account}/${r.region} ${r.environment ?? '-'} ${r.status}`)).toEqual([
      `111111111111/eu-west-1 hub-env@${MANAGEMENT_ACCOUNT} completed-with-failures`,
      `222222222222/us-east-1 far-env@${MANAGEMENT_ACCOUNT} running`,
      '333333333333/eu-west-1 - unreachable',
    ]);
    expect(fleet.complete).toBe(false);
  });
});
