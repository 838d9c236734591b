import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { runSweepChildren } from '../../local/sweep-children.js';
import {
  ENVIRONMENT,
  environmentStack,
  MANAGEMENT_ACCOUNT,
  OTHER_ENVIRONMENT,
  otherEnvironmentStack,
  scenario,
  serviceInstanceStack,
} from '../helpers/scenarios.js';
import { reportOf } from '../helpers/workflow.js';

/** {"sweep": true}: the backstop for missed events, and for accounts whose connections are already gone. */
async function sweep(spec: ScenarioInput, mode: 'plan' | 'execute', extra: Record<string, unknown> = {}) {
  const sandbox = await openSandbox(spec);
  const result = await runWorkflow(spec, { sandbox, input: { sweep: true, mode, ...extra }, executionName: 'the-sweep' });
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
  it('lists every environment it finds, one report section each, and starts one cleanup for each that no connection serves', async () => {
    const { result, sandbox } = await sweep(accountWithAnOrphan(), 'plan');
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.sweep).toEqual([
      expect.objectContaining({ environmentName: OTHER_ENVIRONMENT, outcome: 'skipped', reason: expect.stringContaining('still served by connection') }),
      expect.objectContaining({
        environmentName: ENVIRONMENT,
        managementAccountId: MANAGEMENT_ACCOUNT,
        outcome: 'started',
        report: expect.stringMatching(/^reports\/sweep-/),
      }),
    ]);
    expect(sandbox.account.executions.filter((e) => e.name.startsWith('sweep-'))).toHaveLength(1);
  });

  it('never starts a cleanup for an environment managed from this very account', async () => {
    const own = scenario({ connections: [], stacks: [environmentStack({ managementAccountId: '111122223333' })] });
    const { result, sandbox } = await sweep(own, 'execute');

    expect(reportOf(result).sweep).toEqual([expect.objectContaining({ managementAccountId: '111122223333', outcome: 'skipped' })]);
    expect(sandbox.callsTo('StartExecution')).toEqual([]);
  });

  it('starts only the environments the request names, when it names some', async () => {
    const { result } = await sweep(accountWithAnOrphan(), 'plan', { environments: [`${OTHER_ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`] });

    expect(reportOf(result).sweep?.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
  });

  it("plans, then in execute mode cleans up, each orphaned environment from the account's own inventory", async () => {
    const spec = accountWithAnOrphan();
    const { sandbox } = await sweep(spec, 'execute');
    const [cleanup] = await runStarted(spec, sandbox);
    const report = reportOf(cleanup!);

    expect(report.connection).toMatchObject({
      environmentName: ENVIRONMENT,
      outcome: 'not-attempted',
      reason: expect.stringContaining('never deletes a connection'),
    });
    expect(report.resources.filter((r) => r.type === 'cloudformation:stack').every((r) => r.outcome === 'deleted')).toBe(true);
  });

  it('never touches an environment that still has its connection', async () => {
    const spec = accountWithAnOrphan();
    const { sandbox } = await sweep(spec, 'execute');
    await runStarted(spec, sandbox);

    expect(sandbox.account.stacks.size).toBeGreaterThan(0);
    expect([...sandbox.account.stacks.values()].filter((s) => s.name.includes(OTHER_ENVIRONMENT)).every((s) => s.status === 'CREATE_COMPLETE')).toBe(true);
  });

  it('starts nothing twice when the same sweep runs again (a retried or redelivered sweep keeps its name)', async () => {
    const spec = accountWithAnOrphan();
    const sandbox = await openSandbox(spec);
    await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'plan' }, executionName: 'sweep-one' });
    const again = await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'plan' }, executionName: 'sweep-one' });

    // The child started the first time is still running: the second StartExecution is the same request.
    expect(reportOf(again).sweep?.map((s) => s.outcome)).toEqual(['skipped', 'started']);
    expect(sandbox.account.executions.filter((e) => e.name.startsWith('sweep-') && e.name !== 'sweep-one')).toHaveLength(1);
  });

  it('starts its own cleanups when an execute sweep follows a plan sweep the same day', async () => {
    const spec = accountWithAnOrphan();
    const sandbox = await openSandbox(spec);
    await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'plan' }, executionName: 'sweep-plan' });
    const execute = await runWorkflow(spec, { sandbox, input: { sweep: true, mode: 'execute' }, executionName: 'sweep-execute' });

    expect(reportOf(execute).sweep?.map((s) => s.outcome)).toEqual(['skipped', 'started']);
  });

  it('rejects a sweep that also names a connection', async () => {
    const { result } = await sweep(accountWithAnOrphan(), 'plan').then(async ({ sandbox }) => ({
      result: await runWorkflow(accountWithAnOrphan(), {
        sandbox,
        input: { sweep: true, connectionId: '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11' },
        executionName: 'bad-sweep',
      }),
    }));

    expect(result.error?.name).toBe('InvalidRequest');
    expect(reportOf(result).failure?.message).toMatch(/sweep: a sweep finds its environments itself/);
  });
});

describe('the sweep with protonApi=retired', () => {
  const retiredAccount = (parameters: Record<string, string> = {}) =>
    scenario({ protonApi: 'retired', connections: [], parameters, stacks: [serviceInstanceStack('api'), environmentStack(), otherEnvironmentStack()] });

  it('plans: lists every environment with its resources and starts nothing, when none is named or due', async () => {
    const { result, sandbox } = await sweep(retiredAccount(), 'execute');

    expect(reportOf(result).sweep?.map((s) => [s.environmentName, s.outcome, s.resources > 0])).toEqual([
      [OTHER_ENVIRONMENT, 'skipped', true],
      [ENVIRONMENT, 'skipped', true],
    ]);
    expect(sandbox.callsTo('StartExecution')).toEqual([]);
    expect(sandbox.calls.filter((c) => c.service === 'proton')).toEqual([]);
  });

  it('starts a cleanup for a named environment only', async () => {
    const { result } = await sweep(retiredAccount(), 'execute', { environments: [`${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`] });

    expect(reportOf(result).sweep?.map((s) => [s.environmentName, s.outcome])).toEqual([
      [OTHER_ENVIRONMENT, 'skipped'],
      [ENVIRONMENT, 'started'],
    ]);
  });

  it('starts a cleanup for an environment whose decommission date (an SSM parameter) has come', async () => {
    const { result } = await sweep(retiredAccount({ [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}`]: '2020-01-01' }), 'execute');

    expect(reportOf(result).sweep?.find((s) => s.environmentName === ENVIRONMENT)).toMatchObject({
      outcome: 'started',
      reason: expect.stringContaining('2020-01-01 has come'),
    });
  });

  it('whose children clean up their environment without asking Proton', async () => {
    const spec = retiredAccount();
    const sandbox = await openSandbox(spec);
    await runWorkflow(spec, {
      sandbox,
      input: { sweep: true, mode: 'execute', environments: [`${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`] },
      executionName: 'retired-sweep',
    });
    const [child] = await runStarted(spec, sandbox);

    expect(
      reportOf(child!)
        .resources.filter((r) => r.type === 'cloudformation:stack')
        .every((r) => r.outcome === 'deleted'),
    ).toBe(true);
    expect(sandbox.calls.filter((c) => c.service === 'proton')).toEqual([]);
  });
});

describe("the sweep's cleanups side by side", () => {
  it('cleans up three orphaned environments of the account at once, each execution succeeding and deleting its own stacks', async () => {
    const names = ['orders-prod', 'billing-prod', 'search-prod'];
    const stacks = names.map((environment, i) =>
      environmentStack({ name: `AWSProton-${environment}-cloudformation--SIDEBYSIDE0000${i}`, environment, exports: [`${environment}-VpcId`] }),
    );
    const spec = scenario({ connections: [], stacks });
    const { result } = await sweep(spec, 'execute');
    const children = await runSweepChildren(result.sandbox.scenario, result, { sideBySide: true });

    expect(children.map((c) => c.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(stacks.map((s) => result.sandbox.account.stackByName(s.name)?.status ?? 'DELETE_COMPLETE')).toEqual([
      'DELETE_COMPLETE',
      'DELETE_COMPLETE',
      'DELETE_COMPLETE',
    ]);
  });
});
