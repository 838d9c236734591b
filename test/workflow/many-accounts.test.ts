import { describe, expect, it } from 'vitest';
import { FLEET_COMPLETED_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { ReportSchema } from '../../functions/domain/report.js';
import { LOCAL_RESOURCES, type LocalRunResult, runWorkflow } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { runSweepChildren } from '../../local/sweep-children.js';
import { CONNECTION_ID, ENVIRONMENT, environmentStack, fault, MANAGEMENT_ACCOUNT, scenario } from '../helpers/scenarios.js';
import { deletingCalls, reportOf } from '../helpers/workflow.js';

/**
 * The hub cleans up in other accounts (issue 12), each call made there with the spoke role of the
 * function that makes it (deployment/spoke.yml), as the sandbox's STS and IAM allow it. Expected
 * answers come from the scenarios: what each account holds, which spoke is there.
 */
const HUB = '111122223333';
const B = '222233334444';
const C = '333344445555';
const ORDERS = 'orders-dev';
const B_STACK = 'AWSProton-orders-dev-cloudformation--B000000000000001';
const EU_STACK = 'AWSProton-orders-eu-cloudformation--B000000000000002';

const inB = (input: Record<string, unknown> = {}) => ({
  environment: { name: ORDERS, managementAccountId: MANAGEMENT_ACCOUNT },
  account: B,
  region: 'us-east-1',
  ...input,
});

/** The hub with its usual connection and stacks; account B with an orphaned environment in two Regions; account C. */
function fleet(overrides: Partial<ScenarioInput> = {}, bSpoke?: { deployed?: boolean; withoutActions?: string[] }): ScenarioInput {
  return scenario({
    accounts: [
      {
        accountId: B,
        region: 'us-east-1',
        stacks: [environmentStack({ name: B_STACK, environment: ORDERS })],
        ...(bSpoke ? { spoke: { deployed: true, withoutActions: [], ...bSpoke } } : {}),
      },
      {
        accountId: B,
        region: 'eu-west-1',
        stacks: [environmentStack({ name: EU_STACK, environment: 'orders-eu' })],
        ...(bSpoke ? { spoke: { deployed: true, withoutActions: [], ...bSpoke } } : {}),
      },
      { accountId: C, region: 'eu-west-1' },
    ],
    ...overrides,
  });
}

/** Calls answered in an account (and Region), by the sandbox's record. */
const callsIn = (result: LocalRunResult, account: string, region?: string) =>
  result.sandbox.calls.filter((c) => (c as { account?: string }).account === account && (region === undefined || (c as { region?: string }).region === region));

describe('a request that names another account', () => {
  it('deletes what is there, and nothing of the hub', async () => {
    const result = await runWorkflow(fleet(), { input: inB({ mode: 'execute' }) });
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(result.sandbox.accountIn(B, 'us-east-1').stackByName(B_STACK)?.status).toBe('DELETE_COMPLETE');
    expect([...result.sandbox.account.stacks.values()].every((s) => s.status !== 'DELETE_COMPLETE')).toBe(true);
    expect(result.sandbox.account.connections.has(CONNECTION_ID)).toBe(true);
    expect(report.execution).toMatchObject({ account: B, region: 'us-east-1' });
  });

  it('makes every call there with its function spoke role, in a session named after the execution', async () => {
    const result = await runWorkflow(fleet(), { input: inB({ mode: 'execute' }), executionName: 'orders-dev-in-b' });
    const assumed = result.sandbox.callsTo('AssumeRole').map((c) => c.input);

    expect(assumed.length).toBeGreaterThan(0);
    for (const call of assumed) {
      expect(call.RoleArn).toMatch(new RegExp(`^arn:aws:iam::${B}:role/proton-cleanup-spoke-[a-z-]+$`));
      expect(call.RoleSessionName).toBe('orders-dev-in-b');
    }
    expect(new Set(assumed.map((c) => c.RoleArn))).toContain(`arn:aws:iam::${B}:role/proton-cleanup-spoke-advance`);
  });

  it('never touches the same environment name in another Region of that account', async () => {
    const result = await runWorkflow(fleet(), { input: inB({ mode: 'execute', environment: { name: 'orders-eu', managementAccountId: MANAGEMENT_ACCOUNT } }) });

    expect(result.sandbox.accountIn(B, 'eu-west-1').stackByName(EU_STACK)?.status).not.toBe('DELETE_COMPLETE');
    expect(deletingCalls(result).filter((c) => (c as { region?: string }).region === 'eu-west-1')).toEqual([]);
  });

  it('is refused, touching nothing anywhere, when the account is not one of the hub targets', async () => {
    const result = await runWorkflow(fleet(), { input: inB({ mode: 'execute', account: '999988887777' }) });

    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('InvalidRequest');
    expect(reportOf(result).failure?.message).toContain('is not a target of this hub');
    expect(deletingCalls(result)).toEqual([]);
    expect(result.sandbox.callsTo('AssumeRole')).toEqual([]);
  });

  it('fails with TargetUnreachable, deleting nothing, when the spoke is not deployed there', async () => {
    const result = await runWorkflow(fleet({}, { deployed: false }), { input: inB({ mode: 'execute' }) });

    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('TargetUnreachable');
    expect(reportOf(result).failure?.message).toContain('deployment/spoke.yml');
    expect(deletingCalls(result)).toEqual([]);
  });

  it('reports the denied action in that account when its spoke role lacks a permission', async () => {
    const result = await runWorkflow(fleet({}, { withoutActions: ['cloudformation:DeleteStack'] }), { input: inB({ mode: 'execute' }) });
    const stack = reportOf(result).resources.find((r) => r.type === 'cloudformation:stack');

    expect(stack?.outcome).toBe('failed');
    expect(stack?.error).toMatch(/AccessDenied.*assumed-role\/proton-cleanup-spoke-advance.*cloudformation:DeleteStack/);
    expect(result.sandbox.accountIn(B, 'us-east-1').stackByName(B_STACK)?.status).not.toBe('DELETE_COMPLETE');
  });
});

describe('a fleet sweep', () => {
  async function sweep(spec: ScenarioInput, input: Record<string, unknown> = { sweep: true, mode: 'execute' }) {
    const parent = await runWorkflow(spec, { input, executionName: 'fleet-sweep' });
    const children = await runSweepChildren(parent.sandbox.scenario, parent);
    const stored = parent.sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/reports/fleet-sweep.fleet.json`);
    return { parent, children, fleetReport: stored ? ReportSchema.parse(JSON.parse(stored)) : undefined };
  }

  it('starts one cleanup per environment in each account and Region, each in its own target', async () => {
    const { parent } = await sweep(fleet({ connections: [] }));
    const started = reportOf(parent).sweep?.filter((s) => s.outcome === 'started') ?? [];

    expect(started.map((s) => `${s.account ?? HUB}/${s.region ?? 'us-east-1'} ${s.environmentName}`).sort()).toEqual(
      [`${B}/eu-west-1 orders-eu`, `${B}/us-east-1 ${ORDERS}`, `${HUB}/us-east-1 ${ENVIRONMENT}`].sort(),
    );
  });

  it('writes one fleet report when the last child ends, with rows for each account and Region', async () => {
    const { fleetReport, children } = await sweep(fleet({ connections: [] }));
    const fleetOf = fleetReport?.fleet;

    expect(children).toHaveLength(3);
    expect(fleetOf?.complete).toBe(true);
    // Every target swept (targetAccounts × targetRegions), those where nothing was found included.
    const swept = [HUB, B, C].flatMap((account) => ['us-east-1', 'eu-west-1'].map((region) => `${account}/${region}`));
    expect(fleetOf?.accounts.map((a) => `${a.account}/${a.region}`).sort()).toEqual(swept.sort());
    expect(fleetOf?.rows.map((r) => `${r.account}/${r.region}`).sort()).toEqual([`${B}/eu-west-1`, `${B}/us-east-1`, `${HUB}/us-east-1`].sort());
    expect(fleetOf?.totals.summary.deleted).toBe(fleetOf?.rows.reduce((sum, row) => sum + row.summary.deleted, 0));
  });

  it('notifies the fleet report once, even when the last child end is delivered twice', async () => {
    const { parent, children } = await sweep(fleet({ connections: [] }));
    const { deliverEndOf } = await import('../../local/sweep-children.js');
    const last = children.at(-1);
    const started = parent.sandbox.account.executions.find((e) => e.name === last?.executionName);
    if (!last || !started) throw new Error('no child ran');
    await deliverEndOf({ name: started.name, input: started.input }, last);
    const fleetEvents = parent.sandbox.account.events.filter((e) => e.detailType === FLEET_COMPLETED_DETAIL_TYPE);

    expect(fleetEvents).toHaveLength(1);
  });

  it('reports an account it cannot read as not swept, and sweeps the others', async () => {
    const spec = fleet({ connections: [] });
    spec.accounts?.push({ accountId: C, region: 'us-east-1', faults: [fault('ListEnvironmentAccountConnections', 'unreachable')] });
    const { parent, fleetReport } = await sweep(spec);
    const unreachable = fleetReport?.fleet?.rows.filter((r) => r.status === 'unreachable') ?? [];

    expect(unreachable.map((r) => `${r.account}/${r.region}`)).toEqual([`${C}/us-east-1`]);
    expect(unreachable[0]?.failures[0]?.error).toContain('ENOTFOUND');
    expect(reportOf(parent).notes?.some((n) => n.startsWith(`account ${C} in us-east-1 was not swept`))).toBe(true);
    expect(callsIn(parent, C, 'us-east-1').filter((c) => /^(Delete|Remove|Detach)/.test(c.operation))).toEqual([]);
  });

  it('sweeps only the targets the request names', async () => {
    const { parent } = await sweep(fleet({ connections: [] }), { sweep: true, mode: 'plan', targets: [`${B}/eu-west-1`] });

    expect(reportOf(parent).sweep?.map((s) => `${s.account}/${s.region} ${s.environmentName}`)).toEqual([`${B}/eu-west-1 orders-eu`]);
  });
});

describe("Proton's environment-deleted event on a hub with targets", () => {
  const deleted = (name: string) => ({
    version: '0',
    id: 'c7a9f3e0-0000-4000-8000-000000000001',
    'detail-type': 'AWS Proton Environment Status Change',
    source: 'aws.proton',
    account: MANAGEMENT_ACCOUNT,
    time: '2026-09-30T10:00:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:proton:us-east-1:${MANAGEMENT_ACCOUNT}:environment/${name}`],
    detail: { name, status: 'DELETED' },
  });
  const ORDERS_CONNECTION = '5b2f0c1e-7a3d-4e8f-9c6b-1d2e3f4a5b6c';
  const withOrdersConnection = (status: 'CONNECTED' | 'REJECTED' = 'CONNECTED') =>
    fleet({
      accounts: [
        {
          accountId: B,
          region: 'us-east-1',
          connections: [{ id: ORDERS_CONNECTION, environmentName: ORDERS, roleName: 'ProtonEnvironmentRole-orders', status }],
          stacks: [environmentStack({ name: B_STACK, environment: ORDERS })],
        },
      ],
    });

  it('cleans up in the account whose connection serves the environment', async () => {
    const report = reportOf(await runWorkflow(withOrdersConnection(), { input: deleted(ORDERS) }));

    expect(report.execution).toMatchObject({ account: B, region: 'us-east-1' });
    expect(report.connection.id).toBe(ORDERS_CONNECTION);
    expect(report.resources.some((r) => r.type === 'cloudformation:stack' && r.id.includes(`:${B}:stack/${B_STACK}/`))).toBe(true);
  });

  it('stays in the hub, with nothing to do, when no target has a connection for it', async () => {
    const result = await runWorkflow(withOrdersConnection(), { input: deleted('nowhere-env') });

    expect(reportOf(result).execution).toMatchObject({ account: HUB, region: 'us-east-1' });
    expect(deletingCalls(result)).toEqual([]);
  });

  it('fails, deleting nothing, when a target cannot be asked (never "none found")', async () => {
    const spec = withOrdersConnection();
    spec.accounts?.push({ accountId: C, region: 'us-east-1', faults: [fault('ListEnvironmentAccountConnections', 'internal')] });
    const result = await runWorkflow(spec, { input: deleted(ORDERS) });

    expect(result.status).toBe('failed');
    expect(deletingCalls(result)).toEqual([]);
  });
});
