import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { AccessDeniedException as LogsAccessDenied } from '@aws-sdk/client-cloudwatch-logs';
import { ECRServiceException } from '@aws-sdk/client-ecr';
import { AccessDeniedException as EventBridgeAccessDenied } from '@aws-sdk/client-eventbridge';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { AccessDeniedException as OrganizationsAccessDenied } from '@aws-sdk/client-organizations';
import { AccessDeniedException as ProtonAccessDenied } from '@aws-sdk/client-proton';
import { ResourceGroupsTaggingAPIServiceException } from '@aws-sdk/client-resource-groups-tagging-api';
import { AccessDenied as S3AccessDenied } from '@aws-sdk/client-s3';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { AuthorizationErrorException } from '@aws-sdk/client-sns';
import { AccessDeniedException as SsmAccessDenied } from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import type { Decision } from './policy.js';
import { SERVICE_BY_CLIENT } from './requests.js';

/**
 * Each service's own answer to a call its caller's identity may not make.
 *
 * Message: IAM's wording for a denied request ("User: <principal> is not authorized to perform:
 * <action> on resource: <arn> because no identity-based policy allows the <action> action", or
 * "... with an explicit deny in an identity-based policy"). Code and status per protocol: the
 * query/XML protocol services (CloudFormation, IAM, SNS, S3) answer `AccessDenied` (HTTP 403);
 * the JSON protocol services answer `AccessDeniedException` (400 for CloudWatch Logs, ECR, SSM,
 * Step Functions, EventBridge, the Tagging API; 403 for Proton, a REST-JSON service).
 * Where the SDK models the exception (Proton, SNS, S3, Logs, EventBridge, SSM), its class is used; otherwise the service's base
 * exception class named by the code, as the SDK itself builds an unmodeled error.
 */
const meta = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'sandbox', attempts: 1, totalRetryDelay: 0 });

/** The session name Lambda gives a function's role session: the function's name. */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string, partition = 'aws'): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

export function accessDeniedMessage(principalArn: string, action: string, resource: string, decision: Exclude<Decision, 'Allow'>): string {
  const why =
    decision === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
  return resource === '*'
    ? `User: ${principalArn} is not authorized to perform: ${action} ${why}`
    : `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

type Base = new (options: { name: string; message: string; $fault: 'client' | 'server'; $metadata: ReturnType<typeof meta> }) => Error;

/** Services whose SDK models no access-denied exception: the base exception named by the error code. */
const UNMODELED: Record<string, { base: Base; code: string; status: number }> = {
  cloudformation: { base: CloudFormationServiceException as unknown as Base, code: 'AccessDenied', status: 403 },
  iam: { base: IAMServiceException as unknown as Base, code: 'AccessDenied', status: 403 },
  tagging: { base: ResourceGroupsTaggingAPIServiceException as unknown as Base, code: 'AccessDeniedException', status: 400 },
  stepfunctions: { base: SFNServiceException as unknown as Base, code: 'AccessDeniedException', status: 400 },
  ecr: { base: ECRServiceException as unknown as Base, code: 'AccessDeniedException', status: 400 },
  sts: { base: STSServiceException as unknown as Base, code: 'AccessDenied', status: 403 },
};

/** Services whose SDK models the exception: its own class. */
const MODELED: Record<string, (message: string) => Error> = {
  proton: (message) => new ProtonAccessDenied({ message, $metadata: meta(403) }),
  // SNS's query error code AuthorizationError, modeled as AuthorizationErrorException (HTTP 403).
  sns: (message) => new AuthorizationErrorException({ message, $metadata: meta(403) }),
  s3: (message) => new S3AccessDenied({ message, $metadata: meta(403) }),
  logs: (message) => new LogsAccessDenied({ message, $metadata: meta(400) }),
  eventbridge: (message) => new EventBridgeAccessDenied({ message, $metadata: meta(400) }),
  ssm: (message) => new SsmAccessDenied({ message, Message: message, $metadata: meta(400) }),
  organizations: (message) => new OrganizationsAccessDenied({ message, Message: message, $metadata: meta(400) }),
};

/** The exception the service throws for a denied call (`service`: sandbox service name or SDK client class name). */
export function accessDeniedError(
  service: string,
  denial: { principalArn: string; action: string; resource: string; decision: Exclude<Decision, 'Allow'> },
): Error {
  const name = SERVICE_BY_CLIENT[service] ?? service;
  const message = accessDeniedMessage(denial.principalArn, denial.action, denial.resource, denial.decision);
  const modeled = MODELED[name];
  if (modeled) return modeled(message);
  const shape = UNMODELED[name];
  if (!shape) throw new Error(`No AccessDenied shape for service ${service}`);
  return new shape.base({ name: shape.code, message, $fault: 'client', $metadata: meta(shape.status) });
}
