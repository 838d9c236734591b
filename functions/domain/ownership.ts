import { protonResourceName } from './arn.js';

/**
 * The ownership proof for one root stack, used twice with the same rules: when the inventory is
 * taken, and again right before each DeleteStack. Pure: the callers read the facts.
 *
 * A root stack is this environment's when its name starts with `AWSProton-` and the only
 * `proton:environment` value found on it, on its nested stacks or on any resource inside them is
 * this environment's ARN. Two or more distinct values make it "mixed": never deleted. A name
 * prefix alone proves nothing (other environments' stacks carry it too).
 */
export const PROTON_STACK_PREFIX = 'AWSProton-';
export const TAG = {
  environment: 'proton:environment',
  serviceInstance: 'proton:service-instance',
  component: 'proton:component',
  stackId: 'aws:cloudformation:stack-id',
  logicalId: 'aws:cloudformation:logical-id',
} as const;

export type Tags = Record<string, string>;
export interface TaggedResource {
  arn: string;
  tags: Tags;
}

type OwnerKind = 'component' | 'service-instance' | 'environment' | 'connection' | 'unproven';
export interface Owner {
  kind: OwnerKind;
  name?: string;
}

/** What is known of a root stack for its proof: its own tags, its nested stacks' tags and every tagged resource inside. */
export interface StackOwnershipFacts {
  stackName: string;
  tags: Tags;
  terminationProtection: boolean;
  nestedStacks: readonly { stackId: string; tags: Tags }[];
  /** Every resource the Tagging API returns inside the stack or its nested stacks, with all its tags. */
  resources: readonly TaggedResource[];
}

export type OwnershipVerdict =
  | { kind: 'owned'; owner: Owner; proof: string }
  /** Tagged for this environment and for another: retained, never deleted. */
  | { kind: 'mixed'; owner: Owner; reason: string }
  /** Proven for another environment (alone, or mixed without this one): neither touched nor listed. */
  | { kind: 'other-environment' }
  /** Listed and retained: an `AWSProton-` stack nothing proves, or a stack tagged for us that Proton did not make. */
  | { kind: 'unproven'; reason: string }
  /** Neither Proton's name nor any proton:environment tag: none of the cleanup's business. */
  | { kind: 'unrelated' };

/** Component first, then service instance, else the environment: the most specific proton:* tag names the owner. */
export function ownerFromTags(tagSets: readonly Tags[]): Owner {
  const component = tagSets.find((tags) => tags[TAG.component])?.[TAG.component];
  if (component) return { kind: 'component', name: protonResourceName(component) };
  const instance = tagSets.find((tags) => tags[TAG.serviceInstance])?.[TAG.serviceInstance];
  if (instance) return { kind: 'service-instance', name: protonResourceName(instance) };
  const environment = tagSets.find((tags) => tags[TAG.environment])?.[TAG.environment];
  return { kind: 'environment', ...(environment ? { name: protonResourceName(environment) } : {}) };
}

function tagSetsOf(facts: StackOwnershipFacts): Tags[] {
  return [facts.tags, ...facts.nestedStacks.map((n) => n.tags), ...facts.resources.map((r) => r.tags)];
}

/** The distinct proton:environment values on the stack, its nested stacks and its resources. */
function environmentsNamed(facts: StackOwnershipFacts): string[] {
  const values = tagSetsOf(facts).flatMap((tags) => (tags[TAG.environment] !== undefined ? [tags[TAG.environment] as string] : []));
  return [...new Set(values)].sort();
}

function proofOf(facts: StackOwnershipFacts, environmentArn: string): string {
  if (facts.tags[TAG.environment] === environmentArn) return `the stack is tagged ${TAG.environment} for this environment`;
  const nested = facts.nestedStacks.filter((n) => n.tags[TAG.environment] === environmentArn).length;
  const resources = facts.resources.filter((r) => r.tags[TAG.environment] === environmentArn).length;
  const parts = [...(resources ? [`${resources} of its resources`] : []), ...(nested ? [`${nested} of its nested stacks`] : [])];
  return `${parts.join(' and ')} ${resources + nested === 1 ? 'is' : 'are'} tagged ${TAG.environment} for this environment`;
}

export function judgeOwnership(facts: StackOwnershipFacts, environmentArn: string): OwnershipVerdict {
  const environments = environmentsNamed(facts);
  const ours = environments.includes(environmentArn);
  const prefixed = facts.stackName.startsWith(PROTON_STACK_PREFIX);
  if (environments.length === 0) {
    return prefixed
      ? {
          kind: 'unproven',
          reason: `ownership not proven: the name starts with ${PROTON_STACK_PREFIX}, but neither the stack, its nested stacks nor any resource in them is tagged ${TAG.environment}`,
        }
      : { kind: 'unrelated' };
  }
  if (!ours) return { kind: 'other-environment' };
  const owner = ownerFromTags(tagSetsOf(facts).filter((tags) => tags[TAG.environment] === undefined || tags[TAG.environment] === environmentArn));
  if (environments.length > 1) {
    const others = environments.filter((e) => e !== environmentArn).map((e) => protonResourceName(e));
    return {
      kind: 'mixed',
      owner,
      reason: `mixed ownership: the stack, its nested stacks or its resources are tagged ${TAG.environment} for this environment and for ${others.join(', ')}; never deleted: sort out its tags and re-run`,
    };
  }
  if (!prefixed) {
    return {
      kind: 'unproven',
      reason: `tagged for this environment, but the stack name does not start with ${PROTON_STACK_PREFIX}: not provisioned by Proton, delete it yourself if it should go`,
    };
  }
  return { kind: 'owned', owner, proof: proofOf(facts, environmentArn) };
}

/**
 * Whether the tags carry the protect tag, any value. Keys are compared without case: AWS tag keys
 * are case-sensitive, but "Proton-Cleanup:Protect" is meant to protect as surely as the exact key.
 */
export function hasProtectTag(tags: Tags, protectTagKey: string): boolean {
  const wanted = protectTagKey.toLowerCase();
  return Object.keys(tags).some((key) => key.toLowerCase() === wanted);
}

/** Why a stack must stay whoever owns it: termination protection, or the protect tag on it, a nested stack or a resource that deleting it would delete. */
export function protectionOf(facts: StackOwnershipFacts, protectTagKey: string | undefined): string | undefined {
  if (facts.terminationProtection) return 'termination protection is on; the cleanup never switches it off: disable it yourself and re-run to delete';
  if (!protectTagKey) return undefined;
  if (hasProtectTag(facts.tags, protectTagKey)) return `protected: the stack is tagged ${protectTagKey}`;
  const nested = facts.nestedStacks.find((n) => hasProtectTag(n.tags, protectTagKey));
  if (nested) return `protected: its nested stack ${nested.stackId} is tagged ${protectTagKey}, and deleting the stack would delete it`;
  const guarded = facts.resources.find((r) => hasProtectTag(r.tags, protectTagKey));
  if (guarded) {
    const name = guarded.tags[TAG.logicalId];
    return `protected: ${name ? `its resource ${name}` : `its resource ${guarded.arn}`} is tagged ${protectTagKey}, and deleting the stack would delete it`;
  }
  return undefined;
}
