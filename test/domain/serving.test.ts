import { describe, expect, it } from 'vitest';
import { type EligibilityFacts, eligibility, servingConnections } from '../../functions/domain/serving.js';

const MGMT = '444455556666';
const ACCOUNT = '111122223333';
const ENVIRONMENT = { name: 'payments-prod', managementAccountId: MGMT };
const DECOMMISSIONED = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const OTHER = '7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b';
const connection = (id: string, status: string, overrides: Partial<{ environmentName: string; managementAccountId: string }> = {}) => ({
  id,
  status,
  environmentName: ENVIRONMENT.name,
  managementAccountId: MGMT,
  ...overrides,
});

function check(overrides: Partial<EligibilityFacts> = {}) {
  return eligibility({
    environment: ENVIRONMENT,
    connection: { id: DECOMMISSIONED, status: 'CONNECTED' },
    protonApi: 'available',
    accountId: ACCOUNT,
    connections: [],
    ...overrides,
  });
}

describe('servingConnections', () => {
  it('counts CONNECTED and PENDING connections of the same environment name and management account', () => {
    const connections = [connection('a', 'CONNECTED'), connection('b', 'PENDING'), connection('c', 'REJECTED')];
    expect(servingConnections(ENVIRONMENT, connections).map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('ignores the connection being decommissioned, whatever the case of its id', () => {
    expect(servingConnections(ENVIRONMENT, [connection(DECOMMISSIONED.toUpperCase(), 'CONNECTED')], DECOMMISSIONED)).toEqual([]);
  });

  it('ignores a connection of the same name in another management account, and of another name', () => {
    const connections = [connection('a', 'CONNECTED', { managementAccountId: '999988887777' }), connection('b', 'CONNECTED', { environmentName: 'ledger' })];
    expect(servingConnections(ENVIRONMENT, connections)).toEqual([]);
  });
});

describe('eligibility', () => {
  it('lets the resources of an environment no other connection serves be deleted', () => {
    expect(check()).toEqual({ eligible: true });
  });

  it.each(['CONNECTED', 'PENDING'])('holds back an environment another %s connection serves, naming it and its status', (status) => {
    expect(check({ connections: [connection(DECOMMISSIONED, 'CONNECTED'), connection(OTHER, status)] })).toMatchObject({
      eligible: false,
      reason: expect.stringContaining(`still served by connection ${OTHER} (${status})`),
    });
  });

  it('is not held back by another connection that is REJECTED', () => {
    expect(check({ connections: [connection(OTHER, 'REJECTED')] })).toEqual({ eligible: true });
  });

  it.each(['PENDING', 'REJECTED'])('deletes only the connection when the decommissioned one is %s', (status) => {
    expect(check({ connection: { id: DECOMMISSIONED, status } })).toMatchObject({ eligible: false, reason: expect.stringContaining(`is ${status}`) });
  });

  it('holds back an environment managed from this very account while Proton is available', () => {
    expect(check({ environment: { ...ENVIRONMENT, managementAccountId: ACCOUNT } })).toMatchObject({
      eligible: false,
      reason: expect.stringContaining('managed from this very account'),
    });
  });

  it("skips the checks that need Proton when it is retired (the deployment chose so), but not the connection's own status", () => {
    expect(
      check({ protonApi: 'retired', connections: [connection(OTHER, 'CONNECTED')], environment: { ...ENVIRONMENT, managementAccountId: ACCOUNT } }),
    ).toEqual({ eligible: true });
    expect(check({ protonApi: 'retired', connection: { id: DECOMMISSIONED, status: 'PENDING' } }).eligible).toBe(false);
  });

  it('holds back an environment served by any connection when no connection is being decommissioned (a cleanup by environment)', () => {
    expect(
      eligibility({ environment: ENVIRONMENT, protonApi: 'available', accountId: ACCOUNT, connections: [connection(DECOMMISSIONED, 'CONNECTED')] }).eligible,
    ).toBe(false);
  });
});

describe('what a run found served mid-way says', () => {
  it('gives the bare fact, without claiming that nothing was deleted', () => {
    const verdict = check({ connections: [connection(OTHER, 'CONNECTED')] });
    expect(verdict.eligible === false && verdict.fact).toMatch(
      new RegExp(`^environment payments-prod is still served by connection ${OTHER} \\(CONNECTED\\); decommission`),
    );
    expect(verdict.eligible === false && verdict.fact).not.toContain('nothing of it is deleted');
  });
});
