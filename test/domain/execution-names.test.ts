import { describe, expect, it } from 'vitest';
import { eventExecutionName, scheduledExecutionName } from '../../functions/domain/execution-names.js';
import { CONNECTION_ID } from '../helpers/domain-fixtures.js';

/** What Step Functions accepts as an execution name (and what these names promise). */
const VALID_NAME = /^[A-Za-z0-9_-]{1,80}$/;

function event(overrides: Partial<{ source: string; id: string; detailType: string }> = {}) {
  return {
    source: 'aws.proton',
    id: 'b2c3d4e5-6f70-4812-9a3b-4c5d6e7f8091',
    detailType: 'AWS Proton Environment Account Connection Status Change',
    ...overrides,
  };
}

describe('eventExecutionName', () => {
  it('is the same for the same source and id', () => {
    expect(eventExecutionName(event())).toBe(eventExecutionName(event()));
  });

  it('differs for different ids', () => {
    expect(eventExecutionName(event({ id: 'c3d4e5f6-7081-4923-8b4c-5d6e7f809102' }))).not.toBe(eventExecutionName(event()));
  });

  it('differs for the same id from different sources', () => {
    expect(eventExecutionName(event({ source: 'proton-connection-cleanup' }))).not.toBe(eventExecutionName(event()));
  });

  it('starts with "event-" and the kind of event, taken from the detail-type', () => {
    expect(eventExecutionName(event({ source: 'proton-connection-cleanup', detailType: 'Proton Connection Decommission Requested' }))).toMatch(
      /^event-proton-connection-decommission-requested-[0-9a-f]+$/,
    );
  });

  it('shortens "AWS Proton …" detail-types to "proton-…"', () => {
    expect(eventExecutionName(event({ detailType: 'AWS Proton Environment Status Change' }))).toMatch(/^event-proton-environment-status-change-/);
  });

  it.each([
    ['a long detail-type', 'Proton Connection Decommission Requested '.repeat(8)],
    ['the longest Proton detail-type', 'AWS Proton Environment Account Connection Status Change'],
    ['a detail-type with accents and symbols', 'Décommission dûe — connexion ✓ (été)'],
    ['a detail-type of punctuation only', '!!! ???'],
    ['an empty detail-type', ''],
  ])('is a valid Step Functions name (at most 80 characters of [A-Za-z0-9-_]) for %s', (_case, detailType) => {
    expect(eventExecutionName(event({ detailType }))).toMatch(VALID_NAME);
  });

  it('is a valid Step Functions name for a long source and id', () => {
    expect(eventExecutionName(event({ source: 's'.repeat(256), id: 'i'.repeat(200) }))).toMatch(VALID_NAME);
  });
});

describe('scheduledExecutionName', () => {
  it('is scheduled-<connectionId>-<day as YYYYMMDD>', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-25')).toBe(`scheduled-${CONNECTION_ID}-20261125`);
  });

  it('differs from one day to the next for the same connection', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-26')).not.toBe(scheduledExecutionName(CONNECTION_ID, '2026-11-25'));
  });

  it('is a valid Step Functions name for a Proton connection id', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-25')).toMatch(VALID_NAME);
  });
});
