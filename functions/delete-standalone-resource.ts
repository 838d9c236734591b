import { currentTags } from './aws/tagging.js';
import { emptyingCallsAllowed } from './domain/history-budget.js';
import { MODES, STANDALONE_TYPES } from './domain/request.js';
import { recheckStandalone } from './domain/standalone-deletion.js';
import { TargetSchema } from './domain/target.js';
import { loadConfig } from './runtime/config.js';
import { ErrorName } from './runtime/errors.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { SettingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';
import { deleteStandaloneResource } from './standalone-types/aws.js';

/**
 * DeleteStandaloneResource (deleteTypes): re-reads the resource's tags, then deletes it. A
 * bucket is emptied a bounded amount per call: 'in-progress' sends the state machine round
 * its Wait loop, for as many calls as the execution's history budget leaves this item
 * (domain/history-budget.ts). A deletion that fails for good is returned as a value with a
 * bounded message (200 failures must fit the 256 KB state); only transient errors are thrown,
 * for the state machine to retry.
 */
const ERROR_CHARS = 300;
const TRANSIENT: readonly string[] = [ErrorName.ThrottlingException, ErrorName.InternalServerException, ErrorName.NetworkError];
const config = loadConfig(SettingsSchema.pick({ PROTECT_TAG_KEY: true }));

/** DeleteStandaloneResource's output: one Map item's progress, read back by the state machine's Wait loop and the report. */
export const StandaloneProgressSchema = z.object({
  id: z.string(),
  outcome: z.enum(['deleted', 'already-absent', 'retained', 'failed', 'in-progress']),
  calls: z.number().int().nonnegative(),
  reason: z.string().optional(),
  error: z.string().optional(),
});
export type StandaloneProgress = z.infer<typeof StandaloneProgressSchema>;

export const handler = taskHandler({
  task: 'DeleteStandaloneResource',
  input: z.object({
    target: TargetSchema,
    arn: z.string().startsWith('arn:'),
    type: z.enum(STANDALONE_TYPES),
    mode: z.enum(MODES),
    environmentArn: z.string().startsWith('arn:'),
    calls: z.number().int().nonnegative(),
    /** The cleanup loop's rounds so far, and the Map's item count: this item's share of the history budget. */
    roundsUsed: z.number().int().nonnegative().default(0),
    items: z.number().int().positive().default(1),
    /** Only data written before this (the inventory, or the reviewed plan) may be deleted. */
    writtenBefore: z.iso.datetime(),
    executionName: z.string(),
  }),
  logKeys: ({ arn, executionName }) => ({ executionName, resourceArn: arn }),
  workIn: givenTarget,
  run: async ({ arn, type, mode, environmentArn, calls, roundsUsed, items, writtenBefore }): Promise<StandaloneProgress> => {
    requireExecuteMode('DeleteStandaloneResource', mode);
    try {
      const leftAlone = recheckStandalone((await currentTags([arn])).get(arn), environmentArn, config.PROTECT_TAG_KEY);
      if (leftAlone) return { id: arn, outcome: 'retained', calls: calls + 1, reason: leftAlone };
      const outcome = await deleteStandaloneResource(arn, type, writtenBefore);
      if (typeof outcome === 'object') {
        const reason =
          `it holds data written after ${writtenBefore}, when this run's inventory (or the reviewed plan) saw it ` +
          `(${outcome.writtenSince}): not deleted; re-run, or make a new plan, to include it`;
        return { id: arn, outcome: 'retained', calls: calls + 1, reason };
      }
      if (outcome === 'deleted') metrics.addMetric('StandaloneResourcesDeleted', MetricUnit.Count, 1);
      const allowed = emptyingCallsAllowed(roundsUsed, items);
      if (outcome === 'in-progress' && calls + 1 >= allowed) {
        return {
          id: arn,
          outcome: 'failed',
          calls: calls + 1,
          error: `still emptying after ${calls + 1} calls (this run's history budget allows ${allowed}): re-run to go on`,
        };
      }
      return { id: arn, outcome, calls: calls + 1, ...(outcome === 'deleted' ? { reason: `deleted (deleteTypes lists ${type})` } : {}) };
    } catch (error) {
      if (error instanceof Error && TRANSIENT.includes(error.name)) throw error;
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { id: arn, outcome: 'failed', calls: calls + 1, error: text.length > ERROR_CHARS ? `${text.slice(0, ERROR_CHARS - 1)}…` : text };
    }
  },
});
