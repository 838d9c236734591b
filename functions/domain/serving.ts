import type { EnvironmentRef } from './request.js';

/**
 * Whether an environment's resources may be deleted at all: "served means untouchable". Pure;
 * the callers read the connections from Proton (never guessed from an error).
 *
 * An environment is served by a connection of this account with the same environment name and
 * management account whose status is CONNECTED, or PENDING (a pending connection may be about to
 * take the environment over). A REJECTED connection serves nothing: Proton cannot reject a
 * connection that is connected to an environment.
 */
const SERVING_STATUSES: readonly string[] = ['CONNECTED', 'PENDING'];

export interface ConnectionSummary {
  id: string;
  status: string;
  environmentName: string;
  managementAccountId: string;
}

/** The connections serving the environment, other than the one being decommissioned. */
export function servingConnections(environment: EnvironmentRef, connections: readonly ConnectionSummary[], exceptId?: string): ConnectionSummary[] {
  return connections.filter(
    (c) =>
      c.environmentName === environment.name &&
      c.managementAccountId === environment.managementAccountId &&
      SERVING_STATUSES.includes(c.status) &&
      c.id.toLowerCase() !== (exceptId ?? '').toLowerCase(),
  );
}

/** The fact alone: "environment E is still served by connection B (STATUS)". */
export function servedBy(environment: EnvironmentRef, serving: readonly ConnectionSummary[]): string {
  return `environment ${environment.name} is still served by connection ${serving.map((c) => `${c.id} (${c.status})`).join(', ')}`;
}

function advice(serving: readonly ConnectionSummary[]): string {
  return `decommission ${serving.length === 1 ? 'that connection' : 'those connections'} first, or re-run once ${serving.length === 1 ? 'it is' : 'they are'} gone`;
}

/** Why nothing of the environment is deleted, found before anything was. */
export function describeServing(environment: EnvironmentRef, serving: readonly ConnectionSummary[]): string {
  return `${servedBy(environment, serving)}: nothing of it is deleted; ${advice(serving)}`;
}

/** What the decommissioned connection itself says about its environment's resources, whatever other connections do. */
function connectionOnlyBecause(connection: { id: string; status?: string | undefined; environmentName: string }): string | undefined {
  if (connection.status === 'PENDING') {
    return `connection ${connection.id} is PENDING: it has provisioned nothing, so only the connection is deleted; environment ${connection.environmentName}'s resources are not candidates`;
  }
  if (connection.status === 'REJECTED') {
    return (
      `connection ${connection.id} is REJECTED: it never served environment ${connection.environmentName} (Proton cannot reject a connection ` +
      `that is connected to an environment), so only the connection is deleted; the environment's resources are not candidates`
    );
  }
  return undefined;
}

/** Why the rest of a cleanup stops when the environment turns out served (or held back) mid-way: what was deleted before stays deleted. */
export function stoppedBecause(fact: string): string {
  return `found during the cleanup: ${fact}; no further deletion was started`;
}

/** An environment whose management account is this account is Proton's own here: it has no connection by design, and is never an orphan. */
export function ownAccountBecause(environment: EnvironmentRef, accountId: string): string | undefined {
  if (environment.managementAccountId !== accountId) return undefined;
  return (
    `environment ${environment.name} is managed from this very account (its management account is ${accountId}): ` +
    'it has no connection by design, so it is never taken for orphaned while Proton is available'
  );
}

/** `reason`: why nothing of the environment may be deleted; `fact`: the bare fact, for a run that finds it mid-way. */
export type Eligibility = { eligible: true } | { eligible: false; reason: string; fact: string };

export interface EligibilityFacts {
  environment: EnvironmentRef;
  /** The connection being decommissioned, when there is one (its status only when Proton or an earlier run knew it). */
  connection?: { id: string; status?: string | undefined };
  /** This deployment's (or request's) protonApi: retired skips the checks that need Proton. */
  protonApi: 'available' | 'retired';
  accountId: string;
  /** The account's connections for the environment, read from Proton (unused when retired). */
  connections: readonly ConnectionSummary[];
}

/**
 * The environment's resources are candidates for deletion only if the decommissioned connection
 * was serving it (not PENDING or REJECTED), and, while Proton is available, no other connection
 * serves it and it is not this account's own. With Proton retired, the request's naming of the
 * environment is the deployment's explicit choice.
 */
export function eligibility(facts: EligibilityFacts): Eligibility {
  const only = facts.connection ? connectionOnlyBecause({ ...facts.connection, environmentName: facts.environment.name }) : undefined;
  if (only) return { eligible: false, reason: only, fact: only };
  if (facts.protonApi === 'retired') return { eligible: true };
  const own = ownAccountBecause(facts.environment, facts.accountId);
  if (own) return { eligible: false, reason: own, fact: own };
  const serving = servingConnections(facts.environment, facts.connections, facts.connection?.id);
  if (serving.length > 0)
    return { eligible: false, reason: describeServing(facts.environment, serving), fact: `${servedBy(facts.environment, serving)}; ${advice(serving)}` };
  return { eligible: true };
}
