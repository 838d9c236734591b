import { notifyOnce } from './aws/notifications.js';
import { executionKey, getJsonIfExists, s3Uri } from './aws/object-store.js';
import { executionStatus } from './aws/step-functions.js';
import { storeReport } from './cleanup/stored-report.js';
import { EXECUTION_NAME } from './domain/execution-names.js';
import type { ChildState } from './domain/fleet.js';
import { childState as childStateOfReport, fleetFromSweep } from './domain/fleet-view.js';
import { composeFleetNotification } from './domain/notification.js';
import { ReportSchema } from './domain/report.js';
import { SweepFileSchema } from './domain/sweep-result.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget } from './runtime/deployment.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * Not a state: the target of the rule on Step Functions' own "Execution Status Change" events for
 * the executions a sweep started. When the one that just ended was the last of its sweep's
 * children, it writes the fleet report (`reports/<sweep>.fleet.json`, `.md`, `.html`: the sweep's
 * report with every child's status, summary and failures) and notifies it, once. Every child's
 * end runs it; only the last finds nothing running. Idempotent: the report is rebuilt from what
 * is stored, and each channel is published at most once per sweep (aws/publish-once.ts).
 */
const config = loadConfig(
  settingsSchema({ REPORT_BUCKET: true, STATE_MACHINE_ARN: true, TOPIC_ARN: true, EVENT_BUS_NAME: true, EVENT_SOURCE: true, AWS_REGION: true }),
);

/** What the rule delivers (Step Functions sends the execution's input as a JSON string). */
const StatusChangeSchema = z.object({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({ name: z.string(), status: z.string(), input: z.string().nullable().optional() }),
});
/** The sweep's own CollectFleet state, at its end. */
const SweepEndSchema = z.object({ sweep: z.string().regex(EXECUTION_NAME) });

/** The sweep that started this execution (its input's `sweptBy`), if any. */
function sweptBy(input: string | null | undefined): string | undefined {
  try {
    const parsed = JSON.parse(input ?? 'null') as { sweptBy?: unknown } | null;
    return typeof parsed?.sweptBy === 'string' && EXECUTION_NAME.test(parsed.sweptBy) ? parsed.sweptBy : undefined;
  } catch {
    return undefined;
  }
}

async function childState(execution: string): Promise<ChildState> {
  const ref = { bucket: config.REPORT_BUCKET, key: `reports/${execution}.json` };
  const report = await getJsonIfExists(ref, ReportSchema);
  if (report) return childStateOfReport(report, s3Uri(ref));
  const status = await executionStatus(config.STATE_MACHINE_ARN, execution);
  return status === 'RUNNING' || status === 'PENDING_REDRIVE' ? { kind: 'running' } : { kind: 'ended-without-report', status: status ?? 'NOT_FOUND' };
}

/** The sweep whose fleet the input asks about, and the child that ended (none: the sweep's own end). */
function sweepOf(input: z.infer<typeof StatusChangeSchema> | z.infer<typeof SweepEndSchema>): { sweep?: string; endedChild?: string } {
  if ('sweep' in input) return { sweep: input.sweep };
  if (input.detail.status === 'RUNNING') return {};
  const sweep = sweptBy(input.detail.input);
  return sweep ? { sweep, endedChild: input.detail.name } : {};
}

export const handler = taskHandler({
  task: 'CollectFleet',
  input: z.union([SweepEndSchema, StatusChangeSchema]),
  logKeys: (input) => ('sweep' in input ? { executionName: input.sweep } : { executionName: input.detail.name }),
  run: async (input) => {
    const { sweep, endedChild } = sweepOf(input);
    if (!sweep) return { sweep: null, outcome: 'not-a-sweep-child' as const };
    const sweepFile = await getJsonIfExists({ bucket: config.REPORT_BUCKET, key: executionKey(sweep, 'sweep.json') }, SweepFileSchema);
    if (!sweepFile) return { sweep, outcome: 'sweep-not-found' as const };
    const started = sweepFile.environments.flatMap((s) => (s.execution && (s.outcome === 'started' || s.outcome === 'already-started') ? [s.execution] : []));
    // Only the sweep's own children count: an execution that merely names a sweep (sweptBy) is not one of them.
    if (endedChild && !started.includes(endedChild)) return { sweep, outcome: 'not-a-sweep-child' as const };
    const states = new Map<string, ChildState>();
    for (const execution of started) {
      const state = await childState(execution);
      // One still running: the last child to end builds the fleet report.
      if (state.kind === 'running') return { sweep, outcome: 'children-running' as const };
      states.set(execution, state);
    }
    const sweepReport = await getJsonIfExists({ bucket: config.REPORT_BUCKET, key: `reports/${sweep}.json` }, ReportSchema);
    // The sweep's own report not written yet: its own CollectFleet state comes after it.
    if (!sweepReport) return { sweep, outcome: 'sweep-running' as const };
    const report = { ...sweepReport, fleet: fleetFromSweep(sweepFile.environments, hubTarget(), states, sweepFile.unreachable, sweepFile.targets) };
    const { location, markdown, html } = await storeReport(config.REPORT_BUCKET, `${sweep}.fleet`, report);
    const notification = composeFleetNotification(report, location, { markdown, html, region: config.AWS_REGION });
    await notifyOnce(
      { bucket: config.REPORT_BUCKET, topicArn: config.TOPIC_ARN, busName: config.EVENT_BUS_NAME, source: config.EVENT_SOURCE },
      `${sweep}.fleet`,
      notification,
    );
    metrics.addMetric('FleetReports', MetricUnit.Count, 1);
    return { sweep, outcome: 'fleet-reported' as const, report: s3Uri(location), totals: report.fleet.totals };
  },
});
