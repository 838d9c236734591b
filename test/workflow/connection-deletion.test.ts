import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow, stateMachineArn } from '../../local/run-workflow.js';
import { ScenarioSchema } from '../../local/sandbox/scenario.js';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { CONNECTION_ID, ENVIRONMENT, MANAGEMENT_ACCOUNT, OTHER_CONNECTION_ID, consoleInput, fault, scenario } from '../helpers/scenarios.js';
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

  it('retries throttling that outlasts the SDK\'s attempts in a new invocation, with the invocations in the report', async () => {
    const result = await run(scenario({ faults: [fault(DELETE, 'throttle', { times: 4 })] }));

    expect(reportOf(result).connection).toMatchObject({ outcome: 'deleted', attempts: 2 });
    expect(result.sandbox.callsTo(DELETE).map((c) => c.error ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ThrottlingException', 'ThrottlingException', 'ok']);
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
      const result = await run(failing());
      const report = reportOf(result);

      expect(report.status).toBe('failed');
      expect(report.connection.outcome).toBe('failed');
      expect(report.connection.error).toMatch(/ConflictException/);
      expect(result.sandbox.callsTo('DeleteStack')).toHaveLength(0);
      expect(report.resources.filter((r) => r.plannedAction === 'delete-stack').every((r) => r.outcome === 'retained')).toBe(true);
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

describe('one cleanup per connection at a time', () => {
  it('yields to an earlier running cleanup of the same connection, changing nothing and saying so', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    sandbox.account.executions.push({
      stateMachineArn: stateMachineArn(ScenarioSchema.parse(spec)),
      name: 'console-started-earlier',
      input: consoleInput('execute'),
      status: 'RUNNING',
      startedAt: new Date(Date.now() - 60_000),
    });
    const result = await runWorkflow(spec, { sandbox });
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection).toMatchObject({ outcome: 'not-attempted', reason: expect.stringContaining('console-started-earlier') });
    expect(deletingCalls(result)).toEqual([]);
  });

  it('goes on when the earlier cleanup is for another connection, or has finished', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    const earlier = { stateMachineArn: stateMachineArn(ScenarioSchema.parse(spec)), startedAt: new Date(Date.now() - 60_000) };
    sandbox.account.executions.push(
      { ...earlier, name: 'other-connection', input: { connectionId: OTHER_CONNECTION_ID, mode: 'execute' }, status: 'RUNNING' },
      { ...earlier, name: 'finished', input: consoleInput('execute'), status: 'SUCCEEDED' },
    );
    const result = await runWorkflow(spec, { sandbox });

    expect(reportOf(result).connection.outcome).toBe('deleted');
  });
});
