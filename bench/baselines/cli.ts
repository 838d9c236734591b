import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { ProtonClient } from '@aws-sdk/client-proton';
import { clock } from '../../functions/runtime/clock.js';

/**
 * The AWS CLI (v2) as a shell script runs it: each `aws …` command is a process of its own, and
 * its client retries every call in the standard retry mode, the CLI's default. The rules, as the
 * CLI's guide states them ("AWS CLI retries", https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-retries.html),
 * as the SDKs and Tools reference guide does ("Retry behavior",
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), and as botocore,
 * which the CLI runs on, implements them (botocore/retries/standard.py and quota.py, retry mode
 * version 2.0, the one botocore ships):
 * - at most 3 attempts (max_attempts 3: 2 retries);
 * - retried: the throttling error codes (ThrottledRetryableChecker), the transient ones
 *   (TransientRetryableChecker: RequestTimeout, RequestTimeoutException, PriorRequestNotComplete,
 *   HTTP 500, 502, 503 and 504, and connection errors), and errors the service's model marks
 *   retryable (ModeledRetryableChecker: the SDK's `$retryable`); nothing else;
 * - before the retry that follows attempt n (1-based), a delay of rand(0, 1) × min(2^(n−1), 20)
 *   seconds (ExponentialBackoff): the first retry waits up to 1 s, the second up to 2 s;
 * - a retry quota of 500 tokens per client (RetryQuota.INITIAL_CAPACITY): a retry takes 5 (10
 *   after a connect or read timeout); when too few are left the call is not retried and fails.
 *   A call that succeeds gives back 1 token if it was not retried, else what its last retry
 *   took (RetryQuotaChecker.release_retry_quota), never above 500.
 * A client is one process's, so each `aws` command starts with a full quota: only a command that
 * makes many calls (a waiter, an auto-paginated listing) can spend more than one call's retries.
 * Delays are drawn from the script's seeded PRNG and slept on the sandbox clock.
 */
export const CLI_MAX_ATTEMPTS = 3;
const BACKOFF_BASE = 2;
const MAX_BACKOFF_SECONDS = 20;
const INITIAL_RETRY_TOKENS = 500;
const RETRY_COST = 5;
const TIMEOUT_RETRY_COST = 10;
const NO_RETRY_INCREMENT = 1;

/** botocore's ThrottledRetryableChecker._THROTTLED_ERROR_CODES. */
export const THROTTLING_ERROR_CODES: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
/** botocore's TransientRetryableChecker: error codes and HTTP status codes. */
export const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set(['RequestTimeout', 'RequestTimeoutException', 'PriorRequestNotComplete']);
const TRANSIENT_STATUS_CODES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/**
 * Node's system error codes for a request that got no answer: botocore's ConnectionError and
 * HTTPClientError (its transient exception classes). ETIMEDOUT is a connect timeout
 * (ConnectTimeoutError), which costs the quota 10.
 */
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

interface SdkError {
  name?: string;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Whether the standard retry mode retries the error (the attempts and the quota aside). */
export function isRetryable(error: unknown): boolean {
  const e = error as SdkError;
  const code = e.$metadata ? e.name : undefined;
  if (code !== undefined && (THROTTLING_ERROR_CODES.has(code) || TRANSIENT_ERROR_CODES.has(code))) return true;
  if (e.$metadata?.httpStatusCode !== undefined && TRANSIENT_STATUS_CODES.has(e.$metadata.httpStatusCode)) return true;
  if (isConnectionError(e)) return true;
  return e.$metadata !== undefined && e.$retryable !== undefined;
}

function isConnectionError(e: SdkError): boolean {
  return e.$metadata === undefined && typeof e.code === 'string' && CONNECTION_ERROR_CODES.has(e.code);
}

function isTimeout(e: SdkError): boolean {
  return (isConnectionError(e) && e.code === 'ETIMEDOUT') || e.name === 'TimeoutError';
}

/** Seconds to wait before the retry that follows attempt `attempt` (1-based). */
export function backoffSeconds(attempt: number, random: () => number): number {
  return random() * Math.min(BACKOFF_BASE ** (attempt - 1), MAX_BACKOFF_SECONDS);
}

/** One client's retry quota (botocore's RetryQuota). */
export class RetryQuota {
  available = INITIAL_RETRY_TOKENS;

  acquire(amount: number): boolean {
    if (amount > this.available) return false;
    this.available -= amount;
    return true;
  }

  release(amount: number): void {
    this.available = Math.min(INITIAL_RETRY_TOKENS, this.available + amount);
  }
}

/** What the script's `aws` commands did, over the whole run. */
export class CliTally {
  /** Calls that still failed after the CLI's retries, by API (service:Operation): the script saw them fail. */
  readonly failedByApi: Record<string, number> = {};
  /** Retries made (attempts after a call's first). */
  retries = 0;
  /** Retries refused because the command's retry quota had too few tokens. */
  quotaRefusals = 0;
  /** Waiters that ended in failure (a failure state, an error no acceptor matched, or 120 attempts). */
  waitersFailed = 0;

  get failed(): number {
    return Object.values(this.failedByApi).reduce((a, b) => a + b, 0);
  }
}

export type CallResult<O> = { output: O; error?: undefined } | { output?: undefined; error: Error };

export interface CallOptions {
  /** An error the command expects (a waiter's acceptor): not counted as a failed call. */
  expected?: (error: Error) => boolean;
}

export interface CliClients {
  cloudFormation: CloudFormationClient;
  proton: ProtonClient;
}

/** The `aws` command line of a script: SDK clients (with no retries of their own), a seeded PRNG and a tally. */
export class AwsCli {
  readonly tally = new CliTally();

  constructor(
    readonly clients: CliClients,
    readonly random: () => number,
  ) {}

  /** One `aws …` command: a process of its own, with its own client and retry quota. */
  command(): CliCommand {
    return new CliCommand(this);
  }
}

export class CliCommand {
  private readonly quota = new RetryQuota();

  constructor(private readonly cli: AwsCli) {}

  get clients(): CliClients {
    return this.cli.clients;
  }

  /** One API call (`api`: service:Operation), retried as the standard retry mode does. */
  async call<O>(api: string, send: () => Promise<O>, options: CallOptions = {}): Promise<CallResult<O>> {
    let acquired: number | undefined;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const output = await send();
        this.quota.release(acquired ?? NO_RETRY_INCREMENT);
        return { output };
      } catch (thrown) {
        const error = thrown as Error;
        if (attempt < CLI_MAX_ATTEMPTS && isRetryable(error)) {
          const cost = isTimeout(error as SdkError) ? TIMEOUT_RETRY_COST : RETRY_COST;
          if (this.quota.acquire(cost)) {
            acquired = cost;
            this.cli.tally.retries += 1;
            await clock.sleep(backoffSeconds(attempt, this.cli.random) * 1000);
            continue;
          }
          this.cli.tally.quotaRefusals += 1;
        }
        if (!options.expected?.(error)) this.cli.tally.failedByApi[api] = (this.cli.tally.failedByApi[api] ?? 0) + 1;
        return { error };
      }
    }
  }
}
