import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The template the deployment uses, as the framework renders it: `serverless package --stage
 * local --region <region>` (osls, offline, seconds) into out/iam-package/, so that the roles,
 * their names and the ARNs they are scoped to are exactly what `serverless deploy` would create
 * for a stage named `local` (the stage whose names the local run uses: LOCAL_RESOURCES).
 *
 * Cached per process and on disk, keyed by a hash of the inputs that shape the template
 * (serverless.yml, statemachines/, deployment/, package.json): editing serverless.yml changes
 * the key, so the next local run packages again.
 */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
const LOCAL_STAGE = 'local';

export interface Template {
  Resources: Record<string, TemplateResource>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Type?: string; Default?: unknown }>;
  Outputs?: Record<string, unknown>;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: unknown;
}

/** The files whose content decides the packaged template (the handlers' code does not shape IAM). */
function templateInputs(root: string): string[] {
  const files = ['serverless.yml', 'package.json'].map((f) => path.join(root, f));
  for (const dir of ['statemachines', 'deployment']) {
    const full = path.join(root, dir);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full).sort()) {
      const file = path.join(full, name);
      if (statSync(file).isFile()) files.push(file);
    }
  }
  return files.filter((f) => existsSync(f));
}

/**
 * A hash of everything that shapes the template, and of the stage and Region it is rendered for.
 * `serverlessYml`: the content to package instead of the file's (a modified copy, in a test).
 */
export function templateInputsHash(
  root: string,
  region: string,
  stage = LOCAL_STAGE,
  serverlessYml?: string,
  params: Readonly<Record<string, string>> = {},
): string {
  const hash = createHash('sha256').update(`${stage}\0${region}\0`);
  // Parameters shape the template too; none (every existing run) leaves the hash as it was.
  const given = Object.entries(params).sort(([a], [b]) => a.localeCompare(b));
  if (given.length > 0) hash.update(`params\0${JSON.stringify(given)}\0`);
  for (const file of templateInputs(root)) {
    const relative = path.relative(root, file);
    hash
      .update(relative)
      .update('\0')
      .update(relative === 'serverless.yml' && serverlessYml !== undefined ? serverlessYml : readFileSync(file))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const memory = new Map<string, Promise<Template>>();

/** What `serverless package` reads: the service definition, the code it bundles, and their configuration. */
const SERVICE_FILES = ['serverless.yml', 'package.json', 'tsconfig.json', 'statemachines', 'deployment', 'functions', 'types'];

interface PackageOptions {
  region: string;
  stage?: string;
  root?: string;
  /** Package even if a template for these inputs is cached (on disk and in this process). */
  force?: boolean;
  /** Package this content as serverless.yml instead of the file (the rest of the service is the same): a modified deployment. */
  serverlessYml?: string;
  /** Called once before `serverless package` runs (not when the template comes from a cache): it takes seconds. */
  onPackage?: () => void;
  /** serverless.yml parameters, passed as `--param="key=value"` (part of the cache key). */
  params?: Readonly<Record<string, string>>;
}

/**
 * The packaged template for the current serverless.yml: from this process's cache, else from
 * out/iam-package/<stage>-<region>-<hash>/ if an earlier process packaged the same inputs, else
 * by running `serverless package`. Call it again after editing serverless.yml: the hash differs.
 */
export function packagedTemplate(options: PackageOptions): Promise<Template> {
  const root = options.root ?? PROJECT_ROOT;
  const stage = options.stage ?? LOCAL_STAGE;
  const key = `${stage}-${options.region}-${templateInputsHash(root, options.region, stage, options.serverlessYml, options.params)}`;
  if (!options.force) {
    const cached = memory.get(key);
    if (cached) return cached;
  }
  const loading = loadOrPackage(root, stage, options.region, key, options);
  memory.set(key, loading);
  loading.catch(() => memory.delete(key));
  return loading;
}

async function loadOrPackage(root: string, stage: string, region: string, key: string, options: PackageOptions): Promise<Template> {
  const dir = path.join(root, 'out', 'iam-package', key);
  const file = path.join(dir, 'cloudformation-template-update-stack.json');
  if (!options.force && existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as Template;
  options.onPackage?.();
  // Package in a copy of the service (serverless-esbuild works in <service>/.esbuild: two packagings
  // of one directory at once clobber each other), then move the result into place, so a concurrent
  // reader never sees half a package.
  const work = await mkdtemp(path.join(os.tmpdir(), 'pcc-iam-package-'));
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    for (const entry of SERVICE_FILES) {
      if (existsSync(path.join(root, entry))) await cp(path.join(root, entry), path.join(work, entry), { recursive: true });
    }
    if (options.serverlessYml !== undefined) await writeFile(path.join(work, 'serverless.yml'), options.serverlessYml);
    await symlink(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    const output = path.join(work, 'package-output');
    await promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'serverless'),
      [
        'package',
        '--stage',
        stage,
        '--region',
        region,
        '--package',
        output,
        ...Object.entries(options.params ?? {}).map(([key, value]) => `--param=${key}=${value}`),
      ],
      {
        cwd: work,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    const staged = `${dir}.${process.pid}`;
    await mkdir(staged, { recursive: true });
    await cp(path.join(output, 'cloudformation-template-update-stack.json'), path.join(staged, 'cloudformation-template-update-stack.json'));
    await rm(dir, { recursive: true, force: true });
    try {
      await rename(staged, dir);
    } catch (error) {
      // Another process packaged the same inputs and moved its result into place first: same content.
      await rm(staged, { recursive: true, force: true });
      if (!existsSync(file)) throw error;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return JSON.parse(await readFile(file, 'utf8')) as Template;
}
