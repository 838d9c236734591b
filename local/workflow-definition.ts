import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

/**
 * Loads the *deployed* workflow for the local run: the ASL file from statemachines/ and the
 * function → handler wiring from serverless.yml, so each Task state runs the very handler
 * AWS would invoke. Two local adjustments, both mechanical:
 * - `Resource: {Fn::GetAtt: [fn, Arn]}` becomes a local Lambda ARN (the plugin does the same with the real ARN);
 * - `$$.State.RetryCount`, which aws-local-stepfunctions does not provide, becomes
 *   `$$.State.RetryCounts.<StateName>`, answered by the runner's count of failed attempts;
 * - `$$.Execution.StartTime`, which aws-local-stepfunctions sets from the real clock whatever the
 *   context says, becomes `$$.Execution.SandboxStartTime`: the execution's start on the sandbox
 *   clock, which every other time of the run is on (a report never ends before it starts).
 * One more, in the runner (local/run-workflow.ts, engineStart): aws-local-stepfunctions cannot start
 * an execution whose input is `null`, `0`, `false` or `""`, so the engine starts with a placeholder
 * and ResolveRequest (`input.$: $`) is handed the real value, which it rejects as in AWS.
 */
/** Where the local run's context holds the execution's start on the sandbox clock (see above). */
const SANDBOX_START_TIME = '$$.Execution.SandboxStartTime';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
export const ASL_FILE = path.join(PROJECT_ROOT, 'statemachines', 'decommission-connection.asl.yaml');
const SERVERLESS_FILE = path.join(PROJECT_ROOT, 'serverless.yml');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface TaskBinding {
  state: string;
  functionKey: string;
  /** Absolute path of the handler module, and its exported name. */
  modulePath: string;
  exportName: string;
  /** The function's timeout (serverless.yml): an invocation that runs longer on the sandbox clock fails as Lambda's would. */
  timeoutSeconds: number;
  /** Outside any Map: its RetryCount can be tracked by state name. */
  topLevel: boolean;
  /**
   * Input fields holding the instant a Wait state (TimestampPath) waited for before this task:
   * the local run's waits take no time, so the runner moves the virtual clock there instead.
   */
  waitedUntilFields: string[];
}

interface LocalDefinition {
  definition: JsonObject;
  tasks: TaskBinding[];
  waitStates: string[];
  retryingStates: string[];
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Lambda's default timeout, for a function serverless.yml gives none (nor its provider). */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

async function functionHandlers(): Promise<Map<string, { modulePath: string; exportName: string; timeoutSeconds: number }>> {
  const serverless = parse(await readFile(SERVERLESS_FILE, 'utf8'), { logLevel: 'silent' }) as {
    provider: { timeout?: number };
    functions: Record<string, { handler: string; timeout?: number }>;
  };
  const handlers = new Map<string, { modulePath: string; exportName: string; timeoutSeconds: number }>();
  for (const [key, fn] of Object.entries(serverless.functions)) {
    const dot = fn.handler.lastIndexOf('.');
    handlers.set(key, {
      modulePath: path.join(PROJECT_ROOT, `${fn.handler.slice(0, dot)}.ts`),
      exportName: fn.handler.slice(dot + 1),
      timeoutSeconds: fn.timeout ?? serverless.provider.timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    });
  }
  return handlers;
}

export async function loadLocalDefinition(region: string, accountId: string): Promise<LocalDefinition> {
  const definition = parse(await readFile(ASL_FILE, 'utf8'), { maxAliasCount: -1 }) as JsonObject;
  const handlers = await functionHandlers();
  const result: LocalDefinition = { definition, tasks: [], waitStates: [], retryingStates: [] };

  // The paths Wait states read their instant from (TimestampPath).
  const waitPaths = new Set<string>();
  const findWaits = (states: JsonObject) => {
    for (const state of Object.values(states)) {
      if (!isObject(state)) continue;
      if (state.Type === 'Wait' && typeof state.TimestampPath === 'string') waitPaths.add(state.TimestampPath);
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : isObject(state.Iterator) ? state.Iterator : undefined;
      if (processor && isObject(processor.States)) findWaits(processor.States);
    }
  };
  if (isObject(definition.States)) findWaits(definition.States);

  const visit = (states: JsonObject, topLevel: boolean) => {
    for (const [name, state] of Object.entries(states)) {
      if (!isObject(state)) continue;
      if (state.Type === 'Wait') result.waitStates.push(name);
      if (isObject(state.Parameters)) {
        for (const [key, value] of Object.entries(state.Parameters)) {
          if (value === '$$.Execution.StartTime') state.Parameters[key] = SANDBOX_START_TIME;
        }
      }
      if (Array.isArray(state.Retry)) result.retryingStates.push(name);
      if (state.Type === 'Task' && isObject(state.Resource)) {
        const getAtt = state.Resource['Fn::GetAtt'];
        const functionKey = Array.isArray(getAtt) ? String(getAtt[0]) : '';
        const handler = handlers.get(functionKey);
        if (!handler) throw new Error(`State ${name} calls function "${functionKey}", which serverless.yml does not declare`);
        state.Resource = `arn:aws:lambda:${region}:${accountId}:function:proton-connection-cleanup-local-${functionKey}`;
        const parameters = isObject(state.Parameters) ? state.Parameters : {};
        const waitedUntilFields = Object.entries(parameters)
          .filter(([key, value]) => key.endsWith('.$') && typeof value === 'string' && waitPaths.has(value))
          .map(([key]) => key.slice(0, -2));
        result.tasks.push({ state: name, functionKey, topLevel, waitedUntilFields, ...handler });
        if (isObject(state.Parameters)) {
          for (const [key, value] of Object.entries(state.Parameters)) {
            if (value !== '$$.State.RetryCount') continue;
            if (!topLevel) throw new Error(`State ${name}: the local run supports $$.State.RetryCount only outside Map states`);
            state.Parameters[key] = `$$.State.RetryCounts.${name}`;
          }
        }
      }
      const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : isObject(state.Iterator) ? state.Iterator : undefined;
      if (processor && isObject(processor.States)) visit(processor.States, false);
    }
  };
  if (isObject(definition.States)) visit(definition.States, true);
  return result;
}
