import { describe, expect, it } from 'vitest';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { openSandbox, runWorkflow, stateMachineArn } from '../../local/run-workflow.js';
import { ScenarioSchema } from '../../local/sandbox/scenario.js';
import { CONNECTION_ID, consoleInput, ENVIRONMENT, fault, MANAGEMENT_ACCOUNT, OTHER_CONNECTION_ID, OTHER_ENVIRONMENT, scenario } from '../helpers/scenarios.js';
import { deletingCalls, reportOf, run } from '../helpers/workflow.js';

const DELETE = 'DeleteEnvironmentAccountConnection';

describe('DeleteConnection', () => {
  it("absorbs throttling within one invocation by the SDK's own retries (3 calls)", async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'throttle', { times: 2 })] }));
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection).toMatchObject({ outcome: 'deleted', attempts: 1 });
    expect(result.sandbox.callsTo(DELETE)).toHaveLength(3);
  });

  it("retries throttling that outlasts the SDK's attempts in a new invocation, with the invocations in the report", async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'throttle', { times: 4 })] }));

    expect(reportOf(result).connection).toMatchObject({ outcome: 'deleted', attempts: 2 });
    expect(result.sandbox.callsTo(DELETE).map((c) => c.error ?? 'ok')).toEqual([
      'ThrottlingException',
      'ThrottlingException',
      'ThrottlingException',
      'ThrottlingException',
      'ok',
    ]);
  });

  it('retries a conflict twice and succeeds on the third attempt', async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'conflict', { times: 2 })] }));

    expect(reportOf(result).connection).toMatchObject({ outcome: 'deleted', attempts: 3 });
    expect(result.sandbox.callsTo(DELETE).map((c) => c.error ?? 'ok')).toEqual(['ConflictException', 'ConflictException', 'ok']);
  });

  it('records a connection that is already gone as already-absent, and still cleans up', async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'not-found')] }));
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection.outcome).toBe('already-absent');
    expect(result.sandbox.callsTo('DeleteStack').length).toBeGreaterThan(0);
    expect(report.summary.failed).toBe(0);
  });

  it('cleans up from the request when Proton no longer knows the connection', async () => {
    const gone = scenario({
      connections: [],
      input: consoleInput('execute', { environment: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT } }),
    });
    const result = await run(gone);
    const report = reportOf(result);

    expect(report.connection.outcome).toBe('already-absent');
    expect(report.connection.environmentName).toBe(ENVIRONMENT);
    expect(report.resources.filter((r) => r.type === 'cloudformation:stack').every((r) => r.outcome === 'deleted')).toBe(true);
  });

  it('fails with ConnectionNotFound, saying what to pass, when the connection is gone and no environment is given', async () => {
    const result = await run(scenario({ connections: [] }));

    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('ConnectionNotFound');
    expect(reportOf(result).failure?.message).toMatch(/"environment"/);
  });

  describe('when the delete fails for good', () => {
    const failing = () => scenario({ faults: [fault(DELETE, 'conflict')] });

    it('gives up after the bounded attempts and fails the execution with the error', async () => {
      const result = await run(failing());

      expect(result.status).toBe('failed');
      expect(result.error?.name).toBe('ConflictException');
      expect(result.sandbox.callsTo(DELETE)).toHaveLength(8);
    });

    it('reports the connection as failed and leaves every stack in place', async () => {
      const spec = failing();
      const result = await run(spec);
      const report = reportOf(result);

      expect(report.status).toBe('failed');
      expect(report.connection.outcome).toBe('failed');
      expect(report.connection.error).toMatch(/ConflictException/);
      expect(result.sandbox.callsTo('DeleteStack')).toHaveLength(0);
      expect(report.resources.filter((r) => r.plannedAction === 'delete-stack').every((r) => r.outcome === 'retained')).toBe(true);
      expect(spec.stacks?.length).toBeGreaterThan(0);
      for (const stack of spec.stacks ?? []) expect(result.sandbox.account.stackByName(stack.name)?.status).toBe(stack.status ?? 'CREATE_COMPLETE');
    });

    it('notifies people and machines of the failure', async () => {
      const result = await run(failing());
      const [message] = [...result.sandbox.account.topics.values()].flat();

      expect(message?.subject).toMatch(/FAILED/);
      expect(message?.message).toContain(CONNECTION_ID);
      expect(result.sandbox.account.events.map((e) => e.detailType)).toEqual([COMPLETION_DETAIL_TYPE.failed]);
    });
  });

  it('does not retry an access denial: one call, then the failure path, naming the denial and what to do', async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'access-denied')] }));

    expect(result.error?.name).toBe('ProtonCallFailed');
    expect(result.error?.cause).toMatch(/AccessDeniedException: .*protonApi=retired/);
    expect(result.sandbox.callsTo(DELETE)).toHaveLength(1);
  });
});

describe('one cleanup per connection at a time (a lease in the report bucket)', () => {
  // The lease of the environment the run cleans up (README "Safety model"): an S3 object naming the execution holding it.
  const leaseKey = `${LOCAL_RESOURCES.reportBucket}/leases/environment/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}.json`;
  const lease = (holder: string, extra: object = {}) =>
    JSON.stringify({ holder, target: `${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`, takenAt: '2026-11-25T09:59:00Z', ...extra });
  const execution = (spec: unknown, name: string, status: 'RUNNING' | 'SUCCEEDED' | 'FAILED', input: unknown = consoleInput('execute')) => ({
    stateMachineArn: stateMachineArn(ScenarioSchema.parse(spec)),
    name,
    input,
    status,
    startedAt: new Date(Date.now() - 60_000),
  });

  it('yields to the running cleanup that holds the lease, changing nothing and saying so', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    sandbox.account.executions.push(execution(spec, 'console-started-earlier', 'RUNNING'));
    sandbox.account.objects.set(leaseKey, lease('console-started-earlier'));
    const result = await runWorkflow(spec, { sandbox });
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection).toMatchObject({ outcome: 'not-attempted', reason: expect.stringContaining('console-started-earlier') });
    expect(deletingCalls(result)).toEqual([]);
    expect(JSON.parse(sandbox.account.objects.get(leaseKey)!)).toMatchObject({ holder: 'console-started-earlier' });
  });

  it('takes over a lease whose holder has finished (or no longer exists), and goes on', async () => {
    for (const [holder, executions] of [
      ['finished', ['SUCCEEDED']],
      ['failed-earlier', ['FAILED']],
      ['expired-long-ago', []],
    ] as const) {
      const spec = scenario();
      const sandbox = await openSandbox(spec);
      for (const status of executions) sandbox.account.executions.push(execution(spec, holder, status));
      sandbox.account.objects.set(leaseKey, lease(holder));
      const result = await runWorkflow(spec, { sandbox, executionName: `after-${holder}` });

      expect(reportOf(result).connection.outcome, holder).toBe('deleted');
      expect(JSON.parse(sandbox.account.objects.get(leaseKey)!), holder).toMatchObject({ holder: `after-${holder}`, released: true });
    }
  });

  it('goes on when the running cleanup is for another environment, and takes a released lease', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    sandbox.account.executions.push(execution(spec, 'other-connection', 'RUNNING', { connectionId: OTHER_CONNECTION_ID, mode: 'execute' }));
    sandbox.account.objects.set(
      `${LOCAL_RESOURCES.reportBucket}/leases/environment/${MANAGEMENT_ACCOUNT}/${OTHER_ENVIRONMENT}.json`,
      lease('other-connection'),
    );
    sandbox.account.objects.set(leaseKey, lease('done-before', { released: true }));
    const result = await runWorkflow(spec, { sandbox });

    expect(reportOf(result).connection.outcome).toBe('deleted');
    expect(result.sandbox.callsTo('DescribeExecution')).toEqual([]);
  });

  it('releases its lease when the run ends, so the next run takes it with no DescribeExecution', async () => {
    const spec = scenario();
    const first = await runWorkflow(spec, { executionName: 'first-run' });
    expect(JSON.parse(first.sandbox.account.objects.get(leaseKey)!)).toMatchObject({ holder: 'first-run', released: true });
  });

  it('a plan run neither takes nor yields to a lease', async () => {
    const spec = scenario({ input: consoleInput('plan') });
    const sandbox = await openSandbox(spec);
    sandbox.account.executions.push(execution(spec, 'console-started-earlier', 'RUNNING'));
    sandbox.account.objects.set(leaseKey, lease('console-started-earlier'));
    const result = await runWorkflow(spec, { sandbox });

    expect(reportOf(result).connection.outcome).toBe('planned');
    expect(JSON.parse(sandbox.account.objects.get(leaseKey)!)).toMatchObject({ holder: 'console-started-earlier' });
  });

  it('costs a constant number of calls however many executions run (no ListExecutions, at most one DescribeExecution)', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    for (let i = 0; i < 200; i++)
      sandbox.account.executions.push(
        execution(spec, `sweep-child-${i}`, 'RUNNING', { environment: { name: `env-${i}`, managementAccountId: MANAGEMENT_ACCOUNT }, mode: 'execute' }),
      );
    sandbox.account.executions.push(execution(spec, 'finished', 'SUCCEEDED'));
    sandbox.account.objects.set(leaseKey, lease('finished'));
    const result = await runWorkflow(spec, { sandbox });

    expect(reportOf(result).connection.outcome).toBe('deleted');
    expect(result.sandbox.callsTo('ListExecutions')).toEqual([]);
    expect(result.sandbox.callsTo('DescribeExecution')).toHaveLength(1);
  });
});
