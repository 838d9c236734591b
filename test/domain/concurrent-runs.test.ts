import { describe, expect, it } from 'vitest';
import { holderMayStillDelete, judgeLease, leaseKey } from '../../functions/domain/concurrent-runs.js';
import { CONNECTION_ID, ENV, MANAGEMENT_ACCOUNT } from '../helpers/domain-fixtures.js';

const environment = { name: ENV, managementAccountId: MANAGEMENT_ACCOUNT };
const lease = (holder: string, released?: boolean) => ({
  holder,
  target: `${ENV}@${MANAGEMENT_ACCOUNT}`,
  takenAt: '2026-11-25T10:00:00Z',
  ...(released === undefined ? {} : { released }),
});

describe('the cleanup lease', () => {
  it('is one per environment: a run by connection id and a run naming only the environment share it', () => {
    expect(leaseKey({ connectionId: CONNECTION_ID, environment })).toBe(leaseKey({ environment }));
    expect(leaseKey({ environment })).toBe(`leases/environment/${MANAGEMENT_ACCOUNT}/${ENV}.json`);
  });

  it('differs for the same environment name under another management account', () => {
    expect(leaseKey({ environment })).not.toBe(leaseKey({ environment: { name: ENV, managementAccountId: '999988887777' } }));
  });

  it("is the connection's when the environment is unknown", () => {
    expect(leaseKey({ connectionId: CONNECTION_ID, environment: { name: '', managementAccountId: '' } })).toBe(`leases/connection/${CONNECTION_ID}.json`);
  });

  it("held by this very execution (an earlier attempt of the task took it) is ours; released is free; anyone else's asks its holder", () => {
    expect(judgeLease(lease('me'), 'me')).toBe('ours');
    expect(judgeLease(lease('other', true), 'me')).toBe('free');
    expect(judgeLease(lease('other'), 'me')).toBe('ask-holder');
  });

  it('yields only to a holder that may still delete (DescribeExecution status RUNNING or PENDING_REDRIVE)', () => {
    expect(['RUNNING', 'PENDING_REDRIVE'].map(holderMayStillDelete)).toEqual([true, true]);
    expect(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', undefined].map(holderMayStillDelete)).toEqual([false, false, false, false, false]);
  });
});
