import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ObjectRef } from '../domain/object-ref.js';
import { InternalServerError, UnreadableObjectError } from '../runtime/errors.js';
import type * as z from '../runtime/zod.js';
import { s3 } from './clients.js';
import { callAws, hasName, isNotModified } from './error-mapping.js';

/** Inventories, verifications and reports live in S3 and travel through the workflow by reference. */
export type { ObjectRef } from '../domain/object-ref.js';

export function s3Uri(ref: ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

/**
 * How JSON is written: `compact` for what the functions hand each other (a cleanup's progress of
 * 20,000 stacks is written every round: indentation would add a third to it), `readable` for the
 * report people open.
 */
export type JsonLayout = 'compact' | 'readable';

/** A PutObject of the value as JSON; with a condition, a conditional write (putJsonIf). */
function putJsonCommand(ref: ObjectRef, value: unknown, condition?: WriteCondition, layout: JsonLayout = 'compact'): PutObjectCommand {
  return new PutObjectCommand({
    Bucket: ref.bucket,
    Key: ref.key,
    Body: layout === 'readable' ? JSON.stringify(value, null, 2) : JSON.stringify(value),
    ContentType: 'application/json',
    ...(condition && ('ifNoneMatch' in condition ? { IfNoneMatch: condition.ifNoneMatch } : { IfMatch: condition.ifMatch })),
  });
}

export async function putJson(ref: ObjectRef, value: unknown, layout: JsonLayout = 'compact'): Promise<ObjectRef> {
  await callAws(`PutObject ${s3Uri(ref)}`, () => s3().send(putJsonCommand(ref, value, undefined, layout)));
  return ref;
}

/** The content types of the reports people read, with their charset (S3 serves them as given). */
export const TEXT_TYPES = { markdown: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8' } as const;

/** A PutObject of text (a Markdown or HTML report) with its content type. */
export async function putText(ref: ObjectRef, text: string, contentType: string): Promise<ObjectRef> {
  await callAws(`PutObject ${s3Uri(ref)}`, () => s3().send(new PutObjectCommand({ Bucket: ref.bucket, Key: ref.key, Body: text, ContentType: contentType })));
  return ref;
}

/** The object, parsed and checked against the schema, with its ETag. `ifNoneMatch`: S3 answers 304 Not Modified (an error) if that is still its ETag. */
async function readJson<T>(ref: ObjectRef, schema: z.ZodType<T>, ifNoneMatch?: string): Promise<{ value: T; etag: string }> {
  const out = await callAws(`GetObject ${s3Uri(ref)}`, () =>
    s3().send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}) })),
  );
  const text = (await out.Body?.transformToString()) ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UnreadableObjectError(`${s3Uri(ref)} is not JSON: ${(error as Error).message}`, out.ETag ?? '');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UnreadableObjectError(`${s3Uri(ref)} does not hold what was expected: ${parsed.error.message}`, out.ETag ?? '');
  return { value: parsed.data, etag: out.ETag ?? '' };
}

export async function getJson<T>(ref: ObjectRef, schema: z.ZodType<T>): Promise<T> {
  return (await readJson(ref, schema)).value;
}

/**
 * The object, or undefined when there is none. The caller's role may list the bucket, so S3
 * answers a missing key with NoSuchKey; AccessDenied is a real denial and is not hidden.
 */
export async function getJsonIfExists<T>(ref: ObjectRef, schema: z.ZodType<T>): Promise<T | undefined> {
  return (await getJsonWithEtag(ref, schema))?.value;
}

export { executionKey } from '../domain/object-keys.js';

/**
 * Conditional writes (S3 User Guide, "How to prevent object overwrites with conditional writes",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html; PutObject
 * `IfNoneMatch`/`IfMatch`): `ifNoneMatch: '*'` writes only if no object has the key, `ifMatch`
 * only if the object's ETag is the one given. S3 answers `412 PreconditionFailed` otherwise (and
 * `NoSuchKey` for `ifMatch` on a key that does not exist); both mean "someone else's write is
 * there": `{ written: false }`. A `409 ConditionalRequestConflict` (a conflicting write in
 * flight) is retried at once, as the PutObject reference advises, then reported as transient.
 */
type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string };
type ConditionalWrite = { written: true; etag: string } | { written: false };

const CONFLICT_ATTEMPTS = 3;

export async function putJsonIf(ref: ObjectRef, value: unknown, condition: WriteCondition): Promise<ConditionalWrite> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await callAws(`PutObject ${s3Uri(ref)} (conditional)`, () => s3().send(putJsonCommand(ref, value, condition)));
      return { written: true, etag: out.ETag ?? '' };
    } catch (error) {
      if (hasName(error, 'PreconditionFailed') || ('ifMatch' in condition && hasName(error, 'NoSuchKey'))) return { written: false };
      if (!hasName(error, 'ConditionalRequestConflict')) throw error;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw new InternalServerError(
          `PutObject ${s3Uri(ref)}: a conflicting write was in progress ${CONFLICT_ATTEMPTS} times (409 ConditionalRequestConflict)`,
          { cause: error },
        );
      }
    }
  }
}

/**
 * The object and its ETag (what a later `ifMatch` write names), or undefined when there is none.
 * `ifNoneMatch`: S3 answers 304 Not Modified (thrown) if that is still its ETag.
 */
export async function getJsonWithEtag<T>(ref: ObjectRef, schema: z.ZodType<T>, ifNoneMatch?: string): Promise<{ value: T; etag: string } | undefined> {
  try {
    return await readJson(ref, schema, ifNoneMatch);
  } catch (error) {
    if (hasName(error, 'NoSuchKey')) return undefined;
    throw error;
  }
}

/**
 * What this process last wrote at a key with putJsonRemembered, with the ETag S3 gave the write: a
 * warm Lambda's next round reads the object again only if it changed since (GetObject
 * If-None-Match; S3 answers 304 Not Modified), instead of reading, parsing and checking the
 * megabytes of a large cleanup's progress every round. For objects one writer keeps (an
 * execution's own progress); what is remembered is never changed in place.
 */
const remembered = new Map<string, { etag: string; value: unknown }>();
/** Keys remembered at most, the most recently written: a warm Lambda serves few executions at a time, and a large progress is megabytes. */
const REMEMBERED_KEYS = 4;

function rememberAt(uri: string, entry: { etag: string; value: unknown }): void {
  remembered.delete(uri);
  remembered.set(uri, entry);
  for (const oldest of remembered.keys()) {
    if (remembered.size <= REMEMBERED_KEYS) break;
    remembered.delete(oldest);
  }
}

/** putJson (compact), remembering the value under the ETag S3 answered; `remember: false` forgets the key (its last write). */
export async function putJsonRemembered(ref: ObjectRef, value: unknown, { remember = true }: { remember?: boolean } = {}): Promise<ObjectRef> {
  const uri = s3Uri(ref);
  remembered.delete(uri);
  const out = await callAws(`PutObject ${uri}`, () => s3().send(putJsonCommand(ref, value)));
  // No ETag (not S3 as documented, or a stub): nothing is remembered, the next read reads.
  if (remember && out?.ETag) rememberAt(uri, { etag: out.ETag, value });
  return ref;
}

/** getJsonIfExists, but the value putJsonRemembered wrote when S3 says the object has not changed since. */
export async function getJsonIfExistsRemembered<T>(ref: ObjectRef, schema: z.ZodType<T>): Promise<T | undefined> {
  const uri = s3Uri(ref);
  const known = remembered.get(uri);
  let read: { value: T; etag: string } | undefined;
  try {
    read = await getJsonWithEtag(ref, schema, known?.etag);
  } catch (error) {
    // Not modified since this process wrote it: the very value written (checked by its type when written).
    if (known && isNotModified(error)) return known.value as T;
    remembered.delete(uri);
    throw error;
  }
  if (read) rememberAt(uri, read);
  else remembered.delete(uri);
  return read?.value;
}
