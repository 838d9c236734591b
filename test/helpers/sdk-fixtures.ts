import { Readable } from 'node:stream';
import { CloudFormationServiceException, type ResourceStatus, type Stack, type StackEvent, type StackStatus } from '@aws-sdk/client-cloudformation';
import { ResourceNotFoundException as LogsResourceNotFoundException, ThrottlingException as LogsThrottlingException } from '@aws-sdk/client-cloudwatch-logs';
import { ECRServiceException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import {
  DeleteConflictException,
  IAMServiceException,
  type ListAttachedRolePoliciesResponse,
  type ListInstanceProfilesForRoleResponse,
  type ListRolePoliciesResponse,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException,
  ConflictException,
  type EnvironmentAccountConnection,
  type EnvironmentAccountConnectionSummary,
  InternalServerException,
  ListEnvironmentAccountConnectionsCommand,
  type ProtonClient,
  ProtonServiceException,
  type Tag as ProtonTag,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-proton';
import { type ResourceTagMapping, ThrottledException } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  type DeleteMarkerEntry,
  GetObjectCommand,
  type ListObjectVersionsOutput,
  NoSuchBucket,
  NoSuchKey,
  type ObjectVersion,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, type SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ParameterNotFound, SSMServiceException, ThrottlingException as SsmThrottlingException } from '@aws-sdk/client-ssm';
import { HttpResponse } from '@smithy/core/protocols';
import { sdkStreamMixin } from '@smithy/core/serde';
import type { Client } from '@smithy/types';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import type { ConnectionFacts } from '../../functions/domain/connection.js';
import type { InventoriedResource, Inventory, Phase } from '../../functions/domain/inventory.js';
import type { Report } from '../../functions/domain/report.js';
import type { StackProgress } from '../../functions/domain/stack-deletion.js';
import { cleanupRequest } from './domain-fixtures.js';

/**
 * Small builders for what the AWS SDK answers and what the workflow's states carry.
 * Values match test/setup-env.ts (Region us-east-1, account 111122223333).
 */
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '111122223333';
export const MANAGEMENT_ACCOUNT_ID = '444455556666';
export const CONNECTION_ID = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
export const CONNECTION_ARN = `arn:aws:proton:${REGION}:${ACCOUNT_ID}:environment-account-connection/${CONNECTION_ID}`;
export const ENVIRONMENT_NAME = 'prod';
export const ENVIRONMENT_ARN = `arn:aws:proton:${REGION}:${MANAGEMENT_ACCOUNT_ID}:environment/${ENVIRONMENT_NAME}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/proton-environment-role`;
export const CODEBUILD_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/proton-codebuild-role`;
export const EXECUTION_NAME = 'decommission-run-1';
export const REPORT_BUCKET = 'proton-connection-cleanup-local-reports';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:proton-connection-cleanup-local`;

// ---------------------------------------------------------------------------------------------
// Client mocks
// ---------------------------------------------------------------------------------------------

/** Any AWS SDK v3 client class. */
// biome-ignore lint/suspicious/noExplicitAny: any SDK client class, whatever its service's types; `unknown` would accept none
type ClientClass = { prototype: Client<any, any, any> };

/**
 * Mocks `send` of each client class (every instance, the handlers' own included) and resets
 * each mock, behaviours and recorded calls, before every test. Call it once, at the top of a
 * test file: `const [s3, sns] = mockedClients(S3Client, SNSClient);`
 */
export function mockedClients<const C extends readonly ClientClass[]>(...clientClasses: C) {
  const mocks = clientClasses.map((clientClass) => mockClient(clientClass));
  beforeEach(() => {
    for (const mock of mocks) mock.reset();
  });
  return mocks as unknown as { -readonly [K in keyof C]: AwsClientStub<C[K]['prototype']> };
}

// ---------------------------------------------------------------------------------------------
// SDK exceptions, built with the SDK's own classes
// ---------------------------------------------------------------------------------------------

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'test-request' });

export const protonError = {
  throttling: () => new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }),
  notFound: (id = CONNECTION_ID) => new ResourceNotFoundException({ message: `Environment account connection ${id} not found`, $metadata: metadata(404) }),
  conflict: () => new ConflictException({ message: 'A concurrent operation is in progress', $metadata: metadata(409) }),
  internal: () => new InternalServerException({ message: 'Internal failure', $metadata: metadata(500) }),
  accessDenied: () => new AccessDeniedException({ message: 'User is not authorized', $metadata: metadata(403) }),
  /** What an endpoint answers for an operation it does not know (e.g. once an API is withdrawn). */
  unknownOperation: () =>
    new ProtonServiceException({ name: 'UnknownOperationException', $fault: 'client', $metadata: metadata(400), message: 'The operation is not supported' }),
  /** Bad or expired credentials. */
  unrecognizedClient: () =>
    new ProtonServiceException({
      name: 'UnrecognizedClientException',
      $fault: 'client',
      $metadata: metadata(403),
      message: 'The security token included in the request is invalid.',
    }),
  validation: () => new ProtonServiceException({ name: 'ValidationException', $fault: 'client', $metadata: metadata(400), message: 'id: malformed' }),
};

/**
 * A network failure as Node's HTTP stack hands it to the SDK (once its attempts are spent): a
 * system error with its code (ECONNRESET, ETIMEDOUT, ENOTFOUND, EAI_AGAIN…), or the SDK's own
 * TimeoutError when no connection was made in time.
 */
export const networkError = {
  code: (code: string, host = 'proton.us-east-1.amazonaws.com') =>
    Object.assign(new Error(code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `getaddrinfo ${code} ${host}` : `read ${code}`), {
      code,
      $metadata: { attempts: 3 },
    }),
  timeout: () =>
    Object.assign(new Error('Socket timed out without establishing a connection within 1000 ms'), { name: 'TimeoutError', $metadata: { attempts: 3 } }),
};

/** The hint every persistent Proton error carries: retirement is a deployment setting, never inferred. */
export const PROTON_RETIRED_HINT_TEXT = 'deploy with protonApi=retired';

export const taggingThrottled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: metadata(400) });

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

// ---------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------

/**
 * Answers a paginated operation as the service does: each page only for its own token (the
 * first page for none). The SDK paginators reuse one input object for every page, so the
 * tokens actually sent are recorded here, at call time, in `tokensSent`.
 */
export function pagedByToken<P>(tokenField: string, pages: Record<string, P>) {
  const tokensSent: (string | undefined)[] = [];
  const answer = (input: Record<string, unknown>): P => {
    const token = input[tokenField] as string | undefined;
    tokensSent.push(token);
    if (tokensSent.length > 10) throw new Error(`runaway pagination: ${tokensSent.length} calls`);
    const page = pages[token ?? ''];
    if (!page) throw new Error(`no page for ${tokenField} "${token}"`);
    return page;
  };
  return { answer, tokensSent };
}

// ---------------------------------------------------------------------------------------------
// Proton
// ---------------------------------------------------------------------------------------------

export function protonConnection(overrides: Partial<EnvironmentAccountConnection> = {}): EnvironmentAccountConnection {
  return {
    id: CONNECTION_ID,
    arn: CONNECTION_ARN,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    environmentAccountId: ACCOUNT_ID,
    environmentName: ENVIRONMENT_NAME,
    roleArn: ROLE_ARN,
    status: 'CONNECTED',
    requestedAt: new Date('2024-01-01T00:00:00Z'),
    lastModifiedAt: new Date('2024-01-02T00:00:00Z'),
    ...overrides,
  };
}

/**
 * An HTTP endpoint that answers every Proton (awsJson1_0) request with a ThrottlingException.
 * Installed as a client's requestHandler, it runs the client's real middleware, retries
 * included, and counts the requests that reached the wire.
 */
export function throttlingProtonEndpoint() {
  const endpoint = {
    requests: 0,
    async handle(): Promise<{ response: HttpResponse }> {
      endpoint.requests += 1;
      const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
      return {
        response: new HttpResponse({
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `request-${endpoint.requests}` },
          body: Readable.from([Buffer.from(body)]),
        }),
      };
    },
  };
  return endpoint;
}

// ---------------------------------------------------------------------------------------------
// CloudFormation
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Resource Groups Tagging API
// ---------------------------------------------------------------------------------------------

export function tagMapping(arn: string, tags: Record<string, string>): ResourceTagMapping {
  return { ResourceARN: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

/** The tags CloudFormation and Proton put on a resource of an environment stack. */
export function stackResourceTags(stack: string, logicalId: string): Record<string, string> {
  return {
    'proton:environment': ENVIRONMENT_ARN,
    'aws:cloudformation:stack-id': stack,
    'aws:cloudformation:logical-id': logicalId,
  };
}

// ---------------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------------

/** A GetObject body holding `value` as JSON. A stream is read once: build one per response. */
export function s3JsonBody(value: unknown) {
  return sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(value))]));
}

/** Answers GetObject for the given keys of REPORT_BUCKET (a fresh body per call); NoSuchKey otherwise. */
export function serveObjects(s3: AwsClientStub<S3Client>, objects: Record<string, unknown>): void {
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    const key = input.Key ?? '';
    if (input.Bucket !== REPORT_BUCKET || !(key in objects)) {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: metadata(404) });
    }
    return { Body: s3JsonBody(objects[key]) };
  });
}

/** The JSON a handler wrote with PutObject to `key`. */
export function writtenObject(s3: AwsClientStub<S3Client>, key: string): unknown {
  const put = s3.commandCalls(PutObjectCommand).findLast((call) => call.args[0].input.Key === key);
  if (!put) throw new Error(`nothing was written to ${key}`);
  return JSON.parse(String(put.args[0].input.Body));
}

// ---------------------------------------------------------------------------------------------
// Workflow state
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// A sample environment
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Triggers: the scheduled sweep and the EventBridge target
// ---------------------------------------------------------------------------------------------

/** StartExecution answers every name with a new execution of the local state machine, started now. */
export function answerStartExecution(sfn: AwsClientStub<SFNClient>): void {
  sfn.on(StartExecutionCommand).callsFake((input: { name?: string }) => ({
    executionArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:proton-connection-cleanup-local:${input.name}`,
    startDate: new Date(),
  }));
}

/** The state machine the triggers start (STATE_MACHINE_ARN in test/setup-env.ts). */
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:proton-connection-cleanup-local';

/** The tag the sweep reads (DECOMMISSION_TAG_KEY in test/setup-env.ts). */
export const DECOMMISSION_TAG_KEY = 'proton-cleanup:decommission-on';

/** A distinct, valid connection id for the n-th connection of an account. */
export function connectionIdOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function connectionArnOf(id: string): string {
  return `arn:aws:proton:${REGION}:${ACCOUNT_ID}:environment-account-connection/${id}`;
}

/** One connection as ListEnvironmentAccountConnections lists it. */
export function connectionSummary(
  id: string = CONNECTION_ID,
  overrides: Partial<EnvironmentAccountConnectionSummary> = {},
): EnvironmentAccountConnectionSummary {
  return {
    id,
    arn: connectionArnOf(id),
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    environmentAccountId: ACCOUNT_ID,
    roleArn: ROLE_ARN,
    environmentName: ENVIRONMENT_NAME,
    status: 'CONNECTED',
    requestedAt: new Date('2024-01-01T00:00:00Z'),
    lastModifiedAt: new Date('2024-01-02T00:00:00Z'),
    ...overrides,
  };
}

/** This account's connections, as Proton lists them (the serving rule's read). */
export function givenConnections(proton: AwsClientStub<ProtonClient>, ...summaries: EnvironmentAccountConnectionSummary[]): void {
  proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: summaries });
}

/** Tags as Proton's ListTagsForResource returns them. */
export function protonTagList(tags: Record<string, string>): ProtonTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export const sfnError = {
  alreadyExists: (name: string) =>
    new ExecutionAlreadyExists({ message: `Execution Already Exists: '${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}'`, $metadata: {} }),
  throttling: () => new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
};

/** An EventBridge event as delivered to a rule's target: by default, Proton reporting a REJECTED connection. */
export function deliveredEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'b2c3d4e5-6f70-4812-9a3b-4c5d6e7f8091',
    'detail-type': 'AWS Proton Environment Account Connection Status Change',
    source: 'aws.proton',
    account: ACCOUNT_ID,
    time: '2026-11-25T05:59:12Z',
    region: REGION,
    resources: [CONNECTION_ARN],
    detail: { id: CONNECTION_ID, status: 'REJECTED', previousStatus: 'PENDING' },
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

/** A role ARN in this account; `path` is IAM's role path, e.g. "/proton/". */
export function iamRoleArn(name: string, path = '/'): string {
  return `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`;
}

export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`;
}

export const iamError = {
  noSuchEntity: (roleName = 'proton-environment-role') =>
    new NoSuchEntityException({ message: `The role with name ${roleName} cannot be found.`, $metadata: metadata(404) }),
  deleteConflict: () => new DeleteConflictException({ message: 'Cannot delete entity, must detach all policies first.', $metadata: metadata(409) }),
  /** IAM does not model throttling: the SDK raises the service exception named by the error code. */
  throttling: () => new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: metadata(400), message: 'Rate exceeded' }),
};

/** IAM's paging fields: a Marker for the next page only while IsTruncated. */
function iamPaging(nextMarker?: string): { IsTruncated: boolean; Marker?: string } {
  return nextMarker ? { IsTruncated: true, Marker: nextMarker } : { IsTruncated: false };
}

/** One page of ListAttachedRolePolicies; `nextMarker` when more pages follow. */
export function attachedPoliciesPage(policyArns: string[], nextMarker?: string): ListAttachedRolePoliciesResponse {
  return { AttachedPolicies: policyArns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').at(-1) })), ...iamPaging(nextMarker) };
}

/** One page of ListRolePolicies (inline policy names). */
export function inlinePoliciesPage(policyNames: string[], nextMarker?: string): ListRolePoliciesResponse {
  return { PolicyNames: policyNames, ...iamPaging(nextMarker) };
}

/** One page of ListInstanceProfilesForRole. */
export function instanceProfilesPage(profileNames: string[], nextMarker?: string): ListInstanceProfilesForRoleResponse {
  return {
    InstanceProfiles: profileNames.map((InstanceProfileName) => ({
      Path: '/',
      InstanceProfileName,
      InstanceProfileId: `AIPA${InstanceProfileName.toUpperCase()}`,
      Arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${InstanceProfileName}`,
      CreateDate: new Date('2024-01-01T00:00:00Z'),
      Roles: [],
    })),
    ...iamPaging(nextMarker),
  };
}

// ---------------------------------------------------------------------------------------------
// Stand-alone resources: S3 buckets, CloudWatch Logs log groups, ECR repositories, SSM parameters
// ---------------------------------------------------------------------------------------------

/** The ARN of each deletable type, as the Tagging API returns it. */
export const standaloneArn = {
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`,
  repository: (name: string) => `arn:aws:ecr:${REGION}:${ACCOUNT_ID}:repository/${name}`,
  /** The ARN leaves out a hierarchical name's leading "/". */
  parameter: (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/${name.replace(/^\//, '')}`,
};

/** One version of an object, or one delete marker: what DeleteObjects is given back. */
export interface VersionRef {
  Key: string;
  VersionId: string;
}

/** `count` versions of distinct objects, numbered from `from`: reports/000000.json@v-000000-<tag>, … */
export function objectVersionRefs(count: number, from = 0, tag = 'a'): VersionRef[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(6, '0');
    return { Key: `reports/${n}.json`, VersionId: `v-${n}-${tag}` };
  });
}

export interface VersionsPageSpec {
  versions?: VersionRef[];
  deleteMarkers?: VersionRef[];
  /** Where the next page starts (NextKeyMarker, NextVersionIdMarker): the page is truncated. */
  next?: VersionRef;
}

/** One ListObjectVersions page. */
export function objectVersionsPage(spec: VersionsPageSpec): ListObjectVersionsOutput {
  const versions: ObjectVersion[] = (spec.versions ?? []).map((v) => ({
    ...v,
    IsLatest: true,
    Size: 2,
    ETag: '"etag"',
    LastModified: new Date('2024-01-01T00:00:00Z'),
  }));
  const markers: DeleteMarkerEntry[] = (spec.deleteMarkers ?? []).map((m) => ({ ...m, IsLatest: true, LastModified: new Date('2024-01-02T00:00:00Z') }));
  return {
    Name: 'bucket',
    MaxKeys: 1000,
    IsTruncated: spec.next !== undefined,
    ...(spec.next ? { NextKeyMarker: spec.next.Key, NextVersionIdMarker: spec.next.VersionId } : {}),
    ...(versions.length > 0 ? { Versions: versions } : {}),
    ...(markers.length > 0 ? { DeleteMarkers: markers } : {}),
  };
}

function s3Error(name: string, message: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: metadata(httpStatusCode), message });
}

export const standaloneError = {
  noSuchBucket: () => new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: metadata(404) }),
  bucketNotEmpty: () => s3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409),
  s3SlowDown: () => s3Error('SlowDown', 'Please reduce your request rate.', 503),
  logGroupNotFound: () => new LogsResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: metadata(400) }),
  logsThrottling: () => new LogsThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }),
  repositoryNotFound: (name: string) =>
    new RepositoryNotFoundException({
      message: `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT_ID}'`,
      $metadata: metadata(400),
    }),
  /** ECR does not model throttling: the SDK raises the service exception named by the error code. */
  ecrThrottling: () => new ECRServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: metadata(400), message: 'Rate exceeded' }),
  parameterNotFound: () => new ParameterNotFound({ message: '', $metadata: metadata(400) }),
  ssmThrottling: () => new SsmThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: metadata(400) }),
  ssmAccessDenied: () =>
    new SSMServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: metadata(400),
      message: 'User is not authorized to perform: ssm:DeleteParameter',
    }),
};
