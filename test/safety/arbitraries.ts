import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { LambdaFault } from '../../local/run-workflow.js';
import { FAULT_KINDS, NETWORK_FAULT_KINDS, type ScenarioInput, STACK_STATUSES } from '../../local/sandbox/scenario.js';
import { ASL_FILE } from '../../local/workflow-definition.js';
import {
  CONNECTION_ID,
  connectionRejectedEvent,
  decommissionRequestedEvent,
  ENVIRONMENT,
  environmentDeletedEvent,
  fault,
  MANAGEMENT_ACCOUNT,
  OTHER_CONNECTION_ID,
  OTHER_ENVIRONMENT,
} from '../helpers/scenarios.js';

/**
 * Random safety cases: an environment account (the connection's environment payments-prod and
 * another environment, stacks of every owner kind with or without ownership proof, exports and
 * imports, Retain and undeletable resources, termination protection, stand-alone tagged
 * resources), a trigger, and a fault schedule (the services' own errors, and Lambda timeouts).
 * Names are derived from positions, so a case is the same JSON every time its seed is replayed.
 */
type StackInput = NonNullable<ScenarioInput['stacks']>[number];
type ResourceInput = NonNullable<StackInput['resources']>[number];
type FaultInput = NonNullable<ScenarioInput['faults']>[number];

export interface SafetyCase {
  scenario: ScenarioInput;
  lambdaFaults: LambdaFault[];
}

/** Another management account with an environment of the same name: a different environment. */
export const OTHER_MANAGEMENT_ACCOUNT = '999988887777';

/** The operations the workflow calls, where the generator injects faults. */
export const FAULTED_OPERATIONS = [
  'GetEnvironmentAccountConnection',
  'DeleteEnvironmentAccountConnection',
  'GetResources',
  'DescribeStacks',
  'ListStacks',
  'DeleteStack',
  'DescribeStackEvents',
  'PutObject',
  'GetObject',
  'Publish',
  'PutEvents',
  'ListEnvironmentAccountConnections',
  'StartExecution',
  'GetParameter',
  'GetParametersByPath',
] as const;

/** Proton's operations: "the Proton API vanishing" makes them all unreachable. */
export const PROTON_OPERATIONS = ['GetEnvironmentAccountConnection', 'ListEnvironmentAccountConnections', 'DeleteEnvironmentAccountConnection'] as const;

/** The ASL's Task states, read from the definition itself, so every Task (also ones added later) gets Lambda faults. */
export const TASK_STATES: readonly string[] = (() => {
  type States = Record<string, { Type?: string; ItemProcessor?: { States?: States }; Iterator?: { States?: States } }>;
  const names: string[] = [];
  const visit = (states: States) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task') names.push(name);
      const processor = state.ItemProcessor ?? state.Iterator;
      if (processor?.States) visit(processor.States);
    }
  };
  visit((parse(readFileSync(ASL_FILE, 'utf8'), { maxAliasCount: -1 }) as { States: States }).States);
  return names;
})();

/** This very account (the scenario's default accountId): environments it manages have no connection. */
export const THIS_ACCOUNT = '111122223333';
/** An environment managed by this very account: never an orphan. */
export const OWN_ENVIRONMENT = 'platform-shared';
export const SECOND_CONNECTION_ID = '3c9d2f4e-8a1b-4c5d-9e6f-0a1b2c3d4e5f';
export const OTHER_MGMT_CONNECTION_ID = 'a4b5c6d7-e8f9-4a0b-8c1d-2e3f4a5b6c7d';
export const CREATED_CONNECTION_ID = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
export const PROTECT_TAG = 'proton-cleanup:protect';

/**
 * Scenario shapes, each switched on when the sandbox supports it (checked in local/, where the
 * sandbox engineer lands them) or forced with SAFETY_SHAPES=all / a comma list. `retired` needs the
 * local runner to hand the scenario's protonApi to the functions as the deployment setting.
 */
export const SHAPES = ['custom-tags', 'mixed', 'nested', 'statuses', 'changes', 'parameters', 'retired', 'fleet'] as const;
export type Shape = (typeof SHAPES)[number];

function sandboxSupports(shape: Shape): boolean {
  const read = (file: string) => {
    try {
      return readFileSync(new URL(`../../local/${file}`, import.meta.url), 'utf8');
    } catch {
      return '';
    }
  };
  switch (shape) {
    case 'retired':
      return /protonApi/.test(read('local-environment.ts')) || /protonApi/.test(read('run-workflow.ts'));
    case 'changes':
      return /ChangeSchedule/.test(read('sandbox/sandbox.ts'));
    case 'nested':
      return /parentId/.test(read('sandbox/account.ts'));
    case 'parameters':
      return /GetParameter/.test(read('sandbox/services/parameters.ts'));
    case 'fleet':
      return /accountIn\(/.test(read('sandbox/sandbox.ts')) && /TARGET_ACCOUNTS/.test(read('lambda-environment.ts'));
    default:
      return /spec\.tags/.test(read('sandbox/account.ts'));
  }
}

export const ENABLED_SHAPES: ReadonlySet<Shape> = (() => {
  const forced = process.env.SAFETY_SHAPES;
  if (forced === 'all') return new Set(SHAPES);
  if (forced !== undefined && forced !== '') return new Set(forced.split(',').filter((s): s is Shape => (SHAPES as readonly string[]).includes(s)));
  return new Set(SHAPES.filter(sandboxSupports));
})();
const on = (shape: Shape) => ENABLED_SHAPES.has(shape);

const RESOURCE_TYPES = ['AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SSM::Parameter', 'AWS::ECS::Cluster'] as const;
const STANDALONE_TYPES = ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SSM::Parameter', 'AWS::ECR::Repository', 'AWS::SQS::Queue'] as const;
const DELETE_TYPES = ['s3:bucket', 'logs:log-group', 'ecr:repository', 'ssm:parameter'] as const;
const STATUSES = on('statuses') ? STACK_STATUSES : (['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'DELETE_FAILED'] as const);

/** true with probability 1/n */
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((k) => k === 1);

/** The environments of the generated account: E (the connection's), E's name under another management account, another one, this account's own. */
const ENVIRONMENTS = {
  E: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT },
  'E-other-mgmt': { name: ENVIRONMENT, managementAccountId: OTHER_MANAGEMENT_ACCOUNT },
  other: { name: OTHER_ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT },
  own: { name: OWN_ENVIRONMENT, managementAccountId: THIS_ACCOUNT },
} as const;
type EnvName = keyof typeof ENVIRONMENTS;
const envArn = (e: EnvName) => `arn:aws:proton:us-east-1:${ENVIRONMENTS[e].managementAccountId}:environment/${ENVIRONMENTS[e].name}`;

/** Customer tags: none mostly, a cost tag, or the protect tag with any value (even empty). */
const customTags = fc.oneof(
  { arbitrary: fc.constant({}), weight: 6 },
  { arbitrary: fc.constant({ CostCenter: 'payments' }), weight: 2 },
  { arbitrary: fc.constantFrom({ [PROTECT_TAG]: '' }, { [PROTECT_TAG]: 'true' }, { [PROTECT_TAG]: 'ask-alice' }), weight: 1 },
);

const resourceShape = fc.record({
  type: fc.constantFrom(...RESOURCE_TYPES),
  retain: oneIn(6),
  failsToDelete: oneIn(10),
  taggable: oneIn(12).map((untaggable) => !untaggable),
  tags: customTags,
  /** Tagged for another environment than its stack's (mixed ownership). */
  foreign: fc.option(fc.constantFrom<EnvName>('other', 'E-other-mgmt', 'E'), { nil: undefined, freq: 6 }),
});

const protonTags = fc.constantFrom('both', 'both', 'stack', 'resources', 'none') as fc.Arbitrary<NonNullable<StackInput['protonTags']>>;

const stackShape = fc.record({
  protonTags,
  terminationProtection: oneIn(10),
  status: fc.constantFrom(...STATUSES, 'CREATE_COMPLETE', 'CREATE_COMPLETE') as fc.Arbitrary<NonNullable<StackInput['status']>>,
  deleteSeconds: fc.integer({ min: 30, max: 90 }),
  resources: fc.array(resourceShape, { maxLength: 3 }),
  tags: customTags,
  /** Which of the environment's exports it imports (by position in the export pool). */
  imports: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 2 }),
  exports: fc.integer({ min: 0, max: 2 }),
  /** Nested stacks under it (0 mostly), each with its own resources and tags. */
  nested: fc.array(fc.record({ resources: fc.array(resourceShape, { maxLength: 2 }), tags: customTags, protonTags }), { maxLength: on('nested') ? 2 : 0 }),
});
type StackShape = typeof stackShape extends fc.Arbitrary<infer T> ? T : never;

const KINDS = ['environment', 'service-instance', 'component', 'other-environment', 'other-management-account', 'own-account', 'unprefixed'] as const;
type StackKind = (typeof KINDS)[number];

const STATUS_ANY = fc.constantFrom('CONNECTED', 'CONNECTED', 'PENDING', 'REJECTED') as fc.Arbitrary<'CONNECTED' | 'PENDING' | 'REJECTED'>;

const accountShape = fc.record({
  stacks: fc.array(fc.tuple(fc.constantFrom<StackKind>('environment', 'service-instance', 'service-instance', 'component', ...KINDS), stackShape), {
    maxLength: 7,
  }),
  standalone: fc.array(fc.tuple(fc.constantFrom(...STANDALONE_TYPES), fc.constantFrom<EnvName>('E', 'E', 'other', 'E-other-mgmt', 'own')), { maxLength: 3 }),
  connectionExists: oneIn(10).map((gone) => !gone),
  connectionStatus: STATUS_ANY,
  /** Another connection for E (same management account), in any status. */
  second: fc.option(STATUS_ANY, { nil: undefined, freq: 3 }),
  /** A connection for E's name under another management account (another environment). */
  otherMgmt: fc.option(STATUS_ANY, { nil: undefined, freq: 3 }),
  otherEnvironmentConnected: fc.boolean(),
  /** A role the second connection shares with the requested one. */
  sharedRole: oneIn(4),
});
type AccountShape = typeof accountShape extends fc.Arbitrary<infer T> ? T : never;

/** Export names of this environment's stacks: the pool importers pick from. */
const exportName = (stack: number, n: number) => `${ENVIRONMENT}-S${stack}-Export${n}`;

function resourcesOf(key: string, shapes: StackShape['resources'], protonOnResources: boolean): ResourceInput[] {
  return shapes.map((r, j) => ({
    logicalId: `R${j}`,
    type: r.type,
    name: `${key}-r${j}`.toLowerCase(),
    ...(r.retain ? { deletionPolicy: 'Retain' as const } : {}),
    ...(r.failsToDelete ? { failsToDelete: 'Resource is in use by another service' } : {}),
    ...(r.taggable ? {} : { taggable: false }),
    ...(on('custom-tags') && Object.keys(r.tags).length > 0 ? { tags: r.tags } : {}),
    ...(on('mixed') && r.foreign && protonOnResources && r.taggable
      ? { environment: ENVIRONMENTS[r.foreign].name, managementAccountId: ENVIRONMENTS[r.foreign].managementAccountId }
      : {}),
  }));
}

const OWNER: Record<StackKind, { env: EnvName; owner: StackInput['owner']; name: (i: number) => string }> = {
  environment: { env: 'E', owner: { kind: 'environment' }, name: (i) => `AWSProton-${ENVIRONMENT}-cloudformation--ENV${i}` },
  'service-instance': {
    env: 'E',
    owner: { kind: 'service-instance', service: 'svc', instance: 'prod' },
    name: (i) => `AWSProton-svc${i}-prod-cloudformation--SVC${i}`,
  },
  component: { env: 'E', owner: { kind: 'component', component: 'cmp' }, name: (i) => `AWSProton-cmp${i}-cloudformation--CMP${i}` },
  'other-environment': { env: 'other', owner: { kind: 'environment' }, name: (i) => `AWSProton-${OTHER_ENVIRONMENT}-cloudformation--OTH${i}` },
  'other-management-account': { env: 'E-other-mgmt', owner: { kind: 'environment' }, name: (i) => `AWSProton-${ENVIRONMENT}-cloudformation--MGMT${i}` },
  'own-account': { env: 'own', owner: { kind: 'environment' }, name: (i) => `AWSProton-${OWN_ENVIRONMENT}-cloudformation--OWN${i}` },
  unprefixed: { env: 'E', owner: { kind: 'environment' }, name: (i) => `${ENVIRONMENT}-legacy-stack-${i}` },
};

function stacksOf(kind: StackKind, shape: StackShape, i: number, pool: readonly string[]): StackInput[] {
  const { env, owner, name } = OWNER[kind];
  const key = `S${i}`;
  const ofE = env === 'E';
  const importer = ofE && owner.kind !== 'environment';
  const imports = importer ? [...new Set(shape.imports.flatMap((n) => (pool.length > 0 ? [pool[n % pool.length] as string] : [])))] : [];
  const onResources = shape.protonTags === 'resources' || shape.protonTags === 'both';
  const root: StackInput = {
    name: name(i),
    environment: ENVIRONMENTS[env].name,
    managementAccountId: ENVIRONMENTS[env].managementAccountId,
    owner,
    protonTags: shape.protonTags,
    terminationProtection: shape.terminationProtection,
    status: shape.status,
    deleteSeconds: shape.deleteSeconds,
    resources: resourcesOf(key, shape.resources, onResources),
    exports: ofE && kind !== 'unprefixed' && owner.kind === 'environment' ? Array.from({ length: shape.exports }, (_, n) => exportName(i, n)) : [],
    imports,
    ...(on('custom-tags') && Object.keys(shape.tags).length > 0 ? { tags: shape.tags } : {}),
  };
  const nested = shape.nested.map(
    (n, j): StackInput => ({
      name: `${root.name}-Nested${j}`,
      environment: root.environment,
      managementAccountId: root.managementAccountId,
      owner,
      protonTags: n.protonTags,
      status: shape.status === 'DELETE_IN_PROGRESS' ? 'DELETE_IN_PROGRESS' : 'CREATE_COMPLETE',
      deleteSeconds: 30,
      resources: resourcesOf(`${key}n${j}`, n.resources, n.protonTags === 'resources' || n.protonTags === 'both'),
      ...(on('custom-tags') && Object.keys(n.tags).length > 0 ? { tags: n.tags } : {}),
      parent: root.name,
    }),
  );
  return [root, ...nested];
}

type ConnectionInput = NonNullable<ScenarioInput['connections']>[number];

function connectionsOf(shape: AccountShape): ConnectionInput[] {
  const connections: ConnectionInput[] = [];
  if (shape.connectionExists)
    connections.push({
      id: CONNECTION_ID,
      environmentName: ENVIRONMENT,
      roleName: 'ProtonEnvironmentRole-payments',
      componentRoleName: 'ProtonComponentRole-payments',
      status: shape.connectionStatus,
    });
  if (shape.second) {
    connections.push({
      id: SECOND_CONNECTION_ID,
      environmentName: ENVIRONMENT,
      roleName: shape.sharedRole ? 'ProtonEnvironmentRole-payments' : 'ProtonEnvironmentRole-payments-2',
      status: shape.second,
    });
  }
  if (shape.otherMgmt) {
    connections.push({
      id: OTHER_MGMT_CONNECTION_ID,
      environmentName: ENVIRONMENT,
      managementAccountId: OTHER_MANAGEMENT_ACCOUNT,
      roleName: 'ProtonEnvironmentRole-payments-other',
      status: shape.otherMgmt,
    });
  }
  if (shape.otherEnvironmentConnected)
    connections.push({ id: OTHER_CONNECTION_ID, environmentName: OTHER_ENVIRONMENT, roleName: 'ProtonEnvironmentRole-ledger' });
  return connections;
}

export const accountArbitrary: fc.Arbitrary<Pick<ScenarioInput, 'connections' | 'stacks' | 'standaloneResources'>> = accountShape.map((shape) => {
  const pool = shape.stacks.flatMap(([kind, s], i) => (kind === 'environment' ? Array.from({ length: s.exports }, (_, n) => exportName(i, n)) : []));
  return {
    connections: connectionsOf(shape),
    stacks: shape.stacks.flatMap(([kind, s], i) => stacksOf(kind, s, i, pool)),
    standaloneResources: shape.standalone.map(([type, env], i) => ({
      type,
      name: `standalone-${i}`,
      environment: ENVIRONMENTS[env].name,
      managementAccountId: ENVIRONMENTS[env].managementAccountId,
    })),
  };
});

export type Trigger = 'console' | 'console-environment' | 'decommission-event' | 'connection-rejected' | 'environment-deleted' | 'sweep' | 'invalid-retired';

const triggerShape = fc.record({
  trigger: fc.constantFrom<Trigger>(
    'console',
    'console',
    'console-environment',
    'decommission-event',
    'connection-rejected',
    'environment-deleted',
    'environment-deleted',
    'sweep',
  ),
  mode: fc.constantFrom('execute', 'execute', 'execute', 'plan') as fc.Arbitrary<'plan' | 'execute'>,
  withEnvironment: oneIn(4).map((without) => !without),
  upperCaseId: oneIn(8),
  /** Which environment an environment-deleted event (or an environment-only request) names. */
  deletedEnvironment: fc.constantFrom<EnvName>('E', 'E', 'E', 'E-other-mgmt', 'own', 'other'),
  deleteTypes: fc.option(fc.uniqueArray(fc.constantFrom(...DELETE_TYPES), { minLength: 1 }), { nil: undefined, freq: 3 }),
  deleteConnectionRoles: oneIn(4),
  sweepEnvironments: fc.option(fc.uniqueArray(fc.constantFrom<EnvName>('E', 'E-other-mgmt', 'other', 'own'), { maxLength: 2 }), { nil: undefined, freq: 2 }),
  /** A request asking for Proton on a retired deployment (`available`), or wrongly saying `retired`. */
  protonApi: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, 'available', 'retired'),
});

const envText = (e: EnvName) => `${ENVIRONMENTS[e].name}@${ENVIRONMENTS[e].managementAccountId}`;

type TriggerShape = typeof triggerShape extends fc.Arbitrary<infer T> ? T : never;

/** Where a request sends the hub: an account-Region it names (`account`, `region`), if any. */
export interface NamedPlace {
  account: string;
  region: string;
}

/**
 * The trigger: a console input, the custom event, one of Proton's events (default mode), or a sweep.
 * With `place`, console inputs and the custom event name it (`account`, `region`) and Proton's
 * connection-rejected event names the connection by its ARN there; Proton's environment-deleted event
 * and sweeps stay the hub's (fleet sweeps are another issue's).
 */
function inputOf(t: TriggerShape, place?: NamedPlace): unknown {
  const named = place ? { account: place.account, region: place.region } : {};
  const environment = ENVIRONMENTS[t.deletedEnvironment];
  const options = {
    ...(t.deleteTypes ? { deleteTypes: t.deleteTypes } : {}),
    ...(t.deleteConnectionRoles ? { deleteConnectionRoles: true } : {}),
    ...(t.protonApi ? { protonApi: t.protonApi } : {}),
  };
  const request = {
    connectionId: t.upperCaseId ? CONNECTION_ID.toUpperCase() : CONNECTION_ID,
    mode: t.mode,
    ...(t.withEnvironment ? { environment: ENVIRONMENTS.E } : {}),
    ...named,
    ...options,
  };
  switch (t.trigger) {
    case 'console':
    case 'invalid-retired':
      return request;
    case 'console-environment':
      return { environment, mode: t.mode, ...named, ...options };
    case 'decommission-event':
      return decommissionRequestedEvent(request);
    case 'connection-rejected':
      return place
        ? {
            ...connectionRejectedEvent(),
            resources: [`arn:aws:proton:${place.region}:${place.account}:environment-account-connection/${CONNECTION_ID}`],
          }
        : connectionRejectedEvent();
    case 'environment-deleted':
      return environmentDeletedEvent(environment.name, environment.managementAccountId);
    case 'sweep':
      return {
        sweep: true,
        mode: t.mode,
        ...(t.sweepEnvironments ? { environments: t.sweepEnvironments.map(envText) } : {}),
        ...(t.protonApi ? { protonApi: t.protonApi } : {}),
      };
    default:
      throw new Error(`No input for trigger ${t.trigger satisfies never}`);
  }
}

export const inputArbitrary: fc.Arbitrary<unknown> = triggerShape.map((t) => inputOf(t));

const faultArbitrary: fc.Arbitrary<FaultInput> = fc
  .record({
    operation: fc.constantFrom(...FAULTED_OPERATIONS, ...PROTON_OPERATIONS),
    error: fc.oneof({ arbitrary: fc.constantFrom(...FAULT_KINDS), weight: 3 }, { arbitrary: fc.constantFrom(...NETWORK_FAULT_KINDS), weight: 1 }),
    after: fc.nat({ max: 6 }),
    times: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 5 }),
    every: fc.constantFrom(1, 1, 2, 3),
  })
  .map(({ operation, error, times, ...rate }) => fault(operation, error, { ...rate, ...(times === undefined ? {} : { times }) }));

/** The Proton API failing mid-run, for good or for a while: every Proton operation, one network (or unreachable) kind. */
const protonVanishing: fc.Arbitrary<FaultInput[]> = fc
  .record({
    after: fc.nat({ max: 2 }),
    kind: fc.constantFrom('unreachable', ...NETWORK_FAULT_KINDS),
    times: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  })
  .map(({ after, kind, times }) => PROTON_OPERATIONS.map((operation) => fault(operation, kind, { after, ...(times === undefined ? {} : { times }) })));

export const faultsArbitrary: fc.Arbitrary<FaultInput[]> = fc
  .tuple(fc.array(faultArbitrary, { maxLength: 4 }), fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: protonVanishing, weight: 1 }))
  .map(([faults, vanishing]) => [...faults, ...(vanishing ?? [])]);

export const lambdaFaultsArbitrary: fc.Arbitrary<LambdaFault[]> = fc.array(
  fc.record({
    state: fc.constantFrom(...TASK_STATES),
    kind: fc.constantFrom('timeout-before', 'timeout-after') as fc.Arbitrary<LambdaFault['kind']>,
    after: fc.constantFrom(0, 0, 1, 3),
    times: fc.integer({ min: 1, max: 2 }),
  }),
  { maxLength: 2 },
);

type ChangeInput = NonNullable<ScenarioInput['changes']>[number];

/** What a change does, by kind; targets are picked among the scenario's own stacks and connections. */
const changeShape = fc.record({
  at: fc.integer({ min: 0, max: 400 }),
  kind: fc.constantFrom(
    'retag-stack',
    'retag-resource',
    'protect-stack',
    'protect-resource',
    'termination-protection',
    'create-connection',
    'delete-connection',
    'connection-status',
    'untag-stack',
  ),
  pick: fc.nat({ max: 99 }),
  env: fc.constantFrom<EnvName>('other', 'E-other-mgmt', 'E'),
  status: STATUS_ANY,
});
type ChangeShape = typeof changeShape extends fc.Arbitrary<infer T> ? T : never;

function changeOf(c: ChangeShape, account: Pick<ScenarioInput, 'connections' | 'stacks'>): ChangeInput | undefined {
  const stacks = account.stacks ?? [];
  const stack = stacks.length > 0 ? stacks[c.pick % stacks.length] : undefined;
  const taggable = stack?.resources?.filter((r) => r.taggable !== false) ?? [];
  const resource = taggable.length > 0 ? taggable[c.pick % taggable.length] : undefined;
  const connections = (account.connections ?? []).filter((x) => x.environmentName === ENVIRONMENT);
  const connection = connections.length > 0 ? connections[c.pick % connections.length] : undefined;
  const retag = { 'proton:environment': envArn(c.env), 'proton:account': ENVIRONMENTS[c.env].managementAccountId };
  switch (c.kind) {
    case 'retag-stack':
      return stack && { at: c.at, action: 'tag', target: { stack: stack.name }, tags: retag };
    case 'untag-stack':
      return stack && { at: c.at, action: 'untag', target: { stack: stack.name }, keys: ['proton:environment'] };
    case 'retag-resource':
      return stack && resource && { at: c.at, action: 'tag', target: { stack: stack.name, logicalId: resource.logicalId }, tags: retag };
    case 'protect-stack':
      return stack && { at: c.at, action: 'tag', target: { stack: stack.name }, tags: { [PROTECT_TAG]: '' } };
    case 'protect-resource':
      return stack && resource && { at: c.at, action: 'tag', target: { stack: stack.name, logicalId: resource.logicalId }, tags: { [PROTECT_TAG]: 'yes' } };
    case 'termination-protection':
      return stack && !stack.parent ? { at: c.at, action: 'termination-protection', stack: stack.name, enabled: true } : undefined;
    case 'create-connection':
      return {
        at: c.at,
        action: 'create-connection',
        connection: {
          id: CREATED_CONNECTION_ID,
          environmentName: ENVIRONMENT,
          managementAccountId: ENVIRONMENTS[c.env === 'E-other-mgmt' ? 'E-other-mgmt' : 'E'].managementAccountId,
          roleName: 'ProtonEnvironmentRole-new',
          status: c.status === 'REJECTED' ? 'PENDING' : c.status,
        },
      };
    case 'delete-connection':
      return connection && { at: c.at, action: 'delete-connection', id: connection.id };
    case 'connection-status':
      return connection && { at: c.at, action: 'connection-status', id: connection.id, status: c.status };
  }
}

/** In time order, keeping only changes the account allows then (no connection created twice, none changed once gone). */
function validChanges(changes: ChangeInput[], account: Pick<ScenarioInput, 'connections'>): ChangeInput[] {
  const existing = new Set((account.connections ?? []).map((c) => c.id));
  return [...changes]
    .sort((a, b) => a.at - b.at)
    .filter((c) => {
      if (c.action === 'create-connection') {
        if (existing.has(c.connection.id)) return false;
        existing.add(c.connection.id);
      }
      if (c.action === 'delete-connection' || c.action === 'connection-status') {
        if (!existing.has(c.id)) return false;
        if (c.action === 'delete-connection') existing.delete(c.id);
      }
      return true;
    });
}

const DECOMMISSION_PARAMETER = (e: EnvName) => `/proton-cleanup/decommission/${ENVIRONMENTS[e].managementAccountId}/${ENVIRONMENTS[e].name}`;

const parametersArbitrary: fc.Arbitrary<Record<string, string>> = fc
  .array(fc.tuple(fc.constantFrom<EnvName>('E', 'E-other-mgmt', 'other', 'own'), fc.constantFrom('2020-01-01', '2020-01-01', '2099-12-31', '31/12/2026')), {
    maxLength: 3,
  })
  .map((entries) => Object.fromEntries(entries.map(([e, date]) => [DECOMMISSION_PARAMETER(e), date])));

// ───────────── several accounts: the hub and its targets ─────────────

export const HUB_REGION = 'us-east-1';
export const SECOND_REGION = 'eu-west-1';
/** The target accounts of a fleet case, by position. */
export const TARGET_ACCOUNTS = ['222233334444', '333344445555'] as const;
/** An account the hub does not target, and a Region it does not target. */
export const STRANGER_ACCOUNT = '555566667777';
export const FAR_REGION = 'ap-southeast-2';

/** Actions a spoke role may lack: what the hub's functions call in a target (deployment/spoke.yml). */
export const SPOKE_ACTIONS = [
  'cloudformation:DeleteStack',
  'cloudformation:DescribeStacks',
  'tag:GetResources',
  'proton:DeleteEnvironmentAccountConnection',
  'proton:GetEnvironmentAccountConnection',
  'proton:ListEnvironmentAccountConnections',
] as const;

type TargetAccountInput = NonNullable<ScenarioInput['accounts']>[number];

/** The spoke of a target account: deployed whole mostly; else not deployed, missing an action, or the account outside the organization. */
const spokeShape: fc.Arbitrary<Pick<TargetAccountInput, 'spoke' | 'outsideOrganization'>> = fc.oneof(
  { arbitrary: fc.constant({}), weight: 6 },
  { arbitrary: fc.constant({ spoke: { deployed: false } }), weight: 1 },
  { arbitrary: fc.constantFrom(...SPOKE_ACTIONS).map((action) => ({ spoke: { deployed: true, withoutActions: [action] } })), weight: 2 },
  { arbitrary: fc.constant({ outsideOrganization: true }), weight: 1 },
);

/** What a target account holds in one Region: its own connections, stacks and resources, faults and changes. */
const placeShape = fc.record({
  account: accountArbitrary,
  faults: faultsArbitrary,
  changes: fc.array(changeShape, { maxLength: on('changes') ? 2 : 0 }),
});

const targetAccountShape = fc.record({
  regions: fc.constantFrom([HUB_REGION], [SECOND_REGION], [HUB_REGION, SECOND_REGION]),
  places: fc.tuple(placeShape, placeShape),
  spoke: spokeShape,
});

/**
 * A fleet: 1–2 target accounts (some in a second Region), and where the request sends the hub: the
 * hub (named or not), a target account-Region (described or not), an account or a Region the hub
 * does not target.
 */
const fleetShape = fc.record({
  accounts: fc.array(targetAccountShape, { minLength: 1, maxLength: 2 }),
  aim: fc.oneof(
    { arbitrary: fc.constant<'hub' | 'stranger' | 'far-region'>('hub'), weight: 2 },
    { arbitrary: fc.nat({ max: 3 }), weight: 6 },
    { arbitrary: fc.constantFrom<'hub' | 'stranger' | 'far-region'>('stranger', 'far-region'), weight: 1 },
  ),
  namesHub: fc.boolean(),
});
type FleetShape = typeof fleetShape extends fc.Arbitrary<infer T> ? T : never;

/**
 * Every case configures the same targets: both target accounts in both Regions (TARGET_ACCOUNTS ×
 * TARGET_REGIONS, which the local run derives from the scenario's accounts). The functions read
 * their targets once, at cold start (functions/cleanup/targets.ts), and one process runs every
 * case: cases with different targets would all get the first case's. A case without a fleet shape
 * leaves the targets empty; with one, the accounts and Regions it picks hold their own content.
 */
function fleetOf(shape: FleetShape | undefined): { accounts: TargetAccountInput[]; place?: NamedPlace } {
  const accounts = TARGET_ACCOUNTS.flatMap((accountId, i) => {
    const a = shape?.accounts[i];
    return [HUB_REGION, SECOND_REGION].map((region): TargetAccountInput => {
      const j = a ? (a.regions as readonly string[]).indexOf(region) : -1;
      const described = a && j >= 0 ? (a.places[j] as (typeof a.places)[number]) : undefined;
      if (!described) return { accountId, region, ...(a?.spoke ?? {}) };
      const { account, faults, changes } = described;
      return {
        accountId,
        region,
        ...account,
        faults,
        changes: validChanges(
          changes.flatMap((c) => changeOf(c, account) ?? []),
          account,
        ),
        ...(a?.spoke ?? {}),
      };
    });
  });
  if (!shape) return { accounts };
  const targets = accounts.map((a) => ({ account: a.accountId, region: a.region }));
  const hub = { account: THIS_ACCOUNT, region: HUB_REGION };
  const place =
    shape.aim === 'hub'
      ? shape.namesHub
        ? hub
        : undefined
      : shape.aim === 'stranger'
        ? { account: STRANGER_ACCOUNT, region: HUB_REGION }
        : shape.aim === 'far-region'
          ? { account: TARGET_ACCOUNTS[0], region: FAR_REGION }
          : targets[shape.aim % targets.length];
  return { accounts, ...(place ? { place } : {}) };
}

export const safetyCaseArbitrary: fc.Arbitrary<SafetyCase> = fc
  .record({
    account: accountArbitrary,
    trigger: triggerShape,
    fleet: on('fleet') ? fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fleetShape, weight: 2 }) : fc.constant(undefined),
    faults: faultsArbitrary,
    lambdaFaults: lambdaFaultsArbitrary,
    changes: fc.array(changeShape, { maxLength: on('changes') ? 3 : 0 }),
    parameters: on('parameters') ? parametersArbitrary : fc.constant({}),
    retired: on('retired') ? oneIn(4) : fc.constant(false),
  })
  .map(({ account, trigger, fleet, faults, lambdaFaults, changes, parameters, retired }) => {
    const { accounts, place } = on('fleet') ? fleetOf(fleet) : { accounts: [] };
    return {
      scenario: {
        name: 'safety',
        ...account,
        ...(accounts.length > 0 ? { accounts } : {}),
        faults,
        changes: validChanges(
          changes.flatMap((c) => changeOf(c, account) ?? []),
          account,
        ),
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
        ...(retired ? { protonApi: 'retired' as const } : {}),
        input: inputOf(trigger, place),
      },
      lambdaFaults,
    };
  });
