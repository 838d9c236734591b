import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the HTML report in a real headless browser (Debian's chromium, driven by
 * playwright-core). Kept out of `npm test` (vitest.config.ts includes only *.test.ts), so that
 * `npm test` needs no browser.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    setupFiles: ['test/setup-env.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // .ci/run adds these counts to npm test's in its closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'out/browser-test-results.json' }]],
  },
});
