import { describe, expect, it } from 'vitest';
import { decideSweep, environmentOf, environmentsFound, type SweepFacts, sweepChildName } from '../../functions/domain/sweep.js';

const MGMT = '444455556666';
const ACCOUNT = '111122223333';
const envArn = (name: string, account = MGMT) => `arn:aws:proton:us-east-1:${account}:environment/${name}`;
const connection = (environmentName: string, status: string, managementAccountId = MGMT) => ({
  id: `id-${environmentName}-${status}`,
  status,
  environmentName,
  managementAccountId,
});

function sweep(arns: string[], overrides: Partial<SweepFacts> = {}) {
  return decideSweep({ found: environmentsFound(arns), protonApi: 'available', accountId: ACCOUNT, connections: [], ...overrides });
}
const decisionFor = (decisions: ReturnType<typeof decideSweep>, name: string) => decisions.find((d) => d.environment.name === name);

describe('environmentsFound', () => {
  it('lists each environment once, with how many resources are tagged for it, and ignores values that are not environment ARNs', () => {
    const found = environmentsFound([envArn('a'), envArn('b'), envArn('a'), 'not-an-arn']);
    expect(found.map((e) => [e.name, e.resources])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('reads name and management account from the ARN', () => {
    expect(environmentOf(envArn('payments-prod'))).toMatchObject({ name: 'payments-prod', managementAccountId: MGMT });
  });
});

describe('decideSweep with Proton available', () => {
  it('starts a cleanup for an environment no connection serves', () => {
    expect(decisionFor(sweep([envArn('a')]), 'a')).toMatchObject({ action: 'start' });
  });

  it.each(['CONNECTED', 'PENDING'])('skips an environment a %s connection serves, saying which', (status) => {
    expect(decisionFor(sweep([envArn('a')], { connections: [connection('a', status)] }), 'a')).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining(`(${status})`),
    });
  });

  it('starts a cleanup for an environment whose only connection is REJECTED (a rejected connection serves nothing)', () => {
    expect(decisionFor(sweep([envArn('a')], { connections: [connection('a', 'REJECTED')] }), 'a')).toMatchObject({ action: 'start' });
  });

  it('tells environments of the same name in different management accounts apart', () => {
    const decisions = sweep([envArn('a'), envArn('a', '999988887777')], { connections: [connection('a', 'CONNECTED')] });
    expect(decisions.map((d) => [d.environment.managementAccountId, d.action])).toEqual([
      [MGMT, 'skip'],
      ['999988887777', 'start'],
    ]);
  });

  it('never takes an environment of this very account for orphaned: it has no connection by design', () => {
    expect(decisionFor(sweep([envArn('own', ACCOUNT)]), 'own')).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining('managed from this very account'),
    });
  });

  it('skips the environments the request does not name, when it names some', () => {
    const decisions = sweep([envArn('a'), envArn('b')], { named: [{ name: 'b', managementAccountId: MGMT }] });
    expect(decisions.map((d) => [d.environment.name, d.action])).toEqual([
      ['a', 'skip'],
      ['b', 'start'],
    ]);
  });
});

describe('decideSweep with Proton retired', () => {
  const retired = (arns: string[], overrides: Partial<SweepFacts> = {}) =>
    sweep(arns, { protonApi: 'retired', connections: undefined, today: '2026-12-01', ...overrides });
  const date = (name: string, day: string) => ({ environment: { name, managementAccountId: MGMT }, source: `SSM parameter /x/${MGMT}/${name}`, day });

  it('starts nothing for an environment neither named nor due, saying how to include it', () => {
    expect(decisionFor(retired([envArn('a')]), 'a')).toMatchObject({ action: 'skip', reason: expect.stringContaining('"environments"') });
  });

  it('starts a cleanup for a named environment', () => {
    expect(decisionFor(retired([envArn('a')], { named: [{ name: 'a', managementAccountId: MGMT }] }), 'a')).toMatchObject({ action: 'start' });
  });

  it('starts a cleanup for an environment whose decommission date has come, and not one whose date is still ahead', () => {
    const decisions = retired([envArn('due'), envArn('later')], { dates: [date('due', '2026-12-01'), date('later', '2026-12-02')] });
    expect(decisionFor(decisions, 'due')).toMatchObject({ action: 'start', reason: expect.stringContaining('2026-12-01 has come') });
    expect(decisionFor(decisions, 'later')).toMatchObject({ action: 'skip', reason: expect.stringContaining('2026-12-02 has not come') });
  });

  it('reports a malformed decommission date and never takes it as a reason to delete', () => {
    const malformed = { environment: { name: 'a', managementAccountId: MGMT }, source: 'SSM parameter /x', problem: 'expected YYYY-MM-DD' };
    expect(decisionFor(retired([envArn('a')], { dates: [malformed] }), 'a')).toMatchObject({ action: 'skip', reason: expect.stringContaining('malformed') });
  });

  it('lists a named environment with nothing tagged for it, and starts nothing for it', () => {
    expect(decisionFor(retired([], { named: [{ name: 'ghost', managementAccountId: MGMT }] }), 'ghost')).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining('nothing in this account'),
    });
  });
});

describe('sweepChildName', () => {
  const environment = { name: 'payments-prod', managementAccountId: MGMT };

  it('is a valid, deterministic execution name carrying the mode and the environment', () => {
    const name = sweepChildName('sweep-run-1', environment, 'execute');
    expect(name).toMatch(/^[A-Za-z0-9-_]{1,80}$/);
    expect(name).toContain('-execute-payments-prod-');
    expect(name).toBe(sweepChildName('sweep-run-1', environment, 'execute'));
  });

  it('differs between two sweeps, and between plan and execute, for the same environment', () => {
    expect(sweepChildName('sweep-run-2', environment, 'execute')).not.toBe(sweepChildName('sweep-run-1', environment, 'execute'));
    expect(sweepChildName('sweep-run-1', environment, 'plan')).not.toBe(sweepChildName('sweep-run-1', environment, 'execute'));
  });

  it('keeps two long names with the same beginning apart, within 80 characters', () => {
    const long = 'a'.repeat(90);
    const one = sweepChildName('x'.repeat(80), { name: `${long}-one`, managementAccountId: MGMT }, 'execute');
    const two = sweepChildName('x'.repeat(80), { name: `${long}-two`, managementAccountId: MGMT }, 'execute');
    expect(one).not.toBe(two);
    expect(one.length).toBeLessThanOrEqual(80);
  });
});
