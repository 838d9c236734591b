import { InventorySchema } from '../../functions/domain/inventory.js';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { LOCAL_RESOURCES, type LocalRunResult } from '../../local/run-workflow.js';
import type { RecordedCall } from '../../local/sandbox/sandbox.js';
import type { Scenario } from '../../local/sandbox/scenario.js';
import {
  type ConnectionState,
  changeTime,
  ENVIRONMENT_TAG,
  type EnvironmentRef,
  environmentArn,
  environmentValues,
  envKey,
  everyConnection,
  everyWorld,
  hubOf,
  type Place,
  PROTECT_TAG,
  placeKey,
  placeScenario,
  placesOf,
  rootOf,
  type StackState,
  sameEnvironment,
  samePlace,
  spokeOf,
  stackFamily,
  visibleTagSets,
  type WorldState,
  worldAt,
} from './world.js';

/**
 * The safety oracle: what the product may do, computed from the scenario (./world.ts) and the
 * rules of the project's issue, never from the product's code or its own inventory. Each rule is
 * a small named function citing the rule; the checks at the end apply them to a finished run.
 *
 * Time: a fact counts against the product as it was at the product's last read of that fact
 * before the deleting call (DescribeStacks of the stack, GetResources, Proton's connection
 * reads); a fact the product never read counts as it was at the deleting call itself.
 */
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const ACTIVE_STATUSES = new Set(['CONNECTED', 'PENDING']);

// ───────────────────────────── the request ─────────────────────────────

export type ProtonApi = 'available' | 'retired';

export interface Target {
  kind: 'decommission' | 'sweep' | 'invalid';
  /** The account-Region the request names (`account`, `region`; a rejected connection's ARN), default the hub's. */
  place: Place;
  /** The request names an account-Region that is not one of the hub's targets: ResolveRequest refuses it. */
  notATarget?: string;
  mode: 'plan' | 'execute';
  protonApi: ProtonApi;
  connectionId?: string;
  /** The environment the request names (console `environment`, or Proton's environment-deleted event). */
  named?: EnvironmentRef;
  /** Proton's environment-deleted event. */
  environmentDeleted: boolean;
  /**
   * Proton's environment-deleted event on a hub with targets (README "Requests, triggers and records
   * across accounts"): each target is asked which connection serves the environment; why that
   * cannot single one out (several targets hold one, or a target cannot be asked), if it cannot.
   * The run then fails, deleting nothing.
   */
  unresolvable?: string;
  sweepEnvironments?: EnvironmentRef[];
  deleteTypes: string[];
  deleteConnectionRoles: boolean;
}

const ENV_TEXT = /^(.+)@(\d{12})$/;

/**
 * What the trigger asks for, read from the trigger itself (README "Starting it" and the issue):
 * console input, the custom event (detail = console input), Proton's connection-rejected and
 * environment-deleted events (default mode), or a sweep. `"protonApi": "retired"` in a request
 * is invalid; `"available"` overrides a retired deployment.
 */
export function requestTarget(scenario: Scenario, defaultMode: 'plan' | 'execute'): Target {
  const target = requestTargetIn(scenario, defaultMode);
  const notATarget = targetRefusal(scenario, target.place);
  return notATarget && target.kind !== 'invalid' ? { ...target, kind: 'invalid', notATarget } : target;
}

/**
 * The hub's targets (README, "Several accounts"): the hub itself, and each configured account in
 * each configured Region (TARGET_ACCOUNTS × TARGET_REGIONS; the local run configures the
 * scenario's accounts and their Regions). Why a request may not name `place`, if it may not.
 */
export function targetRefusal(scenario: Scenario, place: Place): string | undefined {
  const places = placesOf(scenario);
  if (samePlace(place, hubOf(scenario))) return undefined;
  const accounts = new Set(places.map((p) => p.account));
  const regions = new Set(places.map((p) => p.region));
  return accounts.has(place.account) && regions.has(place.region) ? undefined : `${placeKey(place)} is not one of the hub's targets`;
}

/**
 * Where Proton's environment-deleted event is cleaned up on a hub with targets: the one account-Region
 * whose connections include one for the environment (none: the hub, with nothing to do there). With
 * Proton retired the hub asks no one. A target whose spoke cannot be assumed, or lacks the Proton
 * listing, cannot be asked: the run must fail rather than take "none found" from it.
 */
function servingPlace(scenario: Scenario, environment: EnvironmentRef): { place: Place; unresolvable?: string } {
  const hub = hubOf(scenario);
  const others = placesOf(scenario).filter((p) => !samePlace(p, hub));
  if (others.length === 0 || scenario.protonApi === 'retired') return { place: hub };
  const blocked = others.find((p) => {
    const spoke = spokeOf(scenario, p.account);
    return !spoke.deployed || spoke.outsideOrganization || spoke.withoutActions.includes('proton:ListEnvironmentAccountConnections');
  });
  if (blocked) return { place: hub, unresolvable: `the hub cannot ask ${placeKey(blocked)} which connection serves ${envKey(environment)}` };
  const serving = placesOf(scenario).filter((p) =>
    placeScenario(scenario, p).connections.some((c) =>
      sameEnvironment({ name: c.environmentName, managementAccountId: c.managementAccountId ?? scenario.managementAccountId }, environment),
    ),
  );
  if (serving.length > 1) return { place: hub, unresolvable: `${serving.map(placeKey).join(' and ')} each hold a connection for ${envKey(environment)}` };
  return { place: serving[0] ?? hub };
}

const CONNECTION_ARN = /^arn:aws[a-z-]*:proton:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):environment-account-connection\//;

function requestTargetIn(scenario: Scenario, defaultMode: 'plan' | 'execute'): Target {
  const input = scenario.input;
  const hub = hubOf(scenario);
  const base = {
    place: hub,
    mode: defaultMode,
    protonApi: scenario.protonApi,
    environmentDeleted: false,
    deleteTypes: [] as string[],
    deleteConnectionRoles: false,
  };
  if (isObject(input) && input.source === 'aws.proton' && isObject(input.detail)) {
    const detail = input.detail;
    if (input['detail-type'] === 'AWS Proton Environment Status Change' && typeof detail.name === 'string' && typeof input.account === 'string') {
      const named = { name: detail.name, managementAccountId: input.account };
      const { place, unresolvable } = servingPlace(scenario, named);
      return { ...base, place, kind: 'decommission', environmentDeleted: true, named, ...(unresolvable ? { unresolvable } : {}) };
    }
    // Proton names the rejected connection by its ARN: the account and Region it lives in.
    const arn = (Array.isArray(input.resources) ? input.resources : []).map((r) => CONNECTION_ARN.exec(String(r))).find((m) => m !== null);
    const place = arn ? { account: arn[2] as string, region: arn[1] as string } : hub;
    if (typeof detail.id === 'string') return { ...base, place, kind: 'decommission', connectionId: detail.id.toLowerCase() };
    return { ...base, kind: 'invalid' };
  }
  const request = isObject(input) && 'detail-type' in input ? input.detail : input;
  if (!isObject(request)) return { ...base, kind: 'invalid' };
  base.place = {
    account: typeof request.account === 'string' ? request.account : hub.account,
    region: typeof request.region === 'string' ? request.region : hub.region,
  };
  const mode = request.mode === 'plan' || request.mode === 'execute' ? request.mode : defaultMode;
  if (request.protonApi !== undefined && request.protonApi !== 'available') return { ...base, mode, kind: 'invalid' };
  const protonApi: ProtonApi = request.protonApi === 'available' ? 'available' : scenario.protonApi;
  const options = {
    deleteTypes: Array.isArray(request.deleteTypes) ? request.deleteTypes.map(String) : [],
    deleteConnectionRoles: request.deleteConnectionRoles === true,
  };
  if (request.sweep === true) {
    const sweepEnvironments = Array.isArray(request.environments)
      ? request.environments.flatMap((e) => {
          const m = typeof e === 'string' ? ENV_TEXT.exec(e) : null;
          return m ? [{ name: m[1] as string, managementAccountId: m[2] as string }] : [];
        })
      : undefined;
    return { ...base, ...options, mode, protonApi, kind: 'sweep', ...(sweepEnvironments ? { sweepEnvironments } : {}) };
  }
  const env = isObject(request.environment) ? request.environment : undefined;
  const named =
    env && typeof env.name === 'string' && typeof env.managementAccountId === 'string'
      ? { name: env.name, managementAccountId: env.managementAccountId }
      : undefined;
  const connectionId = typeof request.connectionId === 'string' ? request.connectionId.toLowerCase() : undefined;
  if (!named && !connectionId) return { ...base, mode, kind: 'invalid' };
  return { ...base, ...options, mode, protonApi, kind: 'decommission', ...(connectionId ? { connectionId } : {}), ...(named ? { named } : {}) };
}

/**
 * The environment whose stacks the request may delete, or why none: the requested connection's
 * environment (checked against the one the request names), or the named one. With Proton
 * retired, "requests name their environment": a request that names none deletes nothing.
 */
export function targetEnvironment(scenario: Scenario, target: Target): { environment?: EnvironmentRef; why?: string } {
  if (target.kind !== 'decommission') return { why: `a ${target.kind} request deletes no stack` };
  if (target.protonApi === 'retired') return target.named ? { environment: target.named } : { why: 'with Proton retired the request names no environment' };
  const connection = target.connectionId ? everyConnection(scenario).get(target.connectionId) : undefined;
  const ofConnection = connection ? { name: connection.environmentName, managementAccountId: connection.managementAccountId } : undefined;
  if (ofConnection && target.named && !sameEnvironment(ofConnection, target.named)) {
    return { why: `the request names ${envKey(target.named)} but connection ${target.connectionId} serves ${envKey(ofConnection)}` };
  }
  const environment = ofConnection ?? target.named;
  return environment ? { environment } : { why: 'the request identifies no environment (unknown connection, no environment named)' };
}

// ───────────────────────────── the rules ─────────────────────────────

/** "Nested stacks are never deleted on their own; they go with their root." */
export function nestedNeverAlone(stack: StackState): string | undefined {
  return stack.parent ? `it is a nested stack of ${stack.parent}: nested stacks go with their root` : undefined;
}

/** Proven ownership: "a root stack may be deleted only if its name starts with AWSProton-". */
export function protonPrefix(stack: StackState): string | undefined {
  return stack.name.startsWith('AWSProton-') ? undefined : 'its name does not start with AWSProton-';
}

/**
 * Proven ownership: proton:environment = arn:aws:proton:<region>:<mgmt>:environment/<name> on the
 * stack itself or on at least one resource inside it (or inside its nested stacks) that the
 * Tagging API can see.
 */
export function provenFor(world: WorldState, root: StackState, environmentArnValue: string): string | undefined {
  return environmentValues(world, root).has(environmentArnValue) ? undefined : `no proton:environment tag proves it belongs to ${environmentArnValue}`;
}

/**
 * "A stack whose own tags, resources or nested stacks carry two or more distinct proton:environment
 * values is retained ("mixed ownership: …"), never deleted (untagged resources do not make it mixed)."
 */
export function mixedOwnership(world: WorldState, root: StackState): string | undefined {
  const values = environmentValues(world, root);
  return values.size >= 2 ? `mixed ownership: ${[...values].sort().join(', ')}` : undefined;
}

/**
 * Protection: the protect tag (any value, even empty) on the stack, on any resource in it, or on a
 * nested stack or its resources; or termination protection on the stack: never deleted.
 */
export function protection(world: WorldState, root: StackState): string | undefined {
  if (root.terminationProtection) return 'termination protection is on';
  return visibleTagSets(world, root).some((tags) => PROTECT_TAG in tags) ? `it (or something in it) carries ${PROTECT_TAG}` : undefined;
}

/** A connection serves environment E when it is E's (name and management account) and CONNECTED or PENDING. */
export function serves(connection: ConnectionState, environment: EnvironmentRef): boolean {
  return (
    ACTIVE_STATUSES.has(connection.status) &&
    sameEnvironment({ name: connection.environmentName, managementAccountId: connection.managementAccountId }, environment)
  );
}

/**
 * "Served means untouchable. Environment E's stacks, stand-alone resources and roles are deleted only
 * when no connection of this account other than the one being decommissioned serves E." With Proton
 * available, "a Proton error must never lead to deleting anything of an environment a connection may
 * still serve": the connection being decommissioned must be known gone too (deleted, or not found).
 * With Proton retired the serving rule is skipped.
 */
export function servedUntouchable(
  connections: ReadonlyMap<string, ConnectionState>,
  environment: EnvironmentRef,
  decommissioned: ReadonlySet<string>,
  protonApi: ProtonApi,
): string | undefined {
  if (protonApi === 'retired') return undefined;
  const serving = [...connections.values()].filter((c) => serves(c, environment));
  const other = serving.find((c) => !decommissioned.has(c.id));
  if (other) return `connection ${other.id} (${other.status}) still serves ${envKey(environment)}`;
  const own = serving.find((c) => decommissioned.has(c.id));
  if (own) return `the connection being decommissioned, ${own.id}, still exists (${own.status}) and serves ${envKey(environment)}`;
  return undefined;
}

/** "Decommissioning a PENDING or REJECTED connection deletes the connection only." */
export function connectionOnly(decommissionedStatuses: ReadonlyMap<string, string>, protonApi: ProtonApi): string | undefined {
  if (protonApi === 'retired') return undefined;
  const inactive = [...decommissionedStatuses].find(([, status]) => status === 'PENDING' || status === 'REJECTED');
  return inactive ? `decommissioning ${inactive[1]} connection ${inactive[0]} deletes the connection only` : undefined;
}

/**
 * "Hold dependents back": the environment's stacks wait for all the environment's component and
 * service-instance stacks (they use its network by export or by value); any other stack with
 * exports waits for the stacks that import one of them (CloudFormation refuses to delete an export
 * in use). The stacks a stack waits for, among the environment's root stacks.
 */
export function waitsFor(world: WorldState, stack: StackState, environmentArnValue: string): StackState[] {
  const exported = new Set(stackFamily(world, stack).flatMap((s) => s.exports));
  const family = new Set(stackFamily(world, stack).map((s) => s.name));
  return [...world.stacks.values()].filter((other) => {
    if (other === stack || other.parent || !environmentValues(world, other).has(environmentArnValue)) return false;
    if (stack.ownerKind === 'environment' && other.ownerKind !== 'environment') return true;
    return !family.has(other.name) && stackFamily(world, other).some((s) => s.imports.some((i) => exported.has(i)));
  });
}

/** Environments whose management account is this account have no connection by design: never orphans. */
export function ownAccountEnvironment(environment: EnvironmentRef, accountId: string): string | undefined {
  return environment.managementAccountId === accountId ? `${envKey(environment)} is managed by this very account: never an orphan` : undefined;
}

/** SSM parameter /proton-cleanup/decommission/<management account>/<environment> = YYYY-MM-DD, on or before today. */
export function decommissionDue(parameters: Readonly<Record<string, string>>, environment: EnvironmentRef, now: number): boolean {
  const value = parameters[`/proton-cleanup/decommission/${environment.managementAccountId}/${environment.name}`];
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return false;
  return value <= new Date(now).toISOString().slice(0, 10);
}

/**
 * With Proton retired "a sweep plans … and starts cleanups only for environments the request names or
 * that have a due decommission date".
 */
export function retiredSweepMayStart(
  target: Target,
  parameters: Readonly<Record<string, string>>,
  environment: EnvironmentRef,
  now: number,
): string | undefined {
  if (target.protonApi !== 'retired') return undefined;
  if ((target.sweepEnvironments ?? []).some((e) => sameEnvironment(e, environment))) return undefined;
  return decommissionDue(parameters, environment, now) ? undefined : `with Proton retired, ${envKey(environment)} is neither named by the sweep nor due`;
}

/** Why the stack may not be deleted for `environment` in this view of the account (undefined: it may, as far as the stack goes). */
export function whyStackNotDeletable(world: WorldState, stack: StackState, environmentArnValue: string): string | undefined {
  return (
    nestedNeverAlone(stack) ?? protonPrefix(stack) ?? provenFor(world, stack, environmentArnValue) ?? mixedOwnership(world, stack) ?? protection(world, stack)
  );
}

// ───────────────────────────── reading a run ─────────────────────────────

export interface RunContext {
  run: LocalRunResult;
  /** The request's target account-Region as the scenario describes it (world.ts placeScenario): what the per-account rules read. */
  scenario: Scenario;
  /** The whole scenario: the hub and every target account-Region. */
  fleet: Scenario;
  target: Target;
  /** Epoch ms on the sandbox clock when the sandbox opened (changes' `at` counts from there). */
  openedAt: number;
  /** Index of the run's first call in the sandbox's record (a re-run shares its sandbox). */
  since: number;
}

/** Whether the call was answered in the target (IAM is global: any Region of the target's account). */
export const inPlace = (place: Place, c: Pick<RecordedCall, 'service' | 'account' | 'region'>) =>
  c.account === place.account && (c.service === 'iam' || c.region === place.region);
/** This run's calls answered in the request's target account-Region: what the product did there. */
const callsOf = (ctx: RunContext): readonly RecordedCall[] => ctx.run.sandbox.calls.slice(ctx.since).filter((c) => inPlace(ctx.target.place, c));
/** Every call of this run, wherever it was answered (the hub's report bucket, topic and bus included). */
const allCallsOf = (ctx: RunContext): readonly RecordedCall[] => ctx.run.sandbox.calls.slice(ctx.since);
/** What the target account-Region holds now (for the hub: the hub's account). */
const targetAccount = (ctx: RunContext) => ctx.run.sandbox.accountIn(ctx.target.place.account, ctx.target.place.region);
const ok = (c: RecordedCall) => c.error === undefined;

class Timeline {
  private readonly cache = new Map<number, WorldState>();
  constructor(readonly ctx: RunContext) {}
  at(t: number): WorldState {
    let w = this.cache.get(t);
    if (!w) {
      w = worldAt(this.ctx.scenario, this.ctx.openedAt, t);
      this.cache.set(t, w);
    }
    return w;
  }
  /** The latest successful call before `t` in this run that reads the fact, or `t` itself. */
  lastRead(t: number, reads: (c: RecordedCall) => boolean): number {
    let latest: number | undefined;
    for (const c of callsOf(this.ctx)) if (c.at < t && ok(c) && reads(c)) latest = c.at;
    return latest ?? t;
  }
}

function stackNameOf(ctx: RunContext, idOrName: unknown): string | undefined {
  if (typeof idOrName !== 'string') return undefined;
  const account = targetAccount(ctx);
  return (account.stacks.get(idOrName) ?? account.stackByName(idOrName))?.name;
}

const describes = (ctx: RunContext, name: string) => (c: RecordedCall) =>
  c.operation === 'DescribeStacks' && (c.input.StackName === undefined || stackNameOf(ctx, c.input.StackName) === name);
const tagReads = (c: RecordedCall) => c.operation === 'GetResources';

/**
 * The account as the product knew it before `t`, fact by fact: a stack's tags as at its last
 * DescribeStacks or GetResources, its termination protection as at its last DescribeStacks, the
 * resources' tags as at the last GetResources; a fact never read, as at `t`.
 */
function stackView(timeline: Timeline, t: number): WorldState {
  const now = timeline.at(t);
  const view: WorldState = structuredClone(now);
  const resourcesAt = timeline.at(timeline.lastRead(t, tagReads));
  for (const stack of view.stacks.values()) {
    const tagsAt = timeline.at(timeline.lastRead(t, (c) => tagReads(c) || describes(timeline.ctx, stack.name)(c)));
    const protectionAt = timeline.at(timeline.lastRead(t, describes(timeline.ctx, stack.name)));
    stack.tags = { ...(tagsAt.stacks.get(stack.name)?.tags ?? stack.tags) };
    stack.terminationProtection = protectionAt.stacks.get(stack.name)?.terminationProtection ?? stack.terminationProtection;
    const known = resourcesAt.stacks.get(stack.name)?.resources ?? [];
    stack.resources = stack.resources.map((r) => ({ ...r, tags: { ...(known.find((k) => k.logicalId === r.logicalId)?.tags ?? r.tags) } }));
  }
  for (const resource of view.standalone.values()) resource.tags = { ...(resourcesAt.standalone.get(resource.name)?.tags ?? resource.tags) };
  return view;
}

const PROTON_READS = new Set(['GetEnvironmentAccountConnection', 'ListEnvironmentAccountConnections', 'DeleteEnvironmentAccountConnection']);

/** Successful DeleteEnvironmentAccountConnection calls of the whole sandbox (both runs): id → when. */
function productDeletes(ctx: RunContext): Map<string, number> {
  const deleted = new Map<string, number>();
  for (const c of ctx.run.sandbox.calls) {
    if (!inPlace(ctx.target.place, c)) continue;
    if (c.operation === 'DeleteEnvironmentAccountConnection' && ok(c) && !deleted.has(String(c.input.id).toLowerCase()))
      deleted.set(String(c.input.id).toLowerCase(), c.at);
  }
  return deleted;
}

/**
 * The connections as the product knew them before `t`: each as at the product's last Proton read of
 * it (Get or Delete of its id, a listing of its environment; a not-found answer says it is gone), or
 * as at `t` when the product never read it. Connections the product deleted are gone from then on.
 */
function connectionView(timeline: Timeline, t: number): Map<string, ConnectionState> {
  const ctx = timeline.ctx;
  const deletedAt = productDeletes(ctx);
  const view = new Map<string, ConnectionState>();
  for (const [id, connection] of everyConnection(ctx.scenario)) {
    let readAt: number | undefined;
    let saidGone = false;
    for (const c of callsOf(ctx)) {
      if (c.at >= t || c.service !== 'proton' || !PROTON_READS.has(c.operation)) continue;
      const aboutIt =
        c.operation === 'ListEnvironmentAccountConnections'
          ? c.input.environmentName === undefined || c.input.environmentName === connection.environmentName
          : String(c.input.id).toLowerCase() === id;
      if (!aboutIt) continue;
      if (ok(c)) {
        readAt = c.at;
        saidGone = c.operation === 'DeleteEnvironmentAccountConnection';
      } else if (c.error === 'ResourceNotFoundException' && c.operation !== 'ListEnvironmentAccountConnections') {
        readAt = c.at;
        saidGone = true;
      }
    }
    const at = readAt ?? t;
    const state = timeline.at(at).connections.get(id);
    const gone = saidGone || (deletedAt.get(id) ?? Number.POSITIVE_INFINITY) <= at;
    if (state && !gone) view.set(id, { ...state });
  }
  return view;
}

/** The connection's status as last known before it was gone (or at `t`). */
function statusBefore(timeline: Timeline, id: string, t: number): string | undefined {
  const ctx = timeline.ctx;
  const until = Math.min(t, productDeletes(ctx).get(id) ?? Number.POSITIVE_INFINITY);
  let status = timeline.at(until).connections.get(id)?.status;
  if (status !== undefined) return status;
  // Gone by a change: its status in the last world that still had it.
  for (const change of [...ctx.scenario.changes].sort((a, b) => a.at - b.at)) {
    const when = ctx.openedAt + change.at * 1000;
    if (when > until) break;
    status = timeline.at(when - 1).connections.get(id)?.status ?? status;
  }
  return status ?? everyConnection(ctx.scenario).get(id)?.status;
}

/** The connections this run decommissions: the requested one, and (for an environment) those of E it deleted. */
function decommissionedIds(ctx: RunContext, environment: EnvironmentRef): Set<string> {
  // The request's connection, whichever run deleted it: a re-run decommissions the same one.
  const requested = decommissionedConnection(ctx);
  const ids = new Set<string>(requested ? [requested] : []);
  const all = everyConnection(ctx.scenario);
  for (const c of callsOf(ctx)) {
    if (c.operation !== 'DeleteEnvironmentAccountConnection' || !ok(c)) continue;
    const id = String(c.input.id).toLowerCase();
    const known = all.get(id);
    if (known && serves({ ...known, status: 'CONNECTED' }, environment)) ids.add(id);
  }
  return ids;
}

/** Why nothing of environment E may be deleted at `t` for connection reasons (serving, connection only). */
function connectionReasons(timeline: Timeline, environment: EnvironmentRef, t: number): string | undefined {
  const ctx = timeline.ctx;
  const decommissioned = decommissionedIds(ctx, environment);
  const statuses = new Map<string, string>();
  for (const id of decommissioned) {
    const status = statusBefore(timeline, id, t);
    if (status) statuses.set(id, status);
  }
  return connectionOnly(statuses, ctx.target.protonApi) ?? servedUntouchable(connectionView(timeline, t), environment, decommissioned, ctx.target.protonApi);
}

function stackDeletedBy(ctx: RunContext, name: string, t: number): boolean {
  const stack = targetAccount(ctx).stackByName(name);
  return !stack || (stack.deletedAt !== undefined && stack.deletedAt <= t);
}

// ───────────────────────────── the checks ─────────────────────────────

const DELETING = /^(Delete|Remove|Detach)/;
const STANDALONE_OPERATIONS: Record<string, { type: string; key: string; name: (input: Record<string, unknown>) => unknown }> = {
  DeleteBucket: { type: 'AWS::S3::Bucket', key: 's3:bucket', name: (i) => i.Bucket },
  DeleteObjects: { type: 'AWS::S3::Bucket', key: 's3:bucket', name: (i) => i.Bucket },
  DeleteLogGroup: { type: 'AWS::Logs::LogGroup', key: 'logs:log-group', name: (i) => i.logGroupName },
  DeleteRepository: { type: 'AWS::ECR::Repository', key: 'ecr:repository', name: (i) => i.repositoryName },
  DeleteParameter: { type: 'AWS::SSM::Parameter', key: 'ssm:parameter', name: (i) => i.Name },
};
const ROLE_OPERATIONS = new Set(['DeleteRole', 'DetachRolePolicy', 'DeleteRolePolicy', 'RemoveRoleFromInstanceProfile']);

/**
 * No wrongful delete: nothing in plan mode; a sweep deletes nothing; only DeleteStack,
 * DeleteEnvironmentAccountConnection and the deletes the request's deleteTypes/deleteConnectionRoles
 * ask for; only the requested connection; each DeleteStack passes every stack rule and the connection
 * rules as the product knew them; stand-alone resources and roles likewise.
 */
export function noWrongfulDelete(ctx: RunContext): string[] {
  const { target, scenario } = ctx;
  const violations: string[] = [];
  const timeline = new Timeline(ctx);
  const { environment, why } = targetEnvironment(scenario, target);
  const arn = environment ? environmentArn(scenario, environment) : '';
  const connections = everyConnection(scenario);
  for (const call of callsOf(ctx)) {
    if (!DELETING.test(call.operation) || (call.service === 's3' && call.input.Bucket === LOCAL_RESOURCES.reportBucket)) continue;
    const what = `${call.operation} ${JSON.stringify(call.input).slice(0, 160)}`;
    if (target.mode === 'plan') violations.push(`[plan] ${what} in plan mode`);
    if (target.kind !== 'decommission') {
      violations.push(`[${target.kind}] ${what}: a ${target.kind} request deletes nothing`);
      continue;
    }
    if (call.operation === 'DeleteEnvironmentAccountConnection') {
      const id = String(call.input.id).toLowerCase();
      const known = connections.get(id);
      const allowed = target.connectionId
        ? id === target.connectionId
        : environment !== undefined && known !== undefined && serves({ ...known, status: 'CONNECTED' }, environment);
      if (!allowed) violations.push(`[only-the-requested-connection] DeleteEnvironmentAccountConnection ${id}: not the connection this request decommissions`);
      continue;
    }
    if (call.operation === 'DeleteStack') {
      const name = stackNameOf(ctx, call.input.StackName);
      const view = stackView(timeline, call.at);
      const stack = name ? view.stacks.get(name) : undefined;
      if (!stack) {
        violations.push(`[proven-ownership] DeleteStack ${String(call.input.StackName)}: not a stack of the scenario`);
        continue;
      }
      if (!environment) {
        violations.push(`[proven-ownership] DeleteStack ${stack.name}: ${why}`);
        continue;
      }
      const reason = whyStackNotDeletable(view, stack, arn) ?? connectionReasons(timeline, environment, call.at);
      if (reason) violations.push(`DeleteStack ${stack.name} for ${envKey(environment)}: ${reason}`);
      continue;
    }
    const standalone = STANDALONE_OPERATIONS[call.operation];
    if (standalone) {
      const name = String(standalone.name(call.input));
      const view = stackView(timeline, call.at);
      // A resource its stack's deletion left behind (Retain, or kept) is outside any stack from then on.
      const inStack = [...view.stacks.values()].find(
        (s) => !stackDeletedBy(ctx, s.name, call.at) && s.resources.some((r) => r.type === standalone.type && r.name === name),
      );
      const leftBehind = [...view.stacks.values()]
        .flatMap((s) => (stackDeletedBy(ctx, s.name, call.at) ? s.resources : []))
        .find((r) => r.type === standalone.type && r.name === name);
      const resource = [...view.standalone.values()].find((r) => r.type === standalone.type && r.name === name) ?? leftBehind;
      const reason = !target.deleteTypes.includes(standalone.key)
        ? `the request's deleteTypes do not include ${standalone.key}`
        : inStack
          ? `it is a resource of stack ${inStack.name}: it goes with its stack`
          : !resource
            ? 'not a stand-alone resource of the scenario'
            : !environment
              ? why
              : resource.tags[ENVIRONMENT_TAG] !== arn
                ? `it is not tagged for ${envKey(environment)}`
                : PROTECT_TAG in resource.tags
                  ? `it carries ${PROTECT_TAG}`
                  : connectionReasons(timeline, environment, call.at);
      if (reason) violations.push(`[stand-alone] ${call.operation} ${name}: ${reason}`);
      continue;
    }
    if (ROLE_OPERATIONS.has(call.operation)) {
      const role = String(call.input.RoleName);
      const decommissioned = environment ? decommissionedIds(ctx, environment) : new Set<string>();
      const ofDecommissioned = [...decommissioned].some((id) => connections.get(id)?.roleNames.includes(role));
      const view = connectionView(timeline, call.at);
      const sharer = [...view.values()].find((c) => !decommissioned.has(c.id) && c.roleNames.includes(role));
      const reason = !target.deleteConnectionRoles
        ? 'the request does not ask for deleteConnectionRoles'
        : !environment
          ? why
          : !ofDecommissioned
            ? 'not a role of the connection being decommissioned'
            : sharer
              ? `connection ${sharer.id} still references it`
              : connectionReasons(timeline, environment, call.at);
      if (reason) violations.push(`[roles] ${call.operation} ${role}: ${reason}`);
      continue;
    }
    violations.push(`[only-these-deletes] ${what}: the request asked for no such deletion`);
  }
  return violations;
}

/**
 * "Hold dependents back": a stack is not started unless what it waits for (see waitsFor) is deleted
 * or already absent at the moment of its DeleteStack.
 */
export function holdDependentsBack(ctx: RunContext): string[] {
  const { environment } = targetEnvironment(ctx.scenario, ctx.target);
  if (!environment) return [];
  const arn = environmentArn(ctx.scenario, environment);
  const timeline = new Timeline(ctx);
  const violations: string[] = [];
  for (const call of callsOf(ctx)) {
    if (call.operation !== 'DeleteStack') continue;
    const name = stackNameOf(ctx, call.input.StackName);
    const world = timeline.at(timeline.lastRead(call.at, tagReads));
    const stack = name ? world.stacks.get(name) : undefined;
    if (!stack) continue;
    for (const waited of waitsFor(world, stack, arn)) {
      if (!stackDeletedBy(ctx, waited.name, call.at)) {
        const status = targetAccount(ctx).stackByName(waited.name)?.status ?? 'absent';
        violations.push(`DeleteStack ${stack.name} (${stack.ownerKind}) started while ${waited.name} (${waited.ownerKind}) is not deleted (${status})`);
      }
    }
  }
  return violations;
}

function childEnvironment(call: RecordedCall): EnvironmentRef | undefined {
  let input: unknown;
  try {
    input = JSON.parse(String(call.input.input ?? 'null'));
  } catch {
    return undefined;
  }
  const request = isObject(input) && isObject(input.detail) ? input.detail : input;
  const env = isObject(request) && isObject(request.environment) ? request.environment : undefined;
  return env && typeof env.name === 'string' && typeof env.managementAccountId === 'string'
    ? { name: env.name, managementAccountId: env.managementAccountId }
    : undefined;
}

/**
 * Sweeps: never a child for an environment a connection serves (as the product knew the connections
 * when it started it), nor for an environment of this account; with Proton available, a failed listing
 * fails the sweep with nothing started; with Proton retired, only named or due environments.
 */
export function sweepStartsOnlyOrphans(ctx: RunContext): string[] {
  if (ctx.target.kind !== 'sweep') return [];
  const violations: string[] = [];
  // A fleet sweep starts each child in its account-Region (its input's `account` and `region`, default
  // the hub's): each is judged against what that place holds and what the sweep read there.
  const places = new Map<string, { ctx: RunContext; timeline: Timeline }>();
  const atPlace = (place: Place) => {
    let at = places.get(placeKey(place));
    if (!at) {
      const placeCtx = { ...ctx, scenario: placeScenario(ctx.fleet, place), target: { ...ctx.target, place } };
      at = { ctx: placeCtx, timeline: new Timeline(placeCtx) };
      places.set(placeKey(place), at);
    }
    return at;
  };
  for (const call of allCallsOf(ctx)) {
    if (call.operation !== 'StartExecution' || !ok(call)) continue;
    const environment = childEnvironment(call);
    if (!environment) {
      violations.push(`StartExecution ${String(call.input.name)} names no environment`);
      continue;
    }
    const place = childPlace(call) ?? hubOf(ctx.fleet);
    const { ctx: there, timeline } = atPlace(place);
    const listings = callsOf(there).filter((c) => c.operation === 'ListEnvironmentAccountConnections');
    // A fleet sweep may be retried after it started a child on a good listing: what counts is the
    // listing the child was decided on (the last one before it). One account's sweep fails whole.
    const decidedOn = placesOf(ctx.fleet).length > 1 ? listings.filter((c) => c.at < call.at) : listings;
    const listingFailed = ctx.target.protonApi === 'available' && decidedOn.length > 0 && !ok(decidedOn[decidedOn.length - 1] as RecordedCall);
    if (listingFailed) violations.push(`StartExecution for ${envKey(environment)}: the connection listing failed, so the sweep must start nothing`);
    if (ctx.target.protonApi === 'available' && !listings.some((c) => ok(c) && c.at < call.at)) {
      violations.push(`StartExecution for ${envKey(environment)} before any successful connection listing`);
    }
    const reason =
      ownAccountEnvironment(environment, place.account) ??
      retiredSweepMayStart(ctx.target, there.scenario.parameters, environment, call.at) ??
      servedUntouchable(connectionView(timeline, call.at), environment, new Set(), ctx.target.protonApi);
    if (reason) violations.push(`StartExecution for ${envKey(environment)} in ${placeKey(place)}: ${reason}`);
  }
  return violations;
}

/** The account-Region a sweep's child is started for (its input names another than the hub's). */
function childPlace(call: RecordedCall): Place | undefined {
  try {
    const input = JSON.parse(String(call.input.input ?? 'null')) as { account?: unknown; region?: unknown } | null;
    return typeof input?.account === 'string' && typeof input.region === 'string' ? { account: input.account, region: input.region } : undefined;
  } catch {
    return undefined;
  }
}

/** "With protonApi retired, the product never calls any Proton operation (any Proton call is a violation)." */
export function retiredNeverCallsProton(ctx: RunContext): string[] {
  if (ctx.scenario.protonApi !== 'retired' || ctx.target.protonApi === 'available') return [];
  return allCallsOf(ctx)
    .filter((c) => c.service === 'proton')
    .map((c) => `Proton ${c.operation} called on a retired deployment (in ${c.account}/${c.region})`);
}

const OUTCOME_COUNTS = [
  ['deleted', 'deleted'],
  ['alreadyAbsent', 'already-absent'],
  ['retained', 'retained'],
  ['failed', 'failed'],
  ['planned', 'planned'],
] as const;

function mentionsExecution(text: string, executionName: string): boolean {
  return text.includes(`/reports/${executionName}.json`) || text.includes(`execution ${executionName} `) || text.includes(`"executionName":"${executionName}"`);
}

/**
 * Every inventoried resource is reported exactly once and the summary adds up; a failed run leaves
 * a report or, at least, the failure notification (SNS message and EventBridge event), unless an
 * injected fault stopped exactly that.
 */
export function noLostRecord(ctx: RunContext): string[] {
  const { run } = ctx;
  const violations: string[] = [];
  const { account } = run.sandbox;
  const name = run.executionName;
  const report = run.report;
  if (run.status === 'succeeded' && !report) violations.push('the execution succeeded without writing its report');
  if (report) {
    const times = new Map<string, number>();
    for (const entry of report.resources) times.set(entry.id, (times.get(entry.id) ?? 0) + 1);
    for (const [id, n] of times) if (n > 1) violations.push(`${id} is in the report ${n} times`);
    const inventoryKey = `executions/${name}/inventory.json`;
    const stored = account.objects.get(`${LOCAL_RESOURCES.reportBucket}/${inventoryKey}`);
    // An injected fault on reading the stored inventory back is the one excuse for leaving it out.
    const unreadable = allCallsOf(ctx).some((c) => c.operation === 'GetObject' && c.input.Key === inventoryKey && c.error !== undefined);
    if (stored !== undefined && !unreadable) {
      for (const resource of InventorySchema.parse(JSON.parse(stored)).resources) {
        if (!times.has(resource.id)) violations.push(`${resource.id} (${resource.type}, ${resource.action}) is in the stored inventory but not in the report`);
      }
    }
    const s = report.summary;
    if (s.total !== report.resources.length) violations.push(`summary.total is ${s.total}, but the report lists ${report.resources.length} resources`);
    for (const [key, outcome] of OUTCOME_COUNTS) {
      const n = report.resources.filter((r) => r.outcome === outcome).length;
      if (s[key] !== n) violations.push(`summary.${key} is ${s[key]}, but ${n} resources are ${outcome}`);
    }
    if (s.deleted + s.alreadyAbsent + s.retained + s.failed + s.planned !== s.total) violations.push(`the summary counts do not add up to ${s.total}`);
  }
  if (run.status === 'failed' && !report) {
    const calls = allCallsOf(ctx);
    const faulted = (...operations: string[]) => calls.some((c) => c.error !== undefined && operations.includes(c.operation));
    const notifyTimedOut = run.lambdaFaultsFired.some((f) => f.state === 'NotifyFailure');
    const message = [...account.topics.values()].flat().some((m) => /FAILED/.test(m.subject ?? '') && mentionsExecution(m.message, name));
    const event = account.events.some((e) => e.detailType === COMPLETION_DETAIL_TYPE.failed && mentionsExecution(JSON.stringify(e.detail), name));
    if (!message && !faulted('Publish') && !notifyTimedOut) {
      violations.push('the execution failed without a report and without an SNS failure message, and no injected fault prevented the message');
    }
    if (!event && !faulted('Publish', 'PutEvents') && !notifyTimedOut) {
      violations.push('the execution failed without a report and without a failure event, and no injected fault prevented the event');
    }
  }
  return violations;
}

/** Whether a stack may appear in a report for E: proven (partly) for E, or an unproven AWSProton- stack, in some state of the run. */
export function reportable(worlds: readonly WorldState[], name: string, environmentArnValue: string): boolean {
  return worlds.some((world) => {
    const stack = world.stacks.get(name);
    if (!stack) return false;
    const values = environmentValues(world, rootOf(world, stack));
    return values.has(environmentArnValue) || (values.size === 0 && rootOf(world, stack).name.startsWith('AWSProton-'));
  });
}

/**
 * "Reports list only this environment's resources and the unproven AWSProton- stacks — a stack proven
 * for another environment (by its tags or its resources') is neither touched nor listed."
 */
export function reportScope(ctx: RunContext): string[] {
  const report = ctx.run.report;
  const { environment } = targetEnvironment(ctx.scenario, ctx.target);
  if (!report || !environment || ctx.target.kind !== 'decommission') return [];
  const arn = environmentArn(ctx.scenario, environment);
  const worlds = everyWorld(ctx.scenario);
  const account = targetAccount(ctx);
  const violations: string[] = [];
  for (const entry of report.resources) {
    const stackId = entry.type === 'cloudformation:stack' ? entry.id : entry.stackId;
    if (stackId) {
      const name = account.stacks.get(stackId)?.name;
      if (name && !reportable(worlds, name, arn))
        violations.push(`the report lists ${entry.type} ${entry.id} of stack ${name}, which is proven for another environment only`);
      continue;
    }
    const standalone = [...(worlds[0]?.standalone.values() ?? [])].find((r) => r.arn === entry.id);
    if (standalone && !worlds.some((w) => w.standalone.get(standalone.name)?.tags[ENVIRONMENT_TAG] === arn)) {
      violations.push(`the report lists stand-alone ${standalone.name}, tagged for another environment`);
    }
  }
  return violations;
}

/** Why CloudFormation cannot finish deleting the stack: a resource that fails to delete, a bucket with objects, a live importer. */
function cloudFormationCannot(ctx: RunContext, world: WorldState, stack: StackState): string | undefined {
  const account = targetAccount(ctx);
  const specs = new Map(ctx.scenario.stacks.map((s) => [s.name, s]));
  for (const member of stackFamily(world, stack)) {
    const spec = specs.get(member.name);
    if (spec?.resources.some((r) => r.deletionPolicy !== 'Retain' && (r.failsToDelete !== undefined || r.objects > 0)))
      return `${member.name} has a resource CloudFormation cannot delete`;
    for (const exported of member.exports) {
      for (const other of account.stacks.values()) {
        if (other.status !== 'DELETE_COMPLETE' && other.imports.includes(exported) && !stackFamily(world, stack).some((m) => m.name === other.name)) {
          return `${other.name} still imports ${exported}`;
        }
      }
    }
  }
  return undefined;
}

/** The connection was deleted by a scenario change (not by the product) before the product's first read of it in this sandbox. */
function goneBeforeFirstRead(ctx: RunContext, id: string): boolean {
  if (productDeletes(ctx).has(id)) return false;
  const firstRead = ctx.run.sandbox.calls.find(
    (c) => inPlace(ctx.target.place, c) && c.operation === 'GetEnvironmentAccountConnection' && String(c.input.id).toLowerCase() === id,
  );
  if (!firstRead) return false;
  return ctx.scenario.changes.some((c) => c.action === 'delete-connection' && c.id.toLowerCase() === id && changeTime(ctx.openedAt, c) <= firstRead.at);
}

/**
 * After a fault-free re-run, the execute request has converged: the re-run succeeded, and every stack
 * that may be deleted (all rules, in the account as it ends) is gone, unless CloudFormation cannot
 * delete it or it waits for a stack that stays.
 */
export function converged(ctx: RunContext): string[] {
  const { run, target, scenario } = ctx;
  const violations: string[] = [];
  if (target.kind === 'invalid') {
    if (run.error?.name !== 'InvalidRequest') violations.push(`an invalid request ended ${run.status} ${run.error?.name ?? ''}, not InvalidRequest`);
    return violations;
  }
  // A target the hub cannot work in stays so without faults: spokeFailureReported judges the run instead.
  if (spokeRefusal(ctx.fleet, target.place, callsOf(ctx))) return violations;
  const { environment } = targetEnvironment(scenario, target);
  const requested = target.connectionId ? everyConnection(scenario).get(target.connectionId) : undefined;
  const mustFail = target.kind === 'decommission' && !environment && !(target.protonApi === 'available' && requested);
  if (mustFail) return violations; // nothing identifies an environment: failing (or reporting nothing) is right
  // Someone else deleted the requested connection before the product first asked Proton about it: with
  // no environment named, nothing identifies one any more, and ConnectionNotFound is the right answer.
  if (requested && !target.named && run.error?.name === 'ConnectionNotFound' && goneBeforeFirstRead(ctx, requested.id)) return violations;
  // Proton's environment-deleted event for an environment with several connections here: which one to
  // decommission is a person's call, so the run refuses (SeveralConnections), as designed.
  const ambiguous = target.environmentDeleted && target.protonApi === 'available' && environment !== undefined && connectionsOf(ctx, environment).length > 1;
  if (ambiguous && run.error?.name === 'SeveralConnections') return violations;
  // The same across targets, or a target the hub cannot ask: failing is right (nothing is deleted: the other rules hold that).
  if (target.unresolvable && run.status === 'failed') return violations;
  if (run.status !== 'succeeded') violations.push(`the re-run failed: ${run.error?.name ?? 'unknown'}: ${(run.error?.cause ?? '').slice(0, 300)}`);
  if (target.mode !== 'execute' || target.kind !== 'decommission' || !environment) return violations;
  // Proton's environment-deleted event with no connection of E: "nothing to do" is allowed.
  const hadConnection = [...everyConnection(scenario).values()].some((c) =>
    sameEnvironment({ name: c.environmentName, managementAccountId: c.managementAccountId }, environment),
  );
  if (target.environmentDeleted && target.protonApi === 'available' && !hadConnection) return violations;
  const timeline = new Timeline(ctx);
  const end = run.sandbox.clock.now();
  if (connectionReasons(timeline, environment, end)) return violations;
  const world = timeline.at(end);
  const arn = environmentArn(scenario, environment);
  const stays = (s: StackState) => !stackDeletedBy(ctx, s.name, end);
  for (const stack of world.stacks.values()) {
    if (whyStackNotDeletable(world, stack, arn) || !stays(stack)) continue;
    if (cloudFormationCannot(ctx, world, stack)) continue;
    if (waitsFor(world, stack, arn).some(stays)) continue;
    const model = targetAccount(ctx).stackByName(stack.name);
    violations.push(`${stack.name} is still ${model?.status ?? 'there'} after the re-run${model?.statusReason ? ` (${model.statusReason})` : ''}`);
  }
  return violations;
}

const RETRYABLE = ['ThrottlingException', 'ConflictException', 'InternalServerException'];
const NOT_PROTON_FAILURES = new Set(['ResourceNotFoundException', 'ValidationException', 'ConflictException']);

/** A permanent error for the connection: a failure that retrying would not change. */
function permanentConnectionError(run: LocalRunResult): boolean {
  const connection = run.report?.connection;
  if (connection?.outcome !== 'failed') return false;
  const error = (connection.error ?? '').split(':')[0] ?? '';
  return !RETRYABLE.includes(error) && !error.startsWith('Lambda.');
}

/** The connections of the environment, in the scenario as it starts. */
function connectionsOf(ctx: RunContext, environment: EnvironmentRef): ConnectionState[] {
  return [...everyConnection(ctx.scenario).values()].filter((c) =>
    sameEnvironment({ name: c.environmentName, managementAccountId: c.managementAccountId }, environment),
  );
}

/**
 * The connection this request decommissions: the requested one, or, for Proton's environment-deleted
 * event, the environment's only connection. A request that names only an environment asks for its
 * leftovers: it decommissions no connection (README "Starting it"; a sweep's children are such
 * requests, and must never take over a connection that appeared since the sweep).
 */
function decommissionedConnection(ctx: RunContext): string | undefined {
  if (ctx.target.connectionId) return ctx.target.connectionId;
  const named = ctx.target.named;
  if (!named || !ctx.target.environmentDeleted) return undefined;
  const ofEnvironment = connectionsOf(ctx, named);
  return ofEnvironment.length === 1 ? ofEnvironment[0]?.id : undefined;
}

/**
 * In execute mode with Proton available the connection ends deleted: a run never reports it deleted
 * (or already absent) while it exists, a successful run leaves it deleted, and after the re-run it is
 * gone unless the report shows a permanent error. With Proton retired the report records it
 * `unreachable`.
 */
export function connectionEndsDeleted(ctx: RunContext, { final = false } = {}): string[] {
  const { run, target } = ctx;
  if (target.kind !== 'decommission' || target.mode !== 'execute') return [];
  if (target.protonApi === 'retired') {
    // "Requests name their environment(s)": one that names none is refused, and nothing else is judged.
    if (!target.named)
      return run.error?.name === 'InvalidRequest'
        ? []
        : [`with Proton retired a request naming no environment ended ${run.status} ${run.error?.name ?? ''}, not InvalidRequest`];
    const outcome = run.report?.connection.outcome;
    return run.report && run.status === 'succeeded' && outcome !== 'unreachable'
      ? [`with Proton retired the report records the connection ${outcome}, not unreachable`]
      : [];
  }
  const id = decommissionedConnection(ctx);
  if (!id || !targetAccount(ctx).connections.has(id)) return [];
  // The connection of a target the hub cannot work in stays: spokeFailureReported judges the run instead.
  // A target the hub cannot work in, or an environment event no single target serves: the run fails, and the connection stays.
  const refused = spokeRefusal(ctx.fleet, target.place, callsOf(ctx)) !== undefined || target.unresolvable !== undefined;
  // Changes may create the connection (again) after the run deleted it: only judge what the run saw.
  if (ctx.scenario.changes.some((c) => (c.action === 'create-connection' && c.connection.id.toLowerCase() === id) || c.action === 'delete-connection'))
    return [];
  const violations: string[] = [];
  const outcome = run.report?.connection.outcome;
  const protonSaidGone = callsOf(ctx).some(
    (c) =>
      (c.operation === 'DeleteEnvironmentAccountConnection' || c.operation === 'GetEnvironmentAccountConnection') && c.error === 'ResourceNotFoundException',
  );
  if ((outcome === 'deleted' || outcome === 'already-absent') && !protonSaidGone) {
    violations.push(`the report says connection ${id} is ${outcome}, but it still exists`);
  } else if (refused) {
    return violations;
  } else if (run.status === 'succeeded' && !protonSaidGone) {
    violations.push(`the execution succeeded in execute mode, but connection ${id} still exists (outcome ${outcome ?? 'unknown'})`);
  } else if (final && !permanentConnectionError(run)) {
    violations.push(
      `connection ${id} still exists after the re-run (outcome ${outcome ?? 'unknown'}${run.report?.connection.error ? `: ${run.report.connection.error}` : ''})`,
    );
  }
  return violations;
}

/**
 * "Proton errors are errors": with Proton available, a run whose last Proton call failed (network,
 * throttling, 5xx, AccessDenied, unreachable) did not get past it: it must not end succeeded.
 */
export function protonErrorsFailTheRun(ctx: RunContext): string[] {
  if (ctx.target.protonApi !== 'available' || ctx.run.status !== 'succeeded') return [];
  if (ctx.target.kind === 'sweep' && placesOf(ctx.fleet).length > 1) return fleetSweepReportsWhatItCouldNotRead(ctx);
  const proton = callsOf(ctx).filter((c) => c.service === 'proton');
  const last = proton[proton.length - 1];
  if (!last || last.error === undefined || NOT_PROTON_FAILURES.has(last.error)) return [];
  return [`the run succeeded, but its last Proton call (${last.operation}) failed with ${last.error}`];
}

/**
 * A fleet sweep goes on past an account-Region it cannot read (README "Fleet sweeps"), but must say
 * so: wherever its last Proton call failed, the report notes that place as not swept.
 */
function fleetSweepReportsWhatItCouldNotRead(ctx: RunContext): string[] {
  const violations: string[] = [];
  for (const place of placesOf(ctx.fleet)) {
    const proton = allCallsOf(ctx).filter((c) => c.service === 'proton' && inPlace(place, c));
    const last = proton[proton.length - 1];
    if (!last || last.error === undefined || NOT_PROTON_FAILURES.has(last.error)) continue;
    const said = ctx.run.report?.notes?.some((n) => n.startsWith(`account ${place.account} in ${place.region} was not swept`));
    if (!said)
      violations.push(
        `the fleet sweep succeeded, but its last Proton call in ${placeKey(place)} (${last.operation}) failed with ${last.error}, and the report does not say it was not swept`,
      );
  }
  return violations;
}

// ───────────────────────────── several accounts ─────────────────────────────

/** The IAM service prefix of each service the sandbox answers (Service Authorization Reference). */
const IAM_PREFIX: Readonly<Record<string, string>> = {
  proton: 'proton',
  cloudformation: 'cloudformation',
  tagging: 'tag',
  s3: 's3',
  ssm: 'ssm',
  iam: 'iam',
  logs: 'logs',
  ecr: 'ecr',
  sns: 'sns',
  eventbridge: 'events',
  stepfunctions: 'states',
  sts: 'sts',
  organizations: 'organizations',
};

/** The IAM action a recorded call needs (the operation's own name, but DeleteObjects: s3:DeleteObject). */
export function iamActionOf(c: Pick<RecordedCall, 'service' | 'operation'>): string {
  const operation = c.service === 's3' && c.operation === 'DeleteObjects' ? 'DeleteObject' : c.operation;
  return `${IAM_PREFIX[c.service] ?? c.service}:${operation}`;
}

const isReportBucketCall = (fleet: Scenario, c: RecordedCall) =>
  c.service === 's3' && c.input.Bucket === LOCAL_RESOURCES.reportBucket && c.account === fleet.accountId && c.region === fleet.region;

/**
 * Why the hub cannot work in the target with its spoke roles, as the scenario says: the spoke is not
 * deployed in the account, the account is outside the organization (the hub may assume roles only in
 * its organization), or a call the run made there needs an action the spoke's policies lack. The hub
 * itself works with its own roles: never refused this way.
 */
export function spokeRefusal(
  fleet: Scenario,
  place: Place,
  calls: readonly Pick<RecordedCall, 'service' | 'operation' | 'account' | 'region'>[],
): string | undefined {
  if (place.account === fleet.accountId) return undefined;
  const spoke = spokeOf(fleet, place.account);
  if (!spoke.deployed) return `the spoke is not deployed in ${place.account}`;
  if (spoke.outsideOrganization) return `${place.account} is outside the organization`;
  const lacking = calls.find((c) => inPlace(place, c) && spoke.withoutActions.includes(iamActionOf(c)));
  return lacking ? `the spoke roles of ${place.account} lack ${iamActionOf(lacking)}, which the run called` : undefined;
}

/**
 * "Nothing is ever deleted in an account or Region other than the request's target": no deleting
 * call answered anywhere else (the hub's own report bucket aside; IAM is global, so any Region of the
 * target's account), and every other account-Region still holds what the scenario gave it: its
 * stacks not deleted nor being deleted by anyone but their scenario, its stand-alone resources, its
 * connections (unless a scenario change deleted one) and their roles.
 */
export function noCrossAccountDelete(ctx: RunContext): string[] {
  const { fleet, target } = ctx;
  const violations: string[] = [];
  for (const c of allCallsOf(ctx)) {
    if (!DELETING.test(c.operation) || isReportBucketCall(fleet, c) || inPlace(target.place, c)) continue;
    violations.push(
      `${c.operation} ${JSON.stringify(c.input).slice(0, 120)} answered in ${c.account}/${c.region}, but the target is ${placeKey(target.place)}`,
    );
  }
  for (const place of placesOf(fleet)) {
    if (samePlace(place, target.place)) continue;
    const spec = placeScenario(fleet, place);
    const account = ctx.run.sandbox.accountIn(place.account, place.region);
    const where = `in ${placeKey(place)} (not the target)`;
    const specs = new Map(spec.stacks.map((s) => [s.name, s]));
    const deletingFromTheStart = (name: string | undefined): boolean =>
      name !== undefined && (specs.get(name)?.status === 'DELETE_IN_PROGRESS' || deletingFromTheStart(specs.get(name)?.parent));
    for (const s of spec.stacks) {
      if (deletingFromTheStart(s.name)) continue;
      const model = account.stackByName(s.name);
      if (!model || model.deletedAt !== undefined || (model.status !== s.status && /^DELETE_/.test(model.status)))
        violations.push(`stack ${s.name} ${where} is ${model?.status ?? 'gone'}`);
    }
    for (const r of spec.standaloneResources) if (!account.resourceNamed(r.type, r.name)) violations.push(`stand-alone ${r.type} ${r.name} ${where} is gone`);
    const deletedByChange = new Set(spec.changes.flatMap((c) => (c.action === 'delete-connection' ? [c.id.toLowerCase()] : [])));
    for (const c of spec.connections) {
      if (deletedByChange.has(c.id.toLowerCase())) continue;
      if (![...account.connections.keys()].some((id) => id.toLowerCase() === c.id.toLowerCase())) violations.push(`connection ${c.id} ${where} is gone`);
      if (place.account === target.place.account) continue; // IAM is global: the target's account's roles are the target's
      for (const role of [c.roleName, c.componentRoleName, c.codebuildRoleName]) {
        if (role && !account.roles.has(role)) violations.push(`role ${role} of account ${place.account} (not the target's) is gone`);
      }
    }
  }
  return violations;
}

/**
 * "A request naming an account (or Region) that is not a target is refused and deletes nothing
 * anywhere": it ends InvalidRequest, makes no deleting call (the report bucket aside) and no call at
 * all in any account-Region but the hub's.
 */
export function refusedTargetTouchesNothing(ctx: RunContext): string[] {
  if (!ctx.target.notATarget) return [];
  const violations: string[] = [];
  if (ctx.run.error?.name !== 'InvalidRequest') violations.push(`${ctx.target.notATarget}, yet the run ended ${ctx.run.status} ${ctx.run.error?.name ?? ''}`);
  for (const c of allCallsOf(ctx)) {
    if (isReportBucketCall(ctx.fleet, c)) continue;
    if (DELETING.test(c.operation)) violations.push(`${c.operation} in ${c.account}/${c.region} on a refused request (${ctx.target.notATarget})`);
    else if (c.account !== ctx.fleet.accountId || c.region !== ctx.fleet.region)
      violations.push(`${c.service} ${c.operation} answered in ${c.account}/${c.region} on a refused request (${ctx.target.notATarget})`);
  }
  return violations;
}

/**
 * A target the hub cannot work in (spokeRefusal) is reported: the run fails, or its report records
 * a failure (the run's, the connection's or a resource's). A run that ends as though all went well
 * hides that the target was not cleaned up.
 */
export function spokeFailureReported(ctx: RunContext): string[] {
  const { run, target } = ctx;
  if (target.kind === 'invalid') return [];
  const why = spokeRefusal(ctx.fleet, target.place, callsOf(ctx));
  if (!why) return [];
  const report = run.report;
  const reported =
    run.status === 'failed' ||
    (report !== undefined &&
      (report.status === 'failed' || report.failure !== undefined || report.summary.failed > 0 || report.connection.outcome === 'failed'));
  return reported ? [] : [`${why}, yet the run ended ${run.status} with no failure reported (summary ${JSON.stringify(report?.summary ?? null)})`];
}
