/**
 * The DeletionPolicy of each resource a CloudFormation template declares, so a plan can say what
 * CloudFormation will keep when it deletes the stack. Templates are JSON or YAML; a YAML parser would
 * not fit the Inventory bundle, so YAML is read by its structure alone: the top-level `Resources:`
 * block, its logical IDs at one indentation, and their attributes at the next. Pure.
 *
 * Conservative by design: what cannot be read with certainty is `unknown`, and the plan then says
 * CloudFormation may keep it; a policy is never reported that the template does not state at the
 * attribute level (so a plan never claims something will be kept that CloudFormation deletes).
 */
const DELETION_POLICIES = ['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'] as const;
export type DeletionPolicy = (typeof DELETION_POLICIES)[number] | 'unknown';

/** Whether CloudFormation keeps the resource when it deletes its stack. */
export const keptByTemplate = (policy: DeletionPolicy | undefined): boolean => policy === 'Retain' || policy === 'RetainExceptOnCreate';

/** Logical ID → policy, for the resources whose DeletionPolicy the template states; undefined when the template cannot be read. */
export function deletionPolicies(templateBody: string): Map<string, DeletionPolicy> | undefined {
  const body = templateBody.trimStart();
  return body.startsWith('{') ? fromJson(body) : fromYaml(body);
}

function policyOf(value: unknown): DeletionPolicy {
  return typeof value === 'string' && (DELETION_POLICIES as readonly string[]).includes(value) ? (value as DeletionPolicy) : 'unknown';
}

function fromJson(body: string): Map<string, DeletionPolicy> | undefined {
  let template: unknown;
  try {
    template = JSON.parse(body);
  } catch {
    return undefined;
  }
  const resources = (template as { Resources?: unknown } | null)?.Resources;
  if (typeof resources !== 'object' || resources === null) return undefined;
  const policies = new Map<string, DeletionPolicy>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (typeof resource === 'object' && resource !== null && 'DeletionPolicy' in resource) {
      policies.set(logicalId, policyOf((resource as { DeletionPolicy: unknown }).DeletionPolicy));
    }
  }
  return policies;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);
/** `Key:` or `"Key":` alone on its line (a block mapping follows), with an optional comment. */
const BLOCK_KEY = /^\s*(['"]?)([A-Za-z0-9]+)\1\s*:\s*(#.*)?$/;
/** `DeletionPolicy: Retain`, the value plain or quoted, with an optional comment. */
const POLICY_LINE = /^\s*(['"]?)DeletionPolicy\1\s*:\s*(.*?)\s*(#.*)?$/;

function fromYaml(body: string): Map<string, DeletionPolicy> | undefined {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((line) => /^(['"]?)Resources\1\s*:\s*(#.*)?$/.test(line));
  if (start < 0) return undefined;
  const block: string[] = [];
  for (const line of lines.slice(start + 1)) {
    // The next top-level key (or document marker) ends the Resources block.
    if (!isBlankOrComment(line) && indentOf(line) === 0) break;
    if (line.includes('\t') && !isBlankOrComment(line)) return undefined; // YAML forbids tab indentation: not a template we can read
    block.push(line);
  }
  const content = block.filter((line) => !isBlankOrComment(line));
  const idIndent = content[0] ? indentOf(content[0]) : 0;
  const policies = new Map<string, DeletionPolicy>();
  let current: { logicalId: string; attributeIndent?: number } | undefined;
  for (const line of content) {
    const indent = indentOf(line);
    if (indent < idIndent) return undefined; // not the block structure this reader knows
    if (indent === idIndent) {
      const key = BLOCK_KEY.exec(line);
      // A flow mapping (`Bucket: {Type: …}`) is not read: its policy stays unstated, and its resource unknown.
      current = key ? { logicalId: key[2] as string } : undefined;
      if (!key) {
        const flowId = /^\s*(['"]?)([A-Za-z0-9]+)\1\s*:/.exec(line)?.[2];
        if (flowId && /DeletionPolicy/.test(line)) policies.set(flowId, 'unknown');
      }
      continue;
    }
    if (!current) continue;
    current.attributeIndent ??= indent;
    if (indent !== current.attributeIndent) continue; // inside an attribute (Properties, Metadata, a block scalar)
    const policy = POLICY_LINE.exec(line);
    if (policy) policies.set(current.logicalId, policyOf(unquote(policy[2] ?? '')));
  }
  return policies;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? (quoted[2] as string) : value;
}
