import { parametersUnder } from './aws/decommission-dates.js';
import { getJsonIfExists, s3Uri } from './aws/object-store.js';
import { connectionTags, type ListedConnection, listConnections } from './aws/proton.js';
import { startNamedExecution } from './aws/step-functions.js';
import { inTarget } from './aws/target-session.js';
import { configuredTargets } from './cleanup/targets.js';
import { decommissionDates, decommissionDueEvent, judgeConnection, scheduledStep, type TaggedConnection, todayUtc } from './domain/decommission-schedule.js';
import { scheduledEnvironmentExecutionName, scheduledExecutionName } from './domain/execution-names.js';
import { ReportSchema } from './domain/report.js';
import { DECOMMISSION_DUE, DECOMMISSION_NOTICE } from './domain/request.js';
import { planAgeHours } from './domain/reviewed-plan.js';
import { isFleet, requestPlace, type Target, targetKey } from './domain/target.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget, protonApiSetting } from './runtime/deployment.js';
import { InvalidConfigurationError, SweepIncompleteError } from './runtime/errors.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * The daily schedule: starts one execution for each decommission whose date has come, named per
 * target, mode and day. While Proton is available, the dates are connection tags; with Proton
 * retired (protonApi=retired), SSM parameters `<path>/<management account>/<environment>`.
 * Malformed dates and unreadable connections are reported, never fatal, never a reason to delete.
 */
const config = loadConfig(
  settingsSchema({
    STATE_MACHINE_ARN: true,
    AWS_REGION: true,
    DECOMMISSION_TAG_KEY: true,
    DECOMMISSION_PARAMETER_PATH: true,
    SCHEDULE_MODE: true,
    REQUEST_EVENT_SOURCE: true,
    REPORT_BUCKET: true,
    NOTICE_DAYS: true,
    MAX_PLAN_AGE_HOURS: true,
  }),
);
protonApiSetting(); // a bad PROTON_API fails the cold start
// The notice plan is executed noticeDays later: it must still be young enough then.
if (config.NOTICE_DAYS * 24 > config.MAX_PLAN_AGE_HOURS) {
  throw new InvalidConfigurationError(
    `Invalid environment variables: NOTICE_DAYS (${config.NOTICE_DAYS}) days is longer than MAX_PLAN_AGE_HOURS (${config.MAX_PLAN_AGE_HOURS}) hours: ` +
      'the notice plan would be refused as too old on the decommission date; lower noticeDays or raise maxPlanAgeHours',
  );
}

/** What is due, by connection id (Proton available) or environment (`name@management account`, retired). */
export interface SweepResult {
  started: { target: string; executionName: string }[];
  alreadyStarted: { target: string; executionName: string }[];
  notDue: { target: string; decommissionOn: string }[];
  malformed: { target: string; value: string; problem: string }[];
  unreadable: { target: string; error: string }[];
  failedToStart: { target: string; executionName: string; error: string }[];
  /** Due, but its notice plan is not there yet (the date came sooner than noticeDays): planned now, executed at a later run. */
  awaitingPlan: { target: string; executionName: string }[];
  /** Due, but its notice plan cannot be executed (it failed, or is not a plan): nothing is executed; change the date to plan again. */
  unplanned: { target: string; plan: string; problem: string }[];
  untagged: number;
}

interface Start {
  target: string;
  executionName: string;
  input: Record<string, unknown>;
}

/** A decommission date found, with what its executions need. */
interface Dated {
  target: string;
  day: string;
  /** The request's detail (another target's runs name their account and Region). */
  detail: ({ connectionId: string } | { environment: { name: string; managementAccountId: string } }) & { account?: string; region?: string };
  /** The execution name for this target, a day and a mode (or `notice`). */
  nameFor: (day: string, mode: string) => string;
  event: { region: string; account: string; resources: string[] };
}

const emptyResult = (): SweepResult => ({
  started: [],
  alreadyStarted: [],
  notDue: [],
  malformed: [],
  unreadable: [],
  failedToStart: [],
  awaitingPlan: [],
  unplanned: [],
  untagged: 0,
});

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
async function datedConnections(result: SweepResult, today: string, where: Target): Promise<Dated[]> {
  const dated: Dated[] = [];
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
    if (verdict.kind === 'malformed') result.malformed.push({ target: connection.id, value: verdict.value, problem: verdict.problem });
    if (verdict.kind !== 'due' && verdict.kind !== 'not-due') continue;
    const [, , , region = where.region, account = where.account] = connection.arn.split(':');
    dated.push({
      target: connection.id,
      day: verdict.decommissionOn,
      detail: { connectionId: connection.id, ...requestPlace(where, hubTarget()) },
      nameFor: (day, mode) => scheduledExecutionName(connection.id, day, mode),
      event: { region, account, resources: [connection.arn] },
    });
  }
  return dated;
}

/** Proton retired: the SSM parameters, one per environment. */
async function datedEnvironments(result: SweepResult, where: Target): Promise<Dated[]> {
  const { dates, ignored } = decommissionDates(await parametersUnder(config.DECOMMISSION_PARAMETER_PATH), config.DECOMMISSION_PARAMETER_PATH);
  for (const i of ignored) result.malformed.push({ target: i.name, value: '', problem: i.problem });
  const dated: Dated[] = [];
  for (const date of dates) {
    const place = requestPlace(where, hubTarget());
    const target = `${date.environment.name}@${date.environment.managementAccountId}${place.account ? ` in ${targetKey(where)}` : ''}`;
    if ('problem' in date) {
      result.malformed.push({ target, value: date.source, problem: date.problem });
      continue;
    }
    dated.push({
      target,
      day: date.day,
      detail: { environment: date.environment, ...place },
      nameFor: (day, mode) => scheduledEnvironmentExecutionName(date.environment, day, mode, place.account ? where : undefined),
      event: { region: where.region, account: where.account, resources: [] },
    });
  }
  return dated;
}

/** The execution for `dated` in `mode`, its input the same all day (`day` is its time), so a repeated schedule is known for the same request. */
function startFor(
  dated: Dated,
  detail: Parameters<typeof decommissionDueEvent>[0],
  run: { name: string; mode: string; detailType: string; day: string },
): Start {
  const input = decommissionDueEvent(detail, {
    name: run.name,
    source: config.REQUEST_EVENT_SOURCE,
    detailType: run.detailType,
    mode: run.mode,
    day: run.day,
    ...dated.event,
  });
  return { target: dated.target, executionName: run.name, input };
}

/** The notice plan's report: undefined while there is none (not started, or still running). */
async function noticePlanProblem(executionName: string, now: number): Promise<{ uri: string; problem?: string } | undefined> {
  const location = { bucket: config.REPORT_BUCKET, key: `reports/${executionName}.json` };
  const raw = await getJsonIfExists(location, z.unknown());
  if (raw === undefined) return undefined;
  const uri = s3Uri(location);
  const report = ReportSchema.safeParse(raw);
  if (!report.success) return { uri, problem: 'its report is not a report of this version' };
  if (report.data.status !== 'succeeded' || report.data.mode !== 'plan') {
    return {
      uri,
      problem: `the notice plan run ${report.data.status === 'failed' ? `failed (${report.data.failure?.error ?? 'see its report'})` : 'is not a plan'}`,
    };
  }
  // Executing it would be refused (and the execution's name is taken for good): say so now instead.
  const ageHours = planAgeHours(report.data, now);
  if (ageHours > config.MAX_PLAN_AGE_HOURS) {
    return {
      uri,
      problem: `the notice plan is ${ageHours} hours old, older than maxPlanAgeHours (${config.MAX_PLAN_AGE_HOURS}): set a new date to plan again`,
    };
  }
  return { uri };
}

/**
 * What to start today for one dated decommission. With scheduleMode=execute and noticeDays > 0: the
 * notice plan from noticeDays before the date, then, on the date, one execution of exactly that
 * plan (named for the date: once). Otherwise, as scheduleMode says, each day from the date.
 */
async function startsFor(dated: Dated, now: number, result: SweepResult): Promise<Start[]> {
  const today = todayUtc(new Date(now));
  const step = scheduledStep(dated.day, today, config.NOTICE_DAYS);
  const withNotice = config.SCHEDULE_MODE === 'execute' && config.NOTICE_DAYS > 0;
  if (step === 'wait' || (step === 'notice' && !withNotice)) {
    result.notDue.push({ target: dated.target, decommissionOn: dated.day });
    return [];
  }
  if (!withNotice) {
    return [
      startFor(dated, dated.detail, { name: dated.nameFor(today, config.SCHEDULE_MODE), mode: config.SCHEDULE_MODE, detailType: DECOMMISSION_DUE, day: today }),
    ];
  }
  const noticeName = dated.nameFor(dated.day, 'notice');
  const notice = startFor(dated, dated.detail, { name: noticeName, mode: 'plan', detailType: DECOMMISSION_NOTICE, day: dated.day });
  if (step === 'notice') return [notice];
  const plan = await noticePlanProblem(noticeName, now);
  if (!plan) {
    result.awaitingPlan.push({ target: dated.target, executionName: noticeName });
    return [notice];
  }
  if (plan.problem) {
    result.unplanned.push({ target: dated.target, plan: plan.uri, problem: plan.problem });
    return [];
  }
  const execute = { name: dated.nameFor(dated.day, 'execute'), mode: 'execute', detailType: DECOMMISSION_DUE, day: dated.day };
  return [startFor(dated, { ...dated.detail, plan: plan.uri }, execute)];
}

export const handler = taskHandler({
  task: 'FindDueConnections',
  input: z.unknown(),
  summarize: (result: SweepResult) => result,
  run: async (): Promise<SweepResult> => {
    const now = clock.now();
    const today = todayUtc(new Date(now));
    const result = emptyResult();
    const dated: Dated[] = [];
    // Every target's dates: one account's failure to answer is reported, never fatal for the
    // others. The hub alone fails as it always did (Lambda's asynchronous retries run it again).
    const targets = await configuredTargets();
    const fleet = isFleet(targets, hubTarget());
    for (const target of targets) {
      try {
        dated.push(
          ...(await inTarget({ target, sessionName: `scheduled-${today}` }, () =>
            protonApiSetting() === 'retired' ? datedEnvironments(result, target) : datedConnections(result, today, target),
          )),
        );
      } catch (error) {
        if (!fleet) throw error;
        result.unreadable.push({ target: targetKey(target), error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    const starts: Start[] = [];
    for (const d of dated) starts.push(...(await startsFor(d, now, result)));
    for (const { target, executionName, input } of starts) {
      try {
        const outcome = await startNamedExecution(config.STATE_MACHINE_ARN, executionName, input);
        result[outcome === 'started' ? 'started' : 'alreadyStarted'].push({ target, executionName });
      } catch (error) {
        result.failedToStart.push({ target, executionName, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    metrics.addMetric('DecommissionsDue', MetricUnit.Count, starts.length);
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
