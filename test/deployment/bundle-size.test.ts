import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBundle, buildBundles, declaredFunctions, loadTimeExternalImports } from '../../bench/bundles.js';

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
  resolveRequest: 690,
  startSweep: 790,
  scheduleDecommission: 540,
  describeConnection: 640,
  checkForRunningCleanup: 600,
  inventory: 710,
  deleteConnection: 480,
  advanceCleanup: 700,
  verifyCleanup: 650,
  deleteStandaloneResource: 790,
  deleteConnectionRoles: 700,
  writeReport: 610,
  notify: 640,
  startFromEvent: 440,
  findDueConnections: 790,
  collectFleet: 700,
};
/** Growth a change may bring without a new record (a dependency's patch release, a few lines). */
const SLACK_KB = 20;
/** How far under its record a bundle may fall before the record must come down with it. */
const STALE_KB = 50;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

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

  it('loads nothing at cold start that the bundle leaves out (custom.esbuild.exclude)', () => {
    const loadTime = bundles.flatMap((b) => loadTimeExternalImports(b).map((i) => `${b.functionName}: ${i}`));
    expect(loadTime, 'a left-out package imported at load time would be missing in Lambda').toEqual([]);
  });
});
