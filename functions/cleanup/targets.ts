import { accountsUnder } from '../aws/organization.js';
import { listConnections } from '../aws/proton.js';
import { inTarget } from '../aws/target-session.js';
import type { EnvironmentRef } from '../domain/request.js';
import {
  expandTargets,
  isFleet,
  organizationParents,
  parseTargetSettings,
  type Target,
  type TargetSettings,
  targetKey,
  targetProblem,
} from '../domain/target.js';
import { loadConfig } from '../runtime/config.js';
import { deploymentAccountId, hubTarget } from '../runtime/deployment.js';
import { InvalidConfigurationError, InvalidRequestError, SeveralConnectionsError } from '../runtime/errors.js';
import { settingsSchema } from '../runtime/settings.js';

/**
 * The targets this hub may clean up (targetAccounts × targetRegions; OUs expanded with AWS
 * Organizations only when a decision needs them). Read at cold start, so that a malformed entry
 * fails the function naming it, and again on each use, like PROTON_API (runtime/deployment.ts):
 * the local run plays several deployments in one process.
 */
function targetSettings(): TargetSettings {
  const config = loadConfig(settingsSchema({ TARGET_ACCOUNTS: true, TARGET_REGIONS: true, ORGANIZATION_ID: true }));
  const settings = parseTargetSettings(config.TARGET_ACCOUNTS, config.TARGET_REGIONS);
  // Another account's spoke roles may be assumed only in the hub's organization (aws:ResourceOrgID):
  // without it every run there would fail; say so at once, naming what to set.
  if (!config.ORGANIZATION_ID && settings.accounts.some((entry) => entry !== deploymentAccountId())) {
    throw new InvalidConfigurationError(
      'Invalid environment variables: ORGANIZATION_ID: is not set, but TARGET_ACCOUNTS names other accounts: deploy with --param="organizationId=o-…" (the organization the spoke roles may be assumed in)',
    );
  }
  return settings;
}
targetSettings();

/** Every configured target, the hub first when it is one. */
export async function configuredTargets(): Promise<Target[]> {
  const settings = targetSettings();
  return expandTargets(hubTarget(), settings, await accountsUnderConfiguredParents(settings));
}

/** The Regions targeted (targetRegions, else the hub's own). */
export function configuredRegions(): string[] {
  const settings = targetSettings();
  return settings.regions.length > 0 ? settings.regions : [hubTarget().region];
}

/** Refuses a request for an account or Region the deployment does not target (InvalidRequest, naming the targets). */
export async function requireConfiguredTargets(targets: readonly Target[]): Promise<void> {
  const hub = hubTarget();
  const settings = targetSettings();
  // Asks Organizations only when the listed accounts alone do not already decide.
  const undecided = targets.filter((target) => targetProblem(target, hub, settings));
  if (undecided.length === 0) return;
  const underParents = await accountsUnderConfiguredParents(settings);
  const problems = undecided.map((target) => targetProblem(target, hub, settings, underParents)).filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new InvalidRequestError(problems.slice(0, 3));
}

async function accountsUnderConfiguredParents(settings: TargetSettings): Promise<string[]> {
  const parents = organizationParents(settings);
  return parents.length > 0 ? accountsUnder(parents) : [];
}

/**
 * Proton's environment-deleted event names the environment, not the account its connection is in:
 * each target is asked (Proton's list of its connections for that environment). The one target
 * that has one; the hub itself when none has (nothing to do there, as in one account); several are
 * a person's call. A target that cannot be asked fails the resolution: "none found" is never
 * inferred from an error.
 */
export async function targetServing(environment: EnvironmentRef, sessionName: string): Promise<Target> {
  const hub = hubTarget();
  const targets = await configuredTargets();
  if (!isFleet(targets, hub)) return hub;
  const serving: Target[] = [];
  for (const target of targets) {
    const connections = await inTarget({ target, sessionName }, () => listConnections(environment.name));
    if (connections.some((c) => c.environmentName === environment.name && c.managementAccountId === environment.managementAccountId)) serving.push(target);
  }
  if (serving.length > 1) {
    throw new SeveralConnectionsError(
      `Environment ${environment.name} of ${environment.managementAccountId} has a connection in ${serving.map(targetKey).join(' and ')}: ` +
        'which one to decommission is a person\'s call; start the run with "account" and "region"',
    );
  }
  return serving[0] ?? hub;
}
