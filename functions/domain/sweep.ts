import { createHash } from 'node:crypto';
import { parseArn } from './arn.js';
import type { EnvironmentRef } from './request.js';

/**
 * The sweep: the backstop for best-effort events and for accounts whose connections are
 * already gone. Every `proton:environment` value in the account names an environment; those no
 * connection of the account serves any more are cleaned up, one execution each.
 */
export interface OrphanedEnvironment extends EnvironmentRef {
  environmentArn: string;
}

/** `arn:aws:proton:<region>:<mgmt>:environment/<name>` → the environment it names, or undefined. */
export function environmentOf(environmentArn: string): OrphanedEnvironment | undefined {
  const arn = parseArn(environmentArn);
  const name = arn?.resource.startsWith('environment/') ? arn.resource.slice('environment/'.length) : undefined;
  if (!arn || arn.service !== 'proton' || !name || !/^\d{12}$/.test(arn.account)) return undefined;
  return { name, managementAccountId: arn.account, environmentArn };
}

export function orphanedEnvironments(
  environmentArns: readonly string[],
  connections: readonly { environmentName?: string; managementAccountId?: string }[],
): OrphanedEnvironment[] {
  const served = new Set(connections.map((c) => `${c.managementAccountId}/${c.environmentName}`));
  const environments = [...new Set(environmentArns)].map(environmentOf).filter((e): e is OrphanedEnvironment => e !== undefined);
  return environments.filter((e) => !served.has(`${e.managementAccountId}/${e.name}`)).sort((a, b) => a.environmentArn.localeCompare(b.environmentArn));
}

/**
 * One execution per environment and day (names: at most 80 characters of [A-Za-z0-9-_]); a hash
 * of the whole name keeps two long names with the same beginning apart.
 */
export function sweepExecutionName(environment: EnvironmentRef, day: string): string {
  const name = environment.name.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 30);
  const hash = createHash('sha256').update(`${environment.managementAccountId}/${environment.name}`).digest('hex').slice(0, 8);
  return `sweep-${environment.managementAccountId}-${name}-${hash}-${day.replaceAll('-', '')}`;
}
