import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { CONNECTION_ID, consoleInput, scenario } from '../helpers/scenarios.js';
import { DEFAULT_MODE } from './run-case.js';

/** The local runner's Lambda timeouts: Step Functions sees Lambda.Unknown, before or after the handler's effects. */
let executions = 0;
const run = (lambdaFaults: NonNullable<Parameters<typeof runWorkflow>[1]>['lambdaFaults']) => {
  executions += 1;
  return runWorkflow(scenario({ stacks: [], input: consoleInput('execute') }), {
    lambdaFaults,
    executionName: `lambda-fault-${executions}`,
    defaultMode: DEFAULT_MODE,
  });
};

describe('RunOptions.lambdaFaults', () => {
  it('timeout-before: the handler never runs, and the state fails with Lambda.Unknown (once its retries are spent)', async () => {
    const result = await run([{ state: 'DeleteConnection', kind: 'timeout-before' }]);

    expect(result.error?.name).toBe('Lambda.Unknown');
    expect(result.sandbox.callsTo('DeleteEnvironmentAccountConnection')).toEqual([]);
    expect(result.sandbox.account.connections.has(CONNECTION_ID)).toBe(true);
    expect(result.lambdaFaultsFired.map((f) => f.invocation)).toEqual([1, 2, 3]);
  });

  it('timeout-after: the handler runs (the connection is deleted), then its response is lost, and the retried invocation finds it already gone', async () => {
    const result = await run([{ state: 'DeleteConnection', kind: 'timeout-after', times: 1 }]);

    expect(result.status).toBe('succeeded');
    expect(result.sandbox.account.connections.has(CONNECTION_ID)).toBe(false);
    expect(result.report?.connection.outcome).toBe('already-absent');
  });

  it('counts invocations per state: `after` invocations pass first, then `times` fail', async () => {
    const passes = await run([{ state: 'Notify', kind: 'timeout-before', after: 1 }]);
    // Notify's timeouts are retried (1 + 2 invocations): all three time out.
    const fails = await run([{ state: 'Notify', kind: 'timeout-before', after: 0, times: 3 }]);

    expect(passes.status).toBe('succeeded');
    expect(passes.lambdaFaultsFired).toEqual([]);
    expect(fails.error?.name).toBe('Lambda.Unknown');
    expect(fails.lambdaFaultsFired.map((f) => [f.state, f.invocation])).toEqual([
      ['Notify', 1],
      ['Notify', 2],
      ['Notify', 3],
    ]);
  });
});
