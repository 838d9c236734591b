import { describe, expect, it } from 'vitest';
import { type CompletionDetail, composeBareFailure, composeNotification, s3ConsoleLink } from '../../functions/domain/notification.js';
import { arns, CONNECTION_ID, cleanupRequest, connectionFacts, ENV, reportEntry, reportFixture } from '../helpers/domain-fixtures.js';

const location = { bucket: 'proton-connection-cleanup-reports', key: 'reports/exec-1.json' };
const uri = 's3://proton-connection-cleanup-reports/reports/exec-1.json';
/** The Markdown and HTML reports WriteReport puts beside the JSON. */
const readable = {
  markdown: { bucket: location.bucket, key: 'reports/exec-1.md' },
  html: { bucket: location.bucket, key: 'reports/exec-1.html' },
  region: 'eu-west-1',
};

const mixedResources = [
  reportEntry(arns.bucket('a'), 'deleted'),
  reportEntry(arns.bucket('b'), 'deleted'),
  reportEntry(arns.bucket('c'), 'already-absent'),
  reportEntry(arns.bucket('d'), 'retained', { reason: 'kept by its DeletionPolicy' }),
  reportEntry(arns.bucket('e'), 'failed', { error: 'DELETE_FAILED: bucket not empty' }),
];

describe('composeNotification', () => {
  it('names the connection and the verdict in the subject', () => {
    expect(composeNotification(reportFixture(), location).subject).toBe(`[proton-connection-cleanup] done: connection ${CONNECTION_ID}`);
  });

  it('says a plan run has its plan ready', () => {
    const report = reportFixture({ mode: 'plan', request: cleanupRequest({ mode: 'plan' }) });
    expect(composeNotification(report, location).subject).toContain('plan ready');
  });

  it('says FAILED when the run failed', () => {
    const report = reportFixture({ status: 'failed', failure: { error: 'ThrottlingException', message: 'Rate exceeded' } });
    expect(composeNotification(report, location).subject).toContain('FAILED');
  });

  it('names the mode, the environment and the connection outcome in the message', () => {
    const { message } = composeNotification(reportFixture({ resources: mixedResources }), location);
    expect(message).toContain(`connection ${CONNECTION_ID}`);
    expect(message).toContain('Mode: execute');
    expect(message).toContain(`Environment: ${ENV}`);
    expect(message).toContain('Connection: deleted after 1 attempt(s)');
  });

  it('gives the counts of each outcome in the message', () => {
    const { message } = composeNotification(reportFixture({ resources: mixedResources }), location);
    expect(message).toContain('Resources: 5 total: 2 deleted, 1 already absent, 1 retained, 1 failed, 0 planned.');
  });

  it('lists the failures with their reasons', () => {
    const resources = [...mixedResources, reportEntry(arns.queue('orders'), 'failed', { reason: 'its stack was not deleted' })];
    const { message } = composeNotification(reportFixture({ resources }), location);
    expect(message).toContain(`- ${arns.bucket('e')}: DELETE_FAILED: bucket not empty`);
    expect(message).toContain(`- ${arns.queue('orders')}: its stack was not deleted`);
    expect(message).not.toContain(arns.bucket('d'));
  });

  it('gives each failure its next step, and the connection its own when its deletion failed', () => {
    const resources = [reportEntry(arns.bucket('e'), 'failed', { error: 'DELETE_FAILED: bucket not empty', nextStep: 'add s3:bucket to deleteTypes' })];
    const connection = { ...reportFixture().connection, outcome: 'failed' as const, error: 'ConflictException: busy', nextStep: 'wait, then re-run' };
    const lines = composeNotification(reportFixture({ resources, connection }), location).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `- ${arns.bucket('e')}: DELETE_FAILED: bucket not empty`,
        '  Next step: add s3:bucket to deleteTypes',
        '  Next step: wait, then re-run',
      ]),
    );
  });

  it('lists at most 20 failures, then says how many more the report holds', () => {
    const resources = Array.from({ length: 23 }, (_, i) => reportEntry(arns.bucket(`failed-${i}`), 'failed', { error: `reason ${i}` }));
    const lines = composeNotification(reportFixture({ resources }), location).message.split('\n');
    expect(lines.filter((line) => line.startsWith('- '))).toHaveLength(20);
    expect(lines).toContain('...and 3 more in the report.');
  });

  it('has no failures section when nothing failed', () => {
    const { message } = composeNotification(reportFixture({ resources: [reportEntry(arns.bucket('a'), 'deleted')] }), location);
    expect(message).not.toContain('Failures:');
    expect(message).not.toContain('more in the report');
  });

  it('says why the run failed', () => {
    const report = reportFixture({ status: 'failed', failure: { error: 'ThrottlingException', message: 'Rate exceeded' } });
    expect(composeNotification(report, location).message).toContain('The run failed: ThrottlingException: Rate exceeded');
  });

  it('points to the full report', () => {
    expect(composeNotification(reportFixture(), location).message).toContain(`Full report: ${uri}`);
  });

  it('sends a Completed event for a run that succeeded', () => {
    expect(composeNotification(reportFixture(), location).detailType).toBe('Proton Connection Cleanup Completed');
  });

  it('sends a Failed event for a run that failed', () => {
    expect(composeNotification(reportFixture({ status: 'failed' }), location).detailType).toBe('Proton Connection Cleanup Failed');
  });

  it('puts the summary, the outcome and the report location in the event detail', () => {
    const report = reportFixture({ resources: mixedResources });
    expect(composeNotification(report, location).detail).toEqual({
      connectionId: CONNECTION_ID,
      mode: 'execute',
      status: 'succeeded',
      connectionOutcome: 'deleted',
      summary: report.summary,
      report: { uri, bucket: location.bucket, key: location.key },
    });
  });

  it('gives the Markdown and HTML reports in the message, each by S3 URI and S3 console link', () => {
    const lines = composeNotification(reportFixture(), location, readable).message.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Summary (Markdown): s3://proton-connection-cleanup-reports/reports/exec-1.md',
        '  https://eu-west-1.console.aws.amazon.com/s3/object/proton-connection-cleanup-reports?region=eu-west-1&prefix=reports%2Fexec-1.md',
        'Report (HTML: timeline, table, failures): s3://proton-connection-cleanup-reports/reports/exec-1.html',
        '  https://eu-west-1.console.aws.amazon.com/s3/object/proton-connection-cleanup-reports?region=eu-west-1&prefix=reports%2Fexec-1.html',
      ]),
    );
  });

  it("puts the Markdown and HTML reports' S3 URIs in the event detail", () => {
    const detail = composeNotification(reportFixture(), location, readable).detail as CompletionDetail;
    expect(detail.report).toEqual({
      uri,
      ...location,
      markdown: 's3://proton-connection-cleanup-reports/reports/exec-1.md',
      html: 's3://proton-connection-cleanup-reports/reports/exec-1.html',
    });
  });

  it('puts the failure in the event detail of a failed run', () => {
    const failure = { error: 'ThrottlingException', message: 'Rate exceeded' };
    const detail = composeNotification(reportFixture({ status: 'failed', failure }), location).detail as CompletionDetail;
    expect(detail.failure).toEqual(failure);
  });

  it("names the connection's ARN as the event's resource when it is known", () => {
    expect(composeNotification(reportFixture(), location).resources).toEqual([connectionFacts().arn]);
    const withoutArn = reportFixture({ connection: { id: CONNECTION_ID, outcome: 'not-attempted' } });
    expect(composeNotification(withoutArn, location).resources).toEqual([]);
  });

  it('speaks of a rejected request when the run never learnt the connection id', () => {
    const report = reportFixture({ status: 'failed', request: null, mode: undefined, connection: { outcome: 'not-attempted' } });
    const notification = composeNotification(report, location);
    expect(notification.subject).toContain('a rejected request');
    expect(notification.message).toContain('Mode: unknown');
    expect((notification.detail as CompletionDetail).connectionId).toBeNull();
  });
});

describe('composeBareFailure', () => {
  it('names the execution and the error when no report could be written', () => {
    const notification = composeBareFailure('exec-1', { Error: 'S3.AccessDenied', Cause: 'Access Denied' });
    expect(notification.subject).toBe('[proton-connection-cleanup] FAILED: execution exec-1');
    expect(notification.message).toContain('Error: S3.AccessDenied');
    expect(notification.message).toContain('Cause: Access Denied');
    expect(notification.message).toContain('report could not be written');
  });

  it('says when the error came without a cause', () => {
    expect(composeBareFailure('exec-1', { Error: 'States.Runtime' }).message).toContain('Cause: none given');
  });

  it('sends a Failed event without a report', () => {
    const notification = composeBareFailure('exec-1', { Error: 'S3.AccessDenied' });
    expect(notification.detailType).toBe('Proton Connection Cleanup Failed');
    expect(notification.resources).toEqual([]);
    expect(notification.detail).toEqual({ executionName: 'exec-1', status: 'failed', error: 'S3.AccessDenied', report: null });
  });
});

describe('s3ConsoleLink', () => {
  it("links the object's page in its region's S3 console, the key URL-encoded", () => {
    expect(s3ConsoleLink({ bucket: 'reports-bucket', key: 'reports/a b+c.html' }, 'us-west-2')).toBe(
      'https://us-west-2.console.aws.amazon.com/s3/object/reports-bucket?region=us-west-2&prefix=reports%2Fa%20b%2Bc.html',
    );
  });
});

describe('a decommission notice (the plan the daily schedule will execute)', () => {
  const notice = () =>
    reportFixture({
      mode: 'plan',
      request: cleanupRequest({
        mode: 'plan',
        trigger: { type: 'event', source: 'proton-connection-cleanup', detailType: 'Proton Connection Decommission Notice', eventId: 'scheduled-notice-x' },
      }),
    });

  it('says it is a notice in the subject', () => {
    expect(composeNotification(notice(), location).subject).toContain('decommission notice, plan ready');
  });

  it('says the schedule executes exactly this plan on the date, and how to call it off', () => {
    expect(composeNotification(notice(), location).message).toContain('executes exactly this plan on the decommission date');
  });
});
