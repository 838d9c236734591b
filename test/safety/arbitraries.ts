import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';
import type { LambdaFault } from '../../local/run-workflow.js';
import { ASL_FILE } from '../../local/workflow-definition.js';
import { FAULT_KINDS, type ScenarioInput } from '../../local/sandbox/scenario.js';
import {
  CONNECTION_ID,
  ENVIRONMENT,
  MANAGEMENT_ACCOUNT,
  OTHER_ENVIRONMENT,
  componentStack,
  connectionRejectedEvent,
  consoleInput,
  decommissionRequestedEvent,
  environmentDeletedEvent,
  environmentStack,
  fault,
  otherEnvironmentStack,
  scenario,
  serviceInstanceStack,
  unprefixedStack,
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

const RESOURCE_TYPES = ['AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::SSM::Parameter', 'AWS::ECS::Cluster'] as const;

/** true with probability 1/n */
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((k) => k === 1);

const resourceShape = fc.record({
  type: fc.constantFrom(...RESOURCE_TYPES),
  retain: oneIn(6),
  failsToDelete: oneIn(10),
  taggable: oneIn(12).map((untaggable) => !untaggable),
});

const protonTags = fc.constantFrom('both', 'both', 'stack', 'resources', 'none') as fc.Arbitrary<NonNullable<StackInput['protonTags']>>;

const stackShape = fc.record({
  protonTags,
  terminationProtection: oneIn(10),
  status: fc.constantFrom('CREATE_COMPLETE', 'CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'DELETE_FAILED') as fc.Arbitrary<
    NonNullable<StackInput['status']>
  >,
  deleteSeconds: fc.integer({ min: 30, max: 90 }),
  resources: fc.array(resourceShape, { maxLength: 3 }),
  /** Which of the environment's exports it imports (by position in the export pool). */
  imports: fc.uniqueArray(fc.nat({ max: 3 }), { maxLength: 2 }),
  exports: fc.integer({ min: 0, max: 2 }),
});
type StackShape = typeof stackShape extends fc.Arbitrary<infer T> ? T : never;

const KINDS = ['environment', 'service-instance', 'component', 'other-environment', 'other-management-account', 'unprefixed'] as const;
type StackKind = (typeof KINDS)[number];

const accountShape = fc.record({
  stacks: fc.array(fc.tuple(fc.constantFrom<StackKind>('environment', 'service-instance', 'service-instance', 'component', ...KINDS), stackShape), {
    maxLength: 7,
  }),
  standalone: fc.array(fc.tuple(fc.constantFrom(...RESOURCE_TYPES), fc.constantFrom(ENVIRONMENT, ENVIRONMENT, OTHER_ENVIRONMENT)), { maxLength: 3 }),
  connectionExists: oneIn(10).map((gone) => !gone),
  connectionStatus: fc.constantFrom('CONNECTED', 'CONNECTED', 'PENDING', 'REJECTED') as fc.Arbitrary<'CONNECTED' | 'PENDING' | 'REJECTED'>,
});

function resourcesOf(key: string, shape: StackShape): ResourceInput[] {
  return shape.resources.map((r, j) => ({
    logicalId: `R${j}`,
    type: r.type,
    name: `${key}-r${j}`.toLowerCase(),
    ...(r.retain ? { deletionPolicy: 'Retain' as const } : {}),
    ...(r.failsToDelete ? { failsToDelete: 'Resource is in use by another service' } : {}),
    ...(r.taggable ? {} : { taggable: false }),
  }));
}

/** Export names of this environment's stacks: the pool importers pick from. */
const exportName = (stack: number, n: number) => `${ENVIRONMENT}-S${stack}-Export${n}`;

function stackOf(kind: StackKind, shape: StackShape, i: number, pool: readonly string[]): StackInput {
  const key = `S${i}`;
  // Stacks of (or tagged for) this environment import its exports; the environment stack does not.
  const importer = kind !== 'other-environment' && kind !== 'environment';
  const imports = importer ? [...new Set(shape.imports.flatMap((n) => (pool.length > 0 ? [pool[n % pool.length] as string] : [])))] : [];
  const common: Partial<StackInput> = {
    protonTags: shape.protonTags,
    terminationProtection: shape.terminationProtection,
    status: shape.status,
    deleteSeconds: shape.deleteSeconds,
    resources: resourcesOf(key, shape),
    exports: kind === 'environment' ? Array.from({ length: shape.exports }, (_, n) => exportName(i, n)) : [],
    imports,
  };
  switch (kind) {
    case 'environment':
      return environmentStack({ ...common, name: `AWSProton-${ENVIRONMENT}-cloudformation--ENV${i}` });
    case 'service-instance':
      return serviceInstanceStack(`svc${i}`, { ...common, name: `AWSProton-svc${i}-prod-cloudformation--SVC${i}` });
    case 'component':
      return componentStack(`cmp${i}`, { ...common, name: `AWSProton-cmp${i}-cloudformation--CMP${i}` });
    case 'other-environment':
      return otherEnvironmentStack({ ...common, name: `AWSProton-${OTHER_ENVIRONMENT}-cloudformation--OTH${i}` });
    case 'other-management-account':
      return environmentStack({ ...common, exports: [], name: `AWSProton-${ENVIRONMENT}-cloudformation--MGMT${i}`, managementAccountId: OTHER_MANAGEMENT_ACCOUNT });
    case 'unprefixed':
      return unprefixedStack({ ...common, exports: [], name: `${ENVIRONMENT}-legacy-stack-${i}` });
  }
}

export const accountArbitrary: fc.Arbitrary<Pick<ScenarioInput, 'connections' | 'stacks' | 'standaloneResources'>> = accountShape.map((shape) => {
  const pool = shape.stacks.flatMap(([kind, s], i) => (kind === 'environment' ? Array.from({ length: s.exports }, (_, n) => exportName(i, n)) : []));
  const base = scenario();
  return {
    connections: (base.connections ?? []).flatMap((c) =>
      c.id !== CONNECTION_ID ? [c] : shape.connectionExists ? [{ ...c, status: shape.connectionStatus }] : [],
    ),
    stacks: shape.stacks.map(([kind, s], i) => stackOf(kind, s, i, pool)),
    standaloneResources: shape.standalone.map(([type, environment], i) => ({ type, name: `standalone-${i}`, environment })),
  };
});

export type Trigger = 'console' | 'decommission-event' | 'connection-rejected' | 'environment-deleted';

const triggerShape = fc.record({
  trigger: fc.constantFrom<Trigger>('console', 'console', 'decommission-event', 'connection-rejected', 'environment-deleted'),
  mode: fc.constantFrom('execute', 'execute', 'execute', 'plan') as fc.Arbitrary<'plan' | 'execute'>,
  withEnvironment: oneIn(4).map((without) => !without),
  upperCaseId: oneIn(8),
});

/** The trigger: a console input, the custom event, or one of Proton's events (which run in the default mode). */
export const inputArbitrary: fc.Arbitrary<unknown> = triggerShape.map(({ trigger, mode, withEnvironment, upperCaseId }) => {
  const environment = { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT };
  const request = consoleInput(mode, {
    ...(upperCaseId ? { connectionId: CONNECTION_ID.toUpperCase() } : {}),
    ...(withEnvironment ? { environment } : {}),
  });
  switch (trigger) {
    case 'console':
      return request;
    case 'decommission-event':
      return decommissionRequestedEvent(request);
    case 'connection-rejected':
      return connectionRejectedEvent();
    case 'environment-deleted':
      return environmentDeletedEvent();
  }
});

const faultArbitrary: fc.Arbitrary<FaultInput> = fc
  .record({
    operation: fc.constantFrom(...FAULTED_OPERATIONS),
    error: fc.constantFrom(...FAULT_KINDS),
    after: fc.nat({ max: 6 }),
    times: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 5 }),
    every: fc.constantFrom(1, 1, 2, 3),
  })
  .map(({ operation, error, times, ...rate }) => fault(operation, error, { ...rate, ...(times === undefined ? {} : { times }) }));

/** The Proton API vanishing mid-run: every Proton operation unreachable after `after` calls, for good. */
const protonVanishing: fc.Arbitrary<FaultInput[]> = fc.nat({ max: 2 }).map((after) => PROTON_OPERATIONS.map((operation) => fault(operation, 'unreachable', { after })));

export const faultsArbitrary: fc.Arbitrary<FaultInput[]> = fc
  .tuple(fc.array(faultArbitrary, { maxLength: 4 }), fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: protonVanishing, weight: 1 }))
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

export const safetyCaseArbitrary: fc.Arbitrary<SafetyCase> = fc
  .record({ account: accountArbitrary, input: inputArbitrary, faults: faultsArbitrary, lambdaFaults: lambdaFaultsArbitrary })
  .map(({ account, input, faults, lambdaFaults }) => ({
    scenario: { ...scenario(), name: 'safety', ...account, faults, input },
    lambdaFaults,
  }));
