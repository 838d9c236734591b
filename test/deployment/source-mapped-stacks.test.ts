import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEnvironment, evalInFreshNode, serverlessEsbuildOptions } from '../../bench/bundles.js';
import { PROJECT_ROOT } from '../../local/workflow-definition.js';

/**
 * A bundled function's stack traces name its TypeScript sources (deployment/source-mapped-stacks.mjs,
 * injected into every bundle, with maps of our own sources: esbuild-plugins.cjs mapsOfOurSourcesOnly):
 * a fixture handler, bundled as serverless.yml bundles the functions and run with the functions'
 * environment, throws from a known line through a package that calls back into it.
 */
const FIXTURE = path.join(PROJECT_ROOT, 'test/deployment/fixtures/throwing-handler.ts');
/** Where the fixture throws, where a constructor has a package call back into it, and where the handler calls that constructor (lines of the fixture). */
const THROW_LINE = 13;
const CONSTRUCTOR_LINE = 20;
const CALL_LINE = 26;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const frameAt = (line: number, prefix = '') => new RegExp(`^ {4}at ${prefix}\\S+ \\(${escaped(FIXTURE)}:${line}:\\d+\\)$`);

interface ProbeRun {
  stack: string;
  /** The first line of the stack of an error Node itself throws (ERR_INVALID_ARG_TYPE). */
  nodeErrorHeader: string;
  mapReadsAtImport: number;
  mapReadsAfterStack: number;
}

let outDir: string;
/** The fixture as deployed, and the same bundle beside the whole map esbuild writes (every package's positions too). */
let bundle: string;
let wholeMapBundle: string;
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pcc-stacks-'));
  bundle = path.join(outDir, 'deployed', 'throwing-handler.mjs');
  wholeMapBundle = path.join(outDir, 'whole-map', 'throwing-handler.mjs');
  const options = await serverlessEsbuildOptions();
  const withoutMapTrimming = (options.plugins ?? []).filter((plugin) => plugin.name !== 'maps-of-our-sources-only');
  await Promise.all([
    build({ ...options, entryPoints: [FIXTURE], outfile: bundle, absWorkingDir: PROJECT_ROOT, logLevel: 'error' }),
    build({ ...options, plugins: withoutMapTrimming, entryPoints: [FIXTURE], outfile: wholeMapBundle, absWorkingDir: PROJECT_ROOT, logLevel: 'error' }),
  ]);
}, 60_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/**
 * Imports a bundle in a fresh process, counting reads of its map, and calls the handler once.
 * `nodeOwn`: Node's --enable-source-maps writes the stack (the hook then stays out), the reference.
 * `presetHook`: a stack hook is there before the bundle loads. The script is the same in every run.
 */
async function runFixture({ file = bundle, nodeOwn = false, presetHook = false } = {}): Promise<ProbeRun> {
  const script = `
    import fs from 'node:fs';
    Error.stackTraceLimit = 50;
    if (process.env.PRESET_HOOK) Error.prepareStackTrace = (error) => 'written by the hook that was there';
    const reads = [];
    const readFileSync = fs.readFileSync;
    fs.readFileSync = (file, ...rest) => { reads.push(String(file)); return readFileSync(file, ...rest); };
    const mapReads = () => reads.filter((file) => file.endsWith('.mjs.map')).length;
    const { handler } = await import(process.argv[1]);
    const mapReadsAtImport = mapReads();
    const stack = await handler({ connectionId: 'c-1' }).catch((error) => error.stack);
    let nodeErrorHeader;
    try { Buffer.from(Symbol('not a buffer')); } catch (error) { nodeErrorHeader = error.stack.split('\\n')[0]; }
    process.stdout.write(JSON.stringify({ stack, nodeErrorHeader, mapReadsAtImport, mapReadsAfterStack: mapReads() }));
  `;
  const stdout = await evalInFreshNode(script, [pathToFileURL(file).href], {
    cwd: outDir,
    env: {
      ...(await bundleEnvironment()),
      ...(nodeOwn ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
      ...(presetHook ? { PRESET_HOOK: '1' } : {}),
    },
  });
  return JSON.parse(stdout) as ProbeRun;
}

describe('stack traces of a bundled function', () => {
  let run: ProbeRun;
  let nodeOwn: ProbeRun;
  beforeAll(async () => {
    [run, nodeOwn] = await Promise.all([runFixture(), runFixture({ file: wholeMapBundle, nodeOwn: true })]);
  }, 60_000);

  it('start with the error as Node writes it', () => {
    expect(run.stack.split('\n')[0]).toBe('ProbeFailure: connection c-1 failed on purpose');
  });

  it('name the TypeScript file and line each of our frames is at', () => {
    const frames = run.stack.split('\n').slice(1);
    expect(frames[0]).toMatch(frameAt(THROW_LINE));
    expect(frames.filter((frame) => frameAt(CONSTRUCTOR_LINE, 'new ').test(frame))).toHaveLength(1);
    expect(frames.filter((frame) => frameAt(CALL_LINE).test(frame))).toHaveLength(1);
  });

  it("write Node's own errors with their code, as Node does", () => {
    expect(nodeOwn.nodeErrorHeader).toMatch(/^TypeError \[ERR_INVALID_ARG_TYPE\]: /);
    expect(run.nodeErrorHeader).toBe(nodeOwn.nodeErrorHeader);
  });

  it('give a function the name the source gave it where the minifier renamed it', () => {
    expect(run.stack).toContain('at checkTheConnection (');
  });

  it("are written as Node's --enable-source-maps writes them from the whole map, the packages' frames at the bundle's positions", () => {
    const ours = run.stack.split('\n');
    // The same bundle in another folder: its unmapped frames name that folder.
    const reference = nodeOwn.stack.replaceAll(path.dirname(wholeMapBundle), path.dirname(bundle)).split('\n');
    expect(reference.filter((frame) => frame.includes('/node_modules/zod/')).length).toBeGreaterThan(0);
    expect(ours).toHaveLength(reference.length);
    for (const [i, frame] of reference.entries()) {
      if (frame.includes('/node_modules/')) expect(ours[i]).toMatch(new RegExp(`\\(${escaped(pathToFileURL(bundle).href)}:\\d+:\\d+\\)$`));
      else expect(ours[i]).toBe(frame);
    }
  });

  it('leave a hook that was there before the bundle loaded in place (an APM layer, another bundle)', async () => {
    const preset = await runFixture({ presetHook: true });
    expect(preset.stack).toBe('written by the hook that was there');
    expect(preset.mapReadsAfterStack).toBe(0);
  });

  it('read the source map only once a stack is printed, never at import', () => {
    expect(run.mapReadsAtImport).toBe(0);
    expect(run.mapReadsAfterStack).toBe(1);
  });
});
