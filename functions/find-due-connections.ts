import * as z from './runtime/zod.js';
import { decommissionDueEvent, judgeConnection, todayUtc, type TaggedConnection } from './domain/decommission-schedule.js';
import { scheduledExecutionName } from './domain/execution-names.js';
import { DECOMMISSION_DUE } from './domain/request.js';
import { callAws } from './aws/error-mapping.js';
import { connectionTags, listConnections } from './aws/proton.js';
import { startNamedExecution } from './aws/step-functions.js';
import { loadConfig, modeVariable, nonEmpty } from './runtime/config.js';
import { SweepIncompleteError } from './runtime/errors.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * The scheduled sweep: lists this account's connections, reads their decommission tag, and
 * starts one execution for each that is due, named per connection and day. Malformed tags and
 * unreadable connections are reported, never fatal.
 */
const config = loadConfig(
  z.object({
    STATE_MACHINE_ARN: nonEmpty,
    DECOMMISSION_TAG_KEY: nonEmpty.default('proton-cleanup:decommission-on'),
    SCHEDULE_MODE: modeVariable.default('plan'),
    REQUEST_EVENT_SOURCE: nonEmpty.default('proton-connection-cleanup'),
  }),
);

export interface SweepResult {
  started: { connectionId: string; executionName: string }[];
  alreadyStarted: { connectionId: string; executionName: string }[];
  notDue: { connectionId: string; decommissionOn: string }[];
  malformed: { connectionId: string; value: string; problem: string }[];
  unreadable: { connectionId: string; error: string }[];
  failedToStart: { connectionId: string; executionName: string; error: string }[];
  untagged: number;
}

async function withTags(connection: { id?: string; arn?: string; environmentName?: string; status?: string }): Promise<TaggedConnection> {
  const arn = connection.arn ?? '';
  const tags = await callAws(`ListTagsForResource ${arn}`, () => connectionTags(arn));
  return { id: connection.id ?? '', arn, environmentName: connection.environmentName ?? '', status: connection.status ?? '', tags };
}

export const handler = taskHandler({
  task: 'FindDueConnections',
  input: z.unknown(),
  summarize: (result: SweepResult) => result,
  run: async (): Promise<SweepResult> => {
    const now = new Date();
    const today = todayUtc(now);
    const result: SweepResult = { started: [], alreadyStarted: [], notDue: [], malformed: [], unreadable: [], failedToStart: [], untagged: 0 };
    const connections = await callAws('ListEnvironmentAccountConnections', () => listConnections());
    for (const summary of connections) {
      let connection: TaggedConnection;
      try {
        connection = await withTags(summary);
      } catch (error) {
        result.unreadable.push({ connectionId: summary.id ?? '', error: `${(error as Error).name}: ${(error as Error).message}` });
        continue;
      }
      const verdict = judgeConnection(connection, config.DECOMMISSION_TAG_KEY, today);
      if (verdict.kind === 'untagged') result.untagged += 1;
      if (verdict.kind === 'not-due') result.notDue.push({ connectionId: connection.id, decommissionOn: verdict.decommissionOn });
      if (verdict.kind === 'malformed') result.malformed.push({ connectionId: connection.id, value: verdict.value, problem: verdict.problem });
      if (verdict.kind !== 'due') continue;
      const executionName = scheduledExecutionName(connection.id, today);
      const input = decommissionDueEvent(connection, { name: executionName, source: config.REQUEST_EVENT_SOURCE, detailType: DECOMMISSION_DUE, mode: config.SCHEDULE_MODE, now });
      try {
        const outcome = await startNamedExecution(config.STATE_MACHINE_ARN, executionName, input);
        result[outcome === 'started' ? 'started' : 'alreadyStarted'].push({ connectionId: connection.id, executionName });
      } catch (error) {
        result.failedToStart.push({ connectionId: connection.id, executionName, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    metrics.addMetric('ConnectionsDue', MetricUnit.Count, result.started.length + result.alreadyStarted.length + result.failedToStart.length);
    metrics.addMetric('ExecutionsStarted', MetricUnit.Count, result.started.length);
    metrics.addMetric('MalformedDecommissionTags', MetricUnit.Count, result.malformed.length);
    if (result.failedToStart.length > 0) {
      // Fail the invocation so it is retried: the names make a retry start only what is missing.
      const which = result.failedToStart.map((f) => `${f.connectionId} (${f.error})`).join('; ');
      throw new SweepIncompleteError(`Started ${result.started.length} execution(s) but could not start ${result.failedToStart.length}: ${which}`);
    }
    return result;
  },
});
