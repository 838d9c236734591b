'use strict';
/**
 * esbuild plugins for the function bundles (serverless.yml custom.esbuild.plugins; bench/bundles.ts
 * loads them the same way). Each shortens a cold start without changing what the code does;
 * test/deployment/bundled-handler.test.ts runs a built bundle against a local endpoint.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { isBuiltin } = require('node:module');
const path = require('node:path');
const { decode, encode } = require('@jridgewell/sourcemap-codec');

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
    build.onLoad({ filter: /.*/, namespace: BUILTIN_NAMESPACE }, (args) => {
      const specifier = JSON.stringify(args.path.startsWith('node:') ? args.path : `node:${args.path}`);
      return { contents: FORWARDED_BUILTINS.has(specifier) ? forwardedExports(specifier) : `module.exports = require(${specifier});`, loader: 'js' };
    });
  },
};

/**
 * esbuild's interop reads the descriptor of every export of a module taken by require(), and
 * node:util makes some exports only when theirs is read: parseArgs, diff and setTraceSigInt load 31
 * of Node's modules, worker_threads among them (3 ms of a cold start), for code that calls
 * isDeepStrictEqual. Its exports are handed over as getters of the same names, read only when used.
 */
const FORWARDED_BUILTINS = new Set(['"node:util"']);

const forwardedExports = (specifier) => `const builtin = require(${specifier});
for (const name of Object.getOwnPropertyNames(builtin)) Object.defineProperty(module.exports, name, { get: () => builtin[name], enumerable: true });`;

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

/**
 * The SDK clients' schemas (dist-es/schemas/schemas_0.js), trimmed to what a bundle uses.
 *
 * They key their traits by constants, as in `{ [_hH]: "x-amz-meta-" }` with `const _hH =
 * "httpHeader"`. esbuild cannot tell that such a computed key is a plain string, so it keeps every
 * schema of the service, used or not (469 of S3's 485, 67 KB of each bundle that holds S3). Written
 * as the literal keys they stand for, the schemas a bundle's commands never reach are tree-shaken
 * away; each object is the same.
 */
const SDK_SCHEMAS = /[\\/]node_modules[\\/]@aws-sdk[\\/](client-[^\\/]+)[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/**
 * And each client registers a class per error its service may return, so that the error thrown is an
 * instance of it: 140 for SSM, 50 each for Organizations and ECR, 65-80 KB of classes and schemas in
 * the bundles that hold them. The functions tell errors by name only (aws/error-mapping.ts hasName),
 * never by class. Left unregistered, a client-fault error is the client's own ServiceException, with
 * the same name, message, fault, status and fields (test/deployment/esbuild-plugins.test.ts compares both),
 * and the classes are tree-shaken away. Only for clients of a JSON protocol, where the name is the
 * error's shape name as the service sends it (query and XML protocols may send another code, which
 * the class maps), and whose errors carry no retry trait (Proton's do: it stays as it is).
 */
const ERRORS_BY_NAME_ONLY = new Set([
  'client-ssm',
  'client-organizations',
  'client-ecr',
  'client-sfn',
  'client-cloudwatch-logs',
  'client-eventbridge',
  'client-resource-groups-tagging-api',
]);

/** The string constants a schemas file declares (`const _hH = "httpHeader";`): name → the literal as written. */
function stringConstants(schemas) {
  const constants = new Map();
  for (const [, name, literal] of schemas.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(name, literal);
  return constants;
}

/** `schemas` with each `[_x]:` whose `_x` is one of its string constants written as that string. */
function withLiteralKeys(schemas, constants) {
  return schemas.replace(/\[(_\w+)\]:/g, (key, name) => (constants.has(name) ? `${constants.get(name)}:` : key));
}

/**
 * `schemas` (keys literal) without the registration of each client-fault error's class. A
 * server-fault error stays registered: its $fault comes from its schema ("server") whatever the
 * status it arrives with, and aws/error-mapping.ts retries server faults. The base exception stays too.
 */
function withoutClientErrorClasses(schemas, constants, file) {
  const server = ['"server"', ...[...constants].filter(([, literal]) => literal === '"server"').map(([name]) => name)];
  const isServerFault = (traits) => server.some((value) => traits.includes(`"error": ${value}`));
  const serverFaults = new Set();
  for (const [, name, traits] of schemas.matchAll(/^export var (\w+)\$ = \[-3, n0, _\w+,\s*\{([^}]*)\}/gm)) if (isServerFault(traits)) serverFaults.add(name);
  let removed = 0;
  const trimmed = schemas.replace(/^n0_registry\.registerError\((\w+)\$, \w+\);$/gm, (registration, name) => {
    if (serverFaults.has(name)) return registration;
    removed++;
    return '';
  });
  // A new client version that registers errors otherwise fails the build here, not silently.
  if (removed === 0) throw new Error(`${file}: no error registrations to leave out (deployment/esbuild-plugins.cjs)`);
  return trimmed;
}

/** @type {import('esbuild').Plugin} */
const sdkSchemasTrimmed = {
  name: 'sdk-schemas-trimmed',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMAS }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const constants = stringConstants(source);
      const schemas = withLiteralKeys(source, constants);
      const client = SDK_SCHEMAS.exec(args.path)?.[1] ?? '';
      return { contents: ERRORS_BY_NAME_ONLY.has(client) ? withoutClientErrorClasses(schemas, constants, args.path) : schemas, loader: 'js' };
    });
  },
};

/**
 * @smithy/core's HttpProtocol loads its event stream support with `await import()`, only for an
 * operation that streams events (none of ours). For a module it also holds, esbuild turns that into
 * lazy initialisers: the event streams module and every module it imports (183 of @smithy/core's,
 * its schema and serde among them) are wrapped in functions that V8 parses twice at cold start,
 * once ahead and once when the bundle runs them all anyway. A static import keeps them plain
 * top-level code; S3's client imports the same module statically already.
 */
const HTTP_PROTOCOL = /[\\/]node_modules[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]protocols[\\/]HttpProtocol\.js$/;
const EVENT_STREAMS_IMPORT = 'await import("@smithy/core/event-streams")';

/** @type {import('esbuild').Plugin} */
const eventStreamsImportedStatically = {
  name: 'event-streams-imported-statically',
  setup(build) {
    build.onLoad({ filter: HTTP_PROTOCOL }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // A new @smithy/core that loads it otherwise fails the build here, not silently at cold start.
      if (!source.includes(EVENT_STREAMS_IMPORT)) throw new Error(`${args.path}: no ${EVENT_STREAMS_IMPORT} to make static (deployment/esbuild-plugins.cjs)`);
      return {
        contents: `import * as eventStreams from "@smithy/core/event-streams";\n${source.replace(EVENT_STREAMS_IMPORT, 'eventStreams')}`,
        loader: 'js',
        resolveDir: path.dirname(args.path),
      };
    });
  },
};

/**
 * Each bundle's source map keeps the positions of our own sources only (functions/, deployment/),
 * not those of the packages: a stack is read to find our frame, and the packages' frames keep the
 * bundle's positions (test/deployment/source-mapped-stacks.test.ts compares them with the whole
 * map's). The map goes from about 1 MB to under 100 KB, and the first stack a function prints
 * (deployment/source-mapped-stacks.mjs reads the map then) costs about 10 ms instead of 40-70: with
 * X-Ray tracing on, that first stack comes early, since the X-Ray SDK reads the stack of every
 * failed AWS call, the expected ones (NoSuchKey, an unchanged object's 304) included.
 * @type {import('esbuild').Plugin}
 */
const mapsOfOurSourcesOnly = {
  name: 'maps-of-our-sources-only',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const root = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.map'))) {
        const file = path.resolve(root, output);
        writeFileSync(file, JSON.stringify(withOurSourcesOnly(JSON.parse(readFileSync(file, 'utf8')))));
      }
    });
  },
};

/** An index for each distinct value it is given, in the order first given; `kept` lists the values. */
function renumbering() {
  const kept = [];
  const indices = new Map();
  const of = (value) => {
    if (!indices.has(value)) indices.set(value, kept.push(value) - 1);
    return indices.get(value);
  };
  return { kept, of };
}

/**
 * `map` with the segments of sources under node_modules dropped, and its sources and names
 * renumbered. Where the packages' code follows ours, a segment with no source marks it unmapped:
 * a lookup finds the nearest segment at or before a position, which would otherwise be ours.
 */
function withOurSourcesOnly(map) {
  const ours = map.sources.map((source) => !/[\\/]node_modules[\\/]/.test(source));
  const sources = renumbering();
  const names = renumbering();
  let previousIsOurs = false;
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    for (const [column, source, line, sourceColumn, name] of segments) {
      const isOurs = source !== undefined && ours[source];
      if (isOurs) {
        const segment = [column, sources.of(map.sources[source]), line, sourceColumn];
        kept.push(name === undefined ? segment : [...segment, names.of(map.names[name])]);
      } else if (previousIsOurs) {
        kept.push([column]);
      }
      previousIsOurs = isOurs;
    }
    return kept;
  });
  const { sourcesContent, ...rest } = map;
  const contentOf = new Map(map.sources.map((source, i) => [source, sourcesContent?.[i] ?? null]));
  return {
    ...rest,
    sources: sources.kept,
    names: names.kept,
    mappings: encode(lines),
    ...(sourcesContent ? { sourcesContent: sources.kept.map((source) => contentOf.get(source)) } : {}),
  };
}

module.exports = [builtinsByRequire, packageNameAndVersionOnly, sdkSchemasTrimmed, eventStreamsImportedStatically, mapsOfOurSourcesOnly];
// For test/deployment/esbuild-plugins.test.ts, which checks each against the installed client.
module.exports.ERRORS_BY_NAME_ONLY = ERRORS_BY_NAME_ONLY;
