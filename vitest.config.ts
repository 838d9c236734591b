import { defineConfig } from 'vitest/config';

/**
 * The files whose time is spent packaging, bundling or running the workflow at scale, measured
 * (`npx vitest run --reporter=verbose`): each takes 10 s or more alone, the rest together less
 * than the slowest of these. `npm run test:fast` leaves them out; `npm test` runs both projects.
 */
const SLOW = [
  'test/deployment/template.test.ts', // ~20 s: packages the template, loads every handler at cold start, cfn-guard
  'test/deployment/bundle-size.test.ts', // builds every function's bundle with esbuild
  'test/workflow/limits.test.ts', // ~40 s: the worst-case round counts on the real ASL
  'test/workflow/standalone-deletions.test.ts', // ~12 s: 1,000 stand-alone resources on the real ASL
];

export default defineConfig({
  test: {
    setupFiles: ['test/setup-env.ts'],
    // serverless.yml packaged once per run (local/iam enforces its IAM in every local run), never once per worker.
    // Each project runs it; the second finds the packaged templates cached on disk (out/iam-package/).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    // The JSON results let .ci/run print the plain "N passed, N failed" line CI reads: one file for both projects.
    reporters: ['default', ['json', { outputFile: 'out/test-results.json' }]],
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: SLOW } },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
