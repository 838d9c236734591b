import { describe, expect, it } from 'vitest';
import { summarize } from '../../functions/domain/report.js';
import { mdText, renderMarkdown } from '../../functions/domain/report-markdown.js';
import { arns, CONNECTION_ID, ENV, failedResource, reportEntry, reportFixture, stackReportEntry } from '../helpers/domain-fixtures.js';
import { section, tableRows } from '../helpers/markdown.js';

const STUCK = 'AWSProton-api-prod-cloudformation--HZQWMBND';

const failedStack = stackReportEntry(STUCK, 'failed', {
  error: 'DELETE_FAILED: The following resource(s) failed to delete: [Uploads].',
  failedResources: [failedResource('Uploads', 'The bucket you tried to delete is not empty', { type: 'AWS::S3::Bucket' })],
  nextStep: 're-run with retainFailedResources to keep bucket api-prod-uploads',
});
const keptBucket = reportEntry(arns.bucket('payments-prod-artifacts'), 'retained', {
  type: 's3:bucket',
  reason: 'kept by its DeletionPolicy (Retain)',
  nextStep: 'nothing needs doing: its template keeps it on purpose',
});
const queues = (n: number) =>
  Array.from({ length: n }, (_, i) => reportEntry(arns.queue(`q-${i}`), 'failed', { type: 'sqs:queue', error: `AccessDenied ${i}` }));

describe('renderMarkdown', () => {
  it('titles the report with its status, mode and connection', () => {
    expect(renderMarkdown(reportFixture()).split('\n')[0]).toBe(`# Proton connection cleanup succeeded (execute): connection ${CONNECTION_ID}`);
  });

  it('names the environment when the run was about an environment, not a connection', () => {
    const report = reportFixture({ request: null, connection: { outcome: 'not-attempted', environmentName: ENV } });
    expect(renderMarkdown(report).split('\n')[0]).toBe(`# Proton connection cleanup succeeded (execute): environment ${ENV}`);
  });

  it('says who asked when the report records it', () => {
    const report = { ...reportFixture(), requestedBy: 'arn:aws:sts::111122223333:assumed-role/platform/alice' };
    expect(renderMarkdown(report)).toContain('- Requested by: arn:aws:sts::111122223333:assumed-role/platform/alice');
  });

  it('counts the resources in a table', () => {
    const lines = section(renderMarkdown(reportFixture({ resources: [failedStack, keptBucket] })), 'Resources');
    expect(tableRows(lines)).toEqual(['| 2 | 0 | 0 | 1 | 1 | 0 |']);
  });

  it('lists each failure with the resources CloudFormation could not delete and the next step', () => {
    const [row] = tableRows(section(renderMarkdown(reportFixture({ resources: [failedStack] })), 'Failed (1)'));
    expect(row).toContain(STUCK);
    expect(row).toContain('Uploads (AWS::S3::Bucket): The bucket you tried to delete is not empty');
    expect(row).toContain('re-run with retainFailedResources to keep bucket api-prod-uploads');
  });

  it('lists what was kept, why, and the next step', () => {
    const [row] = tableRows(section(renderMarkdown(reportFixture({ resources: [keptBucket] })), 'Kept (1)'));
    expect(row).toBe('| payments-prod-artifacts<br>s3:bucket | kept by its DeletionPolicy (Retain) | nothing needs doing: its template keeps it on purpose |');
  });

  it('gives the connection its next step when its deletion failed', () => {
    const report = reportFixture({ connection: { id: CONNECTION_ID, outcome: 'failed', error: 'ConflictException: busy', nextStep: 'wait, then re-run' } });
    expect(renderMarkdown(report)).toContain('  - Next step: wait, then re-run');
  });

  it('lists a sweep environment by environment', () => {
    const sweep = [
      {
        environmentName: 'ledger-staging',
        managementAccountId: '444455556666',
        environmentArn: 'arn:x',
        resources: 4,
        outcome: 'started' as const,
        reason: 'no connection',
        execution: 'exec-ledger',
      },
    ];
    const rows = tableRows(section(renderMarkdown(reportFixture({ sweep })), 'Sweep (1 environment)'));
    expect(rows).toEqual(['| ledger-staging<br>444455556666 | 4 | started | exec-ledger | no connection |  |']);
  });

  it('lists at most maxRows rows a section, and says how many more the HTML and JSON reports hold', () => {
    const lines = section(renderMarkdown(reportFixture({ resources: queues(12) }), { maxRows: 5 }), 'Failed (12)');
    expect(tableRows(lines)).toHaveLength(5);
    expect(lines).toContain('…and 7 more: see the HTML report (or the JSON report) beside this file.');
  });

  it('stays short for a huge report', () => {
    expect(renderMarkdown(reportFixture({ resources: queues(10_000) })).length).toBeLessThan(10_000);
  });

  it('keeps a newline or a pipe in a reason from breaking its table row', () => {
    const report = reportFixture({ resources: [reportEntry(arns.queue('q'), 'failed', { error: 'one | two\nthree' })] });
    const [row] = tableRows(section(renderMarkdown(report), 'Failed'));
    expect(row?.split(/(?<!\\)\|/)).toHaveLength(5);
  });
});

describe('mdText', () => {
  it('makes a tag, a link or emphasis from AWS text show as text', () => {
    expect(mdText('<script>alert(1)</script> [x](javascript:y) *b* _i_')).toBe('\\<script\\>alert(1)\\</script\\> \\[x\\](javascript:y) \\*b\\* \\_i\\_');
  });

  it('leaves an underscore inside a word alone (DELETE_FAILED)', () => {
    expect(mdText('DELETE_FAILED')).toBe('DELETE_FAILED');
  });
});

describe('the header of an executed plan', () => {
  it('names the account, the region and the plan it executed', () => {
    const executedPlan = {
      uri: 's3://bucket/plans/abc.json',
      execution: 'cli-plan-1',
      madeAt: '2026-11-30T09:00:00.000Z',
      etag: '"e"',
      deletesConnection: true,
    };
    const report = reportFixture({
      execution: {
        name: 'exec-1',
        startedAt: '2026-11-30T10:00:00.000Z',
        finishedAt: '2026-11-30T10:05:00.000Z',
        account: '111122223333',
        region: 'eu-west-1',
      },
      executedPlan,
    });
    const text = renderMarkdown(report);
    expect(text).toContain('- Account: 111122223333, region eu-west-1');
    expect(text).toContain('- Executed plan: s3://bucket/plans/abc.json (run cli-plan-1, made 2026-11-30T09:00:00.000Z)');
  });

  it('lists what was deleted', () => {
    const resources = [reportEntry(arns.queue('orders'), 'deleted', { reason: 'deleted with its stack' })];
    expect(renderMarkdown(reportFixture({ resources, summary: summarize(resources) }))).toContain('## Deleted (1)');
  });
});

describe('untrusted text in the Markdown', () => {
  it.each([
    ['a web address', 'see https://evil.example/x', 'https://'],
    ['a www address', 'go to www.evil.example', 'www.'],
    ['a team mention', 'ping @org/security', '@org'],
  ])('is never %s that a ticket would link or notify', (_, text, active) => {
    expect(mdText(text)).not.toContain(active);
  });

  it('keeps an S3 URI and an ARN as they are', () => {
    expect(mdText('s3://bucket/reports/x.json arn:aws:s3:::bucket')).toBe('s3://bucket/reports/x.json arn:aws:s3:::bucket');
  });
});
