import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../local/workflow-definition.js';
import { TEST_ENVIRONMENT } from '../test/environment.js';

/**
 * Each function's bundle, built as serverless-esbuild builds it for `serverless package`: the
 * options are read from serverless.yml's custom.esbuild (never restated here, so they cannot
 * drift) and translated the way serverless-esbuild 1.x translates them.
 */
const SERVERLESS_FILE = path.join(PROJECT_ROOT, 'serverless.yml');

/** The targets for the bundles: median cold import per function, and the size guard. */
export const COLD_IMPORT_TARGET_MS = 100;
export const BUNDLE_GUARD_KB = 750;

export interface BundleMeasurement {
  functionName: string;
  /** Size of the minified .mjs bundle (its source map not included). */
  minifiedBytes: number;
  /** Median time of `await import(bundle)` in a fresh Node process. */
  coldImportMs: number;
}

export interface BuiltBundle {
  functionName: string;
  /** The handler module, relative to the project root (functions/x.ts). */
  entry: string;
  /** The written bundle (.mjs). */
  outputFile: string;
  minifiedBytes: number;
  metafile: Metafile;
  /** The options the bundle was built with, for analyzeMetafile and the like. */
  buildOptions: BuildOptions;
}

export interface BuildBundlesOptions {
  /** Only these functions (serverless.yml keys); default every function. */
  functions?: string[];
  /** Where the bundles go (functions/x.mjs and its source map); default a new temporary folder. */
  outDir?: string;
  /** Applied over the options read from serverless.yml: to try a change before making it. */
  esbuildOverrides?: BuildOptions;
}

export interface MeasureBundlesOptions extends BuildBundlesOptions {
  /** Fresh processes per function; the median is reported. Default 5. */
  runs?: number;
  /** Environment of the importing process, over BENCH_ENVIRONMENT. */
  env?: Record<string, string>;
  /** Keep the bundles (outDir, or the temporary folder) instead of deleting them. */
  keep?: boolean;
}

interface ServerlessConfig {
  provider?: { runtime?: string; environment?: Record<string, unknown> };
  custom?: { esbuild?: Record<string, unknown> };
  functions?: Record<string, { handler?: string }>;
}

/** serverless-esbuild's own settings, which it removes before calling esbuild (dist/bundle.js). */
const PLUGIN_ONLY_SETTINGS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

async function readServerless(): Promise<ServerlessConfig> {
  // CloudFormation's short tags (!Ref, !Sub…) stay unresolved: only plain settings are read.
  return parse(await readFile(SERVERLESS_FILE, 'utf8'), { logLevel: 'silent' }) as ServerlessConfig;
}

const asStrings = (value: unknown): string[] => [value ?? []].flat().filter((v): v is string => typeof v === 'string');

/** The esbuild options serverless-esbuild derives from custom.esbuild (without entry point and output folder). */
export async function serverlessEsbuildOptions(config?: ServerlessConfig): Promise<BuildOptions> {
  const serverless = config ?? (await readServerless());
  const custom = { ...(serverless.custom?.esbuild ?? {}) };
  if ('config' in custom) throw new Error('custom.esbuild.config (a JavaScript config file) is not supported by bench/bundles.ts');
  // serverless-esbuild's defaults, then the target matching provider.runtime, then custom.esbuild.
  const runtimeTarget = /^nodejs(\d+)\.x$/.exec(serverless.provider?.runtime ?? '')?.[1];
  const settings: Record<string, unknown> = {
    bundle: true,
    platform: 'node',
    target: runtimeTarget ? `node${runtimeTarget}` : 'node18',
    external: [],
    exclude: ['aws-sdk'],
    outputFileExtension: '.js',
    ...custom,
  };
  const exclude = asStrings(settings.exclude);
  const extension = settings.outputFileExtension as string;
  const options: Record<string, unknown> = Object.fromEntries(Object.entries(settings).filter(([key]) => !PLUGIN_ONLY_SETTINGS.includes(key)));
  options.external = [...asStrings(settings.external), ...(exclude.includes('*') ? [] : exclude)];
  if (extension !== '.js') options.outExtension = { '.js': extension };
  if (typeof settings.plugins === 'string') options.plugins = await loadPlugins(settings.plugins);
  return options as BuildOptions;
}

/** custom.esbuild.plugins given as a file, loaded as serverless-esbuild loads it. */
async function loadPlugins(file: string): Promise<Plugin[]> {
  const loaded = (await import(pathToFileURL(path.join(PROJECT_ROOT, file)).href)) as { default?: unknown };
  const plugins = loaded.default ?? loaded;
  // serverless-esbuild passes its Serverless instance to a plugin factory; none is available here.
  return (typeof plugins === 'function' ? (plugins as (serverless: undefined) => unknown)(undefined) : plugins) as Plugin[];
}

/** serverless.yml's functions: key → handler module (functions/x.handler → functions/x.ts). */
export async function declaredFunctions(config?: ServerlessConfig): Promise<{ functionName: string; entry: string }[]> {
  const serverless = config ?? (await readServerless());
  return Object.entries(serverless.functions ?? {}).map(([functionName, fn]) => {
    if (!fn.handler) throw new Error(`serverless.yml: function ${functionName} has no handler`);
    return { functionName, entry: `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts` };
  });
}

/**
 * Builds every function's bundle. serverless-esbuild runs one esbuild build per handler file,
 * into <build folder>/functions/x.mjs; here one build takes every handler file as an entry
 * point, which esbuild bundles separately all the same (no code splitting): the same bytes,
 * in a third of the time, since the shared dependencies are parsed once.
 */
export async function buildBundles(options: BuildBundlesOptions = {}): Promise<BuiltBundle[]> {
  const serverless = await readServerless();
  const base = { ...(await serverlessEsbuildOptions(serverless)), ...options.esbuildOverrides };
  const functions = (await declaredFunctions(serverless)).filter((fn) => !options.functions || options.functions.includes(fn.functionName));
  const outDir = options.outDir ?? (await mkdtemp(path.join(tmpdir(), 'pcc-bundles-')));
  const buildOptions: BuildOptions = {
    ...base,
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [...new Set(functions.map((fn) => fn.entry))],
    outbase: PROJECT_ROOT,
    outdir: outDir,
    metafile: true,
    write: true,
    logLevel: 'error',
  };
  const { metafile } = await build(buildOptions);
  if (!metafile) throw new Error('esbuild returned no metafile, though asked for one');
  const outputs = Object.entries(metafile.outputs).filter(([, output]) => output.entryPoint !== undefined);
  return Promise.all(
    functions.map(async ({ functionName, entry }) => {
      const output = outputs.find(([, o]) => o.entryPoint !== undefined && path.resolve(PROJECT_ROOT, o.entryPoint) === path.resolve(PROJECT_ROOT, entry));
      if (!output) throw new Error(`${functionName}: esbuild wrote no bundle for ${entry}`);
      const outputFile = path.resolve(PROJECT_ROOT, output[0]);
      // This bundle's part of the build's metafile (for esbuild's analyzeMetafile).
      const inputs = Object.fromEntries(Object.entries(metafile.inputs).filter(([file]) => file in output[1].inputs));
      const bundleMetafile: Metafile = { inputs, outputs: { [output[0]]: output[1] } };
      return { functionName, entry, outputFile, minifiedBytes: (await stat(outputFile)).size, metafile: bundleMetafile, buildOptions };
    }),
  );
}

/**
 * Imports of the bundle that esbuild left out (custom.esbuild.exclude/external) and that run
 * when the bundle loads: a static `import`/`require` of a package the artifact does not contain
 * fails the function at cold start. Node's built-in modules are not reported.
 */
export function loadTimeExternalImports(bundle: BuiltBundle): string[] {
  const output = Object.values(bundle.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return (output?.imports ?? []).filter((i) => i.external && i.kind !== 'dynamic-import' && !isBuiltin(i.path)).map((i) => `${i.path} (${i.kind})`);
}

const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');

/**
 * The environment a function's configuration needs at import (the handlers validate it at cold
 * start): the values the tests use (test/environment.ts), with fake credentials and a closed endpoint.
 */
export const BENCH_ENVIRONMENT: Record<string, string> = {
  ...TEST_ENVIRONMENT,
  PROTECT_TAG_KEY: 'proton-cleanup:protect',
};

/** Imports the bundle once and prints how long the import took (ms). */
const IMPORT_SCRIPT = `
const url = process.argv[1];
const start = performance.now();
await import(url);
process.stdout.write(JSON.stringify({ ms: performance.now() - start }));
`;

/**
 * Runs `script` as an ES module in a fresh Node process (`args` are its process.argv[1…]); its
 * standard output. How the bench and the deployment tests load a bundle as Lambda would: alone.
 */
export async function evalInFreshNode(script: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script, ...args], { ...options, maxBuffer: 1024 * 1024 });
  return stdout;
}

async function coldImportMs(bundleFile: string, env: Record<string, string>): Promise<number> {
  const stdout = await evalInFreshNode(IMPORT_SCRIPT, [pathToFileURL(bundleFile).href], { env, cwd: path.dirname(bundleFile) });
  return (JSON.parse(stdout.slice(stdout.lastIndexOf('{'))) as { ms: number }).ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const at = (i: number): number => {
    const value = sorted[i];
    if (value === undefined) throw new RangeError('the median of no values');
    return value;
  };
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
}

/** Plain-string values of provider.environment (POWERTOOLS_*, API_CALLS_PER_SECOND…), as Lambda would set them. */
function providerEnvironment(serverless: ServerlessConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(serverless.provider?.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && !e[1].includes('${')),
  );
}

/** What a bundle finds in its environment when run here: provider.environment as deployed, then BENCH_ENVIRONMENT. */
export async function bundleEnvironment(): Promise<Record<string, string>> {
  return { PATH: process.env.PATH ?? '', ...providerEnvironment(await readServerless()), ...BENCH_ENVIRONMENT };
}

/**
 * What a bundle finds at import in Lambda: bundleEnvironment as Lambda's runtime completes it, the
 * Powertools Tracer and Metrics on (the local run turns them off), which at import makes the Tracer
 * patch Node's HTTP clients. For importing only: a handler run would need a trace segment.
 */
export async function importEnvironment(): Promise<Record<string, string>> {
  const { POWERTOOLS_TRACE_ENABLED: _tracing, POWERTOOLS_METRICS_DISABLED: _metrics, ...rest } = await bundleEnvironment();
  return { ...rest, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_LAMBDA_FUNCTION_NAME: 'proton-connection-cleanup' };
}

/**
 * Per function declared in serverless.yml: the minified bundle's size and the median time a
 * fresh Node process takes to import it (`runs` processes per function, one after the other, so
 * that they do not compete). The bundles are imported from a temporary folder outside the project, where
 * no node_modules can be found: as in Lambda, only what is bundled is there.
 */
export async function measureBundles(options: MeasureBundlesOptions = {}): Promise<BundleMeasurement[]> {
  const runs = options.runs ?? 5;
  const outDir = options.outDir ?? (await mkdtemp(path.join(tmpdir(), 'pcc-bundles-')));
  try {
    const bundles = await buildBundles({ ...options, outDir });
    const env = { ...(await importEnvironment()), ...options.env };
    // Round robin, one function after the other in each round: a slow spell of the machine falls on
    // one run of many functions, not on most runs of one.
    const times = bundles.map((): number[] => []);
    for (let run = 0; run < runs; run++) for (const [i, bundle] of bundles.entries()) times[i]?.push(await coldImportMs(bundle.outputFile, env));
    return bundles.map((bundle, i) => ({ functionName: bundle.functionName, minifiedBytes: bundle.minifiedBytes, coldImportMs: median(times[i] ?? []) }));
  } finally {
    if (!options.keep && !options.outDir) await rm(outDir, { recursive: true, force: true });
  }
}
