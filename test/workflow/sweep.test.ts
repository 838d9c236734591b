import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { ENVIRONMENT, MANAGEMENT_ACCOUNT, OTHER_ENVIRONMENT, environmentStack, otherEnvironmentStack, scenario, serviceInstanceStack } from '../helpers/scenarios.js';
import { reportOf } from '../helpers/workflow.js';

/** {"sweep": true}: the backstop for missed events, and for accounts whose connections are already gone. */
async function sweep(spec: ScenarioInput, mode: 'plan' | 'execute') {
  const sandbox = await openSandbox(spec);
  const result = await runWorkflow(spec, { sandbox, input: { sweep: true, mode }, executionName: 'the-sweep' });
  return { result, sandbox };
}

async function runStarted(spec: ScenarioInput, sandbox: Sandbox) {
  const started = sandbox.account.executions.filter((e) => e.name.startsWith('sweep-'));
  const results = [];
  for (const execution of started) results.push(await runWorkflow(spec, { sandbox, input: execution.input, executionName: execution.name }));
  return results;
}

/** payments-prod has lost its connection; ledger-staging still has one. */
const accountWithAnOrphan = () =>
  scenario({
    connections: [{ id: '7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b', environmentName: OTHER_ENVIRONMENT, roleName: 'ProtonEnvironmentRole-ledger' }],
    stacks: [serviceInstanceStack('api'), environmentStack(), otherEnvironmentStack()],
  });

describe('the sweep', () => {
  it('finds the environments no connection serves any more, one report section each, and starts one cleanup for each', async () => {
    const { result, sandbox } = await sweep(accountWithAnOrphan(), 'plan');
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.sweep).toEqual([
      expect.objectContaining({ environmentName: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT, outcome: 'started', report: expect.stringMatching(/^reports\/sweep-/) }),
    ]);
    expect(sandbox.account.executions.filter((e) => e.name.startsWith('sweep-'))).toHaveLength(1);
  });

  it('plans, then in execute mode cleans up, each orphaned environment from the account\'s own inventory', async () => {
    const spec = accountWithAnOrphan();
    const { sandbox } = await sweep(spec, 'execute');
    const [cleanup] = await runStarted(spec, sandbox);
    const report = reportOf(cleanup!);

    expect(report.connection).toMatchObject({ environmentName: ENVIRONMENT, outcome: 'already-absent' });
    expect(report.resources.filter((r) => r.type === 'cloudformation:stack').every((r) => r.outcome === 'deleted')).toBe(true);
  });

  it('never touches an environment that still has its connection', async () => {
    const spec = accountWithAnOrphan();
    const { sandbox } = await sweep(spec, 'execute');
    await runStarted(spec, sandbox);

    expect(sandbox.account.stacks.size).toBeGreaterThan(0);
    expect([...sandbox.account.stacks.values()].filter((s) => s.name.includes(OTHER_ENVIRONMENT)).every((s) => s.status === 'CREATE_COMPLETE')).toBe(true);
  });

  it('starts nothing twice when it runs again the same day', async () => {
    const spec = accountWithAnOrphan();
    const sandbox = await openSandbox(spec);
    await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'plan' }, executionName: 'sweep-one' });
    const again = await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'plan' }, executionName: 'sweep-two' });

    expect(reportOf(again).sweep?.map((s) => s.outcome)).toEqual(['already-started']);
  });

  it('rejects a sweep that also names a connection', async () => {
    const { result } = await sweep(accountWithAnOrphan(), 'plan').then(async ({ sandbox }) => ({
      result: await runWorkflow(accountWithAnOrphan(), { sandbox, input: { sweep: true, connectionId: '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11' }, executionName: 'bad-sweep' }),
    }));

    expect(result.error?.name).toBe('InvalidRequest');
    expect(reportOf(result).failure?.message).toMatch(/sweep: a sweep finds its environments itself/);
  });
});
