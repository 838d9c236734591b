import { describe, expect, it } from 'vitest';
import { eventExecutionName, modeOfEvent, scheduledEnvironmentExecutionName, scheduledExecutionName } from '../../functions/domain/execution-names.js';
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
    expect(eventExecutionName(event(), 'execute')).toBe(eventExecutionName(event(), 'execute'));
  });

  it('differs for different ids', () => {
    expect(eventExecutionName(event({ id: 'c3d4e5f6-7081-4923-8b4c-5d6e7f809102' }), 'execute')).not.toBe(eventExecutionName(event(), 'execute'));
  });

  it('differs for the same event in another mode: a plan never takes the name of the execute that follows', () => {
    expect(eventExecutionName(event(), 'plan')).not.toBe(eventExecutionName(event(), 'execute'));
  });

  it('differs for the same id from different sources', () => {
    expect(eventExecutionName(event({ source: 'proton-connection-cleanup' }), 'execute')).not.toBe(eventExecutionName(event(), 'execute'));
  });

  it('starts with "event-", the mode and the kind of event, taken from the detail-type', () => {
    expect(eventExecutionName(event({ source: 'proton-connection-cleanup', detailType: 'Proton Connection Decommission Requested' }), 'execute')).toMatch(
      /^event-execute-proton-connection-decommission-r-[0-9a-f]+$/,
    );
  });

  it('shortens "AWS Proton …" detail-types to "proton-…"', () => {
    expect(eventExecutionName(event({ detailType: 'AWS Proton Environment Status Change' }), 'execute')).toMatch(
      /^event-execute-proton-environment-status-change-/,
    );
  });

  it.each([
    ['a long detail-type', 'Proton Connection Decommission Requested '.repeat(8)],
    ['the longest Proton detail-type', 'AWS Proton Environment Account Connection Status Change'],
    ['a detail-type with accents and symbols', 'Décommission dûe — connexion ✓ (été)'],
    ['a detail-type of punctuation only', '!!! ???'],
    ['an empty detail-type', ''],
  ])('is a valid Step Functions name (at most 80 characters of [A-Za-z0-9-_]) for %s', (_case, detailType) => {
    expect(eventExecutionName(event({ detailType }), 'execute')).toMatch(VALID_NAME);
  });

  it('is a valid Step Functions name for a long source and id', () => {
    expect(eventExecutionName(event({ source: 's'.repeat(256), id: 'i'.repeat(200) }), 'execute')).toMatch(VALID_NAME);
  });
});

describe('scheduledExecutionName', () => {
  it('is scheduled-<mode>-<connectionId>-<day as YYYYMMDD>', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-25', 'plan')).toBe(`scheduled-plan-${CONNECTION_ID}-20261125`);
  });

  it('differs from one day to the next, and from one mode to the other, for the same connection', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-26', 'plan')).not.toBe(scheduledExecutionName(CONNECTION_ID, '2026-11-25', 'plan'));
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-25', 'execute')).not.toBe(scheduledExecutionName(CONNECTION_ID, '2026-11-25', 'plan'));
  });

  it('is a valid Step Functions name for a Proton connection id', () => {
    expect(scheduledExecutionName(CONNECTION_ID, '2026-11-25', 'execute')).toMatch(VALID_NAME);
  });
});

describe('scheduledEnvironmentExecutionName', () => {
  const environment = { name: 'payments-prod', managementAccountId: '444455556666' };

  it('names the mode, the management account and the environment', () => {
    expect(scheduledEnvironmentExecutionName(environment, '2026-11-25', 'execute')).toMatch(
      /^scheduled-execute-444455556666-payments-prod-[0-9a-f]{8}-20261125$/,
    );
  });

  it('is a valid Step Functions name for the longest environment name, and keeps long names with the same beginning apart', () => {
    const one = scheduledEnvironmentExecutionName({ ...environment, name: `${'a'.repeat(99)}1` }, '2026-11-25', 'execute');
    const two = scheduledEnvironmentExecutionName({ ...environment, name: `${'a'.repeat(99)}2` }, '2026-11-25', 'execute');
    expect(one).toMatch(VALID_NAME);
    expect(one).not.toBe(two);
  });
});

describe('modeOfEvent', () => {
  const settings = { defaultMode: 'plan', requestEventSource: 'proton-connection-cleanup' };

  it("is the custom event's detail mode", () => {
    expect(modeOfEvent({ source: 'proton-connection-cleanup', detail: { mode: 'execute' } }, settings)).toBe('execute');
  });

  it("is the deployment's default for Proton's events, and for a detail that names no valid mode", () => {
    expect(modeOfEvent({ source: 'aws.proton', detail: { mode: 'execute' } }, settings)).toBe('plan');
    expect(modeOfEvent({ source: 'proton-connection-cleanup', detail: { mode: 'destroy' } }, settings)).toBe('plan');
  });
});
