import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { sandboxOf, send, UNTIMED } from './fixtures.js';

/**
 * S3 conditional writes in the report bucket, as the S3 User Guide ("How to prevent object
 * overwrites with conditional writes") and the PutObject reference (IfNoneMatch, IfMatch) describe:
 * `If-None-Match: *` writes only when no object has the key, else 412 Precondition Failed;
 * `If-Match: <ETag>` writes only when the object's ETag is that one, else 412; an ETag
 * reflects the object's content and changes with every write.
 */
const Bucket = LOCAL_RESOURCES.reportBucket;
const Key = 'leases/environment/444455556666/payments-prod.json';
const etagOf = (output: unknown) => (output as { ETag?: string }).ETag;

describe('S3 conditional writes (report bucket)', () => {
  it('If-None-Match: * creates the object once; a second such write answers PreconditionFailed and changes nothing', async () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const first = send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"a"}', IfNoneMatch: '*' });
    const second = send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"b"}', IfNoneMatch: '*' });

    expect(first.error).toBeUndefined();
    expect(etagOf(first.output)).toEqual(expect.any(String));
    expect(second.error).toBe('PreconditionFailed');
    const { output } = send(sandbox, 's3:GetObject', { Bucket, Key });
    expect(await (output as { Body: { transformToString(): Promise<string> } }).Body.transformToString()).toBe('{"holder":"a"}');
  });

  it('GetObject answers the ETag PutObject answered; If-Match with it overwrites, and the object gets a new ETag', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const created = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"a"}' }).output);
    expect(etagOf(send(sandbox, 's3:GetObject', { Bucket, Key }).output)).toBe(created);

    const replaced = send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"b"}', IfMatch: created });
    expect(replaced.error).toBeUndefined();
    expect(etagOf(replaced.output)).not.toBe(created);
    expect(etagOf(send(sandbox, 's3:GetObject', { Bucket, Key }).output)).toBe(etagOf(replaced.output));
  });

  it('If-Match with an ETag the object no longer has answers PreconditionFailed (the first of two racing writers wins)', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const seen = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"gone"}' }).output);

    expect(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"a"}', IfMatch: seen }).error).toBeUndefined();
    expect(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"holder":"b"}', IfMatch: seen }).error).toBe('PreconditionFailed');
  });

  it('a new ETag even when the same content is written again (an ETag names a write, not only a content)', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const first = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"same":true}' }).output);
    const second = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"same":true}', IfMatch: first }).output);

    expect(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"same":true}', IfMatch: first }).error).toBe('PreconditionFailed');
    expect(second).toBeDefined();
  });

  it('GetObject If-None-Match with the ETag the object still has answers 304 Not Modified; with an older one, the object', async () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const first = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"round":1}' }).output);
    expect(send(sandbox, 's3:GetObject', { Bucket, Key, IfNoneMatch: first }).error).toBe('Unknown');

    const second = etagOf(send(sandbox, 's3:PutObject', { Bucket, Key, Body: '{"round":2}' }).output);
    const { output, error } = send(sandbox, 's3:GetObject', { Bucket, Key, IfNoneMatch: first });
    expect(error).toBeUndefined();
    expect(etagOf(output)).toBe(second);
    expect(await (output as { Body: { transformToString(): Promise<string> } }).Body.transformToString()).toBe('{"round":2}');
  });

  it('If-Match on a key with no object answers NoSuchKey', () => {
    expect(send(sandboxOf({ timing: UNTIMED }), 's3:PutObject', { Bucket, Key, Body: '{}', IfMatch: '"abc"' }).error).toBe('NoSuchKey');
  });
});
