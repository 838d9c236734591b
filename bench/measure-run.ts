import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { openSandbox, runWorkflow } from '../local/run-workflow.js';
import { deletionDependencies, longestDeletionChain, SCALE_CONNECTION_ID, scaleScenario } from '../local/scale-scenario.js';
import { loadLocalDefinition, PROJECT_ROOT } from '../local/workflow-definition.js';
import { runBaselineScript } from './baseline-script.js';
import { ExecutionMeter } from './execution-model.js';

/**
 * One measurement, in a process of its own (so that its peak memory is its own):
 * `tsx bench/measure-run.ts <resources> workflow|script`, or `<resources> shared [environments]`
 * (bench/measure-shared.ts). Prints one JSON line.
 */
const SEED = 20261125;
/** Lambda compute the virtual clock does not see (parsing, JSON, the SDK): added per invocation. */
export const COMPUTE_MS_PER_INVOCATION = 50;

async function memoryByState(region: string, accountId: string): Promise<Map<string, number>> {
  const serverless = parse(await readFile(path.join(PROJECT_ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    provider: { memorySize: number };
    functions: Record<string, { memorySize?: number }>;
  };
  const { tasks } = await loadLocalDefinition(region, accountId);
  return new Map(tasks.map((t) => [t.state, serverless.functions[t.functionKey]?.memorySize ?? serverless.provider.memorySize]));
}

/** Calls answered by the sandbox, by API (service:Operation). */
function callsByApi(calls: readonly { service: string; operation: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { service, operation } of calls) counts[`${service}:${operation}`] = (counts[`${service}:${operation}`] ?? 0) + 1;
  return counts;
}

function scenarioFacts(resources: number) {
  const scenario = scaleScenario({ resources, seed: SEED, mode: 'execute' });
  const dependencies = deletionDependencies(scenario);
  const seconds = [...dependencies.values()].map((d) => d.deleteSeconds);
  return {
    scenario,
    facts: {
      stacks: scenario.stacks.length,
      stackResources: scenario.stacks.reduce((n, s) => n + s.resources.length, 0),
      standalone: scenario.standaloneResources.length,
      meanDeletionSeconds: seconds.reduce((a, b) => a + b, 0) / seconds.length,
      chainSeconds: longestDeletionChain(dependencies).seconds,
    },
  };
}

async function measureWorkflow(resources: number) {
  const { scenario, facts } = scenarioFacts(resources);
  const meter = new ExecutionMeter();
  const wallStart = performance.now();
  const result = await runWorkflow(scenario, { executionName: `bench-${resources}`, defaultMode: 'execute', onEvent: (e) => meter.onEvent(e) });
  const wallMs = performance.now() - wallStart;
  const memory = await memoryByState(scenario.region, scenario.accountId);
  const invocations = [...result.invocations.values()].reduce((a, b) => a + b, 0);
  const gbSeconds = [...result.lambdaTime.entries()].reduce(
    (sum, [state, ms]) => sum + ((ms + COMPUTE_MS_PER_INVOCATION * (result.invocations.get(state) ?? 0)) / 1000) * ((memory.get(state) ?? 256) / 1024),
    0,
  );
  const failedByThrottling = (result.report?.resources ?? []).filter(
    (r) => r.outcome === 'failed' && /thrott|rate exceeded/i.test(`${r.error ?? ''} ${r.reason ?? ''}`),
  ).length;
  return {
    kind: 'workflow' as const,
    resources,
    ...facts,
    status: result.status,
    summary: result.report?.summary,
    failedByThrottling,
    simulatedMs: result.simulatedMs,
    callsByApi: callsByApi(result.sandbox.calls),
    throttledCalls: result.sandbox.calls.filter((c) => c.throttled).length,
    invocations,
    invocationsByState: Object.fromEntries(result.invocations),
    gbSeconds,
    ...meter.measures(),
    wallMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function measureScript(resources: number) {
  const { scenario, facts } = scenarioFacts(resources);
  const sandbox = await openSandbox(scenario);
  const connection = sandbox.account.connections.get(SCALE_CONNECTION_ID);
  if (!connection) throw new Error('the scale scenario has no connection');
  const environmentArn = sandbox.account.environmentArn(connection.environmentName, connection.managementAccountId);
  const wallStart = performance.now();
  const { simulatedMs, failed } = await runBaselineScript(sandbox, SCALE_CONNECTION_ID, environmentArn);
  return {
    kind: 'script' as const,
    resources,
    ...facts,
    simulatedMs,
    failed,
    callsByApi: callsByApi(sandbox.calls),
    wallMs: performance.now() - wallStart,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export type WorkflowMeasurement = Awaited<ReturnType<typeof measureWorkflow>>;
export type ScriptMeasurement = Awaited<ReturnType<typeof measureScript>>;

if (import.meta.url === `file://${process.argv[1]}`) {
  const resources = Number(process.argv[2]);
  const kind = process.argv[3];
  if (kind === 'shared') {
    // Executions side by side in one account: bench/measure-shared.ts (its own module, its own processes).
    const { measureShared } = await import('./measure-shared.js');
    console.log(JSON.stringify(await measureShared(resources, Number(process.argv[4] ?? 20))));
    process.exit(0);
  }
  if (!Number.isInteger(resources) || resources < 10 || (kind !== 'workflow' && kind !== 'script')) {
    console.error('usage: tsx bench/measure-run.ts <resources ≥ 10> workflow|script');
    process.exit(2);
  }
  const measured = kind === 'workflow' ? await measureWorkflow(resources) : await measureScript(resources);
  console.log(JSON.stringify(measured));
}
