import { type LeaseRef, releaseLease } from './aws/cleanup-lease.js';
import { executionKey, getJson, getJsonIfExists, s3Uri } from './aws/object-store.js';
import { storeReport } from './cleanup/stored-report.js';
import { type CleanupProgress, CleanupProgressSchema, CleanupStateSchema, PROGRESS_FILE, stackResults } from './domain/cleanup-progress.js';
import { ConcurrencyCheckSchema } from './domain/concurrent-runs.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { ConnectionDeletionSchema } from './domain/connection-deletion.js';
import { ScheduledDecommissionSchema } from './domain/decommission-schedule.js';
import { fleetFromSweep } from './domain/fleet-view.js';
import { type Inventory, InventoryReferenceSchema, InventorySchema } from './domain/inventory.js';
import { buildReport, CaughtErrorSchema, DirectResultSchema, type ReportResult } from './domain/report.js';
import { CleanupRequestSchema } from './domain/request.js';
import {
  STANDALONE_PROGRESS_FILE,
  type StandaloneProgress,
  StandaloneProgressSchema,
  StandaloneStateSchema,
  standaloneResults,
} from './domain/standalone-deletion.js';
import { SweepFileSchema, SweepResultSchema } from './domain/sweep-result.js';
import { VerificationSchema, VerifyResultSchema } from './domain/verification.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget } from './runtime/deployment.js';
import { logger, MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** WriteReport / WriteFailureReport: the full report, from whatever the run gathered, to S3. */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true }));

/**
 * Only the parts of the workflow's state the report needs, each read with the contract of the
 * state that put it there; everything is optional on the failure path.
 */
const GatheredStateSchema = z.object({
  request: CleanupRequestSchema.optional(),
  connection: ConnectionFactsSchema.optional(),
  /** The cleanup lease CheckForRunningCleanup took (released here: the run deletes nothing more); absent from an execution started by an earlier version. */
  concurrency: ConcurrencyCheckSchema.partial({ lease: true }).optional(),
  sweep: SweepResultSchema.pick({ location: true }).optional(),
  scheduled: ScheduledDecommissionSchema.optional(),
  inventory: InventoryReferenceSchema.optional(),
  deletion: ConnectionDeletionSchema.optional(),
  /** AdvanceCleanup's last answer: the progress itself is in S3. */
  cleanup: CleanupStateSchema.pick({ round: true }).optional(),
  /** DeleteStandaloneResources' last answer: the progress itself is in S3. */
  standaloneCleanup: StandaloneStateSchema.pick({ batch: true }).optional(),
  roleCleanup: z.array(DirectResultSchema).optional(),
  verification: VerifyResultSchema.pick({ location: true }).optional(),
  failure: CaughtErrorSchema.optional(),
});

/**
 * The inventory this execution stored when the state holds no reference to it: Inventory stored
 * it, then failed (e.g. timed out) before answering. Reported rather than lost.
 */
async function storedInventory(executionName: string): Promise<Inventory | undefined> {
  return getJsonIfExists({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, 'inventory.json') }, InventorySchema);
}

/**
 * The cleanup's progress as the last round stored it. Read whenever the run got that far, also
 * when the state holds no reference to it (a round stored it, then failed before answering).
 */
async function storedProgress(executionName: string): Promise<CleanupProgress | undefined> {
  return getJsonIfExists({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, PROGRESS_FILE) }, CleanupProgressSchema);
}

/**
 * The stand-alone deletions as the loop's last invocation stored them. Read whenever the run got
 * that far, also when the state holds no reference to them (an invocation stored them, then failed
 * before answering).
 */
async function storedStandalone(executionName: string): Promise<StandaloneProgress | undefined> {
  return getJsonIfExists({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, STANDALONE_PROGRESS_FILE) }, StandaloneProgressSchema);
}

/**
 * Best effort: a lease left behind names this execution, which is about to close, so the next run
 * takes it over after one DescribeExecution. A failed release never fails the report.
 */
async function release(lease: LeaseRef, executionName: string): Promise<void> {
  try {
    await releaseLease(lease, executionName, new Date(clock.isoNow()));
  } catch (error) {
    logger.warn('cleanup lease not released; the next run takes it over', { lease: lease.key, error: error instanceof Error ? error.message : String(error) });
  }
}

export const handler = taskHandler({
  task: 'WriteReport',
  input: z.object({ executionName: z.string(), startedAt: z.string(), state: GatheredStateSchema }),
  logKeys: ({ executionName, state }) => ({ executionName, connectionId: state.request?.connectionId }),
  summarize: (result: ReportResult) => ({ uri: result.uri, status: result.status, summary: result.summary }),
  run: async ({ executionName, startedAt, state }): Promise<ReportResult> => {
    const [inventory, verification, progress, standalone] = await Promise.all([
      state.inventory
        ? getJson(state.inventory.location, InventorySchema)
        : state.failure && state.connection && state.connection.source !== 'none'
          ? storedInventory(executionName)
          : undefined,
      state.verification ? getJson(state.verification.location, VerificationSchema) : undefined,
      state.cleanup || (state.failure && state.deletion) ? storedProgress(executionName) : undefined,
      state.standaloneCleanup || (state.failure && state.verification) ? storedStandalone(executionName) : undefined,
    ]);
    const sweepFile = state.sweep ? await getJson(state.sweep.location, SweepFileSchema) : undefined;
    const sweep = sweepFile?.environments;
    const report = buildReport({
      // Where it cleaned up (the request's target; the hub's own when the request never resolved):
      // a plan is executed only in the account and Region it was made for.
      execution: { name: executionName, startedAt, finishedAt: clock.isoNow(), ...(state.request?.target ?? hubTarget()) },
      ...(state.request ? { request: state.request } : {}),
      ...(state.connection ? { connection: state.connection } : {}),
      ...(state.concurrency?.runningCleanup ? { runningCleanup: state.concurrency.runningCleanup } : {}),
      ...(sweep ? { sweep } : {}),
      // A fleet sweep's report shows its children as started (CollectFleet reports them once they have all ended).
      ...(sweepFile?.targets
        ? {
            fleet: fleetFromSweep(sweepFile.environments, hubTarget(), new Map(), sweepFile.unreachable, sweepFile.targets),
            unreachableTargets: sweepFile.unreachable ?? [],
          }
        : {}),
      ...(state.scheduled ? { scheduled: state.scheduled } : {}),
      ...(inventory ? { inventory } : {}),
      ...(state.deletion ? { deletion: state.deletion } : {}),
      stackResults: progress ? stackResults(progress) : [],
      ...(progress?.heldBack ? { cleanupHeldBack: progress.heldBack } : {}),
      ...(standalone?.heldBack ? { standaloneHeldBack: standalone.heldBack } : {}),
      directResults: [...(standalone ? standaloneResults(standalone) : []), ...(state.roleCleanup ?? [])],
      ...(verification ? { verification } : {}),
      ...(state.failure ? { failure: state.failure } : {}),
    });
    const { location, markdown, html } = await storeReport(config.REPORT_BUCKET, executionName, report);
    if (state.concurrency?.lease) await release(state.concurrency.lease, executionName);
    metrics.addMetric('ResourcesDeleted', MetricUnit.Count, report.summary.deleted + report.summary.alreadyAbsent);
    metrics.addMetric('ResourcesRetained', MetricUnit.Count, report.summary.retained);
    metrics.addMetric('ResourcesFailed', MetricUnit.Count, report.summary.failed);
    return { location, uri: s3Uri(location), markdown, html, status: report.status, summary: report.summary };
  },
});
