import { clock } from '../runtime/clock.js';
import * as z from '../runtime/zod.js';
import { getJsonWithEtag, type ObjectRef, putJsonIf } from './object-store.js';

/**
 * At most one message per execution and channel, however often Notify is retried.
 *
 * Before publishing, the attempt *claims* the channel with a conditional write of a marker
 * `notifications/<execution>/<channel>.json` (`IfNoneMatch: '*'`: S3 answers 412 when the key
 * exists). Only the attempt whose write succeeds publishes. Then:
 * - published: the marker says so (`published`, with the message or event id);
 * - the service *refused* the publish (a 4xx answer on the first and only attempt: nothing was
 *   sent): the marker says `rejected`, and the next attempt claims it again (`IfMatch` on its ETag);
 * - the outcome is unknown (network failure, 5xx, SDK retries, Lambda timed out mid-call): the
 *   marker stays `publishing`, and every later attempt skips the channel and says `unknown`.
 * So a message is never sent twice; it can be lost only when an attempt's outcome is unknown,
 * and then the Notify result and the log say so. One exception, so that a failure is always
 * heard: when the marker cannot be written at all (the bucket is missing, denied or down), the
 * attempt publishes unguarded, and a retry may send the message again.
 */
type Channel = 'sns' | 'events';

const MarkerSchema = z.object({
  executionName: z.string(),
  channel: z.string(),
  state: z.enum(['publishing', 'published', 'rejected']),
  at: z.string(),
  id: z.string().optional(),
  error: z.string().optional(),
});
type Marker = z.infer<typeof MarkerSchema>;

type ChannelOutcome =
  | { channel: Channel; outcome: 'published'; id?: string }
  /** The marker could not be written: sent anyway (a failure must be heard), so a retry may send it again. */
  | { channel: Channel; outcome: 'published-unguarded'; reason: string; id?: string }
  | { channel: Channel; outcome: 'already-published'; id?: string }
  | { channel: Channel; outcome: 'unknown'; reason: string };

export function markerRef(bucket: string, executionName: string, channel: Channel): ObjectRef {
  return { bucket, key: `notifications/${executionName}/${channel}.json` };
}

/** The SDK error inside a workflow error (callAws keeps it as the cause). */
function sdkErrorOf(error: unknown): { $metadata?: { httpStatusCode?: number; attempts?: number } } | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if ('$metadata' in e) return e as { $metadata?: { httpStatusCode?: number; attempts?: number } };
  }
  return undefined;
}

/** Nothing was sent: the service answered 4xx to the one attempt made, or refused the entry (PutEvents' FailedEntryCount). */
function definitelyNotSent(error: unknown): boolean {
  if (error instanceof Error && (error as { entryRejected?: unknown }).entryRejected === true) return true;
  const status = sdkErrorOf(error)?.$metadata?.httpStatusCode;
  const attempts = sdkErrorOf(error)?.$metadata?.attempts ?? 1;
  return status !== undefined && status >= 400 && status < 500 && attempts <= 1;
}

export async function publishOnce(
  ref: ObjectRef,
  executionName: string,
  channel: Channel,
  publish: () => Promise<string | undefined>,
  now: () => Date = () => new Date(clock.now()),
): Promise<ChannelOutcome> {
  const marker = (state: Marker['state'], extra: Partial<Marker> = {}): Marker => ({ executionName, channel, state, at: now().toISOString(), ...extra });

  let claim: Awaited<ReturnType<typeof putJsonIf>>;
  try {
    claim = await putJsonIf(ref, marker('publishing'), { ifNoneMatch: '*' });
  } catch (error) {
    // The report bucket cannot take the marker (missing, denied, unavailable): people must still
    // hear, so this attempt publishes unguarded. A retry may then send it twice; never none.
    const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : String(error).slice(0, 300);
    const id = await publish();
    return { channel, outcome: 'published-unguarded', reason, ...(id ? { id } : {}) };
  }
  if (!claim.written) {
    const existing = await getJsonWithEtag(ref, MarkerSchema);
    if (existing?.value.state === 'published') return { channel, outcome: 'already-published', ...(existing.value.id ? { id: existing.value.id } : {}) };
    if (existing?.value.state === 'publishing') {
      return { channel, outcome: 'unknown', reason: `an earlier attempt (${existing.value.at}) started publishing and its outcome is unknown: not sent again` };
    }
    claim = existing
      ? await putJsonIf(ref, marker('publishing'), { ifMatch: existing.etag })
      : await putJsonIf(ref, marker('publishing'), { ifNoneMatch: '*' });
    if (!claim.written) return { channel, outcome: 'unknown', reason: 'another attempt claimed this channel at the same moment: not sent by this one' };
  }

  let id: string | undefined;
  try {
    id = await publish();
  } catch (error) {
    if (definitelyNotSent(error)) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
      // Best effort: if this cannot be recorded, a retry finds `publishing` and sends nothing (not twice, at worst never).
      await putJsonIf(ref, marker('rejected', { error: reason }), { ifMatch: claim.etag }).catch(() => undefined);
    }
    throw error;
  }
  // Recorded for the reader, best effort: a retry that finds `publishing` instead skips the channel all
  // the same, and the message is out: a failure to record it must not stop the other channel.
  await putJsonIf(ref, marker('published', id ? { id } : {}), { ifMatch: claim.etag }).catch(() => undefined);
  return { channel, outcome: 'published', ...(id ? { id } : {}) };
}
