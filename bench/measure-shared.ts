import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { type LocalRunResult, openSandbox, runWorkflow } from '../local/run-workflow.js';
import type { Sandbox } from '../local/sandbox/sandbox.js';
import type { Scenario } from '../local/sandbox/scenario.js';
import { deletionDependencies, longestDeletionChain, scaleEnvironments, scaleRequest, scaleScenario } from '../local/scale-scenario.js';
import { runSideBySide, watchDeletionLoad } from '../local/side-by-side.js';
import { PROJECT_ROOT } from '../local/workflow-definition.js';

/**
 * The `shared` measurement (issue "Honest speed at 100,000 resources", shared accounts):
 * `environments` environments of one account, `resources` in all, cleaned up at once, each by its
 * own execution, against one environment of `resources` cleaned up by one execution. Both on the
 * sandbox's defaults (ConcurrentResourcesLimit 2,500, CloudFormation 5 calls/s per API, Tagging
 * 15/s), with calls overlapping their latencies (Sandbox.overlapLatencies: executions side by side
 * need it, and the single run gets the same for a fair ratio; the other bench kinds keep the
 * default, which adds latencies up). Each part runs in a process of its own, so that its wall time
 * and peak memory are its own:
 * `tsx bench/measure-shared.ts <resources> [environments]` prints one JSON line (the comparison);
 * `tsx bench/measure-shared.ts <resources> <environments> one|side` measures one part.
 */
/** The seed bench/measure-run.ts draws its scale scenarios from. */
const SEED = 20261125;

const isThrottlingFailure = (r: { outcome: string; error?: string | undefined; reason?: string | undefined }) =>
  r.outcome === 'failed' && /thrott|rate exceeded/i.test(`${r.error ?? ''} ${r.reason ?? ''}`);

/** What both parts report: how long, what failed, what the account's APIs saw. */
function measures(scenario: Scenario, sandbox: Sandbox, results: readonly LocalRunResult[], startedAt: number) {
  const resources = results.flatMap((r) => r.report?.resources ?? []);
  const calls = (operation: string) => sandbox.calls.filter((c) => c.operation === operation).length;
  const chains = scaleEnvironments(scenario.connections.length).map((e) => {
    const own = { ...scenario, stacks: scenario.stacks.filter((s) => s.environment === e.name) };
    return longestDeletionChain(deletionDependencies(own)).seconds;
  });
  return {
    stacks: scenario.stacks.length,
    /** The longest chain of deletions that must follow one another, in seconds: no run can be faster. */
    chainSeconds: Math.max(...chains),
    statuses: results.map((r) => r.status),
    /** From the start to the end of the last execution (sandbox clock). */
    completionMs: Math.max(
      ...results.map((r) => r.simulatedMs + (sandbox.account.executions.find((e) => e.name === r.executionName)?.startedAt.getTime() ?? startedAt) - startedAt),
    ),
    completionMsEach: results.map((r) => r.simulatedMs),
    deleted: resources.filter((r) => r.outcome === 'deleted').length,
    failed: resources.filter((r) => r.outcome === 'failed').length,
    failedByThrottling: resources.filter(isThrottlingFailure).length,
    throttledCalls: sandbox.throttledCalls().length,
    throttledByApi: Object.fromEntries(
      [...new Set(sandbox.throttledCalls().map((c) => `${c.service}:${c.operation}`))].map((api) => [
        api,
        sandbox.throttledCalls().filter((c) => `${c.service}:${c.operation}` === api).length,
      ]),
    ),
    listStacksCalls: calls('ListStacks'),
    describeStacksCalls: calls('DescribeStacks'),
    describeAccountLimitsCalls: calls('DescribeAccountLimits'),
    boardWrites: sandbox.calls.filter((c) => c.operation === 'PutObject' && String(c.input.Key).startsWith('boards/')).length,
    calls: sandbox.calls.length,
  };
}

async function measureOne(resources: number) {
  const scenario = scaleScenario({ resources, seed: SEED, mode: 'execute' });
  const sandbox = await openSandbox(scenario, { defaultMode: 'execute' });
  sandbox.overlapLatencies = true;
  const load = watchDeletionLoad(sandbox);
  const wallStart = performance.now();
  const startedAt = sandbox.clock.now();
  const result = await runWorkflow(scenario, { sandbox, executionName: `bench-shared-one-${resources}`, defaultMode: 'execute' });
  return {
    part: 'one' as const,
    executions: 1,
    resources,
    ...measures(scenario, sandbox, [result], startedAt),
    peakDeletionLoad: load.peak(),
    wallMs: performance.now() - wallStart,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

async function measureSide(resources: number, environments: number) {
  const scenario = scaleScenario({ resources, seed: SEED, mode: 'execute', environments });
  const sandbox = await openSandbox(scenario, { defaultMode: 'execute' });
  const load = watchDeletionLoad(sandbox);
  const wallStart = performance.now();
  const startedAt = sandbox.clock.now();
  const runs = scaleEnvironments(environments).map((e, i) => ({
    executionName: `bench-shared-${String(i + 1).padStart(2, '0')}`,
    input: scaleRequest(e.connectionId),
  }));
  const { results } = await runSideBySide(scenario, runs, { sandbox, defaultMode: 'execute' });
  return {
    part: 'side' as const,
    executions: environments,
    resources,
    ...measures(scenario, sandbox, results, startedAt),
    peakDeletionLoad: load.peak(),
    concurrentResourcesLimit: load.limit,
    wallMs: performance.now() - wallStart,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

/** One part in a process of its own. */
async function part(resources: number, environments: number, which: 'one' | 'side'): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'measure-shared.ts'), String(resources), String(environments), which],
    { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

/** Both parts, and how they compare: the ratio of the side-by-side completion to the single execution's (target ≤ 1.2). */
export async function measureShared(resources: number, environments: number) {
  const one = await part(resources, environments, 'one');
  const side = await part(resources, environments, 'side');
  return {
    kind: 'shared' as const,
    resources,
    environments,
    resourcesPerEnvironment: resources / environments,
    ratio: Number(side.completionMs) / Number(one.completionMs),
    one,
    side,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const resources = Number(process.argv[2]);
  const environments = Number(process.argv[3] ?? 20);
  const which = process.argv[4];
  if (!Number.isInteger(resources) || !Number.isInteger(environments) || environments < 1 || resources < 2 * environments) {
    console.error('usage: tsx bench/measure-shared.ts <resources> [environments (20)] [one|side]');
    process.exit(2);
  }
  const measured =
    which === 'one'
      ? await measureOne(resources)
      : which === 'side'
        ? await measureSide(resources, environments)
        : await measureShared(resources, environments);
  console.log(JSON.stringify(measured));
}
