/**
 * Small builders for the domain tests. Each builds one realistic fact with sensible defaults;
 * tests override only what the behaviour under test depends on.
 */
import type { ConnectionFacts } from '../../functions/domain/connection.js';
import type { TaggedConnection } from '../../functions/domain/decommission-schedule.js';
import type { InventoriedResource, Inventory, Phase, StackFacts, TaggedResource, Tags } from '../../functions/domain/inventory.js';
import { type Report, type ReportEntry, type ReportInput, summarize } from '../../functions/domain/report.js';
import type { CleanupRequest } from '../../functions/domain/request.js';
import { DEFAULT_OPTIONS } from '../../functions/domain/request.js';
import type { FailedResource, StackProgress } from '../../functions/domain/stack-deletion.js';
import type { RemainingResource, ResourceDeletionEvent, Verification } from '../../functions/domain/verification.js';

export const REGION = 'us-east-1';
/** The environment account: where the connection, the stacks and the resources live. */
export const ACCOUNT = '111122223333';
export const MANAGEMENT_ACCOUNT = '444455556666';
export const CONNECTION_ID = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
export const ENV = 'payments-prod';
export const OTHER_ENV = 'ledger-staging';

/** The `proton:environment` tag value of an environment (written out, not built by the code under test). */
export function envArn(name: string = ENV): string {
  return `arn:aws:proton:${REGION}:${MANAGEMENT_ACCOUNT}:environment/${name}`;
}

export function connectionFacts(overrides: Partial<ConnectionFacts> = {}): ConnectionFacts {
  return {
    id: CONNECTION_ID,
    arn: `arn:aws:proton:${REGION}:${ACCOUNT}:environment-account-connection/${CONNECTION_ID}`,
    status: 'CONNECTED',
    environmentName: ENV,
    managementAccountId: MANAGEMENT_ACCOUNT,
    environmentArn: envArn(),
    roleArns: [],
    source: 'proton',
    protonApi: 'available',
    ...overrides,
  };
}

export function cleanupRequest(overrides: Partial<CleanupRequest> = {}): CleanupRequest {
  return {
    target: { account: ACCOUNT, region: REGION },
    connectionId: CONNECTION_ID,
    mode: 'execute',
    protonApi: 'available',
    options: DEFAULT_OPTIONS,
    trigger: { type: 'console' },
    ...overrides,
  };
}

export type ProtonOwner = { kind: 'environment' } | { kind: 'service-instance'; service: string; instance: string } | { kind: 'component'; component: string };

/** The tags Proton puts on what it provisions for an environment (and a service instance or component). */
export function protonTags(env: string = ENV, owner: ProtonOwner = { kind: 'environment' }): Tags {
  const base = `arn:aws:proton:${REGION}:${MANAGEMENT_ACCOUNT}`;
  const tags: Tags = { 'proton:environment': envArn(env), 'proton:account': MANAGEMENT_ACCOUNT };
  if (owner.kind === 'service-instance') {
    tags['proton:service'] = `${base}:service/${owner.service}`;
    tags['proton:service-instance'] = `${base}:service/${owner.service}/service-instance/${owner.instance}`;
  }
  if (owner.kind === 'component') tags['proton:component'] = `${base}:component/${owner.component}`;
  return tags;
}

export function stackIdOf(name: string): string {
  return `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/6d1c2e0a-7f3b-11ef-9a1b-0e4c5d6f7a8b`;
}

export function stack(name: string, overrides: Partial<StackFacts> = {}): StackFacts {
  return { stackId: stackIdOf(name), stackName: name, status: 'CREATE_COMPLETE', tags: {}, terminationProtection: false, ...overrides };
}

export function taggedResource(arn: string, tags: Tags): TaggedResource {
  return { arn, tags };
}

/** A resource CloudFormation created in `inStack`: it carries the aws:cloudformation:* tags, plus `tags`. */
export function resourceIn(inStack: StackFacts, arn: string, logicalId: string, tags: Tags = protonTags()): TaggedResource {
  return taggedResource(arn, {
    ...tags,
    'aws:cloudformation:stack-name': inStack.stackName,
    'aws:cloudformation:stack-id': inStack.stackId,
    'aws:cloudformation:logical-id': logicalId,
  });
}

export const arns = {
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  queue: (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
  parameter: (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/${name}`,
  role: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`,
};

// --- Inventory entries, for the modules downstream of the inventory -------------------------

/** An owned stack the cleanup deletes. */
export function stackEntry(name: string, phase: Phase = 'environment', overrides: Partial<InventoriedResource> = {}): InventoriedResource {
  const ownerKind = phase === 'components' ? 'component' : phase === 'service-instances' ? 'service-instance' : 'environment';
  return {
    id: stackIdOf(name),
    type: 'cloudformation:stack',
    owner: { kind: ownerKind, name: ENV },
    phase,
    action: 'delete-stack',
    reason: 'the stack is tagged proton:environment for this environment',
    ...overrides,
  };
}

/** A resource that goes away with its (owned) stack. */
export function inStackEntry(id: string, of: InventoriedResource, logicalId: string, overrides: Partial<InventoriedResource> = {}): InventoriedResource {
  return {
    id,
    type: 'test:resource',
    owner: of.owner,
    ...(of.phase ? { phase: of.phase } : {}),
    action: 'delete-with-stack',
    reason: 'deleted with its stack',
    stackId: of.id,
    logicalId,
    ...overrides,
  };
}

export function retainedEntry(id: string, overrides: Partial<InventoriedResource> = {}): InventoriedResource {
  return {
    id,
    type: 'test:resource',
    owner: { kind: 'environment', name: ENV },
    action: 'retain',
    reason: 'not in a stack: stand-alone resources are reported, not deleted',
    ...overrides,
  };
}

export function inventoryOf(...resources: InventoriedResource[]): Inventory {
  return { version: 1, takenAt: '2025-11-25T10:00:00.000Z', connection: connectionFacts(), resources, otherEnvironmentStacks: 0 };
}

// --- Cleanup, verification and report -------------------------------------------------------

export function stackResult(of: InventoriedResource, outcome: StackProgress['outcome'], overrides: Partial<StackProgress> = {}): StackProgress {
  return { stackId: of.id, phase: of.phase ?? 'environment', outcome, polls: 0, ...overrides };
}

export function deletionEvent(logicalId: string, status: string, reason?: string): ResourceDeletionEvent {
  return { logicalId, status, ...(reason ? { reason } : {}) };
}

export function verificationOf(remaining: RemainingResource[] = [], appeared: InventoriedResource[] = []): Verification {
  return { version: 1, checkedAt: '2025-11-25T10:30:00.000Z', remaining, appeared, standalone: [] };
}

export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    execution: { name: 'exec-1', startedAt: '2025-11-25T10:00:00.000Z', finishedAt: '2025-11-25T10:31:00.000Z' },
    request: cleanupRequest(),
    stackResults: [],
    ...overrides,
  };
}

/** Step Functions' Catch output for an error thrown by a Lambda task. */
export function lambdaError(errorType: string, errorMessage: string): { Error: string; Cause: string } {
  return { Error: errorType, Cause: JSON.stringify({ errorType, errorMessage, trace: [`${errorType}: ${errorMessage}`, '    at handler (index.mjs:1:1)'] }) };
}

export function reportEntry(id: string, outcome: ReportEntry['outcome'], overrides: Partial<ReportEntry> = {}): ReportEntry {
  return { id, type: 'test:resource', owner: { kind: 'environment', name: ENV }, plannedAction: 'delete-with-stack', outcome, ...overrides };
}

/** A resource CloudFormation failed to delete, as DescribeStackEvents explains it. */
export function failedResource(logicalId: string, reason: string, overrides: Partial<FailedResource> = {}): FailedResource {
  return { logicalId, reason, ...overrides };
}

/** A stack entry of the report (execute mode), with what happened to it. */
export function stackReportEntry(name: string, outcome: ReportEntry['outcome'], overrides: Partial<ReportEntry> = {}): ReportEntry {
  return reportEntry(stackIdOf(name), outcome, { type: 'cloudformation:stack', plannedAction: 'delete-stack', phase: 'environment', ...overrides });
}

/** The fixture report's run starts at 10:00; a stack whose deletion ran from `from` to `to` minutes after. */
export function timedStackEntry(name: string, outcome: ReportEntry['outcome'], from?: number, to?: number, overrides: Partial<ReportEntry> = {}): ReportEntry {
  const at = (minutes: number) => new Date(Date.parse('2025-11-25T10:00:00.000Z') + minutes * 60_000).toISOString();
  return stackReportEntry(name, outcome, {
    ...(from !== undefined ? { deletionStartedAt: at(from) } : {}),
    ...(to !== undefined ? { deletionEndedAt: at(to) } : {}),
    ...overrides,
  });
}

/** A report as WriteReport stores it; the summary is computed from the entries unless given. */
export function reportFixture(overrides: Partial<Report> = {}): Report {
  const resources = overrides.resources ?? [];
  return {
    reportVersion: '1.0',
    execution: { name: 'exec-1', startedAt: '2025-11-25T10:00:00.000Z', finishedAt: '2025-11-25T10:31:00.000Z' },
    status: 'succeeded',
    mode: 'execute',
    request: cleanupRequest(),
    connection: {
      id: CONNECTION_ID,
      arn: connectionFacts().arn,
      environmentName: ENV,
      environmentArn: envArn(),
      outcome: 'deleted',
      attempts: 1,
    },
    resources,
    summary: summarize(resources),
    ...overrides,
  };
}

/** An EventBridge event as delivered to a target (every field of Powertools' EventBridgeSchema). */
export function eventBridgeEvent(source: string, detailType: string, detail: unknown): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time: '2025-11-25T09:59:00Z',
    region: REGION,
    resources: [],
    detail,
  };
}

/** A connection with its tags, as the scheduled sweep judges it. */
export function taggedConnection(tags: Record<string, string> = {}, overrides: Partial<TaggedConnection> = {}): TaggedConnection {
  return {
    id: CONNECTION_ID,
    arn: `arn:aws:proton:${REGION}:${ACCOUNT}:environment-account-connection/${CONNECTION_ID}`,
    environmentName: ENV,
    status: 'CONNECTED',
    tags,
    ...overrides,
  };
}

/** The sample environment the report and verification tests share: two stacks, their resources, a stand-alone parameter, the role. */
export function sampleEntries() {
  const envStack = stackEntry('AWSProton-payments-prod-cloudformation--KQXVBRWH');
  const apiStack = stackEntry('AWSProton-api-prod-cloudformation--HZQWMBND', 'service-instances');
  return {
    envStack,
    apiStack,
    bucket: inStackEntry(arns.bucket('payments-prod-artifacts'), envStack, 'ArtifactsBucket'),
    logs: inStackEntry(arns.logGroup('/proton/payments-prod'), envStack, 'EnvironmentLogs'),
    queue: inStackEntry(arns.queue('api-prod-orders'), apiStack, 'Queue'),
    parameter: retainedEntry(arns.parameter('payments/db-url')),
  };
}
