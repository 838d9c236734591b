import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MODES } from './domain/request.js';
import { PHASES } from './domain/inventory.js';
import { decideDelete, type StackProgress } from './domain/stack-deletion.js';
import { deleteStack, describeStack } from './aws/cloudformation.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { taskHandler } from './runtime/task-handler.js';

/** DeleteStack: re-reads the stack, then starts its deletion by stack ID (the poll loop waits for it). */
export function clientRequestToken(executionName: string, stackId: string): string {
  return `pcc-${createHash('sha256').update(`${executionName}\n${stackId}`).digest('hex').slice(0, 40)}`;
}

export const handler = taskHandler({
  task: 'DeleteStack',
  input: z.object({ stackId: z.string().startsWith('arn:'), phase: z.enum(PHASES), mode: z.enum(MODES), executionName: z.string() }),
  logKeys: ({ stackId, executionName }) => ({ executionName, stackId }),
  run: async ({ stackId, phase, mode, executionName }): Promise<StackProgress> => {
    requireExecuteMode('DeleteStack', mode);
    const decision = decideDelete(await describeStack(stackId));
    if (decision.outcome === 'deleting') {
      await deleteStack(stackId, clientRequestToken(executionName, stackId));
      metrics.addMetric('StackDeletionsStarted', MetricUnit.Count, 1);
    }
    return { stackId, phase, outcome: decision.outcome, polls: 0, ...(decision.reason ? { reason: decision.reason } : {}) };
  },
});
