import { describe, expect, it } from 'vitest';
import { environmentOf, orphanedEnvironments, sweepExecutionName } from '../../functions/domain/sweep.js';

const envArn = (name: string, account = '444455556666') => `arn:aws:proton:us-east-1:${account}:environment/${name}`;

describe('orphanedEnvironments', () => {
  it('keeps the environments no connection serves, once each, and ignores values that are not environment ARNs', () => {
    const orphans = orphanedEnvironments([envArn('a'), envArn('b'), envArn('a'), 'not-an-arn'], [{ environmentName: 'b', managementAccountId: '444455556666' }]);

    expect(orphans.map((o) => o.name)).toEqual(['a']);
  });

  it('tells environments of the same name in different management accounts apart', () => {
    const orphans = orphanedEnvironments([envArn('a'), envArn('a', '999988887777')], [{ environmentName: 'a', managementAccountId: '444455556666' }]);

    expect(orphans.map((o) => o.managementAccountId)).toEqual(['999988887777']);
  });

  it('reads name and management account from the ARN', () => {
    expect(environmentOf(envArn('payments-prod'))).toMatchObject({ name: 'payments-prod', managementAccountId: '444455556666' });
  });
});

describe('sweepExecutionName', () => {
  it('is a valid, deterministic execution name', () => {
    const name = sweepExecutionName({ name: 'payments-prod', managementAccountId: '444455556666' }, '2026-11-25');

    expect(name).toMatch(/^[A-Za-z0-9-_]{1,80}$/);
    expect(name).toBe(sweepExecutionName({ name: 'payments-prod', managementAccountId: '444455556666' }, '2026-11-25'));
  });

  it('keeps two long names with the same beginning apart', () => {
    const long = 'a'.repeat(90);
    const one = sweepExecutionName({ name: `${long}-one`, managementAccountId: '444455556666' }, '2026-11-25');
    const two = sweepExecutionName({ name: `${long}-two`, managementAccountId: '444455556666' }, '2026-11-25');

    expect(one).not.toBe(two);
    expect(one.length).toBeLessThanOrEqual(80);
  });
});
