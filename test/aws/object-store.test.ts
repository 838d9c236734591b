import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { getJsonIfExistsRemembered, putJsonRemembered } from '../../functions/aws/object-store.js';
import * as z from '../../functions/runtime/zod.js';
import { mockedClients } from '../helpers/sdk/clients.js';
import { REPORT_BUCKET } from '../helpers/sdk/constants.js';
import { s3JsonBody } from '../helpers/sdk/s3.js';

const [s3] = mockedClients(S3Client);
const RoundSchema = z.object({ round: z.number() });

let keys = 0;
/** A key of its own per test: what putJsonRemembered remembers lives as long as the process. */
const freshRef = () => ({ bucket: REPORT_BUCKET, key: `executions/remembered-${++keys}/progress.json` });

/**
 * S3's answer to a GetObject whose If-None-Match names the object's ETag: 304 Not Modified, which
 * the SDK throws (named "304" by some versions, "NotModified" by others: aws/aws-sdk-js-v3#5860).
 */
const notModified = () => new S3ServiceException({ name: '304', message: 'UnknownError', $fault: 'client', $metadata: { httpStatusCode: 304 } });

const getInputs = () => s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input);

describe('progress remembered across warm rounds (putJsonRemembered, getJsonIfExistsRemembered)', () => {
  it('asks S3 for the object only if it changed since this process wrote it, and hands back the value written when it did not', async () => {
    const ref = freshRef();
    const written = { round: 3 };
    s3.on(PutObjectCommand).resolves({ ETag: '"written-3"' });
    s3.on(GetObjectCommand).rejects(notModified());

    await putJsonRemembered(ref, written);
    const read = await getJsonIfExistsRemembered(ref, RoundSchema);

    expect(getInputs()).toEqual([{ Bucket: ref.bucket, Key: ref.key, IfNoneMatch: '"written-3"' }]);
    expect(read).toBe(written);
  });

  it('reads, parses and checks the object when S3 holds a newer one than this process wrote', async () => {
    const ref = freshRef();
    s3.on(PutObjectCommand).resolves({ ETag: '"written-3"' });
    s3.on(GetObjectCommand).resolves({ Body: s3JsonBody({ round: 4 }), ETag: '"written-4"' });

    await putJsonRemembered(ref, { round: 3 });

    await expect(getJsonIfExistsRemembered(ref, RoundSchema)).resolves.toEqual({ round: 4 });
  });

  it('refuses a newer object that does not hold what was expected, whatever it remembered', async () => {
    const ref = freshRef();
    s3.on(PutObjectCommand).resolves({ ETag: '"written-3"' });
    s3.on(GetObjectCommand).resolves({ Body: s3JsonBody({ round: 'four' }), ETag: '"written-4"' });

    await putJsonRemembered(ref, { round: 3 });

    await expect(getJsonIfExistsRemembered(ref, RoundSchema)).rejects.toMatchObject({
      name: 'InvalidStateInput',
      message: expect.stringContaining('does not hold what was expected'),
    });
  });

  it('reads without a condition what it never wrote (a cold Lambda)', async () => {
    const ref = freshRef();
    s3.on(GetObjectCommand).resolves({ Body: s3JsonBody({ round: 7 }), ETag: '"someone"' });

    await expect(getJsonIfExistsRemembered(ref, RoundSchema)).resolves.toEqual({ round: 7 });
    expect(getInputs()).toEqual([{ Bucket: ref.bucket, Key: ref.key }]);
  });

  it('forgets a value written with remember: false (a finished cleanup is not read again)', async () => {
    const ref = freshRef();
    s3.on(PutObjectCommand).resolves({ ETag: '"written-9"' });
    s3.on(GetObjectCommand).resolves({ Body: s3JsonBody({ round: 9 }), ETag: '"written-9"' });

    await putJsonRemembered(ref, { round: 8 });
    await putJsonRemembered(ref, { round: 9 }, { remember: false });
    await getJsonIfExistsRemembered(ref, RoundSchema);

    expect(getInputs()).toEqual([{ Bucket: ref.bucket, Key: ref.key }]);
  });

  it('remembers only the few keys written last: an older one is read without a condition', async () => {
    const refs = Array.from({ length: 5 }, freshRef);
    s3.on(PutObjectCommand).resolves({ ETag: '"written"' });
    s3.on(GetObjectCommand).rejects(notModified());
    for (const ref of refs) await putJsonRemembered(ref, { round: 1 });

    await expect(getJsonIfExistsRemembered(refs[0] as (typeof refs)[0], RoundSchema)).rejects.toMatchObject({ $metadata: { httpStatusCode: 304 } });
    await expect(getJsonIfExistsRemembered(refs[4] as (typeof refs)[0], RoundSchema)).resolves.toEqual({ round: 1 });
    expect(getInputs().map((input) => input.IfNoneMatch)).toEqual([undefined, '"written"']);
  });

  it('forgets a value whose write failed: the next read takes nothing for granted', async () => {
    const ref = freshRef();
    s3.on(PutObjectCommand).resolvesOnce({ ETag: '"written-1"' }).rejects(new Error('socket hang up'));
    s3.on(GetObjectCommand).resolves({ Body: s3JsonBody({ round: 1 }), ETag: '"written-1"' });

    await putJsonRemembered(ref, { round: 1 });
    await expect(putJsonRemembered(ref, { round: 2 })).rejects.toThrow('socket hang up');
    await getJsonIfExistsRemembered(ref, RoundSchema);

    expect(getInputs()).toEqual([{ Bucket: ref.bucket, Key: ref.key }]);
  });
});
