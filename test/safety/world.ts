import { arnFor } from '../../local/sandbox/resource-arns.js';
import { AccountContentSchema, type ChangeSpec, type Scenario, type ScenarioInput, ScenarioSchema } from '../../local/sandbox/scenario.js';

/**
 * The account as the scenario describes it, at any moment of a run: the scenario's initial
 * state with the scenario's `changes` applied up to that moment. Built from the scenario's own
 * fields and the AWS facts (docs/sandbox.md, with their sources), never from the product's code: this is the
 * oracle's model of what the product *should* have seen.
 *
 * What the Tagging API can see: a stack's own tags (DescribeStacks shows them too), and the
 * tags of resources that are taggable. The proton:* tags go where `protonTags` says; a resource
 * with its own `environment` is tagged for that environment (the generator sets it only where
 * proton:* tags are on resources).
 */
export const PROTECT_TAG = 'proton-cleanup:protect';
export const ENVIRONMENT_TAG = 'proton:environment';

export interface EnvironmentRef {
  name: string;
  managementAccountId: string;
}

export const envKey = (e: EnvironmentRef) => `${e.name}@${e.managementAccountId}`;
export const sameEnvironment = (a: EnvironmentRef, b: EnvironmentRef) => a.name === b.name && a.managementAccountId === b.managementAccountId;

export interface ResourceState {
  logicalId: string;
  type: string;
  name: string;
  arn: string;
  taggable: boolean;
  tags: Record<string, string>;
}

export interface StackState {
  name: string;
  parent?: string;
  ownerKind: 'environment' | 'service-instance' | 'component';
  /** Where the scenario says it was provisioned (not evidence: the tags are). */
  environment: EnvironmentRef;
  tags: Record<string, string>;
  terminationProtection: boolean;
  exports: string[];
  imports: string[];
  resources: ResourceState[];
}

export interface StandaloneState {
  type: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
}

export interface ConnectionState {
  id: string;
  environmentName: string;
  managementAccountId: string;
  status: 'PENDING' | 'CONNECTED' | 'REJECTED';
  roleNames: string[];
}

export interface WorldState {
  stacks: Map<string, StackState>;
  standalone: Map<string, StandaloneState>;
  connections: Map<string, ConnectionState>;
}

export function parseScenario(scenario: ScenarioInput | Scenario): Scenario {
  return ScenarioSchema.parse(scenario);
}

/** One account-Region: the hub's, or a target's. */
export interface Place {
  account: string;
  region: string;
}

export const placeKey = (p: Place) => `${p.account}/${p.region}`;
export const samePlace = (a: Place, b: Place) => a.account === b.account && a.region === b.region;
export const hubOf = (scenario: Scenario): Place => ({ account: scenario.accountId, region: scenario.region });

/** Every account-Region the scenario describes, the hub's first. */
export function placesOf(scenario: Scenario): Place[] {
  return [hubOf(scenario), ...scenario.accounts.map((a) => ({ account: a.accountId, region: a.region }))];
}

/**
 * The scenario as one account-Region holds it: that place's connections, stacks, resources,
 * faults, changes and parameters (an account-Region the scenario does not describe holds
 * nothing), with the deployment's own settings (protonApi, management account, input) kept. The
 * hub's place is the scenario itself. Each place's resources and ARNs are its own (docs/sandbox.md:
 * an account-Region's Proton tags name its Region).
 */
export function placeScenario(scenario: Scenario, place: Place): Scenario {
  if (samePlace(place, hubOf(scenario))) return scenario;
  const spec = scenario.accounts.find((a) => a.accountId === place.account && a.region === place.region);
  const content = spec
    ? {
        connections: spec.connections,
        stacks: spec.stacks,
        standaloneResources: spec.standaloneResources,
        faults: spec.faults,
        changes: spec.changes,
        parameters: spec.parameters,
        timing: spec.timing,
      }
    : AccountContentSchema.parse({});
  return { ...scenario, ...content, accountId: place.account, region: place.region };
}

/** The target account's spoke as the scenario describes it (every Region of an account says the same). */
export function spokeOf(scenario: Scenario, account: string): { deployed: boolean; withoutActions: string[]; outsideOrganization: boolean } {
  const entries = scenario.accounts.filter((a) => a.accountId === account);
  const spoke = entries.find((a) => a.spoke)?.spoke;
  return {
    deployed: spoke?.deployed ?? true,
    withoutActions: spoke?.withoutActions ?? [],
    outsideOrganization: entries.some((a) => a.outsideOrganization),
  };
}

export function environmentArn(scenario: Scenario, e: EnvironmentRef): string {
  return `arn:aws:proton:${scenario.region}:${e.managementAccountId}:environment/${e.name}`;
}

/** The environment an ARN names (arn:aws:proton:<region>:<mgmt>:environment/<name>), if it is one. */
export function environmentOfArn(arn: string): EnvironmentRef | undefined {
  const match = /^arn:aws:proton:[^:]*:(\d{12}):environment\/(.+)$/.exec(arn);
  return match ? { name: match[2] as string, managementAccountId: match[1] as string } : undefined;
}

function protonTags(scenario: Scenario, e: EnvironmentRef): Record<string, string> {
  return { [ENVIRONMENT_TAG]: environmentArn(scenario, e), 'proton:account': e.managementAccountId };
}

function connectionState(scenario: Scenario, c: Scenario['connections'][number]): ConnectionState {
  return {
    id: c.id.toLowerCase(),
    environmentName: c.environmentName,
    managementAccountId: c.managementAccountId ?? scenario.managementAccountId,
    status: c.status,
    roleNames: [c.roleName, c.componentRoleName, c.codebuildRoleName].filter((r): r is string => r !== undefined),
  };
}

export function initialWorld(scenario: Scenario): WorldState {
  const place = { region: scenario.region, accountId: scenario.accountId };
  const stacks = new Map<string, StackState>();
  for (const s of scenario.stacks) {
    const environment = { name: s.environment, managementAccountId: s.managementAccountId ?? scenario.managementAccountId };
    const onStack = s.protonTags === 'stack' || s.protonTags === 'both';
    const onResources = s.protonTags === 'resources' || s.protonTags === 'both';
    stacks.set(s.name, {
      name: s.name,
      ...(s.parent ? { parent: s.parent } : {}),
      ownerKind: s.owner.kind,
      environment,
      tags: { ...s.tags, ...(onStack ? protonTags(scenario, environment) : {}) },
      terminationProtection: s.terminationProtection,
      exports: [...s.exports],
      imports: [...s.imports],
      resources: s.resources.map((r) => {
        const own = r.environment ? { name: r.environment, managementAccountId: r.managementAccountId ?? environment.managementAccountId } : undefined;
        const proton = own ? protonTags(scenario, own) : onResources ? protonTags(scenario, environment) : {};
        return { logicalId: r.logicalId, type: r.type, name: r.name, arn: arnFor(r.type, r.name, place), taggable: r.taggable, tags: { ...r.tags, ...proton } };
      }),
    });
  }
  const standalone = new Map<string, StandaloneState>();
  for (const r of scenario.standaloneResources) {
    const environment = { name: r.environment, managementAccountId: r.managementAccountId ?? scenario.managementAccountId };
    standalone.set(r.name, { type: r.type, name: r.name, arn: arnFor(r.type, r.name, place), tags: protonTags(scenario, environment) });
  }
  const connections = new Map(scenario.connections.map((c) => [c.id.toLowerCase(), connectionState(scenario, c)]));
  return { stacks, standalone, connections };
}

function targetTags(world: WorldState, target: Extract<ChangeSpec, { action: 'tag' }>['target']): Record<string, string> | undefined {
  if ('standalone' in target) return world.standalone.get(target.standalone)?.tags;
  const stack = world.stacks.get(target.stack);
  if (!stack) return undefined;
  return target.logicalId === undefined ? stack.tags : stack.resources.find((r) => r.logicalId === target.logicalId)?.tags;
}

export function applyChange(scenario: Scenario, world: WorldState, change: ChangeSpec): void {
  switch (change.action) {
    case 'tag': {
      const tags = targetTags(world, change.target);
      if (tags) Object.assign(tags, change.tags);
      return;
    }
    case 'untag': {
      const tags = targetTags(world, change.target);
      if (tags) for (const key of change.keys) delete tags[key];
      return;
    }
    case 'termination-protection': {
      const stack = world.stacks.get(change.stack);
      if (stack) stack.terminationProtection = change.enabled;
      return;
    }
    case 'create-connection':
      world.connections.set(change.connection.id.toLowerCase(), connectionState(scenario, change.connection));
      return;
    case 'delete-connection':
      world.connections.delete(change.id.toLowerCase());
      return;
    case 'connection-status': {
      const c = world.connections.get(change.id.toLowerCase());
      if (c) c.status = change.status;
      return;
    }
  }
}

/** Epoch ms on the sandbox clock at which a change happens, given when the sandbox opened. */
export const changeTime = (openedAt: number, change: ChangeSpec) => openedAt + change.at * 1000;

/** The account at `at` (epoch ms on the sandbox clock): the scenario with every change made by then. */
export function worldAt(scenario: Scenario, openedAt: number, at: number): WorldState {
  const world = initialWorld(scenario);
  const due = scenario.changes.filter((c) => changeTime(openedAt, c) <= at).sort((a, b) => a.at - b.at);
  for (const change of due) applyChange(scenario, world, change);
  return world;
}

/** Every world state the run could have seen: the initial one and the one after each change. */
export function everyWorld(scenario: Scenario): WorldState[] {
  const world = initialWorld(scenario);
  const states = [structuredClone(world)];
  for (const change of [...scenario.changes].sort((a, b) => a.at - b.at)) {
    applyChange(scenario, world, change);
    states.push(structuredClone(world));
  }
  return states;
}

/** Every connection the scenario ever has (initially or created by a change), as first known. */
export function everyConnection(scenario: Scenario): Map<string, ConnectionState> {
  const all = new Map<string, ConnectionState>();
  for (const c of scenario.connections) all.set(c.id.toLowerCase(), connectionState(scenario, c));
  for (const change of scenario.changes) {
    if (change.action === 'create-connection' && !all.has(change.connection.id.toLowerCase())) {
      all.set(change.connection.id.toLowerCase(), connectionState(scenario, change.connection));
    }
  }
  return all;
}

// ---- What a stack carries, seen as the Tagging API and DescribeStacks show it ----

/** The stack and its nested stacks (children, grandchildren, …). */
export function stackFamily(world: WorldState, root: StackState): StackState[] {
  const family = [root];
  for (let i = 0; i < family.length; i += 1) {
    const current = family[i] as StackState;
    for (const s of world.stacks.values()) if (s.parent === current.name && !family.includes(s)) family.push(s);
  }
  return family;
}

/** The top-most ancestor of a stack (itself when it has no parent). */
export function rootOf(world: WorldState, stack: StackState): StackState {
  let current = stack;
  const seen = new Set<string>();
  while (current.parent && !seen.has(current.name)) {
    seen.add(current.name);
    const parent = world.stacks.get(current.parent);
    if (!parent) break;
    current = parent;
  }
  return current;
}

/** Every tag set visible on the stack, its resources the Tagging API sees, and its nested stacks and theirs. */
export function visibleTagSets(world: WorldState, root: StackState): Record<string, string>[] {
  return stackFamily(world, root).flatMap((s) => [s.tags, ...s.resources.filter((r) => r.taggable).map((r) => r.tags)]);
}

/** The distinct proton:environment values the stack, its visible resources and its nested stacks carry. */
export function environmentValues(world: WorldState, root: StackState): Set<string> {
  return new Set(visibleTagSets(world, root).flatMap((tags) => (tags[ENVIRONMENT_TAG] !== undefined ? [tags[ENVIRONMENT_TAG]] : [])));
}
