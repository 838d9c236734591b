import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/notify.js';
import {
  CONNECTION_ARN,
  CONNECTION_ID,
  EXECUTION_NAME,
  REPORT_BUCKET,
  TOPIC_ARN,
  mockedClients,
  serveObjects,
  storedReport,
} from '../helpers/sdk-fixtures.js';

const [s3, sns, eventBridge] = mockedClients(S3Client, SNSClient, EventBridgeClient);
beforeEach(() => {
  sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
});

const REPORT_KEY = `reports/${EXECUTION_NAME}.json`;
const writtenReport = { location: { bucket: REPORT_BUCKET, key: REPORT_KEY }, uri: `s3://${REPORT_BUCKET}/${REPORT_KEY}`, status: 'succeeded' };

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
      await expect(notify(writtenReport)).resolves.toEqual({ messageId: 'message-1', eventId: 'event-1' });
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

    it('reads nothing from S3', async () => {
      await notify(unwritten);
      expect(s3.calls()).toHaveLength(0);
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
});
