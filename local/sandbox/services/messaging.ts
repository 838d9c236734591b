import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { noSuchBucket, noSuchKey, snsNotFound } from '../service-errors.js';
import type { Operations } from './operations.js';

/**
 * S3 (the report bucket), SNS (the topic) and EventBridge (the bus): just enough to hold what was sent.
 *
 * The report bucket answers conditional writes as S3 does (S3 User Guide, "How to prevent object
 * overwrites with conditional writes"; PutObject `IfNoneMatch`/`IfMatch`): every write gets a new
 * ETag, GetObject and PutObject answer it, `IfNoneMatch: '*'` on an existing key and `IfMatch` with
 * another ETag answer `412 PreconditionFailed`, `IfMatch` on a missing key `NoSuchKey`. A GetObject
 * with `IfNoneMatch` naming the object's ETag answers `304 Not Modified` (S3 API Reference, GetObject,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
const s3Error = (name: string, message: string, status: number) =>
  new S3ServiceException({
    name,
    message,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'sandbox', attempts: 1, totalRetryDelay: 0 },
  });
const preconditionFailed = (key: string) => s3Error('PreconditionFailed', `At least one of the pre-conditions you specified did not hold: ${key}`, 412);
const s3NotImplemented = (what: string) => s3Error('NotImplemented', `A header you provided implies functionality that is not implemented: ${what}`, 501);

const etags = new WeakMap<object, Map<string, { body: string; etag: string }>>();
let writes = 0;

function etagsOf(account: object): Map<string, { body: string; etag: string }> {
  let map = etags.get(account);
  if (!map) {
    map = new Map();
    etags.set(account, map);
  }
  return map;
}

/** The object's ETag: the one its last PutObject answered, or (an object the scenario put there) one from its content. */
function etagOf(account: { objects: Map<string, string> }, key: string): string | undefined {
  const body = account.objects.get(key);
  if (body === undefined) return undefined;
  const written = etagsOf(account).get(key);
  return written && written.body === body ? written.etag : `"${createHash('md5').update(body).digest('hex')}"`;
}

/** The ETags PutObject answered, by bucket/key, with the body each was answered for (for a snapshot). */
export function writtenEtags(account: object): [string, { body: string; etag: string }][] {
  return [...etagsOf(account)].map(([key, written]) => [key, { ...written }]);
}

export function restoreWrittenEtags(account: object, entries: readonly [string, { body: string; etag: string }][]): void {
  const map = etagsOf(account);
  map.clear();
  for (const [key, written] of entries) map.set(key, { ...written });
}

export const s3Operations: Operations = {
  PutObject: (account, input) => {
    const bucket = String(input.Bucket);
    if (!account.buckets.has(bucket)) throw noSuchBucket(bucket);
    const key = `${bucket}/${String(input.Key)}`;
    const current = etagOf(account, key);
    if (input.IfNoneMatch !== undefined) {
      if (input.IfNoneMatch !== '*') throw s3NotImplemented(`If-None-Match accepts only "*" (got ${String(input.IfNoneMatch)})`);
      if (current !== undefined) throw preconditionFailed(key);
    }
    if (input.IfMatch !== undefined) {
      if (current === undefined) throw noSuchKey(key);
      if (current !== String(input.IfMatch)) throw preconditionFailed(key);
    }
    const body = String(input.Body);
    account.objects.set(key, body);
    // New for every write (what conditional writes need); from the key and a counter, not the body: progress objects are megabytes.
    const etag = `"${createHash('md5').update(`${key}#${++writes}`).digest('hex')}"`;
    etagsOf(account).set(key, { body, etag });
    return { ETag: etag };
  },
  GetObject: (account, input) => {
    const key = `${String(input.Bucket)}/${String(input.Key)}`;
    const body = account.objects.get(key);
    if (body === undefined) throw noSuchKey(key);
    // GetObject If-None-Match: "Return the object only if its entity tag (ETag) is different from the one specified in this header; otherwise, return a 304 Not Modified error."
    if (input.IfNoneMatch !== undefined && String(input.IfNoneMatch) === etagOf(account, key)) throw s3Error('Unknown', 'UnknownError', 304); // as the SDK surfaces it: a 304 has no error body to name it
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])), ContentType: 'application/json', ETag: etagOf(account, key) };
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
