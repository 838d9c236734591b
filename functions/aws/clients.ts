import { Tracer } from '@aws-lambda-powertools/tracer';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ProtonClient } from '@aws-sdk/client-proton';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, MiddlewareStack } from '@smithy/types';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { roleArnIn, targetKey } from '../domain/target.js';
import { clock } from '../runtime/clock.js';
import { loadConfig } from '../runtime/config.js';
import { InvalidConfigurationError, TargetUnreachableError } from '../runtime/errors.js';
import { functionVariable } from '../runtime/function-variables.js';
import { Pacers, parseApiRates } from '../runtime/pacer.js';
import { SERVICE_NAME } from '../runtime/powertools.js';
import { settingsSchema } from '../runtime/settings.js';
import { isThrottling, noteThrottled, toWorkflowError } from './error-mapping.js';
import { currentTargetSession, spokeSession, type TargetSession } from './target-session.js';

/**
 * Every AWS SDK client, built once per function instance and traced.
 *
 * Retry budget: the state machine owns retries. Every client, Proton's included (a network blip
 * must never reach the workflow as an answer), retries throttling, 5xx and network errors inside
 * the call (SDK_MAX_ATTEMPTS, default 3, full-jitter backoff from SDK_RETRY_BASE_MS) so that one
 * throttled page does not re-run a whole inventory; the ASL's retrier then multiplies that
 * (documented in the README).
 */
const { SDK_MAX_ATTEMPTS: sdkMaxAttempts, SDK_RETRY_BASE_MS: baseDelayMs } = loadConfig(settingsSchema({ SDK_MAX_ATTEMPTS: true, SDK_RETRY_BASE_MS: true }));
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
  return { credentials: fromEnv(), retryStrategy: retryStrategy(maxAttempts), requestHandler: HTTP_TIMEOUTS };
}

/**
 * A connection that does not open, or an answer that does not come, is a transient failure
 * (TimeoutError, retried like a network error), never a function left waiting until Lambda ends it:
 * one endpoint that hangs must not take a fleet sweep's whole invocation with it.
 */
const HTTP_TIMEOUTS = { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true };

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
const rates = apiRates(process.env.API_CALLS_PER_SECOND ?? DEFAULT_API_RATES);

/**
 * Pacers per account-Region and per execution. API limits are per account and Region: each
 * target's calls are paced apart from the hub's. And in AWS each execution's invocations run in
 * Lambda instances of their own, one invocation at a time each: an instance's pacers never pace
 * two executions' calls against each other. Keyed by execution too, the local run (which plays
 * executions side by side in one process) paces them as AWS would; in AWS it changes nothing.
 * The executions working in one account at once divide its rates between them (shareTargetRates).
 */
const HUB = 'hub';
const pacersByPlace = new Map<string, Pacers>();

function pacersOf(place: string, execution: string): Pacers {
  const key = `${place}\0${execution}`;
  let pacers = pacersByPlace.get(key);
  if (!pacers) {
    pacers = new Pacers(rates);
    forgetOldest(pacersByPlace);
    pacersByPlace.set(key, pacers);
  }
  return pacers;
}

/** The execution the code running now serves (its target session's name; none outside a task). */
const currentExecution = () => currentTargetSession()?.sessionName ?? '';

/** The pacers of the account-Region the code running now works in, for its execution. */
function workingPacers(): Pacers {
  const session = spokeSession();
  return session ? pacersOf(targetKey(session.target), session.sessionName) : pacersOf(HUB, currentExecution());
}

/**
 * This execution's share of the rates of the account-Region it works in: each API's rate divided
 * among `executions` (those working there at once, the cleanup board says: aws/cleanup-board.ts).
 * For the calls it makes from now on, in this function instance.
 */
export function shareTargetRates(executions: number): void {
  workingPacers().shareAmong(executions, { except: UNSHARED_APIS });
}

/**
 * ListStacks keeps its whole rate: the executions share one listing (the cleanup board's), read by
 * one of them every 10 s or so for all, so its calls do not add up with the executions. Divided,
 * a listing of several pages would take longer than it stays fresh.
 */
const UNSHARED_APIS = ['cloudformation:ListStacks'];

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
function paced<T extends PaceableClient>(service: string, client: T, pacers: () => Pacers): T {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const pacer = pacers().for(service, (context.commandName ?? '').replace(/Command$/, ''));
      await pacer?.take();
      try {
        return await next(args);
      } catch (error) {
        if (isThrottling(error)) {
          noteThrottled();
          pacer?.backOff();
        }
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'protonCleanupPacing' },
  );
  return client;
}

type ClientListener = (client: PaceableClient) => void;
const clientListeners: ClientListener[] = [];

/** Called with every client built from now on (the hub's and each target's): the local run answers them from its sandbox. */
export function onClientCreated(listener: ClientListener): void {
  clientListeners.push(listener);
}

function built<T extends PaceableClient>(service: string, client: T, pacers: () => Pacers): T {
  const ready = traced(paced(service, client, pacers));
  for (const listener of clientListeners) listener(ready);
  return ready;
}

/** Each client is created on first use and kept: a function's bundle holds only the clients it uses. */
function once<T extends PaceableClient>(service: string, create: () => T): () => T {
  let client: T | undefined;
  // Built once, shared by the executions an instance serves: the pacers are the calling execution's.
  return () => (client ??= built(service, create(), () => pacersOf(HUB, currentExecution())));
}

/**
 * The spoke role this function assumes in another account: SPOKE_ROLE_NAME, set by serverless.yml
 * for the functions that work in targets (deployment/spoke.yml creates it in each of them).
 */
function spokeRoleArn(session: TargetSession): string {
  const name = functionVariable('SPOKE_ROLE_NAME');
  if (!name) throw new InvalidConfigurationError('Invalid environment variables: SPOKE_ROLE_NAME: is not set (this function does not work in other accounts)');
  return roleArnIn(session.target, name);
}

/** Assumed-role credentials, per role and session (the execution): refreshed five minutes before they expire. */
const REFRESH_BEFORE_MS = 5 * 60_000;
const SESSION_SECONDS = 3600;
const assumed = new Map<string, AwsCredentialIdentity>();

function assumedRoleCredentials(session: TargetSession): AwsCredentialIdentityProvider {
  return async () => {
    const roleArn = spokeRoleArn(session);
    const key = `${roleArn}\0${session.sessionName}`;
    const cached = assumed.get(key);
    if (cached?.expiration && cached.expiration.getTime() - clock.now() > REFRESH_BEFORE_MS) return cached;
    const out = await sts()
      .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session.sessionName, DurationSeconds: SESSION_SECONDS }))
      .catch((error: unknown) => {
        const named = toWorkflowError(error, `AssumeRole ${roleArn}`);
        // Throttling, 5xx and network failures keep their transient names: the workflow retries them.
        if (named !== error) throw named;
        throw new TargetUnreachableError(
          `AssumeRole ${roleArn}: ${error instanceof Error ? error.message : String(error)}. Is deployment/spoke.yml deployed in account ` +
            `${session.target.account} with HubAccountId set to this hub's account, and is that account in the hub's organization (organizationId)?`,
          { cause: error },
        );
      });
    const credentials = out.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new TargetUnreachableError(`AssumeRole ${roleArn} returned no credentials`);
    const identity: AwsCredentialIdentity = {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
      ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
    };
    forgetOldest(assumed);
    assumed.set(key, identity);
    return identity;
  };
}

/** A function instance serves many executions: its caches keep the most recent few. */
const CACHED_TARGET_SESSIONS = 64;

function forgetOldest<K, V>(cache: Map<K, V>): void {
  if (cache.size < CACHED_TARGET_SESSIONS) return;
  const oldest = cache.keys().next();
  if (!oldest.done) cache.delete(oldest.value);
}

interface ClientOptions {
  credentials: AwsCredentialIdentityProvider;
  retryStrategy: ConfiguredRetryStrategy;
  requestHandler: typeof HTTP_TIMEOUTS;
  region?: string;
}

const targetClients = new Map<string, PaceableClient>();

/**
 * A new function instance knows no target yet. The local run plays deployment after deployment in
 * one process (each its own sandbox, whose STS issued its own credentials): it starts each one so.
 */
export function forgetTargetSessions(): void {
  targetClients.clear();
  assumed.clear();
  pacersByPlace.clear();
}

/**
 * A client of a service that works in the account being cleaned up: the function's own in the
 * hub's account and Region; in another target, one built for that Region with the spoke role's
 * credentials, kept per target and execution.
 */
function perTarget<T extends PaceableClient>(service: string, create: (options: ClientOptions) => T): () => T {
  const hub = once(service, () => create(clientOptions(sdkMaxAttempts)));
  return () => {
    const session = spokeSession();
    if (!session) return hub();
    // The role is part of the key: the local run plays every function (each its own spoke role) in one process.
    const key = `${service}\0${spokeRoleArn(session)}\0${session.sessionName}\0${session.target.region}`;
    let client = targetClients.get(key) as T | undefined;
    if (!client) {
      const options = { ...clientOptions(sdkMaxAttempts), region: session.target.region, credentials: assumedRoleCredentials(session) };
      const place = targetKey(session.target);
      client = built(service, create(options), () => pacersOf(place, session.sessionName));
      forgetOldest(targetClients);
      targetClients.set(key, client);
    }
    return client;
  };
}

// The hub's own: its report bucket, its topic, its bus, its state machine, and STS to reach the targets.
export const s3 = /* @__PURE__ */ once('s3', () => new S3Client(clientOptions(sdkMaxAttempts)));
export const sns = /* @__PURE__ */ once('sns', () => new SNSClient(clientOptions(sdkMaxAttempts)));
export const eventBridge = /* @__PURE__ */ once('eventbridge', () => new EventBridgeClient(clientOptions(sdkMaxAttempts)));
export const sfn = /* @__PURE__ */ once('stepfunctions', () => new SFNClient(clientOptions(sdkMaxAttempts)));
export const sts = /* @__PURE__ */ once('sts', () => new STSClient(clientOptions(sdkMaxAttempts)));
/** The hub's organization, for targets named by OU (the hub runs in the management or a delegated administrator account). */
export const organizations = /* @__PURE__ */ once('organizations', () => new OrganizationsClient(clientOptions(sdkMaxAttempts)));

// The target's: what is cleaned up, in the account and Region the running task works in.
export const proton = /* @__PURE__ */ perTarget('proton', (options) => new ProtonClient(options));
export const cloudFormation = /* @__PURE__ */ perTarget('cloudformation', (options) => new CloudFormationClient(options));
export const tagging = /* @__PURE__ */ perTarget('tagging', (options) => new ResourceGroupsTaggingAPIClient(options));
/** The target's own buckets (stand-alone buckets emptied and deleted, surveyed for the plan); the report bucket is `s3`. */
export const targetS3 = /* @__PURE__ */ perTarget('s3', (options) => new S3Client(options));
export const logs = /* @__PURE__ */ perTarget('logs', (options) => new CloudWatchLogsClient(options));
export const ecr = /* @__PURE__ */ perTarget('ecr', (options) => new ECRClient(options));
export const ssm = /* @__PURE__ */ perTarget('ssm', (options) => new SSMClient(options));
export const iam = /* @__PURE__ */ perTarget('iam', (options) => new IAMClient(options));

/** For the local run, which answers every client at the SDK boundary (those built later: onClientCreated). */
export function allClients() {
  return [proton(), cloudFormation(), tagging(), s3(), sns(), eventBridge(), sfn(), logs(), ecr(), ssm(), iam(), sts(), organizations()] as const;
}
