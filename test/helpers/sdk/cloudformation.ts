/** CloudFormation: stacks, stack events and errors. */

import { CloudFormationServiceException, type ResourceStatus, type Stack, type StackEvent, type StackStatus } from '@aws-sdk/client-cloudformation';
import { ACCOUNT_ID, metadata, REGION } from './constants.js';

export function cloudFormationError(name: string, message: string, httpStatusCode = 400): CloudFormationServiceException {
  return new CloudFormationServiceException({
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: metadata(httpStatusCode),
    message,
  });
}

export const cloudFormationThrottling = () => cloudFormationError('Throttling', 'Rate exceeded');
export const stackDoesNotExist = (stackId: string) => cloudFormationError('ValidationError', `Stack with id ${stackId} does not exist`);

/** A stack ID (the ARN); stacks are always addressed by it. */
export function stackId(name: string, uuid = '11111111-2222-3333-4444-555555555555'): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${name}/${uuid}`;
}

export interface StackSpec {
  name: string;
  id?: string;
  status?: StackStatus;
  statusReason?: string;
  tags?: Record<string, string>;
  terminationProtection?: boolean;
}

/** One stack as DescribeStacks returns it. */
export function stack(spec: StackSpec): Stack {
  return {
    StackId: spec.id ?? stackId(spec.name),
    StackName: spec.name,
    CreationTime: new Date('2024-01-01T00:00:00Z'),
    StackStatus: spec.status ?? 'CREATE_COMPLETE',
    ...(spec.statusReason ? { StackStatusReason: spec.statusReason } : {}),
    Tags: Object.entries(spec.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    EnableTerminationProtection: spec.terminationProtection ?? false,
  };
}

export interface StackEventSpec {
  stackId: string;
  logicalId: string;
  status: ResourceStatus;
  physicalId?: string;
  type?: string;
  reason?: string;
}

/** One DescribeStackEvents entry (newest first, as CloudFormation lists them). */
export function stackEvent(spec: StackEventSpec): StackEvent {
  return {
    StackId: spec.stackId,
    EventId: `${spec.logicalId}-${spec.status}`,
    StackName: spec.stackId.split('/')[1],
    Timestamp: new Date('2024-01-03T00:00:00Z'),
    LogicalResourceId: spec.logicalId,
    ResourceStatus: spec.status,
    ...(spec.physicalId ? { PhysicalResourceId: spec.physicalId } : {}),
    ...(spec.type ? { ResourceType: spec.type } : {}),
    ...(spec.reason ? { ResourceStatusReason: spec.reason } : {}),
  };
}
