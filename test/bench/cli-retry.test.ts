import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCli, backoffSeconds, isRetryable } from '../../bench/baselines/cli.js';
import { useClock } from '../../functions/runtime/clock.js';
import { faultError } from '../../local/sandbox/service-errors.js';
import { VirtualClock } from '../../local/sandbox/virtual-clock.js';

/** The CLI's standard retry mode (bench/baselines/cli.ts) on its own: which errors it retries, how long it waits, its quota. */
const cfnError = (name: string, status: number) =>
  new CloudFormationServiceException({ name, message: name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

afterEach(() => useClock(undefined));

describe('which errors the standard retry mode retries', () => {
  it.each([
    ['CloudFormation Throttling', faultError('cloudformation', 'throttle', 'DeleteStack')],
    ['Tagging ThrottledException', faultError('tagging', 'throttle', 'GetResources')],
    ['Proton ThrottlingException', faultError('proton', 'throttle', 'DeleteEnvironmentAccountConnection')],
    ['an HTTP 500 (InternalFailure)', faultError('cloudformation', 'internal', 'DescribeStacks')],
    ['an HTTP 503 of any code', cfnError('ServiceUnavailable', 503)],
    ['RequestTimeout', cfnError('RequestTimeout', 400)],
    ['a connection reset', faultError('cloudformation', 'ECONNRESET', 'DescribeStacks')],
    ['a connect timeout', faultError('cloudformation', 'ETIMEDOUT', 'DescribeStacks')],
  ])('retries %s', (_, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  it.each([
    ['ValidationError', cfnError('ValidationError', 400)],
    ['AccessDenied', faultError('cloudformation', 'access-denied', 'DeleteStack')],
    ['an error of no service', new Error('boom')],
  ])('does not retry %s', (_, error) => {
    expect(isRetryable(error)).toBe(false);
  });
});

describe('the backoff', () => {
  it('waits rand × 2^(attempt − 1) s, capped at 20 s', () => {
    expect(backoffSeconds(1, () => 0.5)).toBe(0.5);
    expect(backoffSeconds(2, () => 0.5)).toBe(1);
    // 2^9 = 512 s, capped at 20 s before the random factor.
    expect(backoffSeconds(10, () => 0.5)).toBe(10);
  });
});

describe('the retry quota of a command', () => {
  const cli = () => new AwsCli({} as never, () => 0);
  const throttled = async () => {
    throw faultError('cloudformation', 'throttle', 'DescribeStacks');
  };

  it('has 500 tokens, 5 a retry: 50 calls retried twice spend them, the 51st is not retried', async () => {
    useClock(new VirtualClock(0));
    const aws = cli();
    const command = aws.command();
    let attempts = 0;
    const counting = () => {
      attempts += 1;
      return throttled();
    };
    for (let i = 0; i < 50; i += 1) await command.call('cloudformation:DescribeStacks', counting);
    expect(attempts).toBe(150);

    await command.call('cloudformation:DescribeStacks', counting);
    expect(attempts).toBe(151);
    expect(aws.tally).toMatchObject({ retries: 100, quotaRefusals: 1, failedByApi: { 'cloudformation:DescribeStacks': 51 } });
  });

  /** Attempts a call makes that is throttled every time. */
  async function attemptsOfThrottled(command: ReturnType<AwsCli['command']>): Promise<number> {
    let attempts = 0;
    await command.call('cloudformation:DescribeStacks', () => {
      attempts += 1;
      return throttled();
    });
    return attempts;
  }

  it('gets back what a retried call took when the call succeeds', async () => {
    useClock(new VirtualClock(0));
    const command = cli().command();
    // 49 calls retried twice: 490 tokens spent, 10 left.
    for (let i = 0; i < 49; i += 1) await command.call('cloudformation:DescribeStacks', throttled);
    // Throttled once (5 taken, 5 left), then it succeeds: the 5 come back, 10 left.
    let throttledYet = false;
    await command.call('cloudformation:DescribeStacks', async () => {
      if (throttledYet) return {};
      throttledYet = true;
      return throttled();
    });
    // 10 tokens: two retries.
    expect(await attemptsOfThrottled(command)).toBe(3);
  });

  it('gets back 1 token when a call succeeds at once', async () => {
    useClock(new VirtualClock(0));
    const command = cli().command();
    for (let i = 0; i < 50; i += 1) await command.call('cloudformation:DescribeStacks', throttled);
    // 0 left; 5 calls that succeed at once: 5 tokens, one retry's worth.
    for (let i = 0; i < 5; i += 1) await command.call('cloudformation:DescribeStacks', async () => ({}));
    expect(await attemptsOfThrottled(command)).toBe(2);
  });

  it('starts full in each command: a new process, a new client', async () => {
    useClock(new VirtualClock(0));
    const aws = cli();
    const spent = aws.command();
    for (let i = 0; i < 50; i += 1) await spent.call('cloudformation:DescribeStacks', throttled);
    expect(await attemptsOfThrottled(spent)).toBe(1);
    expect(await attemptsOfThrottled(aws.command())).toBe(3);
  });
});
