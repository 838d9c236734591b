import { isDeepStrictEqual } from 'node:util';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type Report, ReportSchema } from '../functions/domain/report.js';
import { clock } from '../functions/runtime/clock.js';
import { HistoryRecorder } from './execution-history.js';
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

/**
 * aws-local-stepfunctions cannot start an execution whose input is `null`, `0`, `false` or `""`;
 * Step Functions can, and ResolveRequest then rejects it (InvalidRequest). So the engine starts
 * with a placeholder object and the first state's task (ResolveRequest, whose Parameters take the
 * whole input, `input.$: $`) is handed the real value instead: the run ends as it would in AWS.
 * The placeholder carries a nonce, so no real input is ever mistaken for it. (A local adjustment,
 * listed in the README with the RetryCount one; see local/workflow-definition.ts.)
 */
const PLACEHOLDER_KEY = 'proton-cleanup:local-placeholder-for-input';

export function engineStart(input: unknown) {
  const unstartable = input === null || input === 0 || input === false || input === '';
  const placeholder = { [PLACEHOLDER_KEY]: crypto.randomUUID() };
  const isPlaceholder = (value: unknown) => unstartable && isDeepStrictEqual(value, placeholder);
  const restore = (value: unknown): unknown => (isPlaceholder(value) ? input : value);
  return {
    input: unstartable ? placeholder : input,
    /** The first state's handler gets the real input wherever its Parameters put the placeholder. */
    handOver(handlers: Record<string, (input: unknown) => Promise<never>>, firstState: string): Record<string, (input: unknown) => Promise<never>> {
      const first = handlers[firstState];
      if (!unstartable || !first) return handlers;
      return {
        ...handlers,
        [firstState]: (given: unknown) =>
          first(typeof given === 'object' && given !== null ? Object.fromEntries(Object.entries(given).map(([k, v]) => [k, restore(v)])) : restore(given)),
      };
    },
    /** The event with the real input wherever the placeholder shows (the execution's history records what was given). */
    restored(event: ExecutionEvent): ExecutionEvent {
      const e = event as ExecutionEvent & { input?: unknown };
      if (!unstartable) return event;
      return {
        ...e,
        ...('input' in e ? { input: restore(e.input) } : {}),
        ...(e.state ? { state: { ...e.state, input: restore(e.state.input) } } : {}),
      } as ExecutionEvent;
    },
  };
}

/** The workflow definitions (as JSON) aws-local-stepfunctions has already validated in this process. */
const validatedDefinitions = new Set<string>();

/**
 * What a run loads before its execution starts: the sandbox opened, the definition read, the
 * handler modules imported. Real I/O: when executions start side by side (runSideBySide), each is
 * prepared first, so that none starts (and moves the virtual clock) while another still waits for a
 * file, and they start in the order given, whatever order the files come in.
 */
export async function prepareRun(scenarioInput: ScenarioInput | Scenario, options: RunOptions = {}) {
  const scenario = ScenarioSchema.parse(scenarioInput);
  const sandbox = await openSandbox(scenario, {
    ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
    ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    ...(options.serverlessYml !== undefined ? { serverlessYml: options.serverlessYml } : {}),
    ...(options.coverage ? { coverage: options.coverage } : {}),
  });
  const local = await loadLocalDefinition(scenario.region, scenario.accountId);
  const bound = await bindTasks(local.tasks, options.lambdaFaults ?? [], sandbox.iam?.deployment);
  return { scenario, sandbox, local, bound };
}
export type PreparedRun = Awaited<ReturnType<typeof prepareRun>>;

/**
 * Executions that run side by side: each prepared one after the other (prepareRun), then all
 * started at once, in the order given; `start` runs one with its options and what was prepared.
 */
export async function runPreparedInOrder<T>(
  scenario: ScenarioInput | Scenario,
  items: readonly T[],
  optionsOf: (item: T) => RunOptions,
  start: (item: T, options: RunOptions, prepared: PreparedRun) => Promise<LocalRunResult>,
): Promise<LocalRunResult[]> {
  const runs: { item: T; options: RunOptions; prepared: PreparedRun }[] = [];
  for (const item of items) {
    const options = optionsOf(item);
    runs.push({ item, options, prepared: await prepareRun(scenario, options) });
  }
  return Promise.all(runs.map(({ item, options, prepared }) => start(item, options, prepared)));
}

export async function runWorkflow(scenarioInput: ScenarioInput | Scenario, options: RunOptions = {}, prepared?: PreparedRun): Promise<LocalRunResult> {
  const { scenario, sandbox, local, bound } = prepared ?? (await prepareRun(scenarioInput, options));
  const { handlers, retryCountsByState, invocations, lambdaFaultsFired, lambdaTime } = bound;

  // Whatever JSON value the caller gives is the input, null included: never replaced by the scenario's.
  const input = options.input !== undefined ? options.input : scenario.input;
  const engine = engineStart(input);
  const executionName = options.executionName ?? `local-${clock.isoNow().replace(/[:.]/g, '-')}`;
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
  const history = new HistoryRecorder(
    () => clock.now(),
    (state) =>
      `arn:aws:lambda:${scenario.region}:${scenario.accountId}:function:proton-connection-cleanup-local-${local.tasks.find((t) => t.state === state)?.functionKey ?? state}`,
  );
  thisExecution.history = history.events;
  const execution = stateMachine.run(json(engine.input) as never, {
    overrides: {
      taskResourceLocalHandlers: engine.handOver(handlers, String(local.definition.StartAt)),
      waitTimeOverrides: Object.fromEntries(local.waitStates.map((s) => [s, 0])),
      retryIntervalOverrides: Object.fromEntries(local.retryingStates.map((s) => [s, 0])),
    },
    context: {
      Execution: {
        Id: `arn:aws:states:${scenario.region}:${scenario.accountId}:execution:${LOCAL_RESOURCES.stateMachineName}:${executionName}`,
        Name: executionName,
        StartTime: thisExecution.startedAt.toISOString(),
        // The engine overwrites StartTime with the real clock: the definition reads this instead (workflow-definition.ts).
        SandboxStartTime: thisExecution.startedAt.toISOString(),
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
    for await (const event of execution.eventLogs) {
      history.record(engine.restored(event as ExecutionEvent));
      options.onEvent?.(event as ExecutionEvent);
    }
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
  thisExecution.stoppedAt = new Date(clock.now());
  if (result.error) Object.assign(thisExecution, { error: result.error.name, cause: result.error.cause });

  const stored = sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/reports/${executionName}.json`);
  const report = stored === undefined ? undefined : ReportSchema.parse(JSON.parse(stored));
  const simulatedMs = clock.now() - thisExecution.startedAt.getTime();
  return { executionName, ...result, ...(report ? { report } : {}), sandbox, invocations, lambdaFaultsFired, lambdaTime, simulatedMs };
}
