import * as z from '../runtime/zod.js';
import { partitionOf } from './arn.js';

/**
 * Where a run cleans up: an account and a Region. The hub (this deployment) is its own target
 * unless it is configured with others (`targetAccounts` × `targetRegions`); in another target
 * every AWS call is made with the spoke role the hub assumes there (aws/target-session.ts). Pure.
 */
export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
/** AWS Organizations ids a target list may name instead of accounts: an OU or the root. */
export const ORGANIZATION_PARENT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

export const TargetSchema = z.object({
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
});
export type Target = z.infer<typeof TargetSchema>;

export function targetKey(target: Target): string {
  return `${target.account}/${target.region}`;
}

export function sameTarget(a: Target, b: Target): boolean {
  return a.account === b.account && a.region === b.region;
}

/** What the deployment says it may clean up: accounts (or OUs to expand) × Regions. */
export interface TargetSettings {
  /** Account ids and OU/root ids; empty: the hub's account only. */
  accounts: string[];
  /** Empty: the hub's Region only. */
  regions: string[];
}

export class InvalidTargetsError extends Error {
  override name = 'InvalidConfiguration';
}

/** TARGET_ACCOUNTS and TARGET_REGIONS as the deployment sets them (comma-separated; blanks ignored). */
export function parseTargetSettings(accounts: string, regions: string): TargetSettings {
  const list = (text: string) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
  const settings = { accounts: list(accounts), regions: list(regions) };
  const badAccount = settings.accounts.find((entry) => !ACCOUNT_ID.test(entry) && !ORGANIZATION_PARENT.test(entry));
  if (badAccount) {
    throw new InvalidTargetsError(
      `Invalid environment variables: TARGET_ACCOUNTS: "${badAccount}" is not a 12-digit account id, an OU id (ou-…) or a root id (r-…)`,
    );
  }
  const badRegion = settings.regions.find((entry) => !REGION.test(entry));
  if (badRegion) throw new InvalidTargetsError(`Invalid environment variables: TARGET_REGIONS: "${badRegion}" is not a Region name such as eu-west-1`);
  return settings;
}

/** The organization parents among the configured accounts (to expand with AWS Organizations). */
export function organizationParents(settings: TargetSettings): string[] {
  return settings.accounts.filter((entry) => ORGANIZATION_PARENT.test(entry));
}

/**
 * Every target: each account (the OUs already expanded into `accountsOfParents`) in each Region,
 * the hub first. With nothing configured, the hub alone: one account stays one command.
 */
export function expandTargets(hub: Target, settings: TargetSettings, accountsOfParents: readonly string[] = []): Target[] {
  const accounts = unique([...settings.accounts.filter((entry) => ACCOUNT_ID.test(entry)), ...accountsOfParents]);
  const regions = settings.regions.length > 0 ? unique(settings.regions) : [hub.region];
  if (accounts.length === 0) return [hub];
  const targets = accounts.flatMap((account) => regions.map((region) => ({ account, region })));
  return [...targets.filter((t) => sameTarget(t, hub)), ...targets.filter((t) => !sameTarget(t, hub))];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Whether a request may name this target: the hub itself always; another account only when the
 * deployment lists it (or an OU holding it, `accountsOfParents`) and its Region.
 */
export function targetProblem(requested: Target, hub: Target, settings: TargetSettings, accountsOfParents: readonly string[] = []): string | undefined {
  if (sameTarget(requested, hub)) return undefined;
  const targets = expandTargets(hub, settings, accountsOfParents);
  if (targets.some((t) => sameTarget(t, requested))) return undefined;
  const listed = targets.map(targetKey).join(', ');
  return `account: ${requested.account} in ${requested.region} is not a target of this hub (targets: ${listed}); add it to the targetAccounts and targetRegions parameters`;
}

/**
 * Where a target's records (memory, leases) sit in the hub's bucket, inserted after the first key
 * segment: the hub's own account keeps the keys it always had; another target's are under
 * `<account>/<region>/`, since two accounts may hold connections of the same environment.
 */
export function keyScope(target: Target, hub: Target): string {
  return sameTarget(target, hub) ? '' : `${target.account}/${target.region}/`;
}

/** Whether these targets reach beyond the hub's own account and Region (a fleet: one target's failure is reported, not fatal). */
export function isFleet(targets: readonly Target[], hub: Target): boolean {
  return targets.some((t) => !sameTarget(t, hub));
}

/** How a run in `target` names it in its request: not at all in the hub's own place (as it always did), else its account and Region. */
export function requestPlace(target: Target, hub: Target): { account?: string; region?: string } {
  return sameTarget(target, hub) ? {} : { account: target.account, region: target.region };
}

/** The ARN of an IAM role of that name in the target's account (IAM is global: the Region gives the partition only). */
export function roleArnIn(target: Target, roleName: string): string {
  return `arn:${partitionOf(target.region)}:iam::${target.account}:role/${roleName}`;
}
