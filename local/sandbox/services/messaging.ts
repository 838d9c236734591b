import { sdkStreamMixin } from '@smithy/core/serde';
import { Readable } from 'node:stream';
import { noSuchBucket, noSuchKey, snsNotFound } from '../service-errors.js';
import type { Operations } from './operations.js';

/** S3 (the report bucket), SNS (the topic) and EventBridge (the bus): just enough to hold what was sent. */
export const s3Operations: Operations = {
  PutObject: (account, input) => {
    const bucket = String(input.Bucket);
    if (!account.buckets.has(bucket)) throw noSuchBucket(bucket);
    account.objects.set(`${bucket}/${String(input.Key)}`, String(input.Body));
    return { ETag: '"sandbox"' };
  },
  GetObject: (account, input) => {
    const key = `${String(input.Bucket)}/${String(input.Key)}`;
    const body = account.objects.get(key);
    if (body === undefined) throw noSuchKey(key);
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])), ContentType: 'application/json' };
  },
};

export const snsOperations: Operations = {
  Publish: (account, input) => {
    const topic = account.topics.get(String(input.TopicArn));
    if (!topic) throw snsNotFound(String(input.TopicArn));
    topic.push({ ...(input.Subject ? { subject: String(input.Subject) } : {}), message: String(input.Message) });
    return { MessageId: `sandbox-message-${topic.length}` };
  },
};

interface PutEventsEntry {
  EventBusName?: string;
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
}

export const eventBridgeOperations: Operations = {
  PutEvents: (account, input) => {
    const entries = (input.Entries as PutEventsEntry[] | undefined) ?? [];
    return {
      FailedEntryCount: 0,
      Entries: entries.map((e) => {
        account.events.push({
          busName: e.EventBusName ?? 'default',
          source: e.Source ?? '',
          detailType: e.DetailType ?? '',
          detail: JSON.parse(e.Detail ?? '{}'),
          resources: e.Resources ?? [],
        });
        return { EventId: `sandbox-event-${account.events.length}` };
      }),
    };
  },
};
