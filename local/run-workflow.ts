import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type Report, ReportSchema } from '../functions/domain/report.js';
import { clock } from '../functions/runtime/clock.js';
import type { CoverageRecord } from './iam/index.js';
import { bindTasks, type FiredLambdaFault, json, type LambdaFault, type LambdaTime } from './lambda-binding.js';
import { LOCAL_RESOURCES, openSandbox, stateMachineArn } from './local-environment.js';
import type { Sandbox } from './sandbox/sandbox.js';
import { type Scenario, type ScenarioInput, ScenarioSchema } from './sandbox/scenario.js';
import { loadLocalDefinition } from './workflow-definition.js';

export type { FiredLambdaFault, LambdaFault } from './lambda-binding.js';
export { LOCAL_RESOURCES, openSandbox, stateMachineArn } from './local-environment.js';

/**
 * Runs the real ASL in aws-local-stepfunctions, each Task bound to its real handler, with
 * every AWS SDK call answered by the embedded sandbox. Waits and retry delays take no real
 * time: a Wait until an instant moves the sandbox's virtual clock there; nothing else differs
 * from AWS.
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
  /** Run against this serverless.yml content instead of the file's (a modified deployment; packaged once, then cached). */
  serverlessYml?: string;
  /** Record the permissions the run uses here (least-privilege coverage across runs). */
  coverage?: CoverageRecord;
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
  /** Virtual milliseconds each Task state's invocations ran for, in total. */
  lambdaTime: LambdaTime;
  /** Simulated time from the execution's start to its end (virtual clock). */
  simulatedMs: number;
}

/** The workflow definitions (as JSON) aws-local-stepfunctions has already validated in this process. */
const validatedDefinitions = new Set<string>();

export async function runWorkflow(scenarioInput: ScenarioInput | Scenario, options: RunOptions = {}): Promise<LocalRunResult> {
  const scenario = ScenarioSchema.parse(scenarioInput);
  const sandbox = await openSandbox(scenario, {
    ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.serverlessYml !== undefined ? { serverlessYml: options.serverlessYml } : {}),
    ...(options.coverage ? { coverage: options.coverage } : {}),
  });

  const local = await loadLocalDefinition(scenario.region, scenario.accountId);
  const { handlers, retryCountsByState, invocations, lambdaFaultsFired, lambdaTime } = await bindTasks(
    local.tasks,
    options.lambdaFaults ?? [],
    sandbox.iam?.deployment,
  );

  const input = options.input ?? scenario.input;
  const executionName = options.executionName ?? `local-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  // This run is an execution of the state machine, visible to the API like any other.
  const started = sandbox.account.executions.find((e) => e.name === executionName);
  const thisExecution = started ?? {
    stateMachineArn: stateMachineArn(scenario),
    name: executionName,
    input: json(input),
    status: 'RUNNING' as const,
    startedAt: new Date(clock.now()),
  };
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

  let result: Pick<LocalRunResult, 'status' | 'output' | 'error'>;
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
  const simulatedMs = clock.now() - thisExecution.startedAt.getTime();
  return { executionName, ...result, ...(report ? { report } : {}), sandbox, invocations, lambdaFaultsFired, lambdaTime, simulatedMs };
}
