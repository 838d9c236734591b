import { clock } from '../runtime/clock.js';
import { ConflictError, InternalServerError, NetworkError, ThrottlingError } from '../runtime/errors.js';

/**
 * Maps an AWS SDK error to the workflow's error names, so the ASL retries one name per
 * meaning whatever service raised it. Errors with no workflow meaning pass through
 * unchanged (their own `name`, e.g. AccessDeniedException, reaches the failure path).
 */
const THROTTLING_NAMES = new Set([
  'ThrottlingException', // Proton
  'Throttling', // CloudFormation
  'ThrottledException', // Resource Groups Tagging API
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown', // S3
]);

interface SdkErrorShape {
  name?: unknown;
  message?: unknown;
  $fault?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

function asSdkError(error: unknown): SdkErrorShape | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : undefined;
}

export function isThrottling(error: unknown): boolean {
  const sdk = asSdkError(error);
  return Boolean(sdk && ((typeof sdk.name === 'string' && THROTTLING_NAMES.has(sdk.name)) || sdk.$retryable?.throttling));
}

function isServerFault(error: unknown): boolean {
  const sdk = asSdkError(error);
  const status = sdk?.$metadata?.httpStatusCode ?? 0;
  return Boolean(sdk && (sdk.$fault === 'server' || status >= 500));
}

/** S3's 304 Not Modified to a conditional GetObject (IfNoneMatch): the SDK names it "304" or "NotModified" by version, the status is the same. */
export function isNotModified(error: unknown): boolean {
  return asSdkError(error)?.$metadata?.httpStatusCode === 304;
}

export function hasName(error: unknown, ...names: string[]): boolean {
  const name = asSdkError(error)?.name;
  return typeof name === 'string' && names.includes(name);
}

/**
 * Network failures as Node's HTTP stack and the SDK report them: system error codes, and the
 * SDK's own TimeoutError. Smithy classifies most of them as transient (ECONNRESET, ETIMEDOUT,
 * TimeoutError…); a name that does not resolve is transient too: DNS fails for a moment.
 */
const NETWORK_ERROR_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
]);
const NETWORK_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

function isNetworkError(error: unknown): boolean {
  const sdk = asSdkError(error) as (SdkErrorShape & { code?: unknown }) | undefined;
  if (!sdk) return false;
  return (typeof sdk.code === 'string' && NETWORK_ERROR_CODES.has(sdk.code)) || (typeof sdk.name === 'string' && NETWORK_ERROR_NAMES.has(sdk.name));
}

let throttled = 0;
/**
 * Counts throttling seen: the pacing middleware counts every throttled attempt of a client built
 * here, and the mapping below the throttling that reaches a caller (any client, stubbed ones
 * included). Only whether it grew is read, so an attempt counted twice changes nothing.
 */
export function noteThrottled(): void {
  throttled += 1;
}
/** Throttled attempts in this process so far: a round compares it before and after (did the account push back?). */
export const throttledSoFar = (): number => throttled;

/** What the caller was doing, for the message: "DeleteStack arn:...: Rate exceeded". */
export function toWorkflowError(error: unknown, action: string): unknown {
  const message = `${action}: ${error instanceof Error ? error.message : String(error)}`;
  if (isThrottling(error)) {
    noteThrottled();
    return new ThrottlingError(message, { cause: error });
  }
  if (hasName(error, 'ConflictException')) return new ConflictError(message, { cause: error });
  if (isServerFault(error)) return new InternalServerError(message, { cause: error });
  if (isNetworkError(error)) {
    const code = (error as { code?: unknown }).code;
    return new NetworkError(`${action}: ${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return error;
}

/** Runs one AWS call and rethrows its error under the workflow's name for it. */
export async function callAws<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toWorkflowError(error, action);
  }
}

/** Waits between the tries of a read the account throttles: 1, 2, 4, 8 and 16 s, each with full jitter over its upper half. */
const PERSIST_WAITS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];

/**
 * One page of a listing, tried again while the account throttles it after the SDK's own attempts
 * (at most 31 s more): executions side by side in one account (a sweep's children) together ask
 * more than its rate for a while, at their start above all, before the cleanup board divides it
 * (aws/cleanup-board.ts). A page is read again alone, so a whole listing is not started over.
 * The jitter spreads the executions' tries apart. Any other error, or throttling past the last
 * try, is the caller's.
 */
export async function readThroughThrottling<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      const wait = PERSIST_WAITS_MS[attempt];
      if (wait === undefined || !isThrottling(error)) throw error;
      await clock.sleep(wait * (0.5 + Math.random() / 2));
    }
  }
}
