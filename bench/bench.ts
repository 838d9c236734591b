import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_API_RATES } from '../functions/aws/clients.js';
import { parseApiRates } from '../functions/runtime/pacer.js';
import { BASELINE_KINDS, type BaselineKind } from './baselines/run.js';
import { type BundleMeasurement, measureBundles } from './bundles.js';
import { type LowerBound, lowerBound, minimumCalls } from './lower-bound.js';
import type { BaselineMeasurement, ScriptMeasurement, WorkflowMeasurement } from './measure-run.js';
import { runCost } from './prices.js';

/**
 * `npm run bench`: the workflow and the baseline scripts (bench/baselines) at N = 100, 1,000 and 10,000
 * resources on the sandbox (virtual clock, API latency and rate limits, seeded deletion
 * times), and each function's bundle. Prints the tables and one closing line; writes
 * out/bench.json. Each run has a process of its own, so its peak memory is its own.
 */
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000').split(',').map(Number);
const ROOT = path.resolve(import.meta.dirname, '..');
const MAX_STACKS_DELETING = 50;
/** The baseline scripts measured (BENCH_BASELINES, comma-separated; default all): the sequential one always. */
const BASELINES = [
  ...new Set<BaselineKind>([
    'seq',
    ...(process.env.BENCH_BASELINES?.split(',') ?? BASELINE_KINDS).filter((k): k is BaselineKind => BASELINE_KINDS.includes(k as BaselineKind)),
  ]),
];
const TARGETS = { ratio: 1.25, speedup: 10, costPer1000Stacks: 0.1, payloadBytes: 200 * 1024, historyEvents: 20_000, bundleKb: 400 };

async function measure<T>(resources: number, kind: 'workflow' | BaselineKind): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'measure-run.ts'), String(resources), kind], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

interface Row {
  workflow: WorkflowMeasurement;
  script: ScriptMeasurement;
  /** Every baseline script (bench/baselines), the sequential one (`script`) among them. */
  baselines: BaselineMeasurement[];
  bound: LowerBound;
  minimum: Record<string, number>;
  costPer1000Stacks: number;
  s3CostPer1000Stacks: number;
}

const rates = parseApiRates(DEFAULT_API_RATES);
const rateOf = (api: string) => rates.get(api) ?? rates.get(api.split(':')[0] ?? '');

function analyse(workflow: WorkflowMeasurement, baselines: BaselineMeasurement[]): Row {
  const script = baselines.find((b) => b.kind === 'seq');
  if (!script) throw new Error('the sequential baseline was not measured');
  const taggedResources = workflow.stacks + workflow.stackResources + workflow.standalone;
  const minimum = minimumCalls({ taggedResources, accountStacks: workflow.stacks, stacks: workflow.stacks });
  const bound = lowerBound({
    chainSeconds: workflow.chainSeconds,
    minimumCalls: minimum,
    rateOf,
    stacks: workflow.stacks,
    concurrency: MAX_STACKS_DELETING,
    meanDeletionSeconds: workflow.meanDeletionSeconds,
  });
  const cost = runCost({
    transitions: workflow.transitions,
    invocations: workflow.invocations,
    gbSeconds: workflow.gbSeconds,
    s3Puts: workflow.callsByApi['s3:PutObject'] ?? 0,
    s3Gets: workflow.callsByApi['s3:GetObject'] ?? 0,
  });
  return {
    workflow,
    script,
    baselines,
    bound,
    minimum,
    costPer1000Stacks: ((cost.stepFunctions + cost.lambda) / workflow.stacks) * 1000,
    s3CostPer1000Stacks: (cost.s3 / workflow.stacks) * 1000,
  };
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const hours = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : minutes(ms));

function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map(
      (r, n) =>
        r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ') +
        (n === 0 ? `\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : ''),
    )
    .join('\n');
}

function report(rows: Row[], bundles: BundleMeasurement[]): string {
  const out: string[] = [];
  out.push('Completion (simulated) against the lower bound and the sequential script');
  out.push(
    table(
      ['N', 'stacks', 'completion', 'lower bound (binding term)', 'ratio', 'script', 'speed-up', 'failed', 'by throttling', 'throttled calls'],
      rows.map(({ workflow: w, script: s, bound: b }) => [
        w.resources,
        w.stacks,
        hours(w.simulatedMs),
        `${hours(b.seconds * 1000)} (${b.bindingTerm}; chain ${minutes(b.chainSeconds * 1000)}, calls ${minutes(b.callsSeconds * 1000)}, throughput ${minutes(b.throughputSeconds * 1000)})`,
        (w.simulatedMs / 1000 / b.seconds).toFixed(2),
        hours(s.simulatedMs),
        `${(s.simulatedMs / w.simulatedMs).toFixed(1)}x`,
        w.summary?.failed ?? '?',
        w.failedByThrottling,
        w.throttledCalls,
      ]),
    ),
  );
  out.push('', 'API calls per resource (ours / minimum needed / script), by API');
  const apis = [...new Set(rows.flatMap((r) => [...Object.keys(r.workflow.callsByApi), ...Object.keys(r.minimum)]))].sort();
  out.push(
    table(
      ['API', ...rows.map((r) => `N=${r.workflow.resources}`)],
      apis.map((api) => [
        api,
        ...rows.map((r) => {
          const per = (n: number | undefined) => ((n ?? 0) / r.workflow.resources).toFixed(3);
          return `${per(r.workflow.callsByApi[api])} / ${per(r.minimum[api])} / ${per(r.script.callsByApi[api])}`;
        }),
      ]),
    ),
  );
  out.push('', 'Step Functions and Lambda');
  out.push(
    table(
      ['N', 'transitions', 'Lambda invocations', 'GB-s', '$ per 1,000 stacks (SFN+Lambda)', '$ S3 per 1,000 stacks', 'max payload B (state)', 'history events'],
      rows.map(({ workflow: w, costPer1000Stacks, s3CostPer1000Stacks }) => [
        w.resources,
        w.transitions,
        w.invocations,
        w.gbSeconds.toFixed(1),
        costPer1000Stacks.toFixed(4),
        s3CostPer1000Stacks.toFixed(4),
        `${w.maxPayloadBytes} (${w.maxPayloadState})`,
        w.historyEvents,
      ]),
    ),
  );
  out.push('', 'The scripts a platform engineer would write (bench/baselines: aws CLI, standard retry mode), on the same sandbox');
  out.push(
    table(
      ['N', 'script', 'completion', 'vs workflow', 'calls', 'throttled', 'failed calls', 'failed waiters', 'undeleted', 'wall', 'CPU', 'peak MB'],
      rows.flatMap(({ workflow: w, baselines }) =>
        baselines.map((b) => [
          w.resources,
          b.kind,
          hours(b.simulatedMs),
          `${(b.simulatedMs / w.simulatedMs).toFixed(1)}x`,
          Object.values(b.callsByApi).reduce((x, y) => x + y, 0),
          b.throttledCalls,
          b.failedCalls,
          b.waitersFailed,
          b.undeleted,
          `${(b.wallMs / 1000).toFixed(1)} s`,
          `${(b.cpuMs / 1000).toFixed(1)} s`,
          b.peakRssMb.toFixed(0),
        ]),
      ),
    ),
  );
  out.push('', 'The local run itself (wall clock, peak RSS of its process)');
  out.push(
    table(
      ['N', 'workflow wall', 'workflow peak MB', 'script wall', 'script peak MB'],
      rows.map(({ workflow: w, script: s }) => [
        w.resources,
        `${(w.wallMs / 1000).toFixed(1)} s`,
        w.peakRssMb.toFixed(0),
        `${(s.wallMs / 1000).toFixed(1)} s`,
        s.peakRssMb.toFixed(0),
      ]),
    ),
  );
  out.push('', 'Bundles (minified, as serverless-esbuild builds them) and cold import (median of 5 fresh processes)');
  out.push(
    table(
      ['function', 'KB', 'cold import ms'],
      bundles.map((b) => [b.functionName, (b.minifiedBytes / 1024).toFixed(0), b.coldImportMs.toFixed(0)]),
    ),
  );
  return out.join('\n');
}

function closingLine(rows: Row[], bundles: BundleMeasurement[]): { line: string; met: boolean; verdicts: string[] } {
  const largest = rows.reduce((a, b) => (b.workflow.resources > a.workflow.resources ? b : a));
  const at1000 = rows.find((r) => r.workflow.resources === 1000) ?? largest;
  const ratio = largest.workflow.simulatedMs / 1000 / largest.bound.seconds;
  const speedup = at1000.script.simulatedMs / at1000.workflow.simulatedMs;
  // Per 1,000 stacks at the largest N: at 20 stacks a run's fixed cost (about $0.003) dominates it.
  const cost = largest.costPer1000Stacks;
  const payload = Math.max(...rows.map((r) => r.workflow.maxPayloadBytes));
  const history = Math.max(...rows.map((r) => r.workflow.historyEvents));
  const bundleKb = Math.max(...bundles.map((b) => b.minifiedBytes / 1024));
  const throttledFailures = rows.reduce((n, r) => n + r.workflow.failedByThrottling, 0);
  const checks: [string, boolean][] = [
    [`completion/limit ${ratio.toFixed(2)} ≤ ${TARGETS.ratio}`, ratio <= TARGETS.ratio],
    [`speed-up vs script ${speedup.toFixed(1)}x ≥ ${TARGETS.speedup}x`, speedup >= TARGETS.speedup],
    [`$${cost.toFixed(3)} per 1,000 stacks ≤ $${TARGETS.costPer1000Stacks}`, cost <= TARGETS.costPer1000Stacks],
    [`largest payload ${payload} B < 200 KB`, payload < TARGETS.payloadBytes],
    [`largest history ${history} < ${TARGETS.historyEvents}`, history < TARGETS.historyEvents],
    [`largest bundle ${bundleKb.toFixed(0)} KB ≤ ${TARGETS.bundleKb} KB`, bundleKb <= TARGETS.bundleKb],
    [`${throttledFailures} resources failed by throttling`, throttledFailures === 0],
  ];
  const met = checks.every(([, ok]) => ok);
  const verdicts = checks.map(([what, ok]) => `${ok ? 'met    ' : 'NOT MET'}  ${what}`);
  const line = `bench: N=${largest.workflow.resources} completion/limit=${ratio.toFixed(2)} speedup-vs-script@${at1000.workflow.resources}=${speedup.toFixed(1)} cost-per-1000-stacks=$${cost.toFixed(3)} max-payload-bytes=${payload} max-history-events=${history} max-bundle-kb=${bundleKb.toFixed(0)}`;
  return { line, met, verdicts };
}

const rows: Row[] = [];
for (const resources of SIZES) {
  process.stderr.write(`measuring N=${resources}…\n`);
  const workflow = await measure<WorkflowMeasurement>(resources, 'workflow');
  const baselines: BaselineMeasurement[] = [];
  for (const kind of BASELINES) baselines.push(await measure<BaselineMeasurement>(resources, kind));
  rows.push(analyse(workflow, baselines));
}
process.stderr.write('measuring bundles…\n');
const bundles = await measureBundles();
const { line, met, verdicts } = closingLine(rows, bundles);
await mkdir(path.join(ROOT, 'out'), { recursive: true });
await writeFile(path.join(ROOT, 'out', 'bench.json'), JSON.stringify({ rows, bundles, closingLine: line, targetsMet: met }, null, 2));
console.log(report(rows, bundles));
console.log(`\nTargets (issue 5): ${met ? 'all met' : 'not all met'}\n${verdicts.join('\n')}\n`);
console.log(line);
