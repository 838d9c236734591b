import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEnvironment, serverlessEsbuildOptions } from '../../bench/bundles.js';
import { PROJECT_ROOT } from '../../local/workflow-definition.js';

/**
 * A bundled function's stack traces name its TypeScript sources (deployment/source-mapped-stacks.mjs,
 * injected into every bundle): a fixture handler, bundled as serverless.yml bundles the functions and
 * run with the functions' environment, throws from a known line.
 */
const FIXTURE = path.join(PROJECT_ROOT, 'test/deployment/fixtures/throwing-handler.ts');
/** Where the fixture throws, where a constructor calls the function that throws, and where the handler calls it (lines of the fixture). */
const THROW_LINE = 10;
const CONSTRUCTOR_LINE = 15;
const CALL_LINE = 21;

interface ProbeRun {
  stack: string;
  mapReadsAtImport: number;
  mapReadsAfterStack: number;
}

let outDir: string;
let bundle: string;
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pcc-stacks-'));
  bundle = path.join(outDir, 'throwing-handler.mjs');
  await build({ ...(await serverlessEsbuildOptions()), entryPoints: [FIXTURE], outfile: bundle, absWorkingDir: PROJECT_ROOT, logLevel: 'error' });
}, 60_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/**
 * Imports the bundle in a fresh process, counting reads of its map, and calls the handler once.
 * `nodeOwn`: with Node's --enable-source-maps writing the stack instead (the bundle's hook removed
 * once imported), the reference. The script is the same in both, so its own frame is too.
 */
async function runFixture(nodeOwn = false, presetHook = false): Promise<ProbeRun> {
  const script = `
    import fs from 'node:fs';
    if (process.env.PRESET_HOOK) Error.prepareStackTrace = (error) => 'written by the hook that was there';
    const reads = [];
    const readFileSync = fs.readFileSync;
    fs.readFileSync = (file, ...rest) => { reads.push(String(file)); return readFileSync(file, ...rest); };
    const mapReads = () => reads.filter((file) => file.endsWith('.mjs.map')).length;
    const { handler } = await import(process.argv[1]);
    const mapReadsAtImport = mapReads();
    if (process.env.NODE_OWN_SOURCE_MAPS) Error.prepareStackTrace = undefined;
    const stack = await handler({ connectionId: 'c-1' }).catch((error) => error.stack);
    process.stdout.write(JSON.stringify({ stack, mapReadsAtImport, mapReadsAfterStack: mapReads() }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script, pathToFileURL(bundle).href], {
    cwd: outDir,
    env: {
      ...(await bundleEnvironment()),
      ...(nodeOwn ? { NODE_OPTIONS: '--enable-source-maps', NODE_OWN_SOURCE_MAPS: '1' } : {}),
      ...(presetHook ? { PRESET_HOOK: '1' } : {}),
    },
  });
  return JSON.parse(stdout) as ProbeRun;
}

describe('stack traces of a bundled function', () => {
  let run: ProbeRun;
  let nodeOwn: ProbeRun;
  beforeAll(async () => {
    [run, nodeOwn] = await Promise.all([runFixture(), runFixture(true)]);
  }, 60_000);

  it('start with the error as Node writes it', () => {
    expect(run.stack.split('\n')[0]).toBe('ProbeFailure: connection c-1 failed on purpose');
  });

  it('name the TypeScript file and line each frame is at', () => {
    const frames = run.stack.split('\n').slice(1);
    expect(frames[0]).toMatch(new RegExp(`^ {4}at \\S+ \\(${FIXTURE.replaceAll('.', '\\.')}:${THROW_LINE}:\\d+\\)$`));
    expect(frames[1]).toMatch(new RegExp(`^ {4}at new \\S+ \\(${FIXTURE.replaceAll('.', '\\.')}:${CONSTRUCTOR_LINE}:\\d+\\)$`));
    expect(frames.some((frame) => frame.includes(`${FIXTURE}:${CALL_LINE}:`))).toBe(true);
  });

  it('give a function the name the source gave it where the minifier renamed it', () => {
    expect(run.stack).toContain('at checkTheConnection (');
  });

  it("are written as Node's --enable-source-maps writes them", () => {
    expect(nodeOwn.stack).toContain(`${FIXTURE}:${THROW_LINE}:`);
    expect(run.stack).toBe(nodeOwn.stack);
  });

  it('leave a hook that was there before the bundle loaded in place (an APM layer, another bundle)', async () => {
    const preset = await runFixture(false, true);
    expect(preset.stack).toBe('written by the hook that was there');
    expect(preset.mapReadsAfterStack).toBe(0);
  });

  it('read the source map only once a stack is printed, never at import', () => {
    expect(run.mapReadsAtImport).toBe(0);
    expect(run.mapReadsAfterStack).toBe(1);
  });
});
