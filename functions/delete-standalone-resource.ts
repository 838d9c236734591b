import { executionKey, getJson, getJsonIfExists, type ObjectRef, putJson } from './aws/object-store.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import { runStandaloneBatch } from './cleanup/standalone-batch.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { standaloneBatchesAllowed } from './domain/history-budget.js';
import { MODES } from './domain/request.js';
import {
  countStandalone,
  endStandaloneWithoutFinishing,
  isStandaloneDone,
  nextBatchAt,
  STANDALONE_PROGRESS_FILE,
  type StandaloneProgress,
  StandaloneProgressSchema,
  type StandaloneState,
  startStandaloneProgress,
} from './domain/standalone-deletion.js';
import { TargetSchema } from './domain/target.js';
import { VerificationSchema, VerifyResultSchema } from './domain/verification.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { requireExecuteMode } from './runtime/execute-guard.js';
import { settingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * DeleteStandaloneResources (deleteTypes): one invocation of the stand-alone deletion loop
 * (DeleteStandaloneResources → IsStandaloneDone → WaitForStandaloneDeletions), for every resource
 * VerifyCleanup handed on. Progress lives in S3 (the first invocation starts it from the stored
 * verification; a retried one finds what the lost attempt stored); the state carries its reference
 * and counts, so neither grows with the number of resources. Each resource is re-checked and
 * deleted as before (cleanup/standalone-batch.ts). The loop's invocations are capped by the
 * execution's history budget (domain/history-budget.ts): what the last one leaves is reported.
 */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true, PROTECT_TAG_KEY: true, MAP_CONCURRENCY: true }));

/** Time an invocation may spend starting deletions (the function's timeout is 180 s: a bucket's emptying call started late still ends). */
const BATCH_BUDGET_MS = 60_000;

/** The stored progress; the first invocation builds it from the verification. */
async function loadProgress(stored: ObjectRef, verification: ObjectRef): Promise<StandaloneProgress> {
  const progress = await getJsonIfExists(stored, StandaloneProgressSchema);
  return progress ?? startStandaloneProgress((await getJson(verification, VerificationSchema)).standalone);
}

export const handler = taskHandler({
  task: 'DeleteStandaloneResources',
  input: z.object({
    target: TargetSchema,
    verification: VerifyResultSchema.pick({ location: true }),
    mode: z.enum(MODES),
    connection: ConnectionFactsSchema,
    /** The cleanup loop's rounds: what they left of the history budget caps this loop's invocations. */
    roundsUsed: z.number().int().nonnegative(),
    /** When this invocation was due: WaitForStandaloneDeletions waited until then (the local run moves its virtual clock there). */
    batchAt: z.string(),
    executionName: z.string(),
  }),
  logKeys: ({ executionName }) => ({ executionName }),
  workIn: givenTarget,
  summarize: (state: StandaloneState) => ({ batch: state.batch, done: state.done, counts: state.counts }),
  run: async ({ verification, mode, connection, roundsUsed, executionName }): Promise<StandaloneState> => {
    requireExecuteMode('DeleteStandaloneResources', mode);
    const stored = { bucket: config.REPORT_BUCKET, key: executionKey(executionName, STANDALONE_PROGRESS_FILE) };
    const advanced = await runStandaloneBatch(await loadProgress(stored, verification.location), {
      environmentArn: connection.environmentArn,
      protectTagKey: config.PROTECT_TAG_KEY,
      concurrency: config.MAP_CONCURRENCY,
      until: clock.now() + BATCH_BUDGET_MS,
      save: async (progress) => void (await putJson(stored, progress)),
      checkEligibility: () => checkEligibility(connection),
    });
    const allowed = standaloneBatchesAllowed(roundsUsed);
    const progress = advanced.batch >= allowed && !isStandaloneDone(advanced) ? endStandaloneWithoutFinishing(advanced, allowed) : advanced;
    const location = await putJson(stored, progress);
    // Out of time with resources due: go on at once; otherwise when the next one is due (a bucket between emptying calls, a backoff).
    const next = new Date(nextBatchAt(progress, clock.now())).toISOString();
    return { batch: progress.batch, done: isStandaloneDone(progress), nextBatchAt: next, progress: location, counts: countStandalone(progress) };
  },
});
