import * as z from '../runtime/zod.js';
import { CaughtErrorSchema } from './caught-error.js';
import { type FailedResource, FailedResourceSchema } from './failed-resource.js';
import { judgeOwnership, protectionOf, type StackOwnershipFacts } from './ownership.js';

/**
 * Decisions for one stack's deletion: whether to call DeleteStack, and what a poll of its
 * status means. Pure; the handlers feed them DescribeStacks/DescribeStackEvents facts.
 */
/** `retry-retaining`: DELETE_FAILED, to be deleted again keeping exactly the resources that failed. */
export const STACK_OUTCOMES = ['deleting', 'retry-retaining', 'deleted', 'already-absent', 'retained', 'failed'] as const;
type StackOutcome = (typeof STACK_OUTCOMES)[number];

export { type FailedResource, FailedResourceSchema } from './failed-resource.js';

/** One stack's progress through the cleanup; what the report says about it. */
export const StackProgressSchema = z.object({
  stackId: z.string(),
  phase: z.string(),
  outcome: z.enum(STACK_OUTCOMES),
  /** Status reads while it was deleting. */
  polls: z.number().int().nonnegative().default(0),
  status: z.string().optional(),
  reason: z.string().optional(),
  failedResources: z.array(FailedResourceSchema).optional(),
  /** The resources a second DeleteStack kept (RetainResources), so that nothing disappears from view. */
  retainedResources: z.array(FailedResourceSchema).optional(),
  /** An AWS error that stopped the cleanup of this stack (e.g. AccessDenied on DeleteStack). */
  error: CaughtErrorSchema.optional(),
  /** The stack's own service role before the cleanup passed the deletion role ("none": it had none). */
  previousRoleArn: z.string().optional(),
  /** For the report's timeline (ISO 8601): when its deletion first started, and when its outcome became final. */
  deletionStartedAt: z.string().optional(),
  deletionEndedAt: z.string().optional(),
});
export type StackProgress = z.infer<typeof StackProgressSchema>;

export interface LiveStack {
  stackName: string;
  /** The stack's own service role, if it has one (it stays, once set). */
  roleArn?: string;
  status: string;
  statusReason?: string;
  terminationProtection: boolean;
  tags: Record<string, string>;
}

type DeleteDecision = { outcome: 'deleting' | 'already-absent' | 'retained'; reason?: string };

/**
 * Right before DeleteStack the inventory's proof is evaluated afresh: the stack as it is now, its
 * nested stacks and every tagged resource inside. Gone since the inventory is not an error;
 * anything that no longer proves it is this environment's alone, or that protects it, leaves it.
 */
export function decideRecheck(
  live: LiveStack | undefined,
  now: Omit<StackOwnershipFacts, 'stackName' | 'tags' | 'terminationProtection'>,
  check: { environmentArn: string; protectTagKey: string },
): DeleteDecision {
  if (!live || live.status === 'DELETE_COMPLETE') return { outcome: 'already-absent', reason: 'the stack no longer exists' };
  const facts: StackOwnershipFacts = { stackName: live.stackName, tags: live.tags, terminationProtection: live.terminationProtection, ...now };
  const verdict = judgeOwnership(facts, check.environmentArn);
  if (verdict.kind === 'mixed' || verdict.kind === 'unproven') return { outcome: 'retained', reason: `re-checked before deletion: ${verdict.reason}` };
  if (verdict.kind !== 'owned') {
    return {
      outcome: 'retained',
      reason: "re-checked before deletion: its tags no longer prove it is this environment's (they now name another environment, or none)",
    };
  }
  const protectedBecause = protectionOf(facts, check.protectTagKey);
  if (protectedBecause) return { outcome: 'retained', reason: `re-checked before deletion: ${protectedBecause}` };
  return { outcome: 'deleting' };
}

/** The IAM action a resource's deletion was denied, from CloudFormation's reason ("… is not authorized to perform: ec2:DeleteVpc on resource …"). */
export function deniedAction(reason: string): string | undefined {
  return /is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(reason)?.[1];
}

/**
 * What to do about denied actions of the deletion role. Never advises granting iam:PassRole: a
 * deletion that asks for it needs a role passed, and the deletion role must not hold PassRole broadly.
 */
export function deletionRoleNextStep(denied: readonly string[]): string {
  const grantable = denied.filter((action) => action.toLowerCase() !== 'iam:passrole');
  const steps = grantable.length
    ? [`next: allow ${grantable.join(', ')} to the CloudFormation deletion role (deploy parameter deletionRolePolicyArns), then re-run`]
    : [];
  if (grantable.length < denied.length)
    steps.push('iam:PassRole: this deletion needs a role passed, which the deletion role must not be given broadly; delete the resource yourself, then re-run');
  return steps.join('; ');
}

export function describeFailure(stack: Pick<LiveStack, 'statusReason'>, failedResources: readonly FailedResource[]): string {
  const details = failedResources.map((r) => `${r.logicalId}${r.type ? ` (${r.type})` : ''}: ${r.reason}`);
  const denied = [...new Set(failedResources.flatMap((r) => deniedAction(r.reason) ?? []))];
  const nextStep = denied.length ? [deletionRoleNextStep(denied)] : [];
  return [`DELETE_FAILED${stack.statusReason ? `: ${stack.statusReason}` : ''}`, ...details, ...nextStep].join('; ');
}

/** CloudFormation's reason for refusing to delete a stack whose export another imports. */
const EXPORT_IN_USE = /Export (\S+) cannot be deleted as it is in use by (\S+)/;

/** After a status read: finished, failed, or keep waiting (until `maxWaitMs` after the deletion started). */
export function decidePoll(
  stack: Pick<LiveStack, 'status' | 'statusReason'> | undefined,
  waitedMs: number,
  maxWaitMs: number,
): { outcome: StackOutcome; reason?: string } {
  if (!stack || stack.status === 'DELETE_COMPLETE') return { outcome: 'deleted' };
  if (stack.status === 'DELETE_FAILED') return { outcome: 'failed', reason: `DELETE_FAILED${stack.statusReason ? `: ${stack.statusReason}` : ''}` };
  if (stack.status !== 'DELETE_IN_PROGRESS') {
    const inUse = EXPORT_IN_USE.exec(stack.statusReason ?? '');
    if (inUse) {
      return {
        outcome: 'failed',
        reason: `CloudFormation refused to delete it: export ${inUse[1]} is in use by ${inUse[2]} (the stack is back to ${stack.status}); delete that stack first, or stop it importing the export, then re-run`,
      };
    }
    return { outcome: 'failed', reason: `the stack left deletion: it is now ${stack.status}; something else is changing it` };
  }
  if (waitedMs >= maxWaitMs) {
    return {
      outcome: 'failed',
      reason: `still DELETE_IN_PROGRESS after ${Math.round(waitedMs / 60_000)} minutes (maxStackDeletionMinutes); CloudFormation goes on deleting: re-run to pick up the result`,
    };
  }
  return { outcome: 'deleting' };
}

/**
 * A DELETE_FAILED stack is deleted once more, keeping exactly the resources that failed, when
 * the request asks for it, and only once: they stay in the report as retained.
 */
export function shouldRetryRetaining(
  progress: Pick<StackProgress, 'retainedResources'>,
  failed: readonly FailedResource[],
  retainFailedResources: boolean,
): boolean {
  // A resource the deletion role may not delete is never kept: that would orphan it silently. Fix the permission instead.
  if (failed.some((r) => deniedAction(r.reason))) return false;
  return retainFailedResources && !progress.retainedResources && failed.length > 0;
}
