import type { SandboxAccount } from '../account.js';
import type { Operations } from './operations.js';

/**
 * STS and AWS Organizations: the services that make the sandbox a fleet of accounts. What they
 * answer depends on who calls and on every account of the scenario, not on one account's
 * resources, so each account-Region is registered with the fleet that answers for it
 * (local/sandbox/fleet.ts).
 */
export interface FleetServices {
  assumeRole(account: SandboxAccount, input: Record<string, unknown>): unknown;
  callerIdentity(account: SandboxAccount): unknown;
  listAccountsForParent(account: SandboxAccount, input: Record<string, unknown>): unknown;
  listOrganizationalUnitsForParent(account: SandboxAccount, input: Record<string, unknown>): unknown;
}

const fleets = new WeakMap<SandboxAccount, FleetServices>();

export function registerFleet(account: SandboxAccount, fleet: FleetServices): void {
  fleets.set(account, fleet);
}

function fleetOf(account: SandboxAccount): FleetServices {
  const fleet = fleets.get(account);
  if (!fleet) throw new Error(`Account ${account.accountId} in ${account.region} belongs to no sandbox fleet`);
  return fleet;
}

export const stsOperations: Operations = {
  AssumeRole: (account, input) => fleetOf(account).assumeRole(account, input),
  GetCallerIdentity: (account) => fleetOf(account).callerIdentity(account),
};

export const organizationsOperations: Operations = {
  ListAccountsForParent: (account, input) => fleetOf(account).listAccountsForParent(account, input),
  ListOrganizationalUnitsForParent: (account, input) => fleetOf(account).listOrganizationalUnitsForParent(account, input),
};
