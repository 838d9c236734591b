import type { ScenarioInput } from '../../local/sandbox/scenario.js';

/**
 * Small builders for sandbox scenarios, so each workflow test states only what matters to it.
 */
type StackInput = NonNullable<ScenarioInput['stacks']>[number];
type FaultInput = NonNullable<ScenarioInput['faults']>[number];
type ConnectionInput = NonNullable<ScenarioInput['connections']>[number];

export const CONNECTION_ID = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
export const OTHER_CONNECTION_ID = '7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b';
export const ENVIRONMENT = 'payments-prod';
export const OTHER_ENVIRONMENT = 'ledger-staging';
export const MANAGEMENT_ACCOUNT = '444455556666';

let counter = 0;
const suffix = () => {
  counter += 1;
  return `${counter}`.padStart(4, '0');
};

export function environmentStack(overrides: Partial<StackInput> = {}): StackInput {
  return {
    name: `AWSProton-${ENVIRONMENT}-cloudformation--ENV${suffix()}`,
    environment: ENVIRONMENT,
    owner: { kind: 'environment' },
    exports: [`${ENVIRONMENT}-VpcId`],
    resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: `vpc-${suffix()}` }],
    ...overrides,
  };
}

export function serviceInstanceStack(service: string, overrides: Partial<StackInput> = {}): StackInput {
  return {
    name: `AWSProton-${service}-prod-cloudformation--SVC${suffix()}`,
    environment: ENVIRONMENT,
    owner: { kind: 'service-instance', service, instance: 'prod' },
    imports: [`${ENVIRONMENT}-VpcId`],
    resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: `${service}-queue-${suffix()}` }],
    ...overrides,
  };
}

export function componentStack(component: string, overrides: Partial<StackInput> = {}): StackInput {
  return {
    name: `AWSProton-${component}-cloudformation--CMP${suffix()}`,
    environment: ENVIRONMENT,
    owner: { kind: 'component', component },
    imports: [`${ENVIRONMENT}-VpcId`],
    resources: [{ logicalId: 'Logs', type: 'AWS::Logs::LogGroup', name: `/proton/${component}-${suffix()}` }],
    ...overrides,
  };
}

export function otherEnvironmentStack(overrides: Partial<StackInput> = {}): StackInput {
  return environmentStack({ name: `AWSProton-${OTHER_ENVIRONMENT}-cloudformation--OTH${suffix()}`, environment: OTHER_ENVIRONMENT, exports: [], ...overrides });
}

export function fault(operation: string, error: FaultInput['error'], options: Partial<FaultInput> = {}): FaultInput {
  return { operation, error, ...options };
}

export function consoleInput(mode: 'plan' | 'execute' = 'execute', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { connectionId: CONNECTION_ID, mode, ...extra };
}

/** One connection for payments-prod (and one for another environment), with the stacks given. */
export function scenario(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    name: 'test',
    connections: [
      { id: CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'ProtonEnvironmentRole-payments' },
      { id: OTHER_CONNECTION_ID, environmentName: OTHER_ENVIRONMENT, roleName: 'ProtonEnvironmentRole-ledger' },
    ],
    stacks: [componentStack('monitoring'), serviceInstanceStack('api'), serviceInstanceStack('worker'), environmentStack()],
    input: consoleInput(),
    ...overrides,
  };
}

export function eventBridgeEvent(source: string, detailType: string, detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
    'detail-type': detailType,
    source,
    account: '111122223333',
    time: '2026-11-25T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/**
 * A connection of the account and the roles it names (the environment role; component and
 * CodeBuild roles if given). `environmentName` defaults to payments-prod.
 */
export function connectionWithRoles(
  id: string,
  roles: Pick<ConnectionInput, 'roleName' | 'componentRoleName' | 'codebuildRoleName'>,
  overrides: Partial<ConnectionInput> = {},
): ConnectionInput {
  return { id, environmentName: ENVIRONMENT, ...roles, ...overrides };
}

/** A stack tagged for payments-prod whose name lacks the AWSProton- prefix: not made by Proton, so never deleted. */
export function unprefixedStack(overrides: Partial<StackInput> = {}): StackInput {
  return environmentStack({ name: `${ENVIRONMENT}-legacy-stack-${suffix()}`, exports: [], ...overrides });
}

/** The custom trigger event; `detail` is a console input. */
export function decommissionRequestedEvent(detail: unknown): Record<string, unknown> {
  return eventBridgeEvent('proton-connection-cleanup', 'Proton Connection Decommission Requested', detail);
}

/** Proton's event for a connection the management account rejected. */
export function connectionRejectedEvent(id: string = CONNECTION_ID): Record<string, unknown> {
  return eventBridgeEvent('aws.proton', 'AWS Proton Environment Account Connection Status Change', { id, status: 'REJECTED', previousStatus: 'PENDING' });
}

/** Proton's event for a deleted environment, forwarded from its management account. */
export function environmentDeletedEvent(name: string = ENVIRONMENT, managementAccountId: string = MANAGEMENT_ACCOUNT): Record<string, unknown> {
  return { ...eventBridgeEvent('aws.proton', 'AWS Proton Environment Status Change', { name, status: 'DELETED' }), account: managementAccountId };
}

type StandaloneInput = NonNullable<ScenarioInput['standaloneResources']>[number];

/** A resource of the environment left outside any stack, tagged proton:environment (an S3 bucket can hold `objects`). */
export function standaloneResource(type: StandaloneInput['type'], name: string, overrides: Partial<StandaloneInput> = {}): StandaloneInput {
  return { type, name, environment: ENVIRONMENT, ...overrides };
}
