import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import { answerFromSandbox, useSandbox } from '../../local/sandbox/interceptor.js';
import { fault } from '../helpers/scenarios.js';
import { sandboxOf } from './fixtures.js';

/**
 * Network faults (`ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`, and `unreachable`, the same as
 * ENOTFOUND) reach a real SDK client as Node's HTTP stack reports them: a plain Error with the
 * system error code. What the SDK's standard retry strategy then does is decided by the
 * installed @smithy/core retry classification (isTransientError): ECONNRESET and ETIMEDOUT are
 * in its NODEJS_TIMEOUT_ERROR_CODES, ENOTFOUND in its NODEJS_NETWORK_ERROR_CODES (since
 * @smithy/core 3.x; the stand-alone @smithy/service-error-classification 2.x, installed only for
 * aws-xray-sdk-core, does not list it). These tests pin what the installed SDK does.
 */
const MAX_ATTEMPTS = 3;

function client(): CloudFormationClient {
  const cloudFormation = new CloudFormationClient({
    region: 'us-east-1',
    maxAttempts: MAX_ATTEMPTS,
    credentials: { accessKeyId: 'AKIDSANDBOX', secretAccessKey: 'sandbox' },
  });
  answerFromSandbox([cloudFormation]);
  return cloudFormation;
}

afterEach(() => useSandbox(undefined));

describe.each(['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'] as const)('a %s fault on every call', (kind) => {
  it(`is retried by the SDK's standard strategy up to maxAttempts (${MAX_ATTEMPTS} calls), then thrown`, async () => {
    const sandbox = sandboxOf({ faults: [fault('DescribeStacks', kind)] });
    useSandbox(sandbox);

    await expect(client().send(new DescribeStacksCommand({}))).rejects.toMatchObject({ code: kind });
    expect(sandbox.callsTo('DescribeStacks')).toHaveLength(MAX_ATTEMPTS);
  });

  it('is survived when it hits only the first call: the retry succeeds', async () => {
    const sandbox = sandboxOf({ faults: [fault('DescribeStacks', kind, { times: 1 })] });
    useSandbox(sandbox);

    await expect(client().send(new DescribeStacksCommand({}))).resolves.toMatchObject({ Stacks: expect.any(Array) });
    expect(sandbox.callsTo('DescribeStacks')).toHaveLength(2);
  });
});

describe('the error a network fault throws', () => {
  it.each([
    ['ECONNRESET', 'read', /socket hang up/],
    ['ETIMEDOUT', 'connect', /connect ETIMEDOUT cloudformation\.sandbox\.amazonaws\.com:443/],
    ['ENOTFOUND', 'getaddrinfo', /getaddrinfo ENOTFOUND cloudformation\.sandbox\.amazonaws\.com/],
    ['unreachable', 'getaddrinfo', /getaddrinfo ENOTFOUND/],
  ] as const)("%s: a plain Error with Node's code and syscall (%s), no HTTP status", async (kind, syscall, message) => {
    useSandbox(sandboxOf({ faults: [fault('DescribeStacks', kind)] }));
    const error = await client()
      .send(new DescribeStacksCommand({}))
      .catch((e: unknown) => e as Error & { code?: string; syscall?: string; $metadata?: { httpStatusCode?: number } });

    expect(error).toMatchObject({ name: 'Error', code: kind === 'unreachable' ? 'ENOTFOUND' : kind, syscall, message: expect.stringMatching(message) });
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
  });
});
