import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUNDLE_GUARD_KB,
  type BuiltBundle,
  buildBundles,
  declaredFunctions,
  evalInFreshNode,
  importEnvironment,
  loadTimeExternalImports,
} from '../../bench/bundles.js';

/**
 * Every function's bundle, built as `serverless package` builds it (serverless.yml's
 * custom.esbuild), is held at its recorded size: a Lambda's cold start grows with the code it loads.
 *
 * This is a ratchet against regressions, not a target: the 400 KB target was retired for the cold
 * import the bench measures (README "Performance"; about 25 ms of cold start per 300 KB,
 * docs/bundle-budget.md). Each function has its own record, its size when last measured (KB,
 * minified, rounded up to 10 KB) plus SLACK_KB: a bundle that grows past it fails the first test;
 * one that shrank well under it fails the second, until its record is lowered. One cap for all
 * could not fail for most functions: a 430 KB bundle could have grown by 300 KB under 750 KB.
 * `npx tsx bench/bundles-cli.ts` measures them.
 */
const RECORD_KB: Record<string, number> = {
  resolveRequest: 570,
  startSweep: 570,
  scheduleDecommission: 440,
  describeConnection: 540,
  checkForRunningCleanup: 500,
  inventory: 610,
  deleteConnection: 450,
  advanceCleanup: 610,
  verifyCleanup: 570,
  deleteStandaloneResource: 580,
  deleteConnectionRoles: 590,
  writeReport: 540,
  notify: 560,
  startFromEvent: 400,
  findDueConnections: 580,
  collectFleet: 590,
};
/** The regression guard no bundle passes, whatever its record (README "Performance"). */
const GUARD_KB = BUNDLE_GUARD_KB;
/** Growth a change may bring without a new record (a dependency's patch release, a few lines). */
const SLACK_KB = 20;
/** How far under its record a bundle may fall before the record must come down with it. */
const STALE_KB = 50;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
/** `{name:"@aws-sdk/client-resource-groups-tagging-api",version:"3.1029.0"}` minified, with room to spare. */
const PACKAGE_NAME_AND_VERSION_BYTES = 100;

const bundleOutput = (bundle: BuiltBundle) => Object.values(bundle.metafile.outputs)[0];
/** Node's own modules the bundle imports with `import` (not require). */
const builtinImports = (bundle: BuiltBundle): string[] =>
  (bundleOutput(bundle)?.imports ?? []).filter((i) => i.kind === 'import-statement' && isBuiltin(i.path)).map((i) => i.path);
/** Each package.json the bundle holds, with the bytes it takes there. */
const bundledPackageJsons = (bundle: BuiltBundle): [string, number][] =>
  Object.entries(bundleOutput(bundle)?.inputs ?? {})
    .filter(([file]) => file.endsWith('package.json'))
    .map(([file, input]) => [file, input.bytesInOutput]);

/** Modules the bundle holds and loads with `import()`: esbuild wraps each, and all it imports, in lazy initialisers. */
const lazilyImportedBundledModules = (bundle: BuiltBundle): string[] =>
  Object.entries(bundle.metafile.inputs).flatMap(([file, input]) =>
    input.imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => `${file} → ${i.path}`),
  );

/**
 * Node's modules no function uses, which an import could still load: undici (node:http's WebSocket
 * getter, run by an ES module facade), worker_threads and parseArgs (node:util's exports made when
 * their descriptor is read). deployment/esbuild-plugins.cjs keeps each out of a cold start.
 */
const UNUSED_NODE_MODULES = ['internal/deps/undici/undici', 'worker_threads', 'internal/util/parse_args/parse_args', 'child_process'];

/** Node's own modules that importing the bundle loads, in a fresh process with the function's environment in Lambda. */
async function nodeModulesLoadedBy(bundle: BuiltBundle): Promise<string[]> {
  const script = `
    const before = new Set(process.moduleLoadList);
    await import(process.argv[1]);
    process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule ')).map((m) => m.slice(13))));
  `;
  const stdout = await evalInFreshNode(script, [pathToFileURL(bundle.outputFile).href], {
    cwd: path.dirname(bundle.outputFile),
    env: await importEnvironment(),
  });
  return JSON.parse(stdout) as string[];
}

/** A map of our own sources only stays far under this (deployment/esbuild-plugins.cjs mapsOfOurSourcesOnly); the whole map is about 1 MB. */
const MAP_GUARD_KB = 150;

let outDir: string;
let bundles: BuiltBundle[];
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pcc-bundle-size-'));
  bundles = await buildBundles({ outDir });
}, 60_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('function bundles', () => {
  it('builds one bundle per function serverless.yml declares', async () => {
    expect(bundles.map((b) => b.functionName).sort()).toEqual((await declaredFunctions()).map((f) => f.functionName).sort());
  });

  it('has a record for exactly the functions serverless.yml declares', async () => {
    expect(Object.keys(RECORD_KB).sort()).toEqual((await declaredFunctions()).map((f) => f.functionName).sort());
  });

  it(`keeps every function's minified bundle within its record + ${SLACK_KB} KB (the ratchet)`, () => {
    const grown = bundles
      .filter((b) => b.minifiedBytes > ((RECORD_KB[b.functionName] ?? 0) + SLACK_KB) * 1024)
      .map((b) => `${b.functionName} (${b.entry}): ${kb(b.minifiedBytes)}, record ${RECORD_KB[b.functionName]} KB`);
    expect(grown, 'bundles grown past their record: find what grew (bench/bundles-cli.ts), or raise the record on purpose').toEqual([]);
  });

  it(`lowers a record once its bundle is more than ${STALE_KB} KB under it (the ratchet only tightens)`, () => {
    const shrunk = bundles
      .filter((b) => b.minifiedBytes < ((RECORD_KB[b.functionName] ?? 0) - STALE_KB) * 1024)
      .map((b) => `${b.functionName}: ${kb(b.minifiedBytes)}, record ${RECORD_KB[b.functionName]} KB`);
    expect(shrunk, 'bundles well under their record: lower RECORD_KB to hold the gain').toEqual([]);
  });

  it(`keeps every bundle within ${GUARD_KB} KB`, () => {
    const over = bundles.filter((b) => b.minifiedBytes > GUARD_KB * 1024).map((b) => `${b.functionName}: ${kb(b.minifiedBytes)}`);
    expect(over, 'bundles over the guard: see docs/bundle-budget.md for what weighs').toEqual([]);
  });

  it("imports no Node module as an ES module (its facade would run every lazy getter, undici's load among them)", () => {
    const imported = bundles.flatMap((b) => builtinImports(b).map((i) => `${b.functionName}: ${i}`));
    expect(imported, 'deployment/esbuild-plugins.cjs builtinsByRequire should turn these into require()').toEqual([]);
  });

  it("bundles no package's package.json beyond its name and version", () => {
    const whole = bundles.flatMap((b) =>
      bundledPackageJsons(b)
        .filter(([, bytes]) => bytes > PACKAGE_NAME_AND_VERSION_BYTES)
        .map(([file, bytes]) => `${b.functionName}: ${file} (${bytes} bytes)`),
    );
    expect(whole, 'check what the package reads of it, then add it to deployment/esbuild-plugins.cjs NAME_AND_VERSION_READERS').toEqual([]);
  });

  it('loads no module it holds by import() (esbuild would make it and all it imports lazy initialisers, parsed twice at cold start)', () => {
    const lazy = bundles.flatMap((b) => lazilyImportedBundledModules(b).map((i) => `${b.functionName}: ${i}`));
    expect(lazy, 'make the import static (deployment/esbuild-plugins.cjs eventStreamsImportedStatically), or leave the module out').toEqual([]);
  });

  it(`loads none of Node's modules no function uses when imported (${UNUSED_NODE_MODULES.join(', ')})`, async () => {
    const loaded = await Promise.all(bundles.map(async (b) => ({ b, modules: await nodeModulesLoadedBy(b) })));
    expect(
      loaded.every(({ modules }) => modules.includes('crypto')),
      'the probe should see the modules a bundle does load',
    ).toBe(true);
    const unused = loaded.flatMap(({ b, modules }) => modules.filter((m) => UNUSED_NODE_MODULES.includes(m)).map((m) => `${b.functionName}: ${m}`));
    expect(unused).toEqual([]);
  }, 60_000);

  it(`maps our own sources only, in under ${MAP_GUARD_KB} KB (the first stack a function prints reads the map)`, async () => {
    const maps = await Promise.all(bundles.map(async (b) => ({ b, text: await readFile(`${b.outputFile}.map`, 'utf8') })));
    const packaged = maps.flatMap(({ b, text }) =>
      (JSON.parse(text) as { sources: string[] }).sources.filter((source) => source.includes('node_modules')).map((source) => `${b.functionName}: ${source}`),
    );
    expect(packaged).toEqual([]);
    expect(maps.filter(({ text }) => text.length > MAP_GUARD_KB * 1024).map(({ b, text }) => `${b.functionName}: ${kb(text.length)}`)).toEqual([]);
    expect(maps.every(({ text }) => (JSON.parse(text) as { sources: string[] }).sources.some((source) => source.includes('functions/')))).toBe(true);
  });

  it('loads nothing at cold start that the bundle leaves out (custom.esbuild.exclude)', () => {
    const loadTime = bundles.flatMap((b) => loadTimeExternalImports(b).map((i) => `${b.functionName}: ${i}`));
    expect(loadTime, 'a left-out package imported at load time would be missing in Lambda').toEqual([]);
  });
});
