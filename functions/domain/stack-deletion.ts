import { z } from 'zod';

/**
 * Decisions for one stack's deletion: whether to call DeleteStack, and what a poll of its
 * status means. Pure; the handlers feed them DescribeStacks/DescribeStackEvents facts.
 */
export const STACK_OUTCOMES = ['deleting', 'deleted', 'already-absent', 'retained', 'failed'] as const;
export type StackOutcome = (typeof STACK_OUTCOMES)[number];

export const FailedResourceSchema = z.object({
  logicalId: z.string(),
  physicalId: z.string().optional(),
  type: z.string().optional(),
  reason: z.string(),
});
export type FailedResource = z.infer<typeof FailedResourceSchema>;

/** One stack's progress through the per-stack loop; also its result in the cleanup Map. */
export const StackProgressSchema = z.object({
  stackId: z.string(),
  phase: z.string(),
  outcome: z.enum(STACK_OUTCOMES),
  polls: z.number().int().nonnegative().default(0),
  status: z.string().optional(),
  reason: z.string().optional(),
  failedResources: z.array(FailedResourceSchema).optional(),
  /** Set by the ASL's Catch when a task for this stack failed for good. */
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type StackProgress = z.infer<typeof StackProgressSchema>;

export interface LiveStack {
  status: string;
  statusReason?: string;
  terminationProtection: boolean;
}

/** Before DeleteStack: the stack is re-read, so a stack gone since the inventory is not an error. */
export function decideDelete(stack: LiveStack | undefined): { outcome: 'deleting' | 'already-absent' | 'retained'; reason?: string } {
  if (!stack || stack.status === 'DELETE_COMPLETE') return { outcome: 'already-absent', reason: 'the stack no longer exists' };
  if (stack.terminationProtection) {
    return { outcome: 'retained', reason: 'termination protection is on; the cleanup never switches it off: disable it yourself and re-run to delete' };
  }
  return { outcome: 'deleting' };
}

export function describeFailure(stack: LiveStack, failedResources: readonly FailedResource[]): string {
  const details = failedResources.map((r) => `${r.logicalId}${r.type ? ` (${r.type})` : ''}: ${r.reason}`);
  return [`DELETE_FAILED${stack.statusReason ? `: ${stack.statusReason}` : ''}`, ...details].join('; ');
}

/** After a poll: finished, failed, or keep waiting (bounded by maxPolls). */
export function decidePoll(
  stack: LiveStack | undefined,
  pollsSoFar: number,
  maxPolls: number,
): { outcome: StackOutcome; reason?: string } {
  const polls = pollsSoFar + 1;
  if (!stack || stack.status === 'DELETE_COMPLETE') return { outcome: 'deleted' };
  if (stack.status === 'DELETE_FAILED') return { outcome: 'failed', reason: `DELETE_FAILED${stack.statusReason ? `: ${stack.statusReason}` : ''}` };
  if (stack.status !== 'DELETE_IN_PROGRESS') {
    return { outcome: 'failed', reason: `the stack left deletion: it is now ${stack.status}; something else is changing it` };
  }
  if (polls >= maxPolls) {
    return { outcome: 'failed', reason: `still DELETE_IN_PROGRESS after ${polls} polls; CloudFormation goes on deleting: re-run to pick up the result` };
  }
  return { outcome: 'deleting' };
}
