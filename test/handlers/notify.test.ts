import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/notify.js';
import {
  CONNECTION_ARN,
  CONNECTION_ID,
  EXECUTION_NAME,
  mockedClients,
  preconditionFailed,
  REPORT_BUCKET,
  s3JsonBody,
  serveObjects,
  storedReport,
  TOPIC_ARN,
} from '../helpers/sdk-fixtures.js';

const [s3, sns, eventBridge] = mockedClients(S3Client, SNSClient, EventBridgeClient);
beforeEach(() => {
  s3.on(PutObjectCommand).resolves({ ETag: '"marker-1"' });
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
});

const REPORT_KEY = `reports/${EXECUTION_NAME}.json`;
const writtenReport = { location: { bucket: REPORT_BUCKET, key: REPORT_KEY }, uri: `s3://${REPORT_BUCKET}/${REPORT_KEY}`, status: 'succeeded' };

const withReadableReports = {
  ...writtenReport,
  markdown: { bucket: REPORT_BUCKET, key: `reports/${EXECUTION_NAME}.md` },
  html: { bucket: REPORT_BUCKET, key: `reports/${EXECUTION_NAME}.html` },
};

const notify = (report: unknown) => handler({ executionName: EXECUTION_NAME, report });
const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const putEntries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);

describe('Notify handler', () => {
  describe('with a written report', () => {
    it('reads the report from the location WriteReport returned', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(writtenReport);
      expect(s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input)).toEqual([{ Bucket: REPORT_BUCKET, Key: REPORT_KEY }]);
    });

    it('publishes one message to the topic, with a subject naming the connection', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(writtenReport);
      expect(published()).toEqual([{ TopicArn: TOPIC_ARN, Subject: expect.stringContaining(CONNECTION_ID), Message: expect.any(String) }]);
    });

    it('links the full report in the message', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(writtenReport);
      expect(published()[0]?.Message).toContain(`s3://${REPORT_BUCKET}/${REPORT_KEY}`);
    });

    it('gives the Markdown and HTML reports WriteReport wrote, by S3 URI and console link in the region the function runs in', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(withReadableReports);
      const message = published()[0]?.Message ?? '';
      expect(message).toContain(`s3://${REPORT_BUCKET}/reports/${EXECUTION_NAME}.md`);
      expect(message).toContain(`https://us-east-1.console.aws.amazon.com/s3/object/${REPORT_BUCKET}?region=us-east-1&prefix=reports%2F${EXECUTION_NAME}.html`);
    });

    it('puts a "Proton Connection Cleanup Completed" event from proton-connection-cleanup on the default bus', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(writtenReport);
      expect(putEntries()).toEqual([
        expect.objectContaining({
          EventBusName: 'default',
          Source: 'proton-connection-cleanup',
          DetailType: 'Proton Connection Cleanup Completed',
          Resources: [CONNECTION_ARN],
        }),
      ]);
    });

    it("puts the report's status, summary and location in the event detail", async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(writtenReport);
      expect(JSON.parse(putEntries()[0]?.Detail ?? '{}')).toMatchObject({
        connectionId: CONNECTION_ID,
        status: 'succeeded',
        summary: { total: 0 },
        report: { bucket: REPORT_BUCKET, key: REPORT_KEY, uri: `s3://${REPORT_BUCKET}/${REPORT_KEY}` },
      });
    });

    it('puts a "Proton Connection Cleanup Failed" event for a failed run, and says FAILED in the subject', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport({ status: 'failed', failure: { error: 'ThrottlingException', message: 'Rate exceeded' } }) });
      await notify(writtenReport);
      expect(putEntries()[0]?.DetailType).toBe('Proton Connection Cleanup Failed');
      expect(published()[0]?.Subject).toContain('FAILED');
    });

    it('returns the message and event ids', async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await expect(notify(writtenReport)).resolves.toEqual({ messageId: 'message-1', eventId: 'event-1', channels: { sns: 'published', events: 'published' } });
    });
    it("puts the Markdown and HTML reports' S3 URIs in the event detail", async () => {
      serveObjects(s3, { [REPORT_KEY]: storedReport() });
      await notify(withReadableReports);
      expect(JSON.parse(putEntries()[0]?.Detail ?? '{}').report).toMatchObject({
        markdown: `s3://${REPORT_BUCKET}/reports/${EXECUTION_NAME}.md`,
        html: `s3://${REPORT_BUCKET}/reports/${EXECUTION_NAME}.html`,
      });
    });
  });

  describe('when even the failure report could not be written', () => {
    const unwritten = { Error: 'AccessDenied', Cause: 'PutObject s3://bucket/reports/x.json: Access Denied' };

    it('still publishes a failure message naming the execution and the error', async () => {
      await notify(unwritten);
      const [message] = published();
      expect(message).toMatchObject({ TopicArn: TOPIC_ARN, Subject: expect.stringContaining(EXECUTION_NAME) });
      expect(message?.Message).toContain('AccessDenied');
      expect(message?.Message).toContain(unwritten.Cause);
    });

    it('still puts a "Proton Connection Cleanup Failed" event', async () => {
      await notify(unwritten);
      expect(putEntries()).toEqual([expect.objectContaining({ Source: 'proton-connection-cleanup', DetailType: 'Proton Connection Cleanup Failed' })]);
    });

    it('keeps the subject under the 100 characters SNS allows, even for the longest execution name (80)', async () => {
      const longestName = 'x'.repeat(80);
      await handler({ executionName: longestName, report: unwritten });
      expect(published()[0]?.Subject).toMatch(/^\[proton-connection-cleanup\] FAILED: execution x+$/);
      expect(published()[0]?.Subject?.length).toBeLessThan(100);
    });

    it('reads nothing from S3 (it only marks the channels)', async () => {
      await notify(unwritten);
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });
  });

  it('throws when PutEvents reports a failed entry', async () => {
    serveObjects(s3, { [REPORT_KEY]: storedReport() });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    await expect(notify(writtenReport)).rejects.toThrow(/PutEvents rejected the completion event: InternalFailure/);
  });

  it('rejects a report that is neither written nor an error as InvalidStateInput, and sends nothing', async () => {
    await expect(notify({ uri: 's3://somewhere' })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(sns.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  describe('at most once per execution and channel (a conditional marker in the report bucket)', () => {
    const markerKey = (channel: string) => `notifications/${EXECUTION_NAME}/${channel}.json`;
    const unwritten = { Error: 'States.TaskFailed', Cause: 'boom' };
    const puts = () => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    const existingMarkers = (state: string) => {
      s3.on(PutObjectCommand).callsFake((input: { IfNoneMatch?: string }) => {
        if (input.IfNoneMatch === '*') throw preconditionFailed();
        return { ETag: '"marker-2"' };
      });
      s3.on(GetObjectCommand).callsFake((input: { Key?: string }) => ({
        Body: s3JsonBody({
          executionName: EXECUTION_NAME,
          channel: input.Key?.includes('/sns') ? 'sns' : 'events',
          state,
          at: '2026-11-25T10:00:00Z',
          id: 'earlier',
        }),
        ETag: '"marker-1"',
      }));
    };

    it('claims each channel with IfNoneMatch "*" before publishing, then records it published with IfMatch', async () => {
      await notify(unwritten);

      expect(puts().filter((p) => p.Key === markerKey('sns'))).toEqual([
        expect.objectContaining({ Bucket: REPORT_BUCKET, IfNoneMatch: '*' }),
        expect.objectContaining({ Bucket: REPORT_BUCKET, IfMatch: '"marker-1"' }),
      ]);
      expect(puts().filter((p) => p.Key === markerKey('events'))).toHaveLength(2);
      expect(JSON.parse(String(puts().at(-1)?.Body))).toMatchObject({ state: 'published', id: 'event-1' });
    });

    it('sends nothing again when an earlier attempt published (a retry after the answer was lost)', async () => {
      existingMarkers('published');
      await expect(notify(unwritten)).resolves.toMatchObject({ channels: { sns: 'already-published', events: 'already-published' } });
      expect(sns.calls()).toHaveLength(0);
      expect(eventBridge.calls()).toHaveLength(0);
    });

    it('sends nothing when an earlier attempt started publishing and its outcome is unknown, and says so', async () => {
      existingMarkers('publishing');
      await expect(notify(unwritten)).resolves.toMatchObject({ channels: { sns: 'unknown', events: 'unknown' } });
      expect(sns.calls()).toHaveLength(0);
    });

    it('publishes again after a refusal: the earlier attempt marked the channel rejected, this one claims it with IfMatch', async () => {
      existingMarkers('rejected');
      await expect(notify(unwritten)).resolves.toMatchObject({ channels: { sns: 'published', events: 'published' } });
      expect(sns.calls()).toHaveLength(1);
      expect(puts().filter((p) => p.Key === markerKey('sns'))[1]).toMatchObject({ IfMatch: '"marker-1"' });
    });

    it('marks the channel rejected when SNS refuses the one attempt (nothing was sent), and fails so the state retries', async () => {
      sns.on(PublishCommand).rejects(new NotFoundException({ message: 'Topic does not exist', $metadata: { httpStatusCode: 404, attempts: 1 } }));
      await expect(notify(unwritten)).rejects.toMatchObject({ name: 'NotFoundException' });
      const marks = puts().filter((p) => p.Key === markerKey('sns'));
      expect(JSON.parse(String(marks.at(-1)?.Body))).toMatchObject({ state: 'rejected' });
      expect(marks.at(-1)).toMatchObject({ IfMatch: '"marker-1"' });
    });

    it('publishes anyway when the report bucket refuses the marker itself (missing, denied, down): a failure must be heard', async () => {
      s3.on(PutObjectCommand).rejects(
        new S3ServiceException({ name: 'NoSuchBucket', message: 'The specified bucket does not exist', $fault: 'client', $metadata: { httpStatusCode: 404 } }),
      );
      await expect(notify(unwritten)).resolves.toMatchObject({ channels: { sns: 'published-unguarded', events: 'published-unguarded' } });
      expect(sns.calls()).toHaveLength(1);
      expect(eventBridge.calls()).toHaveLength(1);
    });

    it('goes on to the other channel when the marker cannot be updated after a publish: the message is out', async () => {
      s3.on(PutObjectCommand).callsFake((input: { IfNoneMatch?: string }) => {
        if (input.IfNoneMatch === '*') return { ETag: '"marker-1"' };
        throw new S3ServiceException({ name: 'AccessDenied', message: 'Access Denied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
      });
      await expect(notify(unwritten)).resolves.toMatchObject({ channels: { sns: 'published', events: 'published' } });
      expect(eventBridge.calls()).toHaveLength(1);
    });

    it('leaves the channel claimed when the outcome is unknown (a network failure): a retry will not send it twice', async () => {
      sns.on(PublishCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      await expect(notify(unwritten)).rejects.toMatchObject({ name: 'NetworkError' });
      expect(puts().filter((p) => p.Key === markerKey('sns'))).toHaveLength(1);
    });
  });
});
