import { CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsServiceException, ResourceNotFoundException as LogsResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { ECRServiceException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import {
  ConcurrentModificationException,
  DeleteConflictException,
  IAMServiceException,
  NoSuchEntityException,
  ServiceFailureException,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException as OrganizationsAccessDenied,
  InvalidInputException as OrganizationsInvalidInput,
  OrganizationsServiceException,
  ParentNotFoundException,
} from '@aws-sdk/client-organizations';
import {
  AccessDeniedException,
  ConflictException,
  InternalServerException,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-proton';
import { InternalServiceException, InvalidParameterException, ThrottledException } from '@aws-sdk/client-resource-groups-tagging-api';
import { NoSuchBucket, S3ServiceException } from '@aws-sdk/client-s3';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { SNSServiceException } from '@aws-sdk/client-sns';
import {
  InvalidNextToken,
  ParameterAlreadyExists,
  ParameterNotFound,
  SSMServiceException,
  ValidationException as SSMValidationException,
} from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import { type FaultKind, NETWORK_FAULT_KINDS } from './scenario.js';

/**
 * The errors each simulated service throws: the SDK's own exception classes with the names,
 * faults and status codes the real service answers, so the handlers' error mapping and the
 * SDK's retry classification run exactly as in AWS.
 */
export type ServiceName =
  | 'proton'
  | 'cloudformation'
  | 'tagging'
  | 's3'
  | 'sns'
  | 'eventbridge'
  | 'stepfunctions'
  | 'iam'
  | 'logs'
  | 'ecr'
  | 'ssm'
  | 'sts'
  | 'organizations';

const meta = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'sandbox', attempts: 1, totalRetryDelay: 0 });

type ServiceExceptionClass =
  | typeof CloudFormationServiceException
  | typeof SNSServiceException
  | typeof S3ServiceException
  | typeof EventBridgeServiceException
  | typeof SFNServiceException
  | typeof CloudWatchLogsServiceException
  | typeof ECRServiceException
  | typeof SSMServiceException
  | typeof STSServiceException
  | typeof OrganizationsServiceException;

function queryError(base: ServiceExceptionClass, name: string, message: string, status: number): Error {
  return new base({ name, message, $fault: status >= 500 ? 'server' : 'client', $metadata: meta(status) });
}

export function protonError(kind: FaultKind | 'validation', message: string): Error {
  switch (kind) {
    case 'throttle':
      return new ThrottlingException({ message: message || 'Rate exceeded', $metadata: meta(400) });
    case 'conflict':
      return new ConflictException({ message: message || 'A conflicting operation is in progress', $metadata: meta(409) });
    case 'internal':
      return new InternalServerException({ message: message || 'Internal server error', $metadata: meta(500) });
    case 'not-found':
      return new ResourceNotFoundException({ message: message || 'Resource not found', $metadata: meta(404) });
    case 'access-denied':
      return new AccessDeniedException({ message: message || 'User is not authorized to perform this operation', $metadata: meta(403) });
    case 'validation':
      return new ValidationException({ message, $metadata: meta(400) });
    case 'unreachable':
    case 'ENOTFOUND':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
      return networkError(kind, 'proton');
  }
}

/** How Node's HTTP stack reports a network failure: a plain Error with the system error code. */
const NETWORK_MESSAGES: Record<NetworkFault, (host: string) => string> = {
  ENOTFOUND: (host) => `getaddrinfo ENOTFOUND ${host}`,
  ECONNRESET: () => 'socket hang up',
  ETIMEDOUT: (host) => `connect ETIMEDOUT ${host}:443`,
};
type NetworkFault = (typeof NETWORK_FAULT_KINDS)[number];

function isNetworkFault(kind: FaultKind): kind is NetworkFault | 'unreachable' {
  return kind === 'unreachable' || (NETWORK_FAULT_KINDS as readonly string[]).includes(kind);
}

function networkError(kind: NetworkFault | 'unreachable', service: string): Error {
  const code = kind === 'unreachable' ? 'ENOTFOUND' : kind;
  const error = new Error(NETWORK_MESSAGES[code](`${service}.sandbox.amazonaws.com`));
  error.name = 'Error';
  Object.assign(error, { code, syscall: code === 'ENOTFOUND' ? 'getaddrinfo' : code === 'ETIMEDOUT' ? 'connect' : 'read' });
  return error;
}

export function faultError(service: ServiceName, kind: FaultKind, operation: string): Error {
  const message = `sandbox fault injected on ${operation}`;
  if (isNetworkFault(kind)) return networkError(kind, service);
  if (service === 'proton') return protonError(kind, message);
  if (service === 'tagging') {
    if (kind === 'throttle') return new ThrottledException({ message, $metadata: meta(400) });
    if (kind === 'internal') return new InternalServiceException({ message, $metadata: meta(500) });
    return new InvalidParameterException({ message, $metadata: meta(400) });
  }
  if (service === 'iam') return iamError(kind, message);
  const base = {
    cloudformation: CloudFormationServiceException,
    s3: S3ServiceException,
    sns: SNSServiceException,
    eventbridge: EventBridgeServiceException,
    stepfunctions: SFNServiceException,
    logs: CloudWatchLogsServiceException,
    ecr: ECRServiceException,
    ssm: SSMServiceException,
    sts: STSServiceException,
    organizations: OrganizationsServiceException,
  }[service];
  const names: Record<Exclude<FaultKind, 'unreachable' | NetworkFault>, [string, number]> = {
    throttle: [
      service === 'cloudformation' || service === 'sts'
        ? 'Throttling'
        : service === 's3'
          ? 'SlowDown'
          : service === 'organizations'
            ? 'TooManyRequestsException'
            : 'ThrottlingException',
      400,
    ],
    conflict: ['ConflictException', 409],
    internal: ['InternalFailure', 500],
    'not-found': ['ResourceNotFoundException', 404],
    'access-denied': ['AccessDenied', 403],
    ...OWN_FAULT_NAMES[service],
  };
  if (service === 's3' && kind === 'not-found') names['not-found'] = [operation === 'GetObject' ? 'NoSuchKey' : 'NoSuchBucket', 404];
  const [name, status] = names[kind];
  return queryError(base, name, message, status);
}

/** Where a service answers a fault with a name of its own (the JSON protocol services). */
const OWN_FAULT_NAMES: Partial<Record<ServiceName, Partial<Record<'internal' | 'not-found' | 'access-denied', [string, number]>>>> = {
  logs: {
    internal: ['ServiceUnavailableException', 500],
    'not-found': ['ResourceNotFoundException', 400],
    'access-denied': ['AccessDeniedException', 400],
  },
  ecr: {
    internal: ['ServerException', 500],
    'not-found': ['RepositoryNotFoundException', 400],
    'access-denied': ['AccessDeniedException', 400],
  },
  ssm: {
    internal: ['InternalServerError', 500],
    'not-found': ['ParameterNotFound', 400],
    'access-denied': ['AccessDeniedException', 400],
  },
};

/** CloudFormation's answer for a stack it does not know. */
export function stackDoesNotExist(stack: string): Error {
  return queryError(CloudFormationServiceException, 'ValidationError', `Stack with id ${stack} does not exist`, 400);
}

export function cloudFormationValidation(message: string): Error {
  return queryError(CloudFormationServiceException, 'ValidationError', message, 400);
}

export function noSuchKey(key: string): Error {
  return queryError(S3ServiceException, 'NoSuchKey', `The specified key does not exist: ${key}`, 404);
}

export function noSuchBucket(bucket: string): Error {
  return new NoSuchBucket({ message: `The specified bucket does not exist: ${bucket}`, $metadata: meta(404) });
}

/** A bucket owner condition (ExpectedBucketOwner) that does not name the bucket's owner: 403 AccessDenied. */
export function bucketOwnerMismatch(): Error {
  return queryError(S3ServiceException, 'AccessDenied', 'Access Denied', 403);
}

export function bucketNotEmpty(bucket: string): Error {
  return queryError(S3ServiceException, 'BucketNotEmpty', `The bucket you tried to delete is not empty: ${bucket}`, 409);
}

export function malformedXml(why: string): Error {
  return queryError(
    S3ServiceException,
    'MalformedXML',
    `The XML you provided was not well-formed or did not validate against our published schema: ${why}`,
    400,
  );
}

export function logGroupNotFound(): Error {
  return new LogsResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: meta(400) });
}

export function repositoryNotFound(name: string, registryId: string): Error {
  return new RepositoryNotFoundException({
    message: `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
    $metadata: meta(400),
  });
}

export function parameterNotFound(name: string): Error {
  return new ParameterNotFound({ message: `Parameter ${name} not found.`, $metadata: meta(400) });
}

export function parameterAlreadyExists(): Error {
  return new ParameterAlreadyExists({
    message: 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    $metadata: meta(400),
  });
}

export function invalidNextToken(): Error {
  return new InvalidNextToken({ message: 'The specified token is not valid.', $metadata: meta(400) });
}

/** SSM's answer to a request outside the API's constraints. */
export function ssmValidation(message: string): Error {
  return new SSMValidationException({ message, $metadata: meta(400) });
}

export function snsNotFound(topic: string): Error {
  return queryError(SNSServiceException, 'NotFoundException', `Topic does not exist: ${topic}`, 404);
}

/**
 * IAM (a query protocol service): its modeled exceptions where it has them; throttling is not
 * modeled, so it comes, as from AWS, as the service exception named by the error code, Throttling.
 */
export function iamError(kind: FaultKind, message: string): Error {
  switch (kind) {
    case 'throttle':
      return new IAMServiceException({ name: 'Throttling', message: message || 'Rate exceeded', $fault: 'client', $metadata: meta(400) });
    case 'conflict':
      return new ConcurrentModificationException({ message, $metadata: meta(409) });
    case 'internal':
      return new ServiceFailureException({ message, $metadata: meta(500) });
    case 'not-found':
      return noSuchEntity(message);
    case 'access-denied':
      return new IAMServiceException({ name: 'AccessDenied', message, $fault: 'client', $metadata: meta(403) });
    case 'unreachable':
    case 'ENOTFOUND':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
      return networkError(kind, 'iam');
  }
}

export function noSuchEntity(message: string): Error {
  return new NoSuchEntityException({ message, $metadata: meta(404) });
}

/** IAM refuses to delete a role that still has policies or instance profiles. */
export function deleteConflict(message: string): Error {
  return new DeleteConflictException({ message, $metadata: meta(409) });
}

/** STS (a query protocol service) refusing a request: the service exception named by the error code. */
export function stsError(code: 'AccessDenied' | 'ValidationError', message: string): Error {
  return new STSServiceException({ name: code, message, $fault: 'client', $metadata: meta(code === 'AccessDenied' ? 403 : 400) });
}

export function organizationsAccessDenied(message: string): Error {
  return new OrganizationsAccessDenied({ message, Message: message, $metadata: meta(400) });
}

export function parentNotFound(parentId: string): Error {
  const message = `We can't find a root or OU with the ParentId that you specified: ${parentId}`;
  return new ParentNotFoundException({ message, Message: message, $metadata: meta(400) });
}

export function organizationsInvalidInput(message: string): Error {
  return new OrganizationsInvalidInput({ message, Message: message, $metadata: meta(400) });
}
