/**
 * Stack traces that name the TypeScript sources, paid for only when a stack is printed.
 *
 * Injected at the top of every function bundle (serverless.yml custom.esbuild.inject). Node's
 * --enable-source-maps reads and indexes each bundle's map as the bundle loads, at every cold
 * start (7-10 ms for a 650 KB bundle), though most invocations never print a stack. Here the map is
 * read the first time a stack is formatted, and frames are written as Node writes them with
 * --enable-source-maps (lib/internal/source_map/prepare_stack_trace.js): original file, line,
 * column and, where the minifier renamed it, the function's original name.
 * test/deployment/source-mapped-stacks.test.ts throws from a bundled fixture and reads its stack.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundleUrl = import.meta.url;
const bundlePath = fileURLToPath(bundleUrl);

/** The bundle's map, read once; null when there is none or it is not a map (the frames stay as they are). */
let sourceMap;

function bundleSourceMap() {
  if (sourceMap !== undefined) return sourceMap;
  const mapUrl = new URL(`${bundleUrl}.map`);
  let text;
  try {
    text = readFileSync(mapUrl, 'utf8');
  } catch (error) {
    // No map: unmapped frames from now on. Any other failure (EMFILE…) is tried again at the next stack.
    if (error?.code === 'ENOENT') sourceMap = null;
    return null;
  }
  try {
    const payload = JSON.parse(text);
    // Sources relative to the map, made absolute as Node does before it shows them.
    payload.sources = payload.sources.map((source) => (source.includes(':') && !source.startsWith('.') ? source : new URL(source, mapUrl).href));
    sourceMap = new SourceMap(payload);
  } catch {
    sourceMap = null;
  }
  return sourceMap;
}

const isBundleFrame = (site) => {
  const file = site.getFileName();
  return file === bundleUrl || file === bundlePath;
};

/** The name the source gave the function of `site`, where the minifier renamed it. */
function originalSymbolName(map, site, caller) {
  const enclosing = map.findEntry(site.getEnclosingLineNumber() - 1, site.getEnclosingColumnNumber() - 1);
  if (enclosing.name) return enclosing.name;
  if (caller && caller.getFileName() === site.getFileName()) return map.findEntry(caller.getLineNumber() - 1, caller.getColumnNumber() - 1).name;
  return undefined;
}

function originalFrame(map, site, caller) {
  const { originalSource, originalLine, originalColumn } = map.findEntry(site.getLineNumber() - 1, site.getColumnNumber() - 1);
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined) return `${site}`;
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const typeName = site.getTypeName();
  const namePrefix = typeName !== null && typeName !== 'global' ? `${typeName}.` : '';
  const name = originalSymbolName(map, site, caller) || (site.getFunctionName() ?? site.getMethodName()) || '<anonymous>';
  const file = originalSource.startsWith('file://') ? fileURLToPath(originalSource) : originalSource;
  return `${prefix}${namePrefix}${name} (${file}:${originalLine + 1}:${originalColumn + 1})`;
}

/** Node's own errors carry their code in the header (`TypeError [ERR_INVALID_ARG_TYPE]: …`). */
function errorHeader(error) {
  try {
    if (typeof error?.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(error.code) && !`${error.name}`.includes('[')) {
      return `${error.name} [${error.code}]: ${error.message}`;
    }
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

function prepareStackTrace(error, trace) {
  const header = errorHeader(error);
  if (trace.length === 0) return header;
  const map = trace.some(isBundleFrame) ? bundleSourceMap() : null;
  const frames = trace.map((site, index) => {
    try {
      if (map && isBundleFrame(site)) return originalFrame(map, site, trace[index + 1]);
    } catch {
      // A frame that cannot be mapped is written as V8 writes it, as Node does.
    }
    return `${site}`;
  });
  return `${header}\n    at ${frames.join('\n    at ')}`;
}

// Node's own source maps (NODE_OPTIONS=--enable-source-maps) or a hook already there (an APM
// layer's, another bundle's) keep writing the stacks; Node 22 presets its own default hook.
const nodeDefault = (hook) => hook === undefined || hook.name === 'ErrorPrepareStackTrace';
if (!process.sourceMapsEnabled && nodeDefault(Error.prepareStackTrace)) Error.prepareStackTrace = prepareStackTrace;
