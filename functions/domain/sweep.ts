import { createHash } from 'node:crypto';
import type { ProtonApi } from '../runtime/deployment.js';
import { parseArn } from './arn.js';
import type { DecommissionDate } from './decommission-schedule.js';
import { type EnvironmentRef, environmentKey, type Mode } from './request.js';
import { type ConnectionSummary, describeServing, ownAccountBecause, servingConnections } from './serving.js';
import { type Target, targetKey } from './target.js';

/**
 * The sweep: the backstop for best-effort events, and the way to clean up many environments at
 * once. It never infers an orphan from silence: while Proton is available, an environment is
 * cleaned up only when Proton's own list shows no connection serving it (and it is not this
 * account's own); with Proton retired, only environments the request names or whose
 * decommission date has come. Every environment found is listed, with what was decided.
 */
interface FoundEnvironment extends EnvironmentRef {
  environmentArn: string;
  /** Resources (stacks included) tagged for it in this account. */
  resources: number;
}

/** `arn:aws:proton:<region>:<mgmt>:environment/<name>` → the environment it names, or undefined. */
export function environmentOf(environmentArn: string): (EnvironmentRef & { environmentArn: string }) | undefined {
  const arn = parseArn(environmentArn);
  const name = arn?.resource.startsWith('environment/') ? arn.resource.slice('environment/'.length) : undefined;
  if (arn?.service !== 'proton' || !name || !/^\d{12}$/.test(arn.account)) return undefined;
  return { name, managementAccountId: arn.account, environmentArn };
}

/** Every environment the account's proton:environment tags name, with how many resources each. */
export function environmentsFound(environmentArns: readonly string[]): FoundEnvironment[] {
  const counts = new Map<string, number>();
  for (const arn of environmentArns) counts.set(arn, (counts.get(arn) ?? 0) + 1);
  return [...counts]
    .flatMap(([arn, resources]) => {
      const environment = environmentOf(arn);
      return environment ? [{ ...environment, resources }] : [];
    })
    .sort((a, b) => a.environmentArn.localeCompare(b.environmentArn));
}

export interface SweepDecision {
  environment: FoundEnvironment;
  action: 'start' | 'skip';
  reason: string;
}

export interface SweepFacts {
  found: readonly FoundEnvironment[];
  protonApi: ProtonApi;
  accountId: string;
  /** The request's `environments`, when it names some. */
  named?: readonly EnvironmentRef[];
  /** Proton available: every connection of the account. */
  connections?: readonly ConnectionSummary[];
  /** Proton retired: the decommission dates found, and today (YYYY-MM-DD, UTC). */
  dates?: readonly DecommissionDate[];
  today?: string;
}

const isNamed = (facts: SweepFacts, e: EnvironmentRef) => (facts.named ?? []).some((n) => environmentKey(n) === environmentKey(e));

function decideWithProton(facts: SweepFacts, environment: FoundEnvironment): SweepDecision {
  const skip = (reason: string): SweepDecision => ({ environment, action: 'skip', reason });
  if (facts.named && !isNamed(facts, environment)) return skip('not among the request\'s "environments"');
  const own = ownAccountBecause(environment, facts.accountId);
  if (own) return skip(own);
  const serving = servingConnections(environment, facts.connections ?? []);
  if (serving.length > 0) return skip(describeServing(environment, serving));
  return { environment, action: 'start', reason: "no connection of this account serves it any more (Proton's own list)" };
}

function decideRetired(facts: SweepFacts, environment: FoundEnvironment): SweepDecision {
  // Proton's own environments here have no connection by design: a sweep never takes them for
  // orphans, named or dated; a request for that one environment alone can still clean it up.
  const own = ownAccountBecause(environment, facts.accountId);
  if (own) return { environment, action: 'skip', reason: `${own}; a sweep never cleans it up: start a cleanup for that environment alone if you mean it` };
  if (isNamed(facts, environment)) return { environment, action: 'start', reason: 'named in the request\'s "environments"' };
  const date = (facts.dates ?? []).find((d) => environmentKey(d.environment) === environmentKey(environment));
  if (date && 'problem' in date)
    return { environment, action: 'skip', reason: `its decommission date (${date.source}) is malformed: ${date.problem}; never a reason to delete` };
  if (date && date.day <= (facts.today ?? '')) return { environment, action: 'start', reason: `its decommission date ${date.day} has come (${date.source})` };
  if (date) return { environment, action: 'skip', reason: `its decommission date ${date.day} has not come yet (${date.source})` };
  return {
    environment,
    action: 'skip',
    reason:
      'protonApi=retired: no connection can tell whether it is still in use, so a sweep cleans up only the environments the request ' +
      'names ("environments": ["<name>@<management account>"]) or whose decommission date has come',
  };
}

export function decideSweep(facts: SweepFacts): SweepDecision[] {
  const decide = facts.protonApi === 'available' ? decideWithProton : decideRetired;
  const found = facts.found.map((environment) => decide(facts, environment));
  // A named environment with nothing tagged for it here has nothing to clean: say so rather than drop it.
  const missing = (facts.named ?? [])
    .filter((n) => !facts.found.some((f) => environmentKey(f) === environmentKey(n)))
    .map(
      (n): SweepDecision => ({
        environment: { ...n, environmentArn: '', resources: 0 },
        action: 'skip',
        reason: 'named in the request, but nothing in this account is tagged proton:environment for it',
      }),
    );
  return [...found, ...missing];
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * A child execution's name, derived from the sweep's own execution (so a sweep retried or
 * redelivered under its deterministic name starts nothing twice, while two distinct sweeps never
 * collide), its mode and the environment: at most 80 characters of [A-Za-z0-9-_].
 */
export function sweepChildName(sweepExecution: string, environment: EnvironmentRef, mode: Mode, target?: Target): string {
  const name = environment.name.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 30);
  // Another target's environment of the same name is another child (the hub's own keep the names they had).
  const key = target ? `${environmentKey(environment)}@${targetKey(target)}` : environmentKey(environment);
  return `sweep-${hash(sweepExecution, 10)}-${mode}-${name}-${hash(key, 8)}`;
}
