import type { Tag } from '@aws-sdk/client-cloudformation';
import type { AwsCli } from './cli.js';
import { describeStacks } from './commands.js';

/**
 * The environment's stacks, found once at the start the way the engineer would: every live stack
 * (`aws cloudformation describe-stacks`), kept if Proton named it (AWSProton-…) and tagged it
 * proton:environment = the environment's ARN. The scripts are given the dependency order for free
 * (which makes them faster than most real ones): components first (tagged proton:component), then
 * service instances (proton:service-instance), then the environment's own stack (anything else).
 */
const PHASE_TAGS = ['proton:component', 'proton:service-instance'] as const;
export const PHASES = ['components', 'service instances', 'environment'] as const;

function phaseOf(tags: readonly Tag[] | undefined): number {
  const keys = new Set((tags ?? []).map((t) => t.Key));
  const phase = PHASE_TAGS.findIndex((key) => keys.has(key));
  return phase === -1 ? PHASE_TAGS.length : phase;
}

/** The environment's stacks by phase (stack IDs, in the order describe-stacks listed them); undefined if describe-stacks failed. */
export async function environmentStacks(cli: AwsCli, environmentArn: string): Promise<string[][] | undefined> {
  const stacks = await describeStacks(cli);
  if (!stacks) return undefined;
  const phases: string[][] = PHASES.map(() => []);
  for (const stack of stacks) {
    const ours = stack.Tags?.some((t) => t.Key === 'proton:environment' && t.Value === environmentArn);
    if (ours && stack.StackId && stack.StackName?.startsWith('AWSProton-')) phases[phaseOf(stack.Tags)]?.push(stack.StackId);
  }
  return phases;
}
