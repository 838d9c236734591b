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
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { tracer } from '../runtime/powertools.js';

/**
 * Every AWS SDK client, built once per function instance and traced.
 *
 * Retry budget: the state machine owns retries. The Proton client makes exactly one attempt
 * per invocation, so DeleteConnection's attempts are exactly the ASL's. The other clients
 * retry throttling and 5xx inside the call (SDK_MAX_ATTEMPTS, default 3, full-jitter backoff
 * from SDK_RETRY_BASE_MS) so that one throttled page does not re-run a whole inventory; the
 * ASL's retrier then multiplies that (documented in the README).
 */
const sdkMaxAttempts = Number(process.env.SDK_MAX_ATTEMPTS ?? '3');
const baseDelayMs = Number(process.env.SDK_RETRY_BASE_MS ?? '200');
const maxDelayMs = 5_000;

function retryStrategy(maxAttempts: number): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt) => Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt));
}

function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client);
}

/** Each client is created on first use and kept: a function's bundle holds only the clients it uses. */
function once<T>(create: () => T): () => T {
  let client: T | undefined;
  return () => (client ??= traced(create()));
}

export const proton = /* @__PURE__ */ once(() => new ProtonClient({ retryStrategy: retryStrategy(1) }));
export const cloudFormation = /* @__PURE__ */ once(() => new CloudFormationClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const tagging = /* @__PURE__ */ once(() => new ResourceGroupsTaggingAPIClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const s3 = /* @__PURE__ */ once(() => new S3Client({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const sns = /* @__PURE__ */ once(() => new SNSClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const eventBridge = /* @__PURE__ */ once(() => new EventBridgeClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const sfn = /* @__PURE__ */ once(() => new SFNClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const logs = /* @__PURE__ */ once(() => new CloudWatchLogsClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const ecr = /* @__PURE__ */ once(() => new ECRClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const ssm = /* @__PURE__ */ once(() => new SSMClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));
export const iam = /* @__PURE__ */ once(() => new IAMClient({ retryStrategy: retryStrategy(sdkMaxAttempts) }));

/** For the local run, which answers every client at the SDK boundary. */
export function allClients() {
  return [proton(), cloudFormation(), tagging(), s3(), sns(), eventBridge(), sfn(), logs(), ecr(), ssm(), iam()] as const;
}
