import type { EventBridgeEvent } from '@aws-lambda-powertools/parser/types';
import type { ProtonApi } from '../runtime/deployment.js';
import { InvalidRequestError } from '../runtime/errors.js';
import * as z from '../runtime/zod.js';
import { describeZodIssues } from '../runtime/zod-problems.js';
import { parseArn } from './arn.js';
import {
  type CleanupRequest,
  type ConsoleInput,
  ConsoleInputSchema,
  connectionIdSchema,
  DECOMMISSION_DUE,
  DECOMMISSION_NOTICE,
  DECOMMISSION_REQUESTED,
  DEFAULT_OPTIONS,
  ENVIRONMENT_KEY,
  environmentNameSchema,
  type Mode,
  PROTON_CONNECTION_STATUS_CHANGE,
  PROTON_ENVIRONMENT_STATUS_CHANGE,
  TARGET_ENTRY,
  type Trigger,
} from './request.js';
import { ACCOUNT_ID, REGION, type Target } from './target.js';

/**
 * ResolveRequest's decision: any trigger (console input, custom event, Proton event) becomes one
 * CleanupRequest, or an InvalidRequest naming the field. Kept apart from the request's shape so
 * that only the functions that read raw triggers bundle the EventBridge envelope schema.
 */
export interface RequestSettings {
  defaultMode: Mode;
  /** `source` of the custom decommission event this deployment accepts. */
  requestEventSource: string;
  /** The deployment's protonApi (default `available`). */
  protonApi?: ProtonApi;
  /** The hub's own account and Region: the target of a request that names none. */
  hub: Target;
  /** The Regions the hub targets (targetRegions, else its own): where a fleet sweep's account entry without a Region is swept. */
  regions: readonly string[];
}

/**
 * An EventBridge event as delivered to a target: the fields and checks of the Powertools parser's
 * EventBridgeSchema, which StartFromEvent validates its input with and ResolveRequest extends.
 * Written out with zod's named exports rather than imported from
 * '@aws-lambda-powertools/parser/schemas/eventbridge': that module uses zod's `z` namespace,
 * which esbuild cannot tree-shake, so importing it bundles all of zod (every locale, the JSON
 * Schema converters: about 350 KB more per function). The type below keeps the two identical.
 */
export const EventBridgeEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.string(),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only while EventBridgeEventSchema parses to exactly the parser's EventBridgeEvent. */
export type SameAsPowertoolsEventBridgeSchema<T extends true = Equal<z.infer<typeof EventBridgeEventSchema>, EventBridgeEvent>> = T;

/** A whole EventBridge event, with bounded strings. */
const EventEnvelopeSchema = EventBridgeEventSchema.extend({
  id: z.string().max(200),
  source: z.string().max(256),
  'detail-type': z.string().max(256),
});

const ConnectionStatusChangeDetailSchema = z.object({
  id: connectionIdSchema,
  status: z.string().max(64),
});

const EnvironmentStatusChangeDetailSchema = z.object({
  name: environmentNameSchema,
  status: z.string().max(64),
});

function isEventEnvelope(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'detail-type' in raw;
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, prefix?: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRequestError(describeZodIssues(parsed.error, prefix));
  return parsed.data;
}

function environmentsOf(keys: readonly string[]): { name: string; managementAccountId: string }[] {
  return [...new Set(keys)].map((key) => {
    const [, name = '', managementAccountId = ''] = ENVIRONMENT_KEY.exec(key) ?? [];
    return { name, managementAccountId };
  });
}

/** `"<account>/<region>"` is one target; `"<account>"` is that account in each targeted Region. */
function targetsOf(entries: readonly string[], regions: readonly string[]): Target[] {
  const targets = entries.flatMap((entry) => {
    const [, account = '', region] = TARGET_ENTRY.exec(entry) ?? [];
    return region ? [{ account, region }] : regions.map((r) => ({ account, region: r }));
  });
  return targets.filter((t, i) => targets.findIndex((u) => u.account === t.account && u.region === t.region) === i);
}

function fromConsoleInput(input: ConsoleInput, settings: RequestSettings, trigger: Trigger): CleanupRequest {
  return {
    target: { account: input.account ?? settings.hub.account, region: input.region ?? settings.hub.region },
    // A sweep of one named account (and Region) is a fleet of that one target.
    ...(input.targets
      ? { targets: targetsOf(input.targets, settings.regions) }
      : input.sweep && (input.account || input.region)
        ? { targets: [{ account: input.account ?? settings.hub.account, region: input.region ?? settings.hub.region }] }
        : {}),
    ...(input.connectionId ? { connectionId: input.connectionId.toLowerCase() } : {}),
    ...(input.sweep ? { sweep: true as const } : {}),
    ...(input.environments ? { environments: environmentsOf(input.environments) } : {}),
    ...(input.decommissionOn ? { decommissionOn: input.decommissionOn } : {}),
    protonApi: input.protonApi ?? settings.protonApi ?? 'available',
    // A plan is executed: that is the only thing a reviewed plan is for.
    mode: input.mode ?? (input.plan ? 'execute' : settings.defaultMode),
    ...(input.plan ? { plan: input.plan } : {}),
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    ...(input.sweptBy ? { sweptBy: input.sweptBy } : {}),
    ...(input.environment ? { environment: input.environment } : {}),
    options: {
      retainFailedResources: input.retainFailedResources ?? false,
      deleteTypes: [...new Set(input.deleteTypes ?? [])],
      deleteConnectionRoles: input.deleteConnectionRoles ?? false,
    },
    trigger,
  };
}

function fromEvent(raw: Record<string, unknown>, settings: RequestSettings): CleanupRequest {
  const event = parseOrThrow(EventEnvelopeSchema, raw);
  const trigger: Trigger = { type: 'event', source: event.source, detailType: event['detail-type'], eventId: event.id };
  const ours = event.source === settings.requestEventSource;
  if (ours && [DECOMMISSION_REQUESTED, DECOMMISSION_DUE, DECOMMISSION_NOTICE].includes(event['detail-type'])) {
    return fromConsoleInput(parseOrThrow(ConsoleInputSchema, event.detail, 'detail'), settings, trigger);
  }
  if (event.source === 'aws.proton' && event['detail-type'] === PROTON_ENVIRONMENT_STATUS_CHANGE) {
    const detail = parseOrThrow(EnvironmentStatusChangeDetailSchema, event.detail, 'detail');
    if (detail.status !== 'DELETED') {
      throw new InvalidRequestError([`detail.status: "${detail.status}" does not call for a decommission; expected "DELETED"`]);
    }
    // Emitted in the management account (event.account) and forwarded here: the connection is looked up by name.
    const account = parseOrThrow(z.string().regex(/^\d{12}$/, 'expected the 12-digit management account id'), event.account, 'account');
    return {
      target: settings.hub,
      mode: settings.defaultMode,
      protonApi: settings.protonApi ?? 'available',
      environment: { name: detail.name, managementAccountId: account },
      ifNoConnection: 'nothing-to-do',
      options: DEFAULT_OPTIONS,
      trigger,
    };
  }
  if (event.source === 'aws.proton' && event['detail-type'] === PROTON_CONNECTION_STATUS_CHANGE) {
    const detail = parseOrThrow(ConnectionStatusChangeDetailSchema, event.detail, 'detail');
    if (detail.status !== 'REJECTED') {
      throw new InvalidRequestError([
        `detail.status: "${detail.status}" does not call for a decommission; expected "REJECTED" (a rejected connection is final)`,
      ]);
    }
    return {
      target: connectionTarget(event) ?? settings.hub,
      connectionId: detail.id.toLowerCase(),
      mode: settings.defaultMode,
      protonApi: settings.protonApi ?? 'available',
      options: DEFAULT_OPTIONS,
      trigger,
    };
  }
  throw new InvalidRequestError([
    `event: source "${event.source}" with detail-type "${event['detail-type']}" is not a trigger this workflow accepts; ` +
      `expected source "${settings.requestEventSource}" with detail-type "${DECOMMISSION_REQUESTED}", "${DECOMMISSION_DUE}" or "${DECOMMISSION_NOTICE}", ` +
      `or source "aws.proton" with detail-type "${PROTON_CONNECTION_STATUS_CHANGE}" or "${PROTON_ENVIRONMENT_STATUS_CHANGE}"`,
  ]);
}

/** Proton names the connection in the event's resources: its ARN says which account and Region it lives in. */
function connectionTarget(event: { resources: string[] }): Target | undefined {
  for (const arn of event.resources) {
    const parts = parseArn(arn);
    if (
      parts?.service === 'proton' &&
      parts.resource.startsWith('environment-account-connection/') &&
      ACCOUNT_ID.test(parts.account) &&
      REGION.test(parts.region)
    ) {
      return { account: parts.account, region: parts.region };
    }
  }
  return undefined;
}

/** With Proton retired nothing can say which environment a connection served: the request must. */
function requireEnvironmentWhenRetired(request: CleanupRequest): CleanupRequest {
  if (request.decommissionOn && request.protonApi !== 'retired') {
    throw new InvalidRequestError([
      'decommissionOn: decommission dates are SSM parameters only while Proton is retired (protonApi=retired); with Proton available ' +
        'the daily schedule reads the connection\'s decommission tag instead: tag the connection (README "On a schedule")',
    ]);
  }
  if (request.protonApi === 'retired' && !request.environment && !request.sweep) {
    throw new InvalidRequestError([
      'environment: this deployment has protonApi=retired, so Proton is never asked which environment a connection served; ' +
        'name it: "environment": {"name": "<environment name>", "managementAccountId": "<12-digit account id>"} ' +
        '(or add "protonApi": "available" to ask Proton in this run)',
    ]);
  }
  return request;
}

/** Normalizes a console input or an EventBridge event into a CleanupRequest, or throws InvalidRequest. */
export function resolveRequest(raw: unknown, settings: RequestSettings): CleanupRequest {
  if (isEventEnvelope(raw)) return requireEnvironmentWhenRetired(fromEvent(raw, settings));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InvalidRequestError([
      `input: expected a JSON object such as {"connectionId": "<uuid>", "mode": "plan"}, got ${Array.isArray(raw) ? 'an array' : raw === null ? 'null' : typeof raw}`,
    ]);
  }
  return requireEnvironmentWhenRetired(fromConsoleInput(parseOrThrow(ConsoleInputSchema, raw), settings, { type: 'console' }));
}
