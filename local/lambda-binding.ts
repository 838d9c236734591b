import type { Context } from 'aws-lambda';
import { clock } from '../functions/runtime/clock.js';
import { withFunctionVariables } from '../functions/runtime/function-variables.js';
import { type Deployment, functionEnvironment, runAsFunction } from './iam/index.js';
import type { TaskBinding } from './workflow-definition.js';

/**
 * Binds each Task state to its handler the way Lambda would call it: JSON in and out, errors
 * named by their type with a Lambda-shaped Cause, injected timeouts, and the retry counts the
 * runner supplies for $$.State.RetryCount.
 */
/**
 * A Lambda timeout on a Task state: the invocation fails with `Lambda.Unknown`, as Step Functions
 * reports a timed-out function. `timeout-before`: the handler never runs; `timeout-after`: it runs
 * (its side effects happen) and its response is lost. Invocations are counted per state, like the
 * sandbox's FaultPlan counts calls: `after` invocations pass first, then `times` fail (omit: all).
 */
export interface LambdaFault {
  state: string;
  kind: 'timeout-before' | 'timeout-after';
  times?: number;
  after?: number;
}

export interface FiredLambdaFault {
  state: string;
  kind: LambdaFault['kind'];
  /** The state's invocation it hit (1-based). */
  invocation: number;
}

/** Lambda hands Step Functions the error as {errorType, errorMessage} JSON in Cause, named by errorType. */
function asLambdaError(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const lambdaError = new Error(JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
  lambdaError.name = name;
  return lambdaError;
}

/** What Step Functions reports when a Lambda function times out. */
function lambdaTimeout(): Error {
  const error = new Error(
    'The cause could not be determined because Lambda did not return an error type. Returned payload: ' +
      JSON.stringify({ errorMessage: `${clock.isoNow()} ${crypto.randomUUID()} Task timed out after 60.00 seconds` }),
  );
  error.name = 'Lambda.Unknown';
  return error;
}

/** Decides, invocation by invocation, whether an injected Lambda fault hits (the FaultPlan's counting). */
function lambdaFaultPlan(faults: readonly LambdaFault[], fired: FiredLambdaFault[]) {
  const hits = new Map<LambdaFault, number>();
  return (state: string, invocation: number): LambdaFault['kind'] | undefined => {
    for (const fault of faults) {
      if (fault.state !== state || invocation <= (fault.after ?? 0)) continue;
      const hit = hits.get(fault) ?? 0;
      if (fault.times !== undefined && hit >= fault.times) continue;
      hits.set(fault, hit + 1);
      fired.push({ state, kind: fault.kind, invocation });
      return fault.kind;
    }
    return undefined;
  };
}

function lambdaContext(binding: TaskBinding): Partial<Context> {
  return {
    functionName: `proton-connection-cleanup-local-${binding.functionKey}`,
    functionVersion: '$LATEST',
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => binding.timeoutSeconds * 1000,
  };
}

type Handler = (event: unknown, context?: Partial<Context>) => Promise<unknown>;

async function importHandler(binding: TaskBinding): Promise<Handler> {
  const module = (await import(binding.modulePath)) as Record<string, unknown>;
  const handler = module[binding.exportName];
  if (typeof handler !== 'function') throw new Error(`${binding.modulePath} does not export ${binding.exportName}`);
  return handler as Handler;
}

/** What crosses the Lambda boundary is JSON: a deep copy through it. */
export const json = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/** Virtual milliseconds each state's invocations ran for (for the Lambda GB-seconds). */
export type LambdaTime = Map<string, number>;

interface BoundTasks {
  handlers: Record<string, (input: unknown) => Promise<never>>;
  /** Getters by state name, for the context object's State.RetryCounts. */
  retryCountsByState: Record<string, number>;
  invocations: Map<string, number>;
  lambdaFaultsFired: FiredLambdaFault[];
  lambdaTime: LambdaTime;
}

/** The Wait before this task waited until the instant in one of its input fields: the virtual clock goes there. */
async function playTheWait(binding: TaskBinding, input: unknown): Promise<void> {
  for (const field of binding.waitedUntilFields) {
    const instant = (input as Record<string, unknown> | null)?.[field];
    if (typeof instant === 'string') await clock.sleepUntil(instant);
  }
}

/** Each function's own environment variables, as the deployment sets them (read once per function). */
const functionVariables = new WeakMap<Deployment, Map<string, Record<string, string>>>();

function variablesOf(deployment: Deployment, functionKey: string): Record<string, string> {
  let byFunction = functionVariables.get(deployment);
  if (!byFunction) {
    byFunction = new Map();
    functionVariables.set(deployment, byFunction);
  }
  let variables = byFunction.get(functionKey);
  if (!variables) {
    variables = functionEnvironment(deployment, functionKey);
    byFunction.set(functionKey, variables);
  }
  return variables;
}

/**
 * Runs `invoke` as Lambda runs the function `functionKey` of the deployment: as its role (the
 * sandbox authorizes its calls against it), with its own environment variables in scope.
 * Without a deployment (IAM not enforced), as is.
 */
export function asTheFunction<T>(deployment: Deployment | undefined, functionKey: string, invoke: () => Promise<T>): Promise<T> {
  if (!deployment) return invoke();
  return runAsFunction(deployment, functionKey, () => withFunctionVariables(variablesOf(deployment, functionKey), invoke));
}

/**
 * `deployment`: each invocation runs as its function's identity (the role serverless.yml gives
 * the function the state's `Fn::GetAtt: [fnKey, Arn]` names), so the sandbox authorizes the
 * handler's calls against that role, as Lambda's execution role is in AWS.
 */
export async function bindTasks(tasks: readonly TaskBinding[], lambdaFaults: readonly LambdaFault[], deployment?: Deployment): Promise<BoundTasks> {
  const retryCounts = new Map<string, number>();
  const invocations = new Map<string, number>();
  const lambdaTime: LambdaTime = new Map();
  const lambdaFaultsFired: FiredLambdaFault[] = [];
  const lambdaFault = lambdaFaultPlan(lambdaFaults, lambdaFaultsFired);
  const failed = (state: string) => retryCounts.set(state, (retryCounts.get(state) ?? 0) + 1);
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  for (const binding of tasks) {
    const handler = await importHandler(binding);
    handlers[binding.state] = async (input) => {
      await playTheWait(binding, input);
      const invocation = (invocations.get(binding.state) ?? 0) + 1;
      invocations.set(binding.state, invocation);
      const startedAt = clock.now();
      const ran = () => lambdaTime.set(binding.state, (lambdaTime.get(binding.state) ?? 0) + clock.now() - startedAt);
      const fault = lambdaFault(binding.state, invocation);
      if (fault === 'timeout-before') {
        failed(binding.state);
        throw lambdaTimeout();
      }
      try {
        const invoke = () => handler(json(input), lambdaContext(binding));
        const output = await (deployment
          ? runAsFunction(deployment, binding.functionKey, () => withFunctionVariables(variablesOf(deployment, binding.functionKey), invoke))
          : invoke()
        ).finally(ran);
        // Longer than the function's timeout on the sandbox clock: in AWS it would have been stopped, its answer lost.
        if (fault === 'timeout-after' || clock.now() - startedAt > binding.timeoutSeconds * 1000) throw lambdaTimeout();
        retryCounts.set(binding.state, 0);
        return json(output) as never;
      } catch (error) {
        failed(binding.state);
        // timeout-after (or past the timeout): whatever the handler did, its response was lost.
        throw fault === 'timeout-after' || clock.now() - startedAt > binding.timeoutSeconds * 1000 ? lambdaTimeout() : asLambdaError(error);
      }
    };
  }
  const retryCountsByState = {};
  for (const binding of tasks.filter((t) => t.topLevel)) {
    Object.defineProperty(retryCountsByState, binding.state, { enumerable: true, get: () => retryCounts.get(binding.state) ?? 0 });
  }
  return { handlers, retryCountsByState, invocations, lambdaFaultsFired, lambdaTime };
}
