import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_API_RATES } from '../functions/aws/clients.js';
import { parseApiRates } from '../functions/runtime/pacer.js';
import { mapInPool } from '../functions/runtime/pool.js';
import { BASELINE_KINDS, type BaselineKind } from './baselines/run.js';
import { BUNDLE_GUARD_KB, type BundleMeasurement, COLD_IMPORT_TARGET_MS, measureBundles } from './bundles.js';
import { type LowerBound, lowerBound, minimumCalls } from './lower-bound.js';
import type { BaselineMeasurement, SharedMeasurement, WorkflowMeasurement } from './measure-run.js';
import { initGbSeconds, runCost } from './prices.js';
import { table } from './table.js';

/**
 * `npm run bench`: on the sandbox (virtual clock, API latency and rate limits, CloudFormation's
 * concurrent-resources limit, seeded deletion times), the workflow and the scripts a platform
 * engineer would write at N = 1,000, 10,000 and 100,000 resources, twenty environments of one
 * account cleaned up at once, and each function's bundle and cold import. Each measurement runs
 * in a process of its own (its peak memory is its own), two at a time; cold imports last, alone.
 * Prints the tables and one closing line; writes out/bench.json.
 */
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const SHARED = process.env.BENCH_SHARED !== '0';
const ROOT = path.resolve(import.meta.dirname, '..');
const BASELINES: readonly BaselineKind[] = BASELINE_KINDS;
const PROCESSES = Math.max(1, Math.min(2, availableParallelism()));
const TARGETS = {
  ratio: 1.3,
  speedupVsXargs10: 10,
  speedupVsBest: 1.1,
  costAt10000: 0.02,
  costAt100000: 0.01,
  coldImportMs: COLD_IMPORT_TARGET_MS,
  bundleKb: BUNDLE_GUARD_KB,
  payloadBytes: 200 * 1024,
  historyEvents: 20_000,
  sharedRatio: 1.2,
  wallMinutes: 10,
  memoryGb: 4,
};

type Kind = 'workflow' | 'shared' | BaselineKind;

async function measure<T>(resources: number, kind: Kind): Promise<T> {
  process.stderr.write(`  measuring ${kind} at N=${resources}…\n`);
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'measure-run.ts'), String(resources), kind], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

interface Row {
  workflow: WorkflowMeasurement;
  baselines: BaselineMeasurement[];
  bound: LowerBound;
  minimum: Record<string, number>;
  ratio: number;
  /** The fastest script that deleted every stack. */
  best?: BaselineMeasurement;
  costPer1000Stacks: number;
  s3CostPer1000Stacks: number;
}

const rates = parseApiRates(DEFAULT_API_RATES);
const rateOf = (api: string) => rates.get(api) ?? rates.get(api.split(':')[0] ?? '');

function analyse(workflow: WorkflowMeasurement, baselines: BaselineMeasurement[], bundles: readonly BundleMeasurement[]): Row {
  const taggedResources = workflow.stacks + workflow.stackResources + workflow.standalone;
  const minimum = minimumCalls({ taggedResources, accountStacks: workflow.stacks, stacks: workflow.stacks });
  const bound = lowerBound({
    chainSeconds: workflow.chainSeconds,
    minimumCalls: minimum,
    rateOf,
    resourceSeconds: workflow.resourceSeconds,
    concurrentResourcesLimit: workflow.concurrentResourcesLimit,
  });
  const coldImportOf = new Map(bundles.map((b) => [b.functionName, b.coldImportMs]));
  const cost = runCost({
    transitions: workflow.transitions,
    invocations: workflow.invocations,
    gbSeconds: workflow.gbSeconds + initGbSeconds(workflow.functionsUsed, (fn) => coldImportOf.get(fn) ?? 0),
    s3Puts: workflow.callsByApi['s3:PutObject'] ?? 0,
    s3Gets: workflow.callsByApi['s3:GetObject'] ?? 0,
  });
  const finished = baselines.filter((b) => b.undeleted === 0);
  return {
    workflow,
    baselines,
    bound,
    minimum,
    ratio: workflow.simulatedMs / 1000 / bound.seconds,
    ...(finished.length ? { best: finished.reduce((a, b) => (b.simulatedMs < a.simulatedMs ? b : a)) } : {}),
    costPer1000Stacks: ((cost.stepFunctions + cost.lambda) / workflow.stacks) * 1000,
    s3CostPer1000Stacks: (cost.s3 / workflow.stacks) * 1000,
  };
}

/** What the bench reads of each part of the shared-account measurement (bench/measure-shared.ts). */
interface SharedPart {
  completionMs: number;
  failedByThrottling: number;
  throttledCalls: number;
  listStacksCalls: number;
  wallMs: number;
  peakRssMb: number;
}
const sharedPart = (shared: SharedMeasurement, which: 'one' | 'side') => shared[which] as unknown as SharedPart;

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const hours = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : minutes(ms));
const speedup = (script: { simulatedMs: number } | undefined, workflow: { simulatedMs: number }) =>
  script ? script.simulatedMs / workflow.simulatedMs : Number.NaN;
const scriptOf = (row: Row | undefined, kind: BaselineKind) => row?.baselines.find((b) => b.kind === kind);

function report(rows: Row[], shared: SharedMeasurement | undefined, bundles: BundleMeasurement[], wallMs: number): string {
  const out: string[] = [];
  out.push('Completion (simulated) against the lower bound, which no setting of the product moves');
  out.push(
    table(
      ['N', 'stacks', 'complete', 'completion', 'lower bound (binding term)', 'ratio', 'failed', 'by throttling', 'throttled calls'],
      rows.map(({ workflow: w, bound: b, ratio }) => [
        w.resources,
        w.stacks,
        w.complete ? 'yes' : `no (${w.status}, ${w.leftToRerun} left to a re-run)`,
        hours(w.simulatedMs),
        `${hours(b.seconds * 1000)} (${b.bindingTerm}; chain ${minutes(b.chainSeconds * 1000)}, calls ${minutes(b.callsSeconds * 1000)}, resources ${minutes(b.throughputSeconds * 1000)})`,
        ratio.toFixed(2),
        w.summary?.failed ?? '?',
        w.failedByThrottling,
        w.throttledCalls,
      ]),
    ),
  );
  out.push('', 'The scripts a platform engineer would write (bench/baselines: aws CLI, standard retry mode), on the same sandbox');
  out.push(
    table(
      ['N', 'script', 'completion', 'workflow speed-up', 'calls', 'throttled', 'failed calls', 'failed waiters', 'undeleted', 'wall', 'CPU', 'peak MB'],
      rows.flatMap(({ workflow: w, baselines }) =>
        baselines.map((b) => [
          w.resources,
          b.kind,
          hours(b.simulatedMs),
          `${speedup(b, w).toFixed(2)}x`,
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
  out.push('', 'API calls per resource (workflow / minimum needed / fastest script), by API');
  const apis = [...new Set(rows.flatMap((r) => [...Object.keys(r.workflow.callsByApi), ...Object.keys(r.minimum)]))].sort();
  out.push(
    table(
      ['API', ...rows.map((r) => `N=${r.workflow.resources}`)],
      apis.map((api) => [
        api,
        ...rows.map((r) => {
          const per = (n: number | undefined) => ((n ?? 0) / r.workflow.resources).toFixed(3);
          return `${per(r.workflow.callsByApi[api])} / ${per(r.minimum[api])} / ${per(r.best?.callsByApi[api])}`;
        }),
      ]),
    ),
  );
  out.push('', 'Step Functions and Lambda (list prices; Lambda INIT billed: one cold start per function a run uses, its measured cold import)');
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
  if (shared) {
    out.push('', `One account, ${shared.environments} environments cleaned up at once (a sweep) against one execution doing them all`);
    const line = (label: string, part: SharedPart) => [
      label,
      shared.resources,
      hours(part.completionMs),
      part.failedByThrottling,
      part.throttledCalls,
      part.listStacksCalls,
      `${(part.wallMs / 1000).toFixed(1)} s`,
      part.peakRssMb.toFixed(0),
    ];
    out.push(
      table(
        ['case', 'resources', 'completion', 'failed by throttling', 'throttled calls', 'ListStacks calls', 'wall', 'peak MB'],
        [line(`${shared.environments} executions at once`, sharedPart(shared, 'side')), line('one execution', sharedPart(shared, 'one'))],
      ),
    );
  }
  out.push('', 'The bench itself (wall clock and peak RSS of each measurement process, two at a time)');
  out.push(
    table(
      ['N', 'workflow wall', 'workflow peak MB', 'slowest script wall', 'largest script peak MB'],
      rows.map(({ workflow: w, baselines }) => [
        w.resources,
        `${(w.wallMs / 1000).toFixed(1)} s`,
        w.peakRssMb.toFixed(0),
        `${(Math.max(...baselines.map((b) => b.wallMs)) / 1000).toFixed(1)} s`,
        Math.max(...baselines.map((b) => b.peakRssMb)).toFixed(0),
      ]),
    ),
  );
  out.push(`whole bench: ${(wallMs / 60_000).toFixed(1)} min on ${availableParallelism()} cores`);
  out.push(
    '',
    'Bundles (minified, as serverless-esbuild builds them) and cold import (median of 5 fresh processes, with the environment and source map as deployed)',
  );
  out.push(
    table(
      ['function', 'KB', 'cold import ms'],
      bundles.map((b) => [b.functionName, (b.minifiedBytes / 1024).toFixed(0), b.coldImportMs.toFixed(0)]),
    ),
  );
  return out.join('\n');
}

interface Figures {
  complete: boolean;
  ratioAt10000: number;
  ratioAt100000: number;
  speedupVsXargs10: number;
  speedupVsBestAt10000: number;
  speedupVsBestAt100000: number;
  costAt10000: number;
  costAt100000: number;
  coldImportMs: number;
  bundleKb: number;
  history: number;
  payload: number;
  sharedThrottleFailures: number;
  sharedRatio: number;
  wallMinutes: number;
  memoryGb: number;
}

function figuresOf(rows: Row[], shared: SharedMeasurement | undefined, bundles: BundleMeasurement[], wallMs: number): Figures {
  const at = (n: number) => rows.find((r) => r.workflow.resources === n);
  const [r10k, r100k] = [at(10_000), at(100_000)];
  const largestPeaks = rows
    .flatMap((r) => [r.workflow.peakRssMb, ...r.baselines.map((b) => b.peakRssMb)])
    .concat(shared ? [sharedPart(shared, 'one').peakRssMb, sharedPart(shared, 'side').peakRssMb] : [])
    .sort((a, b) => b - a);
  return {
    complete: r100k?.workflow.complete ?? false,
    ratioAt10000: r10k?.ratio ?? Number.NaN,
    ratioAt100000: r100k?.ratio ?? Number.NaN,
    speedupVsXargs10: r10k ? speedup(scriptOf(r10k, 'xargs10'), r10k.workflow) : Number.NaN,
    speedupVsBestAt10000: r10k ? speedup(r10k.best, r10k.workflow) : Number.NaN,
    speedupVsBestAt100000: r100k ? speedup(r100k.best, r100k.workflow) : Number.NaN,
    costAt10000: r10k?.costPer1000Stacks ?? Number.NaN,
    costAt100000: r100k?.costPer1000Stacks ?? Number.NaN,
    coldImportMs: Math.max(...bundles.map((b) => b.coldImportMs)),
    bundleKb: Math.max(...bundles.map((b) => b.minifiedBytes / 1024)),
    history: Math.max(...rows.map((r) => r.workflow.historyEvents)),
    payload: Math.max(...rows.map((r) => r.workflow.maxPayloadBytes)),
    sharedThrottleFailures: shared ? sharedPart(shared, 'side').failedByThrottling : Number.NaN,
    sharedRatio: shared ? shared.ratio : Number.NaN,
    wallMinutes: wallMs / 60_000,
    // Two processes at a time: the two largest peaks together bound the bench's memory.
    memoryGb: ((largestPeaks[0] ?? 0) + (largestPeaks[1] ?? 0)) / 1024,
  };
}

/** Each target, met or not; a completion target counts only for a run that completed. */
function verdicts(f: Figures, rows: Row[], shared: SharedMeasurement | undefined): [string, boolean][] {
  const completed = (n: number) => rows.find((r) => r.workflow.resources === n)?.workflow.complete === true;
  return [
    [`100,000 resources in one run, complete: ${f.complete ? 'yes' : 'no'}`, f.complete],
    [`completion ≤ ${TARGETS.ratio} × bound at 10,000: ${f.ratioAt10000.toFixed(2)}`, completed(10_000) && f.ratioAt10000 <= TARGETS.ratio],
    [`completion ≤ ${TARGETS.ratio} × bound at 100,000: ${f.ratioAt100000.toFixed(2)}`, completed(100_000) && f.ratioAt100000 <= TARGETS.ratio],
    [
      `speed-up ≥ ${TARGETS.speedupVsXargs10}x over xargs -P 10 at 10,000: ${f.speedupVsXargs10.toFixed(1)}x`,
      completed(10_000) && f.speedupVsXargs10 >= TARGETS.speedupVsXargs10,
    ],
    [
      `speed-up ≥ ${TARGETS.speedupVsBest}x over the best script at 10,000: ${f.speedupVsBestAt10000.toFixed(2)}x`,
      completed(10_000) && f.speedupVsBestAt10000 >= TARGETS.speedupVsBest,
    ],
    [
      `speed-up ≥ ${TARGETS.speedupVsBest}x over the best script at 100,000: ${f.speedupVsBestAt100000.toFixed(2)}x`,
      completed(100_000) && f.speedupVsBestAt100000 >= TARGETS.speedupVsBest,
    ],
    [`≤ $${TARGETS.costAt10000} per 1,000 stacks at 10,000: $${f.costAt10000.toFixed(4)}`, completed(10_000) && f.costAt10000 <= TARGETS.costAt10000],
    [`≤ $${TARGETS.costAt100000} per 1,000 stacks at 100,000: $${f.costAt100000.toFixed(4)}`, completed(100_000) && f.costAt100000 <= TARGETS.costAt100000],
    [`cold import ≤ ${TARGETS.coldImportMs} ms for every function (median): worst ${f.coldImportMs.toFixed(0)} ms`, f.coldImportMs <= TARGETS.coldImportMs],
    [`every bundle ≤ ${TARGETS.bundleKb} KB: largest ${f.bundleKb.toFixed(0)} KB`, f.bundleKb <= TARGETS.bundleKb],
    [`history < ${TARGETS.historyEvents} events in every run: ${f.history}`, f.history < TARGETS.historyEvents],
    [`state payload < 200 KB in every run: ${f.payload} B`, f.payload < TARGETS.payloadBytes],
    [`shared account: 0 resources failed by throttling: ${f.sharedThrottleFailures}`, shared !== undefined && f.sharedThrottleFailures === 0],
    [
      `shared account: completion ≤ ${TARGETS.sharedRatio} × one execution: ${f.sharedRatio.toFixed(2)}`,
      shared !== undefined && f.sharedRatio <= TARGETS.sharedRatio,
    ],
    [`the bench within ${TARGETS.wallMinutes} min: ${f.wallMinutes.toFixed(1)} min`, f.wallMinutes <= TARGETS.wallMinutes],
    [`the bench within ${TARGETS.memoryGb} GB: ${f.memoryGb.toFixed(2)} GB`, f.memoryGb <= TARGETS.memoryGb],
  ];
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function closingLine(f: Figures): string {
  return [
    'bench:',
    `N=${Math.max(...SIZES)}`,
    `complete=${f.complete ? 'yes' : 'no'}`,
    `ratio@10000=${fixed(f.ratioAt10000, 2)}`,
    `ratio@100000=${fixed(f.ratioAt100000, 2)}`,
    `speedup-vs-xargs10@10000=${fixed(f.speedupVsXargs10, 1)}`,
    `speedup-vs-best-script@10000=${fixed(f.speedupVsBestAt10000, 2)}`,
    `speedup-vs-best-script@100000=${fixed(f.speedupVsBestAt100000, 2)}`,
    `cost-per-1000-stacks@10000=$${fixed(f.costAt10000, 4)}`,
    `cost-per-1000-stacks@100000=$${fixed(f.costAt100000, 4)}`,
    `cold-import-ms=${fixed(f.coldImportMs, 0)}`,
    `max-history-events=${f.history}`,
    `max-payload-bytes=${f.payload}`,
    `shared-account-throttle-failures=${Number.isFinite(f.sharedThrottleFailures) ? f.sharedThrottleFailures : 'n/a'}`,
    `shared-account-ratio=${fixed(f.sharedRatio, 2)}`,
  ].join(' ');
}

const benchStart = performance.now();
// Longest first, so that two processes finish together.
const jobs: { resources: number; kind: Kind }[] = [
  ...[...SIZES].sort((a, b) => b - a).flatMap((resources) => [{ resources, kind: 'workflow' as Kind }, ...BASELINES.map((kind) => ({ resources, kind }))]),
  ...(SHARED ? [{ resources: 10_000, kind: 'shared' as Kind }] : []),
];
process.stderr.write(`${jobs.length} measurements, ${PROCESSES} at a time…\n`);
const measured = await mapInPool(jobs, PROCESSES, async (job) => ({ ...job, result: await measure<unknown>(job.resources, job.kind) }));
process.stderr.write('measuring bundles and cold imports (alone)…\n');
const bundles = await measureBundles();
const rows = SIZES.map((resources) => {
  const of = (kind: Kind) => measured.filter((m) => m.resources === resources && m.kind === kind).map((m) => m.result);
  return analyse(
    of('workflow')[0] as WorkflowMeasurement,
    BASELINES.flatMap((kind) => of(kind) as BaselineMeasurement[]),
    bundles,
  );
});
const shared = measured.find((m) => m.kind === 'shared')?.result as SharedMeasurement | undefined;
const wallMs = performance.now() - benchStart;
const figures = figuresOf(rows, shared, bundles, wallMs);
const checks = verdicts(figures, rows, shared);
const line = closingLine(figures);
await mkdir(path.join(ROOT, 'out'), { recursive: true });
await writeFile(
  path.join(ROOT, 'out', 'bench.json'),
  JSON.stringify({ rows, shared, bundles, figures, targets: checks.map(([what, met]) => ({ what, met })), closingLine: line }, null, 2),
);
console.log(report(rows, shared, bundles, wallMs));
console.log(`\nTargets: ${checks.every(([, ok]) => ok) ? 'all met' : 'not all met'}`);
for (const [what, ok] of checks) console.log(`${ok ? 'met    ' : 'NOT MET'}  ${what}`);
console.log(`\n${line}`);
