import { createHash } from 'node:crypto';
import * as z from './runtime/zod.js';
import { MODES } from './domain/request.js';
import { PHASES } from './domain/inventory.js';
import { TAG } from './domain/inventory.js';
import { decideDelete, decideForProtectedResources, FailedResourceSchema, type StackProgress } from './domain/stack-deletion.js';
import { deleteStack, describeStack } from './aws/cloudformation.js';
import { resourcesWithTag } from './aws/tagging.js';
import { loadConfig, nonEmpty } from './runtime/config.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DeleteStack: re-reads the stack and its protection and ownership tags, then starts its
 * deletion by stack ID (the poll loop waits for it).
 */
const config = loadConfig(z.object({ PROTECT_TAG_KEY: nonEmpty.default('proton-cleanup:protect') }));

async function protectedResourcesIn(stackIds: readonly string[]): Promise<{ arn: string; logicalId?: string }[]> {
  const guarded = await resourcesWithTag(config.PROTECT_TAG_KEY);
  return guarded
    .filter((r) => stackIds.includes(r.tags[TAG.stackId] ?? ''))
    .map((r) => ({ arn: r.arn, ...(r.tags[TAG.logicalId] ? { logicalId: r.tags[TAG.logicalId] } : {}) }));
}

export function clientRequestToken(executionName: string, stackId: string): string {
  return `pcc-${createHash('sha256').update(`${executionName}\n${stackId}`).digest('hex').slice(0, 40)}`;
}

export const handler = taskHandler({
  task: 'DeleteStack',
  input: z.object({
    stackId: z.string().startsWith('arn:'),
    phase: z.enum(PHASES),
    mode: z.enum(MODES),
    environmentArn: z.string().startsWith('arn:'),
    nestedStackIds: z.array(z.string()),
    executionName: z.string(),
    /** RetryDeletionRetainingFailed: the resources that made the first deletion fail, to keep. */
    retain: z.array(FailedResourceSchema).min(1).optional(),
  }),
  logKeys: ({ stackId, executionName }) => ({ executionName, stackId }),
  run: async ({ stackId, phase, mode, environmentArn, nestedStackIds, executionName, retain }): Promise<StackProgress> => {
    requireExecuteMode('DeleteStack', mode);
    const check = { environmentArn, protectTagKey: config.PROTECT_TAG_KEY };
    let decision = decideDelete(await describeStack(stackId), check);
    if (decision.outcome === 'deleting') decision = decideForProtectedResources(decision, await protectedResourcesIn([stackId, ...nestedStackIds]), config.PROTECT_TAG_KEY);
    if (decision.outcome === 'deleting') {
      // The second, retaining deletion is a different request: it gets its own token.
      const token = clientRequestToken(executionName, retain ? `${stackId}#retain` : stackId);
      await deleteStack(stackId, token, retain?.map((r) => r.logicalId));
      metrics.addMetric('StackDeletionsStarted', MetricUnit.Count, 1);
    }
    return {
      stackId,
      phase,
      outcome: decision.outcome,
      polls: 0,
      ...(decision.reason ? { reason: decision.reason } : {}),
      ...(retain && decision.outcome === 'deleting' ? { retainedResources: retain } : {}),
    };
  },
});
