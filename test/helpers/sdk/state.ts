/** What the workflow's states carry: connection facts, inventories, progress and stored reports. */

import type { ConnectionFacts } from '../../../functions/domain/connection.js';
import type { InventoriedResource, Inventory, Phase } from '../../../functions/domain/inventory.js';
import type { Report } from '../../../functions/domain/report.js';
import type { StackProgress } from '../../../functions/domain/stack-deletion.js';
import { cleanupRequest } from '../domain-fixtures.js';
import { stackId } from './cloudformation.js';
import {
  ACCOUNT_ID,
  CONNECTION_ARN,
  CONNECTION_ID,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  MANAGEMENT_ACCOUNT_ID,
  REGION,
  ROLE_ARN,
} from './constants.js';

export { cleanupRequest };

export function connectionFacts(overrides: Partial<ConnectionFacts> = {}): ConnectionFacts {
  return {
    id: CONNECTION_ID,
    arn: CONNECTION_ARN,
    status: 'CONNECTED',
    environmentName: ENVIRONMENT_NAME,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    environmentArn: ENVIRONMENT_ARN,
    roleArns: [ROLE_ARN],
    source: 'proton',
    protonApi: 'available',
    ...overrides,
  };
}

/** A stack the inventory decided to delete. */
export function stackToDelete(id: string, phase: Phase): InventoriedResource {
  return {
    id,
    type: 'cloudformation:stack',
    owner: { kind: phase === 'environment' ? 'environment' : phase === 'components' ? 'component' : 'service-instance', name: ENVIRONMENT_NAME },
    phase,
    action: 'delete-stack',
    reason: 'the stack is tagged proton:environment for this environment',
  };
}

/** A resource that goes with its stack. */
export function resourceInStack(arn: string, type: string, stack: string, logicalId: string, phase: Phase = 'environment'): InventoriedResource {
  return {
    id: arn,
    type,
    owner: { kind: 'environment', name: ENVIRONMENT_NAME },
    phase,
    action: 'delete-with-stack',
    reason: 'deleted with its stack',
    stackId: stack,
    logicalId,
  };
}

/** The connection role: always kept. */
export function connectionRole(arn = ROLE_ARN): InventoriedResource {
  return {
    id: arn,
    type: 'iam:role',
    owner: { kind: 'connection' },
    action: 'retain',
    reason: 'connection role: kept, because roles can be shared with other connections and stacks may still need them',
  };
}

export function inventoryOf(resources: InventoriedResource[]): Inventory {
  return { version: 1, takenAt: '2024-01-03T00:00:00.000Z', connection: connectionFacts(), resources, otherEnvironmentStacks: 0 };
}

/**
 * The sample environment the handler tests work on: the environment's own stack, holding a
 * bucket and a log group, and a service instance's stack, holding a queue.
 */
export const sampleEnvironment = {
  environmentStackName: 'AWSProton-prod-cloudformation-ABC123',
  environmentStack: stackId('AWSProton-prod-cloudformation-ABC123'),
  serviceInstanceStackName: 'AWSProton-api-prod-cloudformation-DEF456',
  serviceInstanceStack: stackId('AWSProton-api-prod-cloudformation-DEF456', '99999999-2222-3333-4444-555555555555'),
  bucketArn: 'arn:aws:s3:::prod-artifacts',
  logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/proton/prod`,
  queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:api-prod-jobs`,
} as const;

/** The inventory of the sample environment: both stacks to delete, their three resources with them, and the connection role kept. */
export function sampleInventory(): Inventory {
  const { environmentStack, serviceInstanceStack, bucketArn, logGroupArn, queueArn } = sampleEnvironment;
  return inventoryOf([
    stackToDelete(environmentStack, 'environment'),
    stackToDelete(serviceInstanceStack, 'service-instances'),
    resourceInStack(bucketArn, 's3:bucket', environmentStack, 'ArtifactBucket'),
    resourceInStack(logGroupArn, 'logs:log-group', environmentStack, 'Logs'),
    resourceInStack(queueArn, 'sqs:queue', serviceInstanceStack, 'JobQueue', 'service-instances'),
    connectionRole(),
  ]);
}

export function stackProgress(overrides: Partial<StackProgress> & Pick<StackProgress, 'stackId'>): StackProgress {
  return { phase: 'environment', outcome: 'deleting', polls: 0, ...overrides };
}

export function executionKey(file: string, executionName = EXECUTION_NAME): string {
  return `executions/${executionName}/${file}`;
}

/** A report as WriteReport stores it. */
export function storedReport(overrides: Partial<Report> = {}): Report {
  return {
    reportVersion: '1.0',
    execution: { name: EXECUTION_NAME, startedAt: '2024-01-03T00:00:00.000Z', finishedAt: '2024-01-03T00:10:00.000Z' },
    status: 'succeeded',
    mode: 'execute',
    request: cleanupRequest(),
    connection: { id: CONNECTION_ID, arn: CONNECTION_ARN, environmentName: ENVIRONMENT_NAME, environmentArn: ENVIRONMENT_ARN, outcome: 'deleted', attempts: 1 },
    resources: [],
    summary: { total: 0, deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0, planned: 0 },
    ...overrides,
  };
}
