import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Notification } from '../domain/notification.js';
import { eventBridge, sns } from './clients.js';
import { callAws } from './error-mapping.js';
import { markerRef, publishOnce } from './publish-once.js';

/** People get an SNS message; machines get an EventBridge event. */
export async function publishToTopic(topicArn: string, subject: string, message: string): Promise<string | undefined> {
  const out = await callAws(`Publish ${topicArn}`, () =>
    sns().send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message })),
  );
  return out.MessageId;
}

interface CompletionEvent {
  busName: string;
  source: string;
  detailType: string;
  resources: string[];
  detail: unknown;
}

export async function putEvent(event: CompletionEvent): Promise<string | undefined> {
  const out = await callAws(`PutEvents ${event.busName}`, () =>
    eventBridge().send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: event.busName,
            Source: event.source,
            DetailType: event.detailType,
            Resources: event.resources,
            Detail: JSON.stringify(event.detail),
          },
        ],
      }),
    ),
  );
  const entry = out.Entries?.[0];
  if (out.FailedEntryCount || entry?.ErrorCode) {
    // Refused, not sent: a retry may send it (publish-once.ts reads entryRejected).
    throw Object.assign(new Error(`PutEvents rejected the completion event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim()), {
      entryRejected: true,
    });
  }
  return entry?.EventId;
}

/** Where a deployment notifies: its topic and bus, and the bucket that keeps the at-most-once markers. */
export interface NotificationChannels {
  bucket: string;
  topicArn: string;
  busName: string;
  source: string;
}

/** The notification on both channels, each at most once for `name` however often this is retried (publish-once.ts). */
export async function notifyOnce(channels: NotificationChannels, name: string, notification: Notification) {
  const sns = await publishOnce(markerRef(channels.bucket, name, 'sns'), name, 'sns', () =>
    publishToTopic(channels.topicArn, notification.subject, notification.message),
  );
  const events = await publishOnce(markerRef(channels.bucket, name, 'events'), name, 'events', () =>
    putEvent({
      busName: channels.busName,
      source: channels.source,
      detailType: notification.detailType,
      resources: notification.resources,
      detail: notification.detail,
    }),
  );
  return { sns, events };
}
