'use strict';
/**
 * esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; bench/bundles.ts
 * loads them the same way). Both shorten a cold start without changing what the code does;
 * test/deployment/bundled-handler.test.ts runs a built bundle against a local endpoint.
 */
const { readFileSync } = require('node:fs');
const { isBuiltin } = require('node:module');

const BUILTIN_NAMESPACE = 'builtin-by-require';

/**
 * The bundles are ES modules, so esbuild keeps `import … from "node:http"` for Node's own modules,
 * and Node builds an ES module facade for each: it reads every export at once, which runs lazy
 * getters the code never asks for (node:http's WebSocket loads undici, node:process's report,
 * node:util's diff): 6–18 ms of each cold start (docs/bundle-budget.md). Taken with require() (the
 * banner's createRequire), a builtin is its plain CommonJS exports and a getter runs only when read.
 * @type {import('esbuild').Plugin}
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path) ? { path: args.path, namespace: BUILTIN_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path.startsWith('node:') ? args.path : `node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

/**
 * Packages that read their own package.json at run time for its name and version only (checked in
 * their code: the SDK clients' runtimeConfig reads `.version` for the user agent; aws-xray-sdk-core's
 * aws-xray.js `.name` and `.version` for the segment's SDK data). Bundled whole, each brings its
 * scripts and dependency lists (2–3 KB per client).
 */
const NAME_AND_VERSION_READERS = /[\\/]node_modules[\\/](@aws-sdk[\\/][^\\/]+|aws-xray-sdk-core)[\\/]package\.json$/;

/** @type {import('esbuild').Plugin} */
const packageNameAndVersionOnly = {
  name: 'package-name-and-version-only',
  setup(build) {
    build.onLoad({ filter: NAME_AND_VERSION_READERS }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

module.exports = [builtinsByRequire, packageNameAndVersionOnly];
