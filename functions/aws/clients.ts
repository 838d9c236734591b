import { Tracer } from '@aws-lambda-powertools/tracer';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { ProtonClient } from '@aws-sdk/client-proton';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { MiddlewareStack } from '@smithy/types';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { loadConfig } from '../runtime/config.js';
import { InvalidConfigurationError } from '../runtime/errors.js';
import { Pacers, parseApiRates } from '../runtime/pacer.js';
import { SERVICE_NAME } from '../runtime/powertools.js';
import { SettingsSchema } from '../runtime/settings.js';
import { isThrottling } from './error-mapping.js';

/**
 * Every AWS SDK client, built once per function instance and traced.
 *
 * Retry budget: the state machine owns retries. Every client, Proton's included (a network blip
 * must never reach the workflow as an answer), retries throttling, 5xx and network errors inside
 * the call (SDK_MAX_ATTEMPTS, default 3, full-jitter backoff from SDK_RETRY_BASE_MS) so that one
 * throttled page does not re-run a whole inventory; the ASL's retrier then multiplies that
 * (documented in the README).
 */
const { SDK_MAX_ATTEMPTS: sdkMaxAttempts, SDK_RETRY_BASE_MS: baseDelayMs } = loadConfig(
  SettingsSchema.pick({ SDK_MAX_ATTEMPTS: true, SDK_RETRY_BASE_MS: true }),
);
const maxDelayMs = 5_000;

function retryStrategy(maxAttempts: number): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt) => Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
}

/**
 * What every client is built with. Credentials come from the environment variables Lambda sets
 * for the function's role (the local run and the tests set fake ones): naming them skips the
 * default provider chain (SSO, profiles, web identity, IMDS…), which a function never needs.
 * That chain's links are loaded by dynamic import only, so serverless.yml leaves them out of
 * the bundles (custom.esbuild.exclude); see test/deployment/bundle-size.test.ts.
 */
function clientOptions(maxAttempts: number) {
  return { credentials: fromEnv(), retryStrategy: retryStrategy(maxAttempts) };
}

/** One Tracer per function instance (Powertools; see runtime/powertools.ts for why it is here). */
const tracer = new Tracer({ serviceName: SERVICE_NAME });

function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}

/**
 * Calls per second per API (README "Configuration": apiCallsPerSecond). Defaults from the
 * services' known limits: the Tagging API about 15/s, CloudFormation's DescribeStacks about 5/s.
 */
export const DEFAULT_API_RATES = 'cloudformation=5,tagging=15';
const pacers = new Pacers(apiRates(process.env.API_CALLS_PER_SECOND ?? DEFAULT_API_RATES));

/** Read at cold start; a malformed value fails the function naming the variable, like loadConfig. */
function apiRates(text: string) {
  try {
    return parseApiRates(text);
  } catch (error) {
    throw new InvalidConfigurationError(`Invalid environment variables: API_CALLS_PER_SECOND: ${(error as Error).message}`);
  }
}

// biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack has its own input/output types; `unknown` would accept none of them
type PaceableClient = { middlewareStack: MiddlewareStack<any, any> };

/**
 * Every attempt (the SDK's retries included: this sits inside the retry middleware) waits for
 * its API's slot; a throttled attempt makes the next one wait a full second.
 */
function paced<T extends PaceableClient>(service: string, client: T): T {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const pacer = pacers.for(service, (context.commandName ?? '').replace(/Command$/, ''));
      await pacer?.take();
      try {
        return await next(args);
      } catch (error) {
        if (pacer && isThrottling(error)) pacer.backOff();
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'protonCleanupPacing' },
  );
  return client;
}

/** Each client is created on first use and kept: a function's bundle holds only the clients it uses. */
function once<T extends PaceableClient>(service: string, create: () => T): () => T {
  let client: T | undefined;
  return () => (client ??= traced(paced(service, create())));
}

export const proton = /* @__PURE__ */ once('proton', () => new ProtonClient(clientOptions(sdkMaxAttempts)));
export const cloudFormation = /* @__PURE__ */ once('cloudformation', () => new CloudFormationClient(clientOptions(sdkMaxAttempts)));
export const tagging = /* @__PURE__ */ once('tagging', () => new ResourceGroupsTaggingAPIClient(clientOptions(sdkMaxAttempts)));
export const s3 = /* @__PURE__ */ once('s3', () => new S3Client(clientOptions(sdkMaxAttempts)));
export const sns = /* @__PURE__ */ once('sns', () => new SNSClient(clientOptions(sdkMaxAttempts)));
export const eventBridge = /* @__PURE__ */ once('eventbridge', () => new EventBridgeClient(clientOptions(sdkMaxAttempts)));
export const sfn = /* @__PURE__ */ once('stepfunctions', () => new SFNClient(clientOptions(sdkMaxAttempts)));
export const logs = /* @__PURE__ */ once('logs', () => new CloudWatchLogsClient(clientOptions(sdkMaxAttempts)));
export const ecr = /* @__PURE__ */ once('ecr', () => new ECRClient(clientOptions(sdkMaxAttempts)));
export const ssm = /* @__PURE__ */ once('ssm', () => new SSMClient(clientOptions(sdkMaxAttempts)));
export const iam = /* @__PURE__ */ once('iam', () => new IAMClient(clientOptions(sdkMaxAttempts)));

/** For the local run, which answers every client at the SDK boundary. */
export function allClients() {
  return [proton(), cloudFormation(), tagging(), s3(), sns(), eventBridge(), sfn(), logs(), ecr(), ssm(), iam()] as const;
}
