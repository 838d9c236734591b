import { concurrentResourcesLimit } from './aws/cloudformation.js';
import { executionKey, getJson, getJsonIfExists, type ObjectRef, putJson } from './aws/object-store.js';
import { advanceRound } from './cleanup/cleanup-round.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import {
  type CleanupProgress,
  CleanupProgressSchema,
  type CleanupState,
  countProgress,
  endWithoutFinishing,
  isCleanupDone,
  PROGRESS_FILE,
  stampTimes,
  startProgress,
} from './domain/cleanup-progress.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { InventoryReferenceSchema, InventorySchema } from './domain/inventory.js';
import { MODES } from './domain/request.js';
import { roleArnIn, sameTarget, type Target, TargetSchema } from './domain/target.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget } from './runtime/deployment.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { SettingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * AdvanceCleanup: one round of the cleanup loop (AdvanceCleanup → IsCleanupDone →
 * WaitForDeletions), for every stack of the connection at once. Progress lives in S3; the state
 * carries its reference and counts, so neither grows with the number of stacks.
 */
const config = loadConfig(
  SettingsSchema.pick({
    REPORT_BUCKET: true,
    DELETION_ROLE_ARN: true,
    SPOKE_DELETION_ROLE_NAME: true,
    PROTECT_TAG_KEY: true,
    CONCURRENT_RESOURCES_PERCENT: true,
    MAX_STACK_DELETION_MINUTES: true,
    MAX_ROUNDS: true,
  }),
);

/** The role CloudFormation deletes with: the hub's own in its account, the spoke's deletion role in another target. */
function deletionRoleIn(target: Target): string {
  return sameTarget(target, hubTarget()) ? config.DELETION_ROLE_ARN : roleArnIn(target, config.SPOKE_DELETION_ROLE_NAME);
}

/**
 * When DescribeAccountLimits names no ConcurrentResourcesLimit: the value AWS's own example of the
 * call shows (an assumption; the call is read every round, so a raised quota is used at once).
 */
const ASSUMED_CONCURRENT_RESOURCES_LIMIT = 2500;

/** This run's share of the account's concurrent-resources limit (read each round: quotas change). */
async function resourceBudget(): Promise<number> {
  const limit = (await concurrentResourcesLimit()) ?? ASSUMED_CONCURRENT_RESOURCES_LIMIT;
  return Math.max(1, Math.floor((limit * config.CONCURRENT_RESOURCES_PERCENT) / 100));
}

/** Seconds between rounds: CloudFormation's own waiter polls every 30 s. */
const ROUND_INTERVAL_MS = 30_000;
/** Time a round may spend (the function's timeout is 120 s): what is left waits for the next round. */
const ROUND_BUDGET_MS = 60_000;

/** The stored progress; the first round builds it from the inventory (a retried round finds what the first attempt stored). */
async function loadProgress(executionName: string, inventory: ObjectRef): Promise<CleanupProgress> {
  const stored = await getJsonIfExists({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, PROGRESS_FILE) }, CleanupProgressSchema);
  return stored ?? startProgress(await getJson(inventory, InventorySchema));
}

export const handler = taskHandler({
  task: 'AdvanceCleanup',
  input: z.object({
    target: TargetSchema,
    inventory: InventoryReferenceSchema,
    mode: z.enum(MODES),
    connection: ConnectionFactsSchema,
    retainFailedResources: z.boolean(),
    /** When this round was due: WaitForDeletions waited until then (the local run moves its virtual clock there). */
    roundAt: z.string(),
    executionName: z.string(),
  }),
  logKeys: ({ executionName }) => ({ executionName }),
  workIn: givenTarget,
  summarize: (state: CleanupState) => ({ round: state.round, done: state.done, counts: state.counts }),
  run: async ({ target, inventory, mode, connection, retainFailedResources, executionName }): Promise<CleanupState> => {
    requireExecuteMode('AdvanceCleanup', mode);
    const stored = { bucket: config.REPORT_BUCKET, key: executionKey(executionName, PROGRESS_FILE) };
    const {
      progress: advanced,
      startsLeft,
      deletionsStarted,
    } = await advanceRound(await loadProgress(executionName, inventory.location), {
      executionName,
      deletionRoleArn: deletionRoleIn(target),
      environmentArn: connection.environmentArn,
      protectTagKey: config.PROTECT_TAG_KEY,
      retainFailedResources,
      resourceBudget: await resourceBudget(),
      maxWaitMs: config.MAX_STACK_DELETION_MINUTES * 60_000,
      until: clock.now() + ROUND_BUDGET_MS,
      save: async (progress) => void (await putJson(stored, progress)),
      checkEligibility: () => checkEligibility(connection),
    });
    const progress =
      advanced.round >= config.MAX_ROUNDS && !isCleanupDone(advanced) ? stampTimes(endWithoutFinishing(advanced, config.MAX_ROUNDS), clock.now()) : advanced;
    const location = await putJson(stored, progress);
    metrics.addMetric('StackDeletionsStarted', MetricUnit.Count, deletionsStarted);
    // Out of time with deletions left to start: go on at once; otherwise wait like CloudFormation's waiter.
    const nextRoundAt = new Date(clock.now() + (startsLeft ? 0 : ROUND_INTERVAL_MS)).toISOString();
    return { round: progress.round, done: isCleanupDone(progress), nextRoundAt, progress: location, counts: countProgress(progress) };
  },
});
