/**
 * The one list of error names the workflow knows. The ASL's `ErrorEquals` lists use exactly
 * these strings (test/workflow/asl.test.ts checks that), and every error a handler
 * throws on purpose is one of the classes below, whose `name` is the string Step Functions
 * matches.
 */
export const ErrorName = {
  /** The trigger (console input or event) is malformed; the cause names the field. */
  InvalidRequest: 'InvalidRequest',
  /** The connection does not exist and the request does not say which environment to clean. */
  ConnectionNotFound: 'ConnectionNotFound',
  /** Any AWS API throttled us (Proton ThrottlingException, CloudFormation Throttling, Tagging ThrottledException). */
  ThrottlingException: 'ThrottlingException',
  /** Proton refused because of a concurrent operation; retried by DeleteConnection. */
  ConflictException: 'ConflictException',
  /** An AWS API answered with a server-side fault (5xx); transient. */
  InternalServerException: 'InternalServerException',
  /** State input that does not match the contract between states: a defect, never retried. */
  InvalidStateInput: 'InvalidStateInput',
  /** A required environment variable is missing or malformed (raised at cold start). */
  InvalidConfiguration: 'InvalidConfiguration',
  /** The network failed (connection reset, timed out, name not resolved) after the SDK's attempts; transient. */
  NetworkError: 'NetworkError',
  /** Proton answered with an error that retrying will not change (access denied, bad credentials, unknown operation). */
  ProtonCallFailed: 'ProtonCallFailed',
  /** Several connections of this account are for the environment an event names: which one to decommission is a person's call. */
  SeveralConnections: 'SeveralConnections',
  /** An execution with that name already exists for a different request: refusing to report it as started. */
  ExecutionNameTaken: 'ExecutionNameTaken',
  /** The plan a request asks to execute is not for this run (another target, account or region; too old; not a plan). */
  PlanRefused: 'PlanRefused',
  /** The scheduled sweep could not start every due execution; it is retried (names make that safe). */
  SweepIncomplete: 'SweepIncomplete',
  /** The hub could not assume its spoke role in a target account (not deployed, not trusted, or outside the organization). */
  TargetUnreachable: 'TargetUnreachable',
} as const;

export type ErrorName = (typeof ErrorName)[keyof typeof ErrorName];

/** Errors AWS advises retrying on every Lambda task (Step Functions developer guide). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * How Step Functions reports a Lambda invocation that timed out or ran out of memory: not one of the
 * service errors above, so retried separately, on idempotent tasks only.
 */
export const LAMBDA_TIMEOUT_ERRORS = ['Lambda.Unknown', 'Sandbox.Timedout'] as const;

/** What DeleteConnection retries with its longer backoff; 5xx and network errors are retried like every task's. */
export const CONNECTION_DELETE_RETRYABLE: readonly ErrorName[] = [ErrorName.ThrottlingException, ErrorName.ConflictException];

/** What every other AWS-calling task retries. */
const TRANSIENT_AWS_ERRORS: readonly ErrorName[] = [ErrorName.ThrottlingException, ErrorName.InternalServerException, ErrorName.NetworkError];

/** An error the state machine would retry (after callAws named it): worth trying again later. */
export function isTransientAwsError(error: unknown): boolean {
  return error instanceof Error && TRANSIENT_AWS_ERRORS.includes(error.name as ErrorName);
}

abstract class WorkflowError extends Error {
  abstract override readonly name: ErrorName;
}

export class InvalidRequestError extends WorkflowError {
  override readonly name = ErrorName.InvalidRequest;
  constructor(readonly problems: readonly string[]) {
    super(`Invalid request: ${problems.join('; ')}`);
  }
}

export class PlanRefusedError extends WorkflowError {
  override readonly name = ErrorName.PlanRefused;
  constructor(
    readonly uri: string,
    readonly problems: readonly string[],
  ) {
    super(`The plan ${uri} cannot be executed: ${problems.join('; ')}. Nothing was deleted.`);
  }
}

export class ConnectionNotFoundError extends WorkflowError {
  override readonly name = ErrorName.ConnectionNotFound;
  constructor(connectionId: string) {
    super(
      `Environment account connection ${connectionId} was not found in this account, and the request ` +
        `has no "environment". Pass "environment": {"name": "<environment name>", "managementAccountId": ` +
        `"<12-digit account id>"} to clean up what that environment left behind.`,
    );
  }
}

export class NetworkError extends WorkflowError {
  override readonly name = ErrorName.NetworkError;
}

export class ProtonCallFailedError extends WorkflowError {
  override readonly name = ErrorName.ProtonCallFailed;
}

export class SeveralConnectionsError extends WorkflowError {
  override readonly name = ErrorName.SeveralConnections;
}

export class ExecutionNameTakenError extends WorkflowError {
  override readonly name = ErrorName.ExecutionNameTaken;
}

export class ThrottlingError extends WorkflowError {
  override readonly name = ErrorName.ThrottlingException;
}

export class ConflictError extends WorkflowError {
  override readonly name = ErrorName.ConflictException;
}

export class InternalServerError extends WorkflowError {
  override readonly name = ErrorName.InternalServerException;
}

export class InvalidStateInputError extends WorkflowError {
  override readonly name = ErrorName.InvalidStateInput;
}

/** A stored object that is not what it should be (not JSON, or not its schema): its ETag, so that a conditional write may replace it. */
export class UnreadableObjectError extends InvalidStateInputError {
  constructor(
    message: string,
    readonly etag: string,
  ) {
    super(message);
  }
}

export class InvalidConfigurationError extends WorkflowError {
  override readonly name = ErrorName.InvalidConfiguration;
}

export class SweepIncompleteError extends WorkflowError {
  override readonly name = ErrorName.SweepIncomplete;
}

export class TargetUnreachableError extends WorkflowError {
  override readonly name = ErrorName.TargetUnreachable;
}
