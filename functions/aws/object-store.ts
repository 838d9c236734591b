import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import * as z from '../runtime/zod.js';
import { InvalidStateInputError } from '../runtime/errors.js';
import { s3 } from './clients.js';
import { callAws, hasName } from './error-mapping.js';

/** Inventories, verifications and reports live in S3 and travel through the workflow by reference. */
export const ObjectRefSchema = z.object({ bucket: z.string().min(1), key: z.string().min(1) });
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

export function s3Uri(ref: ObjectRef): string {
  return `s3://${ref.bucket}/${ref.key}`;
}

export async function putJson(ref: ObjectRef, value: unknown): Promise<ObjectRef> {
  await callAws(`PutObject ${s3Uri(ref)}`, () =>
    s3().send(
      new PutObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        Body: JSON.stringify(value, null, 2),
        ContentType: 'application/json',
      }),
    ),
  );
  return ref;
}

export async function getJson<T>(ref: ObjectRef, schema: z.ZodType<T>): Promise<T> {
  const out = await callAws(`GetObject ${s3Uri(ref)}`, () => s3().send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key })));
  const text = (await out.Body?.transformToString()) ?? '';
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new InvalidStateInputError(`${s3Uri(ref)} does not hold what was expected: ${parsed.error.message}`);
  return parsed.data;
}

/**
 * The object, or undefined when there is none. The caller's role may list the bucket, so S3
 * answers a missing key with NoSuchKey; AccessDenied is a real denial and is not hidden.
 */
export async function getJsonIfExists<T>(ref: ObjectRef, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    return await getJson(ref, schema);
  } catch (error) {
    if (hasName(error, 'NoSuchKey')) return undefined;
    throw error;
  }
}

/** Keys are per execution, so a re-run never overwrites an earlier run's record. */
export function executionKey(executionName: string, file: string): string {
  return `executions/${executionName}/${file}`;
}
