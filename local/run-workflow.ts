import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Context } from 'aws-lambda';
import { ReportSchema, type Report } from '../functions/domain/report.js';
import { answerFromSandbox, useSandbox } from './sandbox/interceptor.js';
import { Sandbox } from './sandbox/sandbox.js';
import { ScenarioSchema, type Scenario, type ScenarioInput } from './sandbox/scenario.js';
import { loadLocalDefinition, type TaskBinding } from './workflow-definition.js';

/**
 * Runs the real ASL in aws-local-stepfunctions, each Task bound to its real handler, with
 * every AWS SDK call answered by the embedded sandbox. Waits and retry delays are zero;
 * nothing else differs from AWS.
 */
/** The fields of aws-local-stepfunctions' execution events that the progress output reads. */
export interface ExecutionEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  Error?: string;
  Cause?: unknown;
  retry?: { attempt: number };
}

export interface RunOptions {
  /** Overrides the scenario's input (console input or a whole EventBridge event). */
  input?: unknown;
  executionName?: string;
  /** The deployment parameter DEFAULT_MODE for this process (the first run sets it). */
  defaultMode?: string;
  /** Called with each execution event as it happens (progress output). */
  onEvent?: (event: ExecutionEvent) => void;
  /** Run against an account left by an earlier run (re-runs), instead of a fresh one from the scenario. */
  sandbox?: Sandbox;
  /** Lambda timeouts to inject, per Task state (see LambdaFault). */
  lambdaFaults?: LambdaFault[];
}

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

export interface LocalRunResult {
  executionName: string;
  status: 'succeeded' | 'failed';
  output?: unknown;
  error?: { name: string; cause: string };
  report?: Report;
  sandbox: Sandbox;
  /** Task invocations by state name. */
  invocations: Map<string, number>;
  /** The injected Lambda faults that fired, in order. */
  lambdaFaultsFired: FiredLambdaFault[];
}

export const LOCAL_RESOURCES = {
  reportBucket: 'proton-connection-cleanup-local-reports',
  topicName: 'proton-connection-cleanup-local',
  stateMachineName: 'proton-connection-cleanup-local',
} as const;

let environment: { region: string; accountId: string } | undefined;

/** The workflow definitions (as JSON) aws-local-stepfunctions has already validated in this process. */
const validatedDefinitions = new Set<string>();

/** The handlers read their configuration once, at import: set it once per process, as Lambda would. */
function prepareEnvironment(scenario: Scenario, defaultMode: string): void {
  if (environment) {
    if (environment.region !== scenario.region || environment.accountId !== scenario.accountId) {
      throw new Error('One process runs scenarios of one account and Region (the handlers are already configured)');
    }
    return;
  }
  environment = { region: scenario.region, accountId: scenario.accountId };
  Object.assign(process.env, {
    AWS_REGION: scenario.region,
    // Never real credentials, never a real endpoint: every call is answered by the sandbox.
    AWS_ACCESS_KEY_ID: 'SANDBOX',
    AWS_SECRET_ACCESS_KEY: 'SANDBOX',
    AWS_SESSION_TOKEN: 'SANDBOX',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    SDK_RETRY_BASE_MS: '0',
    DEFAULT_MODE: defaultMode,
    REQUEST_EVENT_SOURCE: 'proton-connection-cleanup',
    MAX_STACK_POLLS: '120',
    MAP_CONCURRENCY: '10',
    STATE_MACHINE_ARN: stateMachineArn(scenario),
    DECOMMISSION_TAG_KEY: 'proton-cleanup:decommission-on',
    SCHEDULE_MODE: 'execute',
    REPORT_BUCKET: LOCAL_RESOURCES.reportBucket,
    TOPIC_ARN: topicArn(scenario),
    EVENT_BUS_NAME: 'default',
    EVENT_SOURCE: 'proton-connection-cleanup',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  });
}

export function stateMachineArn(scenario: Scenario): string {
  return `arn:aws:states:${scenario.region}:${scenario.accountId}:stateMachine:${LOCAL_RESOURCES.stateMachineName}`;
}

function topicArn(scenario: Scenario): string {
  return `arn:aws:sns:${scenario.region}:${scenario.accountId}:${LOCAL_RESOURCES.topicName}`;
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
      JSON.stringify({ errorMessage: `${new Date().toISOString()} ${crypto.randomUUID()} Task timed out after 60.00 seconds` }),
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
    getRemainingTimeInMillis: () => 60_000,
  };
}

type Handler = (event: unknown, context?: Partial<Context>) => Promise<unknown>;

async function importHandler(binding: TaskBinding): Promise<Handler> {
  const module = (await import(binding.modulePath)) as Record<string, unknown>;
  const handler = module[binding.exportName];
  if (typeof handler !== 'function') throw new Error(`${binding.modulePath} does not export ${binding.exportName}`);
  return handler as Handler;
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value ?? null)) as T;

/**
 * Configures this process as the functions' Lambda environment and answers every AWS SDK
 * client from a new sandbox built from the scenario (or from the sandbox given: re-runs).
 */
export async function openSandbox(scenarioInput: ScenarioInput | Scenario, options: { defaultMode?: string; sandbox?: Sandbox } = {}): Promise<Sandbox> {
  const scenario = ScenarioSchema.parse(scenarioInput);
  prepareEnvironment(scenario, options.defaultMode ?? 'plan');
  const { allClients } = await import('../functions/aws/clients.js');
  answerFromSandbox(allClients());
  const sandbox = options.sandbox ?? new Sandbox(scenario, { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: topicArn(scenario) });
  useSandbox(sandbox);
  return sandbox;
}

export async function runWorkflow(scenarioInput: ScenarioInput | Scenario, options: RunOptions = {}): Promise<LocalRunResult> {
  const scenario = ScenarioSchema.parse(scenarioInput);
  const sandbox = await openSandbox(scenario, options);

  const local = await loadLocalDefinition(scenario.region, scenario.accountId);
  const retryCounts = new Map<string, number>();
  const invocations = new Map<string, number>();
  const lambdaFaultsFired: FiredLambdaFault[] = [];
  const lambdaFault = lambdaFaultPlan(options.lambdaFaults ?? [], lambdaFaultsFired);
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  for (const binding of local.tasks) {
    const handler = await importHandler(binding);
    handlers[binding.state] = async (input) => {
      const invocation = (invocations.get(binding.state) ?? 0) + 1;
      invocations.set(binding.state, invocation);
      const fault = lambdaFault(binding.state, invocation);
      if (fault === 'timeout-before') {
        retryCounts.set(binding.state, (retryCounts.get(binding.state) ?? 0) + 1);
        throw lambdaTimeout();
      }
      try {
        const output = await handler(json(input), lambdaContext(binding));
        if (fault === 'timeout-after') throw lambdaTimeout();
        retryCounts.set(binding.state, 0);
        return json(output) as never;
      } catch (error) {
        retryCounts.set(binding.state, (retryCounts.get(binding.state) ?? 0) + 1);
        // timeout-after: whatever the handler did, its response was lost.
        throw fault === 'timeout-after' ? lambdaTimeout() : asLambdaError(error);
      }
    };
  }

  const retryCountsByState = {};
  for (const binding of local.tasks.filter((t) => t.topLevel)) {
    Object.defineProperty(retryCountsByState, binding.state, { enumerable: true, get: () => retryCounts.get(binding.state) ?? 0 });
  }

  const input = options.input ?? scenario.input;
  const executionName = options.executionName ?? `local-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // This run is an execution of the state machine, visible to the API like any other.
  const started = sandbox.account.executions.find((e) => e.name === executionName);
  const thisExecution = started ?? { stateMachineArn: stateMachineArn(scenario), name: executionName, input: json(input), status: 'RUNNING' as const, startedAt: new Date() };
  if (!started) sandbox.account.executions.push(thisExecution);
  // Validating a definition compiles the ASL JSON Schemas anew each time (most of a run's CPU time):
  // each distinct definition is validated once per process.
  const definitionText = JSON.stringify(local.definition);
  const validated = validatedDefinitions.has(definitionText);
  const stateMachine = new StateMachine(local.definition as unknown as StateMachineDefinition, validated ? { validationOptions: { noValidate: true } } : {});
  validatedDefinitions.add(definitionText);
  const execution = stateMachine.run(json(input) as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: Object.fromEntries(local.waitStates.map((s) => [s, 0])),
      retryIntervalOverrides: Object.fromEntries(local.retryingStates.map((s) => [s, 0])),
    },
    context: {
      Execution: {
        Id: `arn:aws:states:${scenario.region}:${scenario.accountId}:execution:${LOCAL_RESOURCES.stateMachineName}:${executionName}`,
        Name: executionName,
        StartTime: thisExecution.startedAt.toISOString(),
        Input: json(input),
        RoleArn: `arn:aws:iam::${scenario.accountId}:role/${LOCAL_RESOURCES.stateMachineName}`,
      },
      StateMachine: {
        Id: stateMachineArn(scenario),
        Name: LOCAL_RESOURCES.stateMachineName,
      },
      State: { RetryCounts: retryCountsByState },
    } as never,
  });

  const progress = (async () => {
    for await (const event of execution.eventLogs) options.onEvent?.(event as ExecutionEvent);
  })();

  let result: Omit<LocalRunResult, 'sandbox' | 'invocations' | 'executionName' | 'report' | 'lambdaFaultsFired'>;
  try {
    result = { status: 'succeeded', output: await execution.result };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    const cause = (error as ExecutionError & { cause?: unknown }).cause;
    const failed = (cause ?? error) as Error;
    result = { status: 'failed', error: { name: failed.name, cause: failed.message } };
  }
  await progress;
  thisExecution.status = result.status === 'succeeded' ? 'SUCCEEDED' : 'FAILED';

  const stored = sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/reports/${executionName}.json`);
  const report = stored === undefined ? undefined : ReportSchema.parse(JSON.parse(stored));
  return { executionName, ...result, ...(report ? { report } : {}), sandbox, invocations, lambdaFaultsFired };
}
