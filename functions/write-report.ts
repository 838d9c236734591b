import { type LeaseRef, releaseLease } from './aws/cleanup-lease.js';
import { executionKey, getJson, getJsonIfExists, type ObjectRef, ObjectRefSchema, putJson, putText, s3Uri, TEXT_TYPES } from './aws/object-store.js';
import { type CleanupProgress, CleanupProgressSchema, PROGRESS_FILE, stackResults } from './domain/cleanup-progress.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { ConnectionDeletionResultSchema } from './domain/connection-deletion.js';
import { type Inventory, InventorySchema } from './domain/inventory.js';
import { buildReport, CaughtErrorSchema, DirectResultSchema, type Report, ReportSchema, type Summary, SweepSectionSchema } from './domain/report.js';
import { renderHtml } from './domain/report-html.js';
import { renderMarkdown } from './domain/report-markdown.js';
import { CleanupRequestSchema } from './domain/request.js';
import { VerificationSchema } from './domain/verification.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { deploymentAccountId } from './runtime/deployment.js';
import { logger, MetricUnit, metrics } from './runtime/powertools.js';
import { SettingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** WriteReport / WriteFailureReport: the full report, from whatever the run gathered, to S3. */
const config = loadConfig(SettingsSchema.pick({ REPORT_BUCKET: true, AWS_REGION: true }));

const ReferenceSchema = z.object({ location: ObjectRefSchema });
/** The cleanup lease CheckForRunningCleanup took (released here: the run deletes nothing more). */
const LeaseRefSchema = ObjectRefSchema.extend({ etag: z.string() });
const SweepSectionsSchema = z.object({ environments: z.array(SweepSectionSchema) });

/** Only the parts of the workflow's state the report needs; everything is optional on the failure path. */
const GatheredStateSchema = z.object({
  request: CleanupRequestSchema.optional(),
  connection: ConnectionFactsSchema.optional(),
  concurrency: z.object({ runningCleanup: z.string().nullable(), lease: LeaseRefSchema.nullable().optional() }).optional(),
  sweep: ReferenceSchema.optional(),
  scheduled: ReportSchema.shape.scheduled,
  inventory: ReferenceSchema.optional(),
  deletion: z.union([ConnectionDeletionResultSchema, CaughtErrorSchema]).optional(),
  /** AdvanceCleanup's last answer: the progress itself is in S3. */
  cleanup: z.object({ round: z.number().int() }).optional(),
  standaloneCleanup: z.array(DirectResultSchema.extend({ outcome: z.enum(['deleted', 'already-absent', 'retained', 'failed']) })).optional(),
  roleCleanup: z.array(DirectResultSchema).optional(),
  verification: ReferenceSchema.optional(),
  failure: CaughtErrorSchema.optional(),
});

export interface ReportResult {
  /** The JSON report (the record); the Markdown and HTML reports people read are beside it. */
  location: ObjectRef;
  uri: string;
  markdown: ObjectRef;
  html: ObjectRef;
  status: Report['status'];
  summary: Summary;
}

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
    const [inventory, verification, progress] = await Promise.all([
      state.inventory
        ? getJson(state.inventory.location, InventorySchema)
        : state.failure && state.connection && state.connection.source !== 'none'
          ? storedInventory(executionName)
          : undefined,
      state.verification ? getJson(state.verification.location, VerificationSchema) : undefined,
      state.cleanup || (state.failure && state.deletion) ? storedProgress(executionName) : undefined,
    ]);
    const sweep = state.sweep ? (await getJson(state.sweep.location, SweepSectionsSchema)).environments : undefined;
    const report = buildReport({
      // Where it ran: a plan is executed only in the account and region it was made for.
      execution: { name: executionName, startedAt, finishedAt: clock.isoNow(), account: deploymentAccountId(), region: config.AWS_REGION },
      ...(state.request ? { request: state.request } : {}),
      ...(state.connection ? { connection: state.connection } : {}),
      ...(state.concurrency?.runningCleanup ? { runningCleanup: state.concurrency.runningCleanup } : {}),
      ...(sweep ? { sweep } : {}),
      ...(state.scheduled ? { scheduled: state.scheduled } : {}),
      ...(inventory ? { inventory } : {}),
      ...(state.deletion ? { deletion: state.deletion } : {}),
      stackResults: progress ? stackResults(progress) : [],
      ...(progress?.heldBack ? { cleanupHeldBack: progress.heldBack } : {}),
      directResults: [...(state.standaloneCleanup ?? []), ...(state.roleCleanup ?? [])],
      ...(verification ? { verification } : {}),
      ...(state.failure ? { failure: state.failure } : {}),
    });
    const at = (extension: string) => ({ bucket: config.REPORT_BUCKET, key: `reports/${executionName}.${extension}` });
    const [location, markdown, html] = await Promise.all([
      putJson(at('json'), report),
      putText(at('md'), renderMarkdown(report), TEXT_TYPES.markdown),
      putText(at('html'), renderHtml(report), TEXT_TYPES.html),
    ]);
    if (state.concurrency?.lease) await release(state.concurrency.lease, executionName);
    metrics.addMetric('ResourcesDeleted', MetricUnit.Count, report.summary.deleted + report.summary.alreadyAbsent);
    metrics.addMetric('ResourcesRetained', MetricUnit.Count, report.summary.retained);
    metrics.addMetric('ResourcesFailed', MetricUnit.Count, report.summary.failed);
    return { location, uri: s3Uri(location), markdown, html, status: report.status, summary: report.summary };
  },
});
