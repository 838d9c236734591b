import { describe, expect, it } from 'vitest';
import { addDays } from '../../functions/domain/decommission-schedule.js';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { asFunction } from '../helpers/functions.js';
import { CONNECTION_ID, ENVIRONMENT, eventBridgeEvent, MANAGEMENT_ACCOUNT, OTHER_CONNECTION_ID, scenario } from '../helpers/scenarios.js';
import { deletingCalls, reportOf } from '../helpers/workflow.js';

/**
 * Each trigger end to end: the trigger's Lambda (answered by the sandbox) starts an execution
 * through the Step Functions API, and the recorded execution input runs through the real ASL.
 */
async function deliverEvent(event: unknown) {
  const { handler } = await import('../../functions/start-from-event.js');
  return asFunction('startFromEvent', () => handler(event));
}

async function runSchedule() {
  const { handler } = await import('../../functions/find-due-connections.js');
  return asFunction('findDueConnections', () => handler({}));
}

/** Runs every execution the trigger started and no one ran yet, in order, on the same account. */
async function runStarted(spec: ScenarioInput, sandbox: Sandbox) {
  const results = [];
  for (const execution of sandbox.account.executions.filter((e) => e.status === 'RUNNING')) {
    results.push(await runWorkflow(spec, { sandbox, input: execution.input, executionName: execution.name }));
  }
  return results;
}

const decommissionRequested = (detail: unknown, id = 'e1f2a3b4-0000-4000-8000-000000000001') => ({
  ...eventBridgeEvent('proton-connection-cleanup', 'Proton Connection Decommission Requested', detail),
  id,
});

describe('the custom "Proton Connection Decommission Requested" event', () => {
  it('starts one execution, which decommissions the connection in the mode the detail names', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    await deliverEvent(decommissionRequested({ connectionId: CONNECTION_ID, mode: 'execute' }));
    const [result] = await runStarted(spec, sandbox);
    const report = reportOf(result!);

    expect(sandbox.account.executions).toHaveLength(1);
    expect(report.request?.trigger).toMatchObject({ type: 'event', detailType: 'Proton Connection Decommission Requested' });
    expect(report.connection.outcome).toBe('deleted');
  });

  it('does not start a second cleanup when the same event is delivered again while the first runs', async () => {
    const sandbox = await openSandbox(scenario());
    const event = decommissionRequested({ connectionId: CONNECTION_ID, mode: 'execute' });
    const first = await deliverEvent(event);
    const second = await deliverEvent(event);

    // While the first runs, StartExecution answers the redelivery as the same request: no second execution.
    expect(first.outcome).toBe('started');
    expect(second.executionName).toBe(first.executionName);
    expect(sandbox.account.executions).toHaveLength(1);
  });
});

describe("Proton's events", () => {
  it('decommission a connection whose status became REJECTED', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    await deliverEvent(
      eventBridgeEvent('aws.proton', 'AWS Proton Environment Account Connection Status Change', {
        id: CONNECTION_ID,
        status: 'REJECTED',
        previousStatus: 'PENDING',
      }),
    );
    const [result] = await runStarted(spec, sandbox);

    expect(reportOf(result!).request).toMatchObject({ connectionId: CONNECTION_ID, mode: 'plan' });
    expect(deletingCalls(result!)).toEqual([]);
  });

  it('decommission the connection serving an environment Proton reports DELETED', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec, { defaultMode: 'plan' });
    await deliverEvent({
      ...eventBridgeEvent('aws.proton', 'AWS Proton Environment Status Change', { name: ENVIRONMENT, status: 'DELETED', previousStatus: 'DELETE_IN_PROGRESS' }),
      account: MANAGEMENT_ACCOUNT,
    });
    const [result] = await runStarted(spec, sandbox);
    const report = reportOf(result!);

    expect(report.connection).toMatchObject({ id: CONNECTION_ID, environmentName: ENVIRONMENT, outcome: 'planned' });
    expect(report.summary.planned).toBeGreaterThan(0);
  });

  it('report "nothing to do", successfully, when the deleted environment has no connection in this account', async () => {
    const spec = scenario({ connections: [] });
    const sandbox = await openSandbox(spec);
    await deliverEvent({
      ...eventBridgeEvent('aws.proton', 'AWS Proton Environment Status Change', { name: ENVIRONMENT, status: 'DELETED' }),
      account: MANAGEMENT_ACCOUNT,
    });
    const [result] = await runStarted(spec, sandbox);
    const report = reportOf(result!);

    expect(result!.status).toBe('succeeded');
    expect(report.connection.outcome).toBe('not-found');
    expect(report.connection.reason).toMatch(/nothing to do/);
    expect(report.summary.total).toBe(0);
    expect(deletingCalls(result!)).toEqual([]);
  });
});

describe('the scheduled decommission run', () => {
  const taggedScenario = () =>
    scenario({
      connections: [
        {
          id: CONNECTION_ID,
          environmentName: ENVIRONMENT,
          roleName: 'ProtonEnvironmentRole-payments',
          tags: { 'proton-cleanup:decommission-on': '2026-01-15' },
        },
        {
          id: OTHER_CONNECTION_ID,
          environmentName: 'ledger-staging',
          roleName: 'ProtonEnvironmentRole-ledger',
          tags: { 'proton-cleanup:decommission-on': '2999-01-01' },
        },
      ],
    });

  it('plans a due connection first (the notice), then executes exactly that plan at its next run, which decommissions it', async () => {
    const spec = taggedScenario();
    const sandbox = await openSandbox(spec);
    const noticed = await runSchedule();
    const [notice] = await runStarted(spec, sandbox);
    const deletionsByTheNotice = deletingCalls(notice!);
    const executed = await runSchedule();
    const [result] = await runStarted(spec, sandbox);

    expect(noticed.awaitingPlan.map((s) => s.target)).toEqual([CONNECTION_ID]);
    expect(noticed.notDue).toEqual([{ target: OTHER_CONNECTION_ID, decommissionOn: '2999-01-01' }]);
    expect(reportOf(notice!)).toMatchObject({ mode: 'plan', request: { trigger: { detailType: 'Proton Connection Decommission Notice' } } });
    expect(deletionsByTheNotice).toEqual([]);
    expect(executed.started.map((s) => s.executionName)).toEqual([`scheduled-execute-${CONNECTION_ID}-20260115`]);
    expect(reportOf(result!)).toMatchObject({ executedPlan: { execution: notice!.executionName }, connection: { outcome: 'deleted' } });
  });

  it('gives notice noticeDays (3) before the date, and on the date executes that plan', async () => {
    const today = new Date(Date.now()).toISOString().slice(0, 10);
    const due = addDays(today, 2);
    const spec = scenario({
      connections: [
        { id: CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'ProtonEnvironmentRole-payments', tags: { 'proton-cleanup:decommission-on': due } },
      ],
    });
    const sandbox = await openSandbox(spec);
    await runSchedule();
    const [notice] = await runStarted(spec, sandbox);
    sandbox.clock.advanceTo(Date.parse(`${due}T06:00:00Z`));
    await runSchedule();
    const [result] = await runStarted(spec, sandbox);

    expect(notice?.executionName).toBe(`scheduled-notice-${CONNECTION_ID}-${due.replaceAll('-', '')}`);
    expect(reportOf(result!)).toMatchObject({ mode: 'execute', executedPlan: { execution: notice!.executionName }, connection: { outcome: 'deleted' } });
  });

  it('starts nothing new when it runs again the same day', async () => {
    const sandbox = await openSandbox(taggedScenario());
    await runSchedule();
    const again = await runSchedule();

    // The first is still running: StartExecution answers the same request with success, and starts nothing.
    expect([...again.started, ...again.alreadyStarted].map((s) => s.target)).toEqual([CONNECTION_ID]);
    expect(sandbox.account.executions).toHaveLength(1);
  });
});

describe('the scheduled decommission run with protonApi=retired', () => {
  const datedScenario = () =>
    scenario({
      protonApi: 'retired',
      parameters: {
        [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}`]: '2026-01-15',
        [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/ledger-staging`]: '2999-01-01',
        [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/broken`]: 'next week',
      },
    });

  it('plans, then executes that plan for each environment whose date (an SSM parameter) has come, without asking Proton', async () => {
    const spec = datedScenario();
    const sandbox = await openSandbox(spec);
    const schedule = await runSchedule();
    await runStarted(spec, sandbox);
    await runSchedule();
    const [result] = await runStarted(spec, sandbox);

    expect(schedule.awaitingPlan.map((s) => s.target)).toEqual([`${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`]);
    expect(schedule.notDue).toEqual([{ target: `ledger-staging@${MANAGEMENT_ACCOUNT}`, decommissionOn: '2999-01-01' }]);
    expect(
      reportOf(result!)
        .resources.filter((r) => r.type === 'cloudformation:stack')
        .every((r) => r.outcome === 'deleted'),
    ).toBe(true);
    expect(sandbox.calls.filter((c) => c.service === 'proton')).toEqual([]);
  });

  it('reports a malformed date and starts nothing for it', async () => {
    await openSandbox(datedScenario());
    const schedule = await runSchedule();

    expect(schedule.malformed).toEqual([expect.objectContaining({ target: `broken@${MANAGEMENT_ACCOUNT}`, problem: expect.stringContaining('YYYY-MM-DD') })]);
  });
});

describe('a request that schedules a decommission', () => {
  const schedule = (day: string) => ({ environment: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT }, decommissionOn: day, mode: 'execute' });

  it('writes the date where the daily schedule reads it, deletes nothing, and says so in the report', async () => {
    const spec = scenario({ protonApi: 'retired', input: schedule('2026-12-24') });
    const sandbox = await openSandbox(spec);
    const result = await runWorkflow(spec, { sandbox, executionName: 'schedule-it' });
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(deletingCalls(result)).toEqual([]);
    expect(report.scheduled).toEqual({
      environmentName: ENVIRONMENT,
      managementAccountId: MANAGEMENT_ACCOUNT,
      decommissionOn: '2026-12-24',
      parameter: `/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}`,
    });
    expect(sandbox.callsTo('PutParameter')).toEqual([expect.objectContaining({ input: expect.objectContaining({ Value: '2026-12-24', Overwrite: true }) })]);
  });

  it('is read by the daily schedule once the date has come', async () => {
    const spec = scenario({ protonApi: 'retired', input: schedule('2020-01-01') });
    const sandbox = await openSandbox(spec);
    await runWorkflow(spec, { sandbox, executionName: 'schedule-past' });
    const due = await runSchedule();

    expect(due.started.map((s) => s.target)).toEqual([`${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`]);
  });
});
