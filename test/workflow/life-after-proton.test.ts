import { describe, expect, it } from 'vitest';
import { CONNECTION_ID, consoleInput, ENVIRONMENT, fault, MANAGEMENT_ACCOUNT, OTHER_CONNECTION_ID, scenario } from '../helpers/scenarios.js';
import { deletingCalls, reportOf, run } from '../helpers/workflow.js';

/**
 * Proton's API is gone since 2026-10-07, but what its silence means is never guessed: the
 * deployment says so (protonApi=retired), and while it says "available" every Proton error is an
 * error, retried and then reported, never a reason to delete.
 */
const environment = { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT };
const PROTON_OPERATIONS = ['GetEnvironmentAccountConnection', 'ListEnvironmentAccountConnections', 'DeleteEnvironmentAccountConnection', 'ListTagsForResource'];
const protonCalls = (result: Awaited<ReturnType<typeof run>>) => result.sandbox.calls.filter((c) => c.service === 'proton');
const stackOutcomes = (result: Awaited<ReturnType<typeof run>>) =>
  reportOf(result)
    .resources.filter((r) => r.type === 'cloudformation:stack')
    .map((r) => r.outcome);

describe('a deployment with protonApi=retired', () => {
  const retired = (input: unknown) => scenario({ protonApi: 'retired', input });

  it("cleans up the named environment from the account's own inventory, and never calls Proton", async () => {
    const result = await run(retired(consoleInput('execute', { environment })));

    expect(result.status).toBe('succeeded');
    expect(protonCalls(result)).toEqual([]);
    expect(stackOutcomes(result).every((o) => o === 'deleted')).toBe(true);
  });

  it('records the connection as unreachable by choice', async () => {
    const report = reportOf(await run(retired(consoleInput('execute', { environment }))));

    expect(report.connection).toMatchObject({ outcome: 'unreachable', reason: expect.stringContaining('protonApi=retired') });
  });

  it('rejects a request that names no environment, saying how to name it, and deletes nothing', async () => {
    const result = await run(retired(consoleInput('execute')));

    expect(result.error?.name).toBe('InvalidRequest');
    expect(reportOf(result).failure?.message).toMatch(/protonApi=retired.*"environment": \{"name"/);
    expect(deletingCalls(result)).toEqual([]);
    expect(protonCalls(result)).toEqual([]);
  });

  it('lets a request ask Proton after all ("protonApi": "available"), which then applies the serving rule', async () => {
    const served = scenario({
      protonApi: 'retired',
      connections: [
        { id: CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'RoleA', status: 'CONNECTED' },
        { id: OTHER_CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'RoleB', status: 'CONNECTED' },
      ],
      input: consoleInput('execute', { protonApi: 'available' }),
    });
    const result = await run(served);

    expect(protonCalls(result).length).toBeGreaterThan(0);
    expect(result.sandbox.callsTo('DeleteStack')).toEqual([]);
    expect(reportOf(result).heldBack).toContain(`still served by connection ${OTHER_CONNECTION_ID} (CONNECTED)`);
  });
});

describe('with Proton available, its errors are errors', () => {
  it('retries a single network blip (ECONNRESET) and goes on as if nothing happened', async () => {
    const result = await run(scenario({ faults: [fault('GetEnvironmentAccountConnection', 'ECONNRESET', { times: 1 })] }));

    expect(result.status).toBe('succeeded');
    expect(reportOf(result).connection.outcome).toBe('deleted');
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'unreachable'] as const)(
    'fails the run, deleting nothing, when %s persists on every Proton call, saying what happened and what to do',
    async (kind) => {
      const result = await run(scenario({ faults: PROTON_OPERATIONS.map((op) => fault(op, kind)) }));

      expect(result.status).toBe('failed');
      expect(result.error?.name).toBe('NetworkError');
      expect(reportOf(result).failure?.message).toMatch(/deploy with protonApi=retired/);
      expect(deletingCalls(result)).toEqual([]);
    },
  );

  it('fails the run when the network fails on the connection delete, leaving every stack in place', async () => {
    const spec = scenario({ faults: [fault('DeleteEnvironmentAccountConnection', 'ETIMEDOUT')] });
    const result = await run(spec);

    expect(result.status).toBe('failed');
    expect(reportOf(result).connection.outcome).toBe('failed');
    expect(result.sandbox.callsTo('DeleteStack')).toEqual([]);
    expect(spec.stacks?.length).toBeGreaterThan(0);
    for (const stack of spec.stacks ?? []) expect(result.sandbox.account.stackByName(stack.name)?.status).toBe(stack.status ?? 'CREATE_COMPLETE');
  });

  it('fails the run at once on a denial (ProtonCallFailed), even with the environment named, and deletes nothing', async () => {
    const denied = PROTON_OPERATIONS.map((op) => fault(op, 'access-denied'));
    const result = await run(scenario({ faults: denied, input: consoleInput('execute', { environment }) }));

    expect(result.error?.name).toBe('ProtonCallFailed');
    expect(result.error?.cause).toMatch(/AccessDeniedException/);
    expect(deletingCalls(result)).toEqual([]);
  });

  it('fails a sweep whose listing is denied rather than take every environment for orphaned', async () => {
    const result = await run(scenario({ faults: PROTON_OPERATIONS.map((op) => fault(op, 'access-denied')) }), { sweep: true, mode: 'execute' });

    expect(result.status).toBe('failed');
    expect(result.sandbox.callsTo('StartExecution')).toEqual([]);
  });

  it('fails a sweep whose listing meets a persistent network error, starting nothing', async () => {
    const result = await run(scenario({ faults: [fault('ListEnvironmentAccountConnections', 'ENOTFOUND')] }), { sweep: true, mode: 'execute' });

    expect(result.error?.name).toBe('NetworkError');
    expect(result.sandbox.callsTo('StartExecution')).toEqual([]);
  });
});
