import * as z from './runtime/zod.js';
import { decidePoll, describeFailure, shouldRetryRetaining, StackProgressSchema, type StackProgress } from './domain/stack-deletion.js';
import { describeStack, failedResources } from './aws/cloudformation.js';
import { loadConfig } from './runtime/config.js';
import { taskHandler } from './runtime/task-handler.js';

/** DescribeStack: one poll of a deleting stack; says deleted, failed (with the failing resources) or still deleting. */
const config = loadConfig(z.object({ MAX_STACK_POLLS: z.coerce.number().int().positive().default(120) }));

export const handler = taskHandler({
  task: 'DescribeStack',
  input: z.object({ progress: StackProgressSchema, retainFailedResources: z.boolean(), executionName: z.string() }),
  logKeys: ({ progress, executionName }) => ({ executionName, stackId: progress.stackId }),
  run: async ({ progress, retainFailedResources }): Promise<StackProgress> => {
    const stack = await describeStack(progress.stackId);
    const decision = decidePoll(stack, progress.polls, config.MAX_STACK_POLLS);
    const polled = { ...progress, polls: progress.polls + 1, outcome: decision.outcome, status: stack?.status ?? 'DELETE_COMPLETE' };
    if (decision.outcome !== 'failed') return polled;
    if (stack?.status !== 'DELETE_FAILED') return { ...polled, reason: decision.reason ?? 'deletion failed' };
    const failed = await failedResources(progress.stackId);
    const outcome = shouldRetryRetaining(progress, failed, retainFailedResources) ? 'retry-retaining' : 'failed';
    return { ...polled, outcome, reason: describeFailure(stack, failed), failedResources: failed };
  },
});
