import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../functions/domain/report-markdown.js';
import {
  API_FAILURE,
  childRow,
  fleetFailure,
  fleetFixture,
  fleetReport,
  fleetRows,
  LEDGER_FAILURE,
  summaryOf,
  UNREACHABLE_ERROR,
} from '../helpers/fleet-fixtures.js';
import { section, tableRows } from '../helpers/markdown.js';

const cells = (row: string) =>
  row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.replaceAll('**', ''));

describe('renderMarkdown of a sweep with a fleet', () => {
  it('says in its status line how the fleet went', () => {
    expect(renderMarkdown(fleetReport())).toContain(
      '- Mode: execute; status: **fleet: 6 environments in 3 accounts, 1 failed, 1 completed with failures, 1 running, 1 account unreachable**',
    );
  });

  it('says whether the fleet is complete or still running, with the rows by status', () => {
    expect(section(renderMarkdown(fleetReport()), 'Fleet totals')).toContain(
      '**still running: 2 succeeded, 1 completed with failures, 1 failed, 1 running, 1 skipped, 1 unreachable**',
    );
    const ended = fleetFixture(fleetRows().filter((r) => r.status !== 'running'));
    expect(section(renderMarkdown(fleetReport(ended)), 'Fleet totals').join('\n')).toContain('**fleet complete: ');
  });

  it('totals each account and Region, the columns being the statuses the fleet has', () => {
    const rows = tableRows(section(renderMarkdown(fleetReport()), 'Fleet totals'));
    expect(rows.slice(0, -1).map((r) => cells(r).slice(0, 2))).toEqual([
      ['111111111111', 'eu-west-1'],
      ['111111111111', 'us-east-1'],
      ['222222222222', 'eu-west-1'],
      ['222222222222', 'us-east-1'],
      ['333333333333', 'us-east-1'],
    ]);
    // account, Region, environments, succeeded, completed with failures, failed, running, skipped, unreachable, deleted, retained, failed resources, planned
    expect(cells(rows[0] ?? '')).toEqual(['111111111111', 'eu-west-1', '2', '1', '1', '0', '0', '0', '0', '8', '1', '1', '0']);
  });

  it('ends the totals with the fleet, each count the sum of the accounts’ counts', () => {
    const rows = tableRows(section(renderMarkdown(fleetReport()), 'Fleet totals')).map(cells);
    const fleet = rows.at(-1) ?? [];
    expect(fleet[0]).toBe('fleet');
    for (let column = 2; column < fleet.length; column++) {
      const sum = rows.slice(0, -1).reduce((total, row) => total + Number(row[column]), 0);
      expect(Number(fleet[column]), `column ${column}`).toBe(sum);
    }
    expect(fleet.slice(2)).toEqual(['6', '2', '1', '1', '1', '1', '1', '15', '3', '1', '0']);
  });

  it('lists every failure with its account, Region, environment, resource, error and next step', () => {
    const rows = tableRows(section(renderMarkdown(fleetReport()), 'Fleet failures (3)')).map(cells);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['111111111111', 'eu-west-1', 'ledger-prod@\u200b444455556666'],
      ['111111111111', 'us-east-1', 'api-prod@\u200b444455556666'],
      ['333333333333', 'us-east-1', ''],
    ]);
    expect(rows[0]?.slice(4)).toEqual([LEDGER_FAILURE.error, LEDGER_FAILURE.nextStep]);
    expect(rows[1]?.slice(3)).toEqual(['connection', API_FAILURE.error, API_FAILURE.nextStep]);
    expect(rows[2]?.[4]).toBe(UNREACHABLE_ERROR);
  });

  it('lists every row with its status, counts, the S3 URI of its report and its page in the S3 console', () => {
    const rows = tableRows(section(renderMarkdown(fleetReport()), 'Fleet environments (7)')).map(cells);
    expect(rows.map((r) => r[3])).toEqual([
      'succeeded',
      'completed with failures',
      'failed',
      'succeeded',
      'skipped: another connection serves it',
      'running',
      `unreachable: ${UNREACHABLE_ERROR}`,
    ]);
    const execution = 'sweep-0a1b2c3d4e-execute-payments-prod-9f8e7d6c';
    expect(rows[0]?.slice(4)).toEqual([
      '5',
      '1',
      '0',
      '0',
      `s3://proton-cleanup-reports-111111111111/reports/${execution}.json<br>` +
        `[HTML in the S3 console](https://eu-west-1.console.aws.amazon.com/s3/object/proton-cleanup-reports-111111111111?region=eu-west-1&prefix=reports%2F${execution}.html)`,
    ]);
  });

  it('keeps an account and Region apart from another Region of the same account', () => {
    const rows = tableRows(section(renderMarkdown(fleetReport()), 'Fleet environments')).map(cells);
    expect(new Set(rows.map((r) => `${r[0]}/${r[1]}`))).toEqual(
      new Set(['111111111111/eu-west-1', '111111111111/us-east-1', '222222222222/eu-west-1', '222222222222/us-east-1', '333333333333/us-east-1']),
    );
  });

  it('has no fleet sections for a report without a fleet', () => {
    expect(renderMarkdown(fleetReport(undefined, { fleet: undefined }))).not.toContain('## Fleet');
  });
});

describe('untrusted text in the fleet sections', () => {
  const hostile = 'see https://evil.example/x or www.evil.example, ping @org/security | <img src=x> [x](javascript:y)';
  const report = () =>
    fleetReport(
      fleetFixture([
        childRow('111111111111', 'eu-west-1', 'payments-prod', 'failed', {
          environment: `${hostile}@444455556666`,
          reason: hostile,
          failures: [fleetFailure(hostile, hostile, hostile)],
        }),
      ]),
    );

  it('is never a link, a mention or a tag a ticket would render', () => {
    const fleetText = ['Fleet totals', 'Fleet failures', 'Fleet environments'].flatMap((t) => section(renderMarkdown(report()), t)).join('\n');
    // An escaped bracket (\< \]) is a literal character in Markdown.
    expect(fleetText).not.toMatch(/https:\/\/evil|www\.evil|@org|(?<!\\)<img|(?<!\\)\]\(javascript/);
  });

  it('keeps a pipe in it from breaking a table row', () => {
    const [row] = tableRows(section(renderMarkdown(report()), 'Fleet failures'));
    expect(cells(row ?? '')).toHaveLength(6);
  });
});

describe('the size of the fleet sections', () => {
  /** 40 accounts in 2 Regions, 5 environments each, every one failed with a long error. */
  const huge = () =>
    fleetFixture(
      Array.from({ length: 400 }, (_, i) =>
        childRow(String(100000000000 + Math.floor(i / 10)), i % 10 < 5 ? 'eu-west-1' : 'us-east-1', `env-${i}`, 'failed', {
          summary: summaryOf({ failed: 1 }),
          failures: [fleetFailure(`arn:aws:sqs:eu-west-1:1:q-${i}`, 'AccessDenied '.repeat(200), 'grant the permission, then re-run')],
        }),
      ),
    );

  it('lists at most maxRows rows a section, and says how many more there are', () => {
    const text = renderMarkdown(fleetReport(huge()), { maxRows: 5 });
    expect(tableRows(section(text, 'Fleet totals'))).toHaveLength(6);
    expect(tableRows(section(text, 'Fleet failures (400)'))).toHaveLength(5);
    expect(tableRows(section(text, 'Fleet environments (400)'))).toHaveLength(5);
    expect(section(text, 'Fleet failures')).toContain('…and 395 more: see the HTML report (or the JSON report) beside this file.');
    expect(section(text, 'Fleet totals')).toContain('…and 75 more: see the HTML report (or the JSON report) beside this file.');
  });

  it('stays ticket-sized for a huge fleet', () => {
    expect(renderMarkdown(fleetReport(huge())).length).toBeLessThan(40_000);
  });
});

describe("renderMarkdown of a fleet sweep's sections", () => {
  const section_ = (account: string | undefined, environmentName: string) => ({
    ...(account ? { account, region: 'eu-west-1' } : {}),
    environmentName,
    managementAccountId: '444455556666',
    environmentArn: `arn:aws:proton:us-east-1:444455556666:environment/${environmentName}`,
    resources: 3,
    outcome: 'started' as const,
    reason: 'no connection serves it',
  });

  it('names the account and Region of each environment, so one name in two accounts reads as two', () => {
    const report = fleetReport(fleetFixture(), { sweep: [section_(undefined, 'orders-dev'), section_('222222222222', 'orders-dev')] });
    const rows = tableRows(section(renderMarkdown(report), 'Sweep')).map((r) => cells(r)[0]);

    expect(rows).toEqual([`${report.execution.account} ${report.execution.region}`, '222222222222 eu-west-1']);
  });
});
