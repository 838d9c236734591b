import { execFile } from 'node:child_process';
import { arch } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './packaged-template.js';

/** Runs the AWS Control Tower proactive-control rules (cfn-guard) on a template: rule → failing resources. */
const PACKAGE = path.join(ROOT, 'node_modules', '@cdklabs', 'cdk-validator-cfnguard');
const BINARY = path.join(PACKAGE, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu', arch() === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
const RULES = path.join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');

function resourcesIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) resourcesIn(v, found);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'path' && typeof v === 'string' && v.startsWith('/Resources/')) found.add(v.split('/')[2] ?? '');
      resourcesIn(v, found);
    }
  }
  return found;
}

export async function guardFailures(templateFile: string): Promise<Map<string, Set<string>>> {
  const { stdout } = await promisify(execFile)(
    BINARY,
    ['validate', '--rules', RULES, '--data', templateFile, '--output-format', 'json', '--show-summary', 'none'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: { stdout?: string; code?: number }) => {
    // cfn-guard exits 19 when a rule fails: the JSON on stdout is still the answer.
    if (error.code === 19 && error.stdout) return { stdout: error.stdout };
    throw error;
  });
  const failures = new Map<string, Set<string>>();
  let text = stdout.trim();
  // The output is one JSON document per rules file, concatenated.
  while (text.length > 0) {
    let depth = 0;
    let end = 0;
    let inString = false;
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i += 1;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{') depth += 1;
      else if (c === '}' && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    const report = JSON.parse(text.slice(0, end)) as { not_compliant?: { Rule?: { name?: string } }[] };
    for (const rule of report.not_compliant ?? []) {
      const name = rule.Rule?.name ?? 'unknown';
      failures.set(name, resourcesIn(rule, failures.get(name) ?? new Set()));
    }
    text = text.slice(end).trim();
  }
  return failures;
}
