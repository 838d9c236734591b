import { parametersUnder } from './aws/decommission-dates.js';
import { connectionTags, type ListedConnection, listConnections } from './aws/proton.js';
import { startNamedExecution } from './aws/step-functions.js';
import { decommissionDates, decommissionDueEvent, judgeConnection, type TaggedConnection, todayUtc } from './domain/decommission-schedule.js';
import { scheduledEnvironmentExecutionName, scheduledExecutionName } from './domain/execution-names.js';
import { DECOMMISSION_DUE } from './domain/request.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { deploymentAccountId, protonApiSetting } from './runtime/deployment.js';
import { SweepIncompleteError } from './runtime/errors.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { SettingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * The daily schedule: starts one execution for each decommission whose date has come, named per
 * target, mode and day. While Proton is available, the dates are connection tags; with Proton
 * retired (protonApi=retired), SSM parameters `<path>/<management account>/<environment>`.
 * Malformed dates and unreadable connections are reported, never fatal, never a reason to delete.
 */
const config = loadConfig(
  SettingsSchema.pick({
    STATE_MACHINE_ARN: true,
    AWS_REGION: true,
    DECOMMISSION_TAG_KEY: true,
    DECOMMISSION_PARAMETER_PATH: true,
    SCHEDULE_MODE: true,
    REQUEST_EVENT_SOURCE: true,
  }),
);
protonApiSetting(); // a bad PROTON_API fails the cold start

/** What is due, by connection id (Proton available) or environment (`name@management account`, retired). */
export interface SweepResult {
  started: { target: string; executionName: string }[];
  alreadyStarted: { target: string; executionName: string }[];
  notDue: { target: string; decommissionOn: string }[];
  malformed: { target: string; value: string; problem: string }[];
  unreadable: { target: string; error: string }[];
  failedToStart: { target: string; executionName: string; error: string }[];
  untagged: number;
}

interface Due {
  target: string;
  executionName: string;
  input: Record<string, unknown>;
}

const emptyResult = (): SweepResult => ({ started: [], alreadyStarted: [], notDue: [], malformed: [], unreadable: [], failedToStart: [], untagged: 0 });

async function withTags(connection: ListedConnection): Promise<TaggedConnection> {
  return {
    id: connection.id,
    arn: connection.arn,
    environmentName: connection.environmentName,
    status: connection.status,
    tags: await connectionTags(connection.arn),
  };
}

/** Proton available: the connections' decommission tags. */
async function dueConnections(result: SweepResult, now: Date): Promise<Due[]> {
  const today = todayUtc(now);
  const due: Due[] = [];
  for (const summary of await listConnections()) {
    let connection: TaggedConnection;
    try {
      connection = await withTags(summary);
    } catch (error) {
      result.unreadable.push({ target: summary.id, error: `${(error as Error).name}: ${(error as Error).message}` });
      continue;
    }
    const verdict = judgeConnection(connection, config.DECOMMISSION_TAG_KEY, today);
    if (verdict.kind === 'untagged') result.untagged += 1;
    if (verdict.kind === 'not-due') result.notDue.push({ target: connection.id, decommissionOn: verdict.decommissionOn });
    if (verdict.kind === 'malformed') result.malformed.push({ target: connection.id, value: verdict.value, problem: verdict.problem });
    if (verdict.kind !== 'due') continue;
    const executionName = scheduledExecutionName(connection.id, today, config.SCHEDULE_MODE);
    const [, , , region = config.AWS_REGION, account = deploymentAccountId()] = connection.arn.split(':');
    const input = decommissionDueEvent({ connectionId: connection.id }, { ...eventOptions(executionName, now), region, account, resources: [connection.arn] });
    due.push({ target: connection.id, executionName, input });
  }
  return due;
}

/** Proton retired: the SSM parameters, one per environment. */
async function dueEnvironments(result: SweepResult, now: Date): Promise<Due[]> {
  const today = todayUtc(now);
  const { dates, ignored } = decommissionDates(await parametersUnder(config.DECOMMISSION_PARAMETER_PATH), config.DECOMMISSION_PARAMETER_PATH);
  for (const i of ignored) result.malformed.push({ target: i.name, value: '', problem: i.problem });
  const due: Due[] = [];
  for (const date of dates) {
    const target = `${date.environment.name}@${date.environment.managementAccountId}`;
    if ('problem' in date) {
      result.malformed.push({ target, value: date.source, problem: date.problem });
      continue;
    }
    if (date.day > today) {
      result.notDue.push({ target, decommissionOn: date.day });
      continue;
    }
    const executionName = scheduledEnvironmentExecutionName(date.environment, today, config.SCHEDULE_MODE);
    const input = decommissionDueEvent(
      { environment: date.environment },
      { ...eventOptions(executionName, now), region: config.AWS_REGION, account: deploymentAccountId(), resources: [] },
    );
    due.push({ target, executionName, input });
  }
  return due;
}

function eventOptions(name: string, now: Date) {
  return { name, source: config.REQUEST_EVENT_SOURCE, detailType: DECOMMISSION_DUE, mode: config.SCHEDULE_MODE, day: todayUtc(now) };
}

export const handler = taskHandler({
  task: 'FindDueConnections',
  input: z.unknown(),
  summarize: (result: SweepResult) => result,
  run: async (): Promise<SweepResult> => {
    const now = new Date(clock.now());
    const result = emptyResult();
    const due = protonApiSetting() === 'retired' ? await dueEnvironments(result, now) : await dueConnections(result, now);
    for (const { target, executionName, input } of due) {
      try {
        const outcome = await startNamedExecution(config.STATE_MACHINE_ARN, executionName, input);
        result[outcome === 'started' ? 'started' : 'alreadyStarted'].push({ target, executionName });
      } catch (error) {
        result.failedToStart.push({ target, executionName, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    metrics.addMetric('DecommissionsDue', MetricUnit.Count, due.length);
    metrics.addMetric('ExecutionsStarted', MetricUnit.Count, result.started.length);
    metrics.addMetric('MalformedDecommissionDates', MetricUnit.Count, result.malformed.length);
    if (result.failedToStart.length > 0) {
      // Fail the invocation so that Lambda's asynchronous retries run it again: the names make a retry start only what is missing.
      const which = result.failedToStart.map((f) => `${f.target} (${f.error})`).join('; ');
      throw new SweepIncompleteError(`Started ${result.started.length} execution(s) but could not start ${result.failedToStart.length}: ${which}`);
    }
    return result;
  },
});
