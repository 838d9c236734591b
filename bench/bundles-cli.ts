import { BUNDLE_GUARD_KB, COLD_IMPORT_TARGET_MS, measureBundles } from './bundles.js';

/**
 * `npx tsx bench/bundles-cli.ts [function…]`: each function's minified bundle size and median
 * cold import time, as a table. `--runs=N` changes the number of imports per function (default 5).
 */
const args = process.argv.slice(2);
const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 5);
const functions = args.filter((a) => !a.startsWith('--'));

const measurements = await measureBundles({ runs, ...(functions.length > 0 ? { functions } : {}) });
const rows = measurements.map((m) => ({
  function: m.functionName,
  'minified KB': (m.minifiedBytes / 1024).toFixed(1),
  'cold import ms (median)': m.coldImportMs.toFixed(1),
  [`≤ ${COLD_IMPORT_TARGET_MS} ms`]: m.coldImportMs <= COLD_IMPORT_TARGET_MS ? 'yes' : 'NO',
  [`≤ ${BUNDLE_GUARD_KB} KB`]: m.minifiedBytes <= BUNDLE_GUARD_KB * 1024 ? 'yes' : 'NO',
}));
console.table(rows);
const total = measurements.reduce((sum, m) => sum + m.minifiedBytes, 0);
console.log(
  `${measurements.length} functions, ${(total / 1024).toFixed(1)} KB in all; cold import: median of ${runs} fresh Node ${process.version} processes each`,
);
