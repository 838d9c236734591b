import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { openSandbox, runWorkflow } from '../local/run-workflow.js';
import { deletionDependencies, longestDeletionChain, SCALE_CONNECTION_ID, scaleScenario } from '../local/scale-scenario.js';
import { loadLocalDefinition, PROJECT_ROOT } from '../local/workflow-definition.js';
import { BASELINE_KINDS, type BaselineKind, openScriptSandbox, runBaseline } from './baselines/run.js';
import { ExecutionMeter } from './execution-model.js';
import { callsByApi } from './sandbox-calls.js';

/**
 * One measurement, in a process of its own (so that its peak memory is its own):
 * `tsx bench/measure-run.ts <resources> workflow|seq|xargs10|xargs50|passloop` (`script`: the
 * same as `seq`), or `<resources> shared [environments]` (bench/measure-shared.ts). Prints one JSON line.
 */
const SEED = 20261125;
/** Lambda compute the virtual clock does not see (parsing, JSON, the SDK): added per invocation. */
export const COMPUTE_MS_PER_INVOCATION = 50;

/** Per state: the function it invokes and that function's memory (serverless.yml). */
async function functionsByState(region: string, accountId: string): Promise<Map<string, { functionKey: string; memoryMb: number }>> {
  const serverless = parse(await readFile(path.join(PROJECT_ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as {
    provider: { memorySize: number };
    functions: Record<string, { memorySize?: number }>;
  };
  const { tasks } = await loadLocalDefinition(region, accountId);
  return new Map(
    tasks.map((t) => [t.state, { functionKey: t.functionKey, memoryMb: serverless.functions[t.functionKey]?.memorySize ?? serverless.provider.memorySize }]),
  );
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
      /** Σ over stacks of (resources in the stack × its deletion seconds): CloudFormation's work, for the bound. */
      resourceSeconds: scenario.stacks.reduce((sum, s) => sum + Math.max(1, s.resources.length) * s.deleteSeconds, 0),
      concurrentResourcesLimit: scenario.concurrentResourcesLimit,
    },
  };
}

async function measureWorkflow(resources: number) {
  const { scenario, facts } = scenarioFacts(resources);
  const meter = new ExecutionMeter();
  const wallStart = performance.now();
  const sandbox = await openSandbox(scenario, { defaultMode: 'execute' });
  // Concurrent calls overlap their latencies, as HTTP requests do (the scripts get the same).
  sandbox.overlapLatencies = true;
  const result = await runWorkflow(scenario, { sandbox, executionName: `bench-${resources}`, defaultMode: 'execute', onEvent: (e) => meter.onEvent(e) });
  const wallMs = performance.now() - wallStart;
  const functions = await functionsByState(scenario.region, scenario.accountId);
  const memoryOf = (state: string) => functions.get(state)?.memoryMb ?? 256;
  const invocations = [...result.invocations.values()].reduce((a, b) => a + b, 0);
  const gbSeconds = [...result.lambdaTime.entries()].reduce(
    (sum, [state, ms]) => sum + ((ms + COMPUTE_MS_PER_INVOCATION * (result.invocations.get(state) ?? 0)) / 1000) * (memoryOf(state) / 1024),
    0,
  );
  // The functions the run invoked, with their memory: each cold-starts (INIT, billed) at least once.
  const functionsUsed: Record<string, { memoryMb: number; invocations: number }> = {};
  for (const [state, count] of result.invocations) {
    const fn = functions.get(state);
    if (!fn || count === 0) continue;
    functionsUsed[fn.functionKey] = { memoryMb: fn.memoryMb, invocations: (functionsUsed[fn.functionKey]?.invocations ?? 0) + count };
  }
  // Complete: every resource deleted, already absent, or kept for a reason of its own; nothing failed, nothing left to a re-run.
  const entries = result.report?.resources ?? [];
  // Kept on purpose (the connection's roles by default, a protect tag): the report says nothing needs doing.
  const keptOnPurpose = (r: { nextStep?: string }) => /^nothing needs doing:/.test(r.nextStep ?? '');
  const leftToRerun = entries.filter(
    (r) => r.outcome !== 'deleted' && r.outcome !== 'already-absent' && !keptOnPurpose(r) && /re-run/i.test(`${r.reason ?? ''} ${r.nextStep ?? ''}`),
  ).length;
  const failedByThrottling = (result.report?.resources ?? []).filter(
    (r) => r.outcome === 'failed' && /thrott|rate exceeded/i.test(`${r.error ?? ''} ${r.reason ?? ''}`),
  ).length;
  return {
    kind: 'workflow' as const,
    resources,
    ...facts,
    status: result.status,
    ...(result.error ? { error: result.error } : {}),
    summary: result.report?.summary,
    leftToRerun,
    complete: result.status === 'succeeded' && (result.report?.summary.failed ?? 1) === 0 && leftToRerun === 0 && failedByThrottling === 0,
    failedByThrottling,
    simulatedMs: result.simulatedMs,
    callsByApi: callsByApi(result.sandbox.calls),
    throttledCalls: result.sandbox.calls.filter((c) => c.throttled).length,
    invocations,
    invocationsByState: Object.fromEntries(result.invocations),
    gbSeconds,
    functionsUsed,
    ...meter.measures(),
    wallMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** A baseline script (bench/baselines) on a sandbox opened for the scale scenario. */
async function measureBaseline(resources: number, kind: BaselineKind) {
  const { scenario, facts } = scenarioFacts(resources);
  const sandbox = openScriptSandbox(scenario);
  sandbox.overlapLatencies = true;
  const connection = sandbox.account.connections.get(SCALE_CONNECTION_ID);
  if (!connection) throw new Error('the scale scenario has no connection');
  const environmentArn = sandbox.account.environmentArn(connection.environmentName, connection.managementAccountId);
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const run = await runBaseline(sandbox, kind, { connectionId: SCALE_CONNECTION_ID, environmentArn, seed: SEED });
  const cpu = process.cpuUsage(cpuStart);
  return {
    resources,
    ...facts,
    ...run,
    wallMs: performance.now() - wallStart,
    /** The run's CPU time (user and system): its cost on a shared machine, where wall time also counts waiting for a core. */
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

export type WorkflowMeasurement = Awaited<ReturnType<typeof measureWorkflow>>;
export type BaselineMeasurement = Awaited<ReturnType<typeof measureBaseline>>;
/** The sequential baseline, the one the speed-up is measured against. */
export type ScriptMeasurement = BaselineMeasurement;
export type SharedMeasurement = Awaited<ReturnType<typeof import('./measure-shared.js').measureShared>>;

if (import.meta.url === `file://${process.argv[1]}`) {
  const resources = Number(process.argv[2]);
  const kind = process.argv[3] === 'script' ? 'seq' : process.argv[3];
  if (kind === 'shared') {
    // Executions side by side in one account: bench/measure-shared.ts (its own module).
    const { measureShared } = await import('./measure-shared.js');
    console.log(JSON.stringify(await measureShared(resources, Number(process.argv[4] ?? 20))));
    process.exit(0);
  }
  const baseline = BASELINE_KINDS.find((k) => k === kind);
  if (!Number.isInteger(resources) || resources < 10 || (kind !== 'workflow' && !baseline)) {
    console.error(`usage: tsx bench/measure-run.ts <resources ≥ 10> workflow|${BASELINE_KINDS.join('|')}|script|shared [environments]`);
    process.exit(2);
  }
  const measured = baseline ? await measureBaseline(resources, baseline) : await measureWorkflow(resources);
  console.log(JSON.stringify(measured));
}
