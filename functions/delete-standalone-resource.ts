import * as z from './runtime/zod.js';
import { MODES, STANDALONE_TYPES } from './domain/request.js';
import { emptyingBoundReached, MAX_EMPTYING_CALLS, recheckStandalone } from './domain/standalone-deletion.js';
import { deleteStandaloneResource } from './aws/standalone-resources.js';
import { currentTags } from './aws/tagging.js';
import { loadConfig, nonEmpty } from './runtime/config.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DeleteStandaloneResource (deleteTypes): re-reads the resource's tags, then deletes it. A
 * bucket is emptied a bounded amount per call: 'in-progress' sends the state machine round
 * its Wait loop, up to MAX_EMPTYING_CALLS calls.
 */
const config = loadConfig(z.object({ PROTECT_TAG_KEY: nonEmpty.default('proton-cleanup:protect') }));

export interface StandaloneProgress {
  id: string;
  outcome: 'deleted' | 'already-absent' | 'retained' | 'failed' | 'in-progress';
  calls: number;
  reason?: string;
  error?: string;
}

export const handler = taskHandler({
  task: 'DeleteStandaloneResource',
  input: z.object({
    arn: z.string().startsWith('arn:'),
    type: z.enum(STANDALONE_TYPES),
    mode: z.enum(MODES),
    environmentArn: z.string().startsWith('arn:'),
    calls: z.number().int().nonnegative(),
    executionName: z.string(),
  }),
  logKeys: ({ arn, executionName }) => ({ executionName, resourceArn: arn }),
  run: async ({ arn, type, mode, environmentArn, calls }): Promise<StandaloneProgress> => {
    requireExecuteMode('DeleteStandaloneResource', mode);
    const leftAlone = recheckStandalone((await currentTags([arn])).get(arn), environmentArn, config.PROTECT_TAG_KEY);
    if (leftAlone) return { id: arn, outcome: 'retained', calls: calls + 1, reason: leftAlone };
    const outcome = await deleteStandaloneResource(arn, type);
    if (outcome === 'deleted') metrics.addMetric('StandaloneResourcesDeleted', MetricUnit.Count, 1);
    if (outcome === 'in-progress' && emptyingBoundReached(calls + 1)) {
      return { id: arn, outcome: 'failed', calls: calls + 1, error: `still emptying after ${MAX_EMPTYING_CALLS} calls: re-run to go on` };
    }
    return { id: arn, outcome, calls: calls + 1, ...(outcome === 'deleted' ? { reason: `deleted (deleteTypes lists ${type})` } : {}) };
  },
});
