import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

/** `serverless package` (offline), into out/package, and the CloudFormation template it wrote. */
export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const PACKAGE_DIR = path.join(ROOT, 'out', 'package');

/** The functions the state machine invokes, by logical name (serverless.yml's key, capitalized). */
export const TASK_FUNCTIONS = [
  'ResolveRequest',
  'StartSweep',
  'ScheduleDecommission',
  'DescribeConnection',
  'CheckForRunningCleanup',
  'Inventory',
  'DeleteConnection',
  'AdvanceCleanup',
  'VerifyCleanup',
  'DeleteStandaloneResource',
  'DeleteConnectionRoles',
  'WriteReport',
  'Notify',
  // Also the target of the rule on a sweep child's end.
  'CollectFleet',
] as const;
/** The triggers' functions: EventBridge or the schedule invokes them, not the state machine. */
export const TRIGGER_FUNCTIONS = ['StartFromEvent', 'FindDueConnections'] as const;
export const ALL_FUNCTIONS = [...TASK_FUNCTIONS, ...TRIGGER_FUNCTIONS];

export type Template = { Resources: Record<string, Resource>; Outputs?: Record<string, unknown>; Conditions?: Record<string, unknown> };
export interface Resource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read each resource type's own properties; typing all of CloudFormation is out of scope
  Properties?: Record<string, any>;
  Condition?: string;
  DependsOn?: unknown;
}

export async function packageTemplate(): Promise<Template> {
  await promisify(execFile)(
    path.join(ROOT, 'node_modules', '.bin', 'serverless'),
    ['package', '--stage', 'test', '--region', 'us-east-1', '--package', PACKAGE_DIR],
    {
      cwd: ROOT,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
  return JSON.parse(await readFile(path.join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
  Sid?: string;
}

export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
export const resourcesOf = (statement: Statement): unknown[] => [statement.Resource].flat();

/** Every statement of every inline policy of a role. */
export function roleStatements(role: Resource): Statement[] {
  return ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
}
