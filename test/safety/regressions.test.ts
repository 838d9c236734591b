/**
 * The smallest reproductions of what the safety properties found. Fixed bugs are plain tests
 * (all of them today: KNOWN_BUGS is empty). An open one would be an `it.fails` listed in
 * known-bugs.ts, named for what is wrong and what is expected: it passes while the bug is there
 * and fails once it is fixed, to be turned into a plain test.
 */
import { describe, expect, it } from 'vitest';
import { InventorySchema } from '../../functions/domain/inventory.js';
import { resolveRequest } from '../../functions/domain/request-resolution.js';
import { LOCAL_RESOURCES, type LocalRunResult, type RunOptions, runWorkflow } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { CONNECTION_ID, consoleInput, environmentDeletedEvent, environmentStack, fault, scenario } from '../helpers/scenarios.js';
import { SETTINGS } from './inputs.js';
import { DEFAULT_MODE } from './run-case.js';

let executions = 0;
const executionName = () => {
  executions += 1;
  return `regression-${executions}`;
};
const run = (s: ScenarioInput, options: RunOptions = {}) => runWorkflow(s, { executionName: executionName(), defaultMode: DEFAULT_MODE, ...options });
const rerun = (first: LocalRunResult, input: unknown) => {
  first.sandbox.clearFaults();
  return runWorkflow({ ...first.sandbox.scenario, faults: [] }, { sandbox: first.sandbox, input, executionName: executionName() });
};

describe('fixed', () => {
  it('an environment-deleted event while Proton is unreachable never calls DeleteEnvironmentAccountConnection without an id', async () => {
    // Was: DeleteEnvironmentAccountConnection {id: ""}; the sandbox's not-found made the report say "already-absent" while the connection existed.
    const result = await run(scenario({ stacks: [], faults: [fault('ListEnvironmentAccountConnections', 'unreachable')], input: environmentDeletedEvent() }));

    // Now: Proton's silence is an error, never an answer: the run fails, and nothing is deleted.
    expect(result.sandbox.callsTo('DeleteEnvironmentAccountConnection')).toEqual([]);
    expect(result.error?.name).toBe('NetworkError');
    expect(result.sandbox.account.connections.has(CONNECTION_ID)).toBe(true);
  });

  it('a failure report lists the inventory the execution stored, even when Inventory timed out after storing it', async () => {
    // Was: Inventory ran, stored executions/<name>/inventory.json and timed out; the failure report listed 0 resources.
    // Inventory's timeouts are retried now: three in a row (1 + 2 retries) still fail the run.
    const result = await run(scenario({ stacks: [environmentStack()] }), { lambdaFaults: [{ state: 'Inventory', kind: 'timeout-after', times: 3 }] });
    const stored = result.sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/executions/${result.executionName}/inventory.json`);
    const inventory = InventorySchema.parse(JSON.parse(stored ?? 'null'));

    expect(result.error?.name).toBe('Lambda.Unknown');
    expect(result.report?.resources.map((r) => r.id).sort()).toEqual(inventory.resources.map((r) => r.id).sort());
  });

  it('an InvalidRequest quotes at most a bounded prefix of a huge unknown field, and lists a bounded number of problems', () => {
    // Was: the 100 kB key was quoted whole; 10,000 wrong array items made a 650 kB message (Step Functions state data is limited to 256 KB).
    const problem = (input: unknown) => {
      try {
        resolveRequest(input, SETTINGS);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };

    expect(problem({ connectionId: CONNECTION_ID, ['k'.repeat(100_000)]: 1 }).length).toBeLessThan(400);
    expect(problem({ ...environmentDeletedEvent(), resources: Array(10_000).fill(1) }).length).toBeLessThan(1_000);
  });
});

describe('found by the random search, fixed since', () => {
  it('rerun-without-environment (fixed: runs remember the environment of each connection they inventory): re-running a request that names no environment succeeds after the first run deleted the connection', async () => {
    // Shrunk by fast-check (seed 20261125): no stack, no fault; any stack the first run could not delete stays for good.
    const first = await run(scenario({ stacks: [], input: consoleInput('execute') }));
    const second = await rerun(first, consoleInput('execute'));

    expect(first.status).toBe('succeeded');
    expect(second.error?.name).toBeUndefined(); // was: ConnectionNotFound
    expect(second.status).toBe('succeeded');
  });

  it('environment-deleted-rerun-skips-leftovers (fixed: a remembered environment is cleaned up): re-running the environment-deleted event deletes the stacks the first run left', async () => {
    // Shrunk by fast-check (seed 20261125): DeleteConnection deletes the connection, then times out; the run fails before any DeleteStack.
    const leftover = environmentStack();
    const first = await run(scenario({ stacks: [leftover], input: environmentDeletedEvent() }), {
      lambdaFaults: [{ state: 'DeleteConnection', kind: 'timeout-after', times: 1 }],
    });
    const second = await rerun(first, environmentDeletedEvent());

    expect(first.sandbox.account.connections.has(CONNECTION_ID)).toBe(false);
    expect(second.report?.connection.outcome).not.toBe('not-found'); // was: "nothing to do"
    expect(second.sandbox.account.stackByName(leftover.name)?.status).toBe('DELETE_COMPLETE');
  });
});
