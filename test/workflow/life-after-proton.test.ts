import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, MANAGEMENT_ACCOUNT, consoleInput, fault, scenario } from '../helpers/scenarios.js';
import { reportOf, run } from '../helpers/workflow.js';

/** After Proton's retirement its API is gone; the cleanup must still work from the account itself. */
const withEnvironment = consoleInput('execute', { environment: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT } });
const protonGone = () => [fault('GetEnvironmentAccountConnection', 'unreachable'), fault('DeleteEnvironmentAccountConnection', 'unreachable')];

describe('when the Proton API cannot be reached', () => {
  it('records the connection as unreachable and cleans up from the account\'s own inventory, given the environment', async () => {
    const result = await run(scenario({ faults: protonGone(), input: withEnvironment }));
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection.outcome).toBe('unreachable');
    expect(report.connection.reason).toMatch(/could not be reached/);
    expect(report.resources.filter((r) => r.type === 'cloudformation:stack').every((r) => r.outcome === 'deleted')).toBe(true);
  });

  it('fails with ProtonUnreachable, saying exactly what to pass, without the environment', async () => {
    const result = await run(scenario({ faults: protonGone() }));

    expect(result.error?.name).toBe('ProtonUnreachable');
    expect(reportOf(result).failure?.message).toMatch(/pass "environment": \{"name": "<environment name>", "managementAccountId"/);
    expect(result.sandbox.callsTo('DeleteStack')).toEqual([]);
  });

  it('goes on with the cleanup when the API vanishes between describing and deleting the connection', async () => {
    const result = await run(scenario({ faults: [fault('DeleteEnvironmentAccountConnection', 'unreachable')] }));
    const report = reportOf(result);

    expect(report.connection.outcome).toBe('unreachable');
    expect(report.summary.failed).toBe(0);
    expect(result.sandbox.callsTo('DeleteStack').length).toBeGreaterThan(0);
  });
});

describe('when Proton denies every call', () => {
  const denied = () => ['GetEnvironmentAccountConnection', 'ListEnvironmentAccountConnections', 'DeleteEnvironmentAccountConnection'].map((op) => fault(op, 'access-denied'));

  it('cleans up from the request\'s environment without asking Proton again to delete', async () => {
    const result = await run(scenario({ faults: denied(), input: withEnvironment }));

    expect(result.status).toBe('succeeded');
    expect(reportOf(result).connection.outcome).toBe('unreachable');
    expect(result.sandbox.callsTo('DeleteEnvironmentAccountConnection')).toEqual([]);
  });

  it('fails a sweep rather than take every environment for orphaned', async () => {
    const result = await run(scenario({ faults: denied() }), { sweep: true, mode: 'execute' });

    expect(result.status).toBe('failed');
    expect(result.sandbox.callsTo('StartExecution')).toEqual([]);
  });
});
