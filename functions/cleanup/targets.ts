import { accountsUnder } from '../aws/organization.js';
import { expandTargets, organizationParents, parseTargetSettings, type Target, type TargetSettings, targetProblem } from '../domain/target.js';
import { loadConfig } from '../runtime/config.js';
import { hubTarget } from '../runtime/deployment.js';
import { InvalidRequestError } from '../runtime/errors.js';
import { SettingsSchema } from '../runtime/settings.js';

/**
 * The targets this hub may clean up (targetAccounts × targetRegions; OUs expanded with AWS
 * Organizations only when a decision needs them). Read at cold start, so that a malformed entry
 * fails the function naming it, and again on each use, like PROTON_API (runtime/deployment.ts):
 * the local run plays several deployments in one process.
 */
function targetSettings(): TargetSettings {
  const config = loadConfig(SettingsSchema.pick({ TARGET_ACCOUNTS: true, TARGET_REGIONS: true }));
  return parseTargetSettings(config.TARGET_ACCOUNTS, config.TARGET_REGIONS);
}
targetSettings();

/** Every configured target, the hub first when it is one. */
export async function configuredTargets(): Promise<Target[]> {
  const settings = targetSettings();
  const parents = organizationParents(settings);
  return expandTargets(hubTarget(), settings, parents.length > 0 ? await accountsUnder(parents) : []);
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
