import { describe, expect, it } from 'vitest';
import { earlierCleanupOf } from '../../functions/domain/concurrent-runs.js';
import { CONNECTION_ID, ENV, MANAGEMENT_ACCOUNT } from '../helpers/domain-fixtures.js';

const settings = { defaultMode: 'plan' as const, requestEventSource: 'proton-connection-cleanup' };
const self = { name: 'this-run', startedAt: '2026-11-25T10:00:00.500Z' };
const environment = { name: ENV, managementAccountId: MANAGEMENT_ACCOUNT };
const running = (name: string, input: unknown, startedAt = '2026-11-25T10:00:00Z') => ({ name, startedAt, input });

describe('earlierCleanupOf', () => {
  it('finds an earlier execute run for the same connection', () => {
    const earlier = running('first', { connectionId: CONNECTION_ID, mode: 'execute' });

    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [earlier], settings)?.name).toBe('first');
  });

  it('finds an earlier execute run for the same environment named without a connection id', () => {
    const earlier = running('by-environment', { environment, mode: 'execute' });

    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [earlier], settings)?.name).toBe('by-environment');
  });

  it('does not yield to a plan run, which deletes nothing', () => {
    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [running('plan', { connectionId: CONNECTION_ID, mode: 'plan' })], settings)).toBeUndefined();
  });

  it('does not yield to a later run, nor to itself', () => {
    const later = running('later', { connectionId: CONNECTION_ID, mode: 'execute' }, '2026-11-25T10:00:01Z');

    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [later, running('this-run', { connectionId: CONNECTION_ID, mode: 'execute' })], settings)).toBeUndefined();
  });

  it('compares start times as instants, not as text', () => {
    const sameInstant = running('a-first', { connectionId: CONNECTION_ID, mode: 'execute' }, '2026-11-25T10:00:00.500Z');
    const withoutMillis = running('b', { connectionId: CONNECTION_ID, mode: 'execute' }, '2026-11-25T10:00:00Z');

    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [sameInstant], settings)?.name).toBe('a-first');
    // The same instant written two ways: a tie, broken by name (as text, "00Z" would sort after "00.000Z").
    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, { ...self, startedAt: '2026-11-25T10:00:00.000Z' }, [withoutMillis], settings)?.name).toBe('b');
  });

  it('ignores runs whose input is malformed (they clean nothing)', () => {
    expect(earlierCleanupOf({ connectionId: CONNECTION_ID, environment }, self, [running('bad', { connectionId: 'nope' })], settings)).toBeUndefined();
  });
});
