import { describe, expect, it } from 'vitest';
import {
  addDays,
  decommissionDates,
  decommissionDueEvent,
  judgeConnection,
  parseDecommissionDate,
  scheduledStep,
  todayUtc,
} from '../../functions/domain/decommission-schedule.js';
import { ACCOUNT, CONNECTION_ID, REGION, taggedConnection } from '../helpers/domain-fixtures.js';

const TAG = 'proton-cleanup:decommission-on';
const TODAY = '2026-11-25';

const tagged = (date: string) => taggedConnection({ [TAG]: date });

describe('parseDecommissionDate', () => {
  it('accepts a calendar date written YYYY-MM-DD', () => {
    expect(parseDecommissionDate('2026-12-01')).toEqual({ day: '2026-12-01' });
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseDecommissionDate('2028-02-29')).toEqual({ day: '2028-02-29' });
  });

  it('accepts a date with whitespace around it (as typed into a console)', () => {
    expect(parseDecommissionDate(' 2026-12-01 ')).toEqual({ day: '2026-12-01' });
  });

  it.each(['2026-02-30', '2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])(
    'rejects %s, which is not a calendar date, naming the value and the expected format',
    (value) => {
      const parsed = parseDecommissionDate(value);
      expect(parsed).toEqual({ problem: expect.stringContaining(`"${value}" is not a calendar date`) });
      expect(parsed).toEqual({ problem: expect.stringContaining('YYYY-MM-DD') });
    },
  );

  it.each(['31/12/2026', '12/31/2026', '2026/12/31', '2026-12-1', '20261231', '2026-12-31T00:00:00Z', 'soon', 'true', ''])(
    'rejects "%s", naming the expected format YYYY-MM-DD',
    (value) => {
      expect(parseDecommissionDate(value)).toEqual({ problem: expect.stringContaining('expected a date written YYYY-MM-DD') });
    },
  );

  it('quotes at most 64 characters of a long malformed value', () => {
    const parsed = parseDecommissionDate('x'.repeat(256));
    expect(parsed).toEqual({ problem: expect.stringContaining(`got "${'x'.repeat(64)}"`) });
    expect(parsed).not.toEqual({ problem: expect.stringContaining('x'.repeat(65)) });
  });
});

describe('judgeConnection', () => {
  it('finds a connection dated before today due', () => {
    expect(judgeConnection(tagged('2026-11-24'), TAG, TODAY)).toMatchObject({ kind: 'due', decommissionOn: '2026-11-24' });
  });

  it('finds a connection dated today due', () => {
    expect(judgeConnection(tagged(TODAY), TAG, TODAY)).toMatchObject({ kind: 'due', decommissionOn: TODAY });
  });

  it('finds a connection dated after today not due, with its date', () => {
    expect(judgeConnection(tagged('2026-11-26'), TAG, TODAY)).toMatchObject({ kind: 'not-due', decommissionOn: '2026-11-26' });
  });

  it('compares dates across month and year boundaries', () => {
    expect(judgeConnection(tagged('2026-12-31'), TAG, '2027-01-01').kind).toBe('due');
    expect(judgeConnection(tagged('2027-01-01'), TAG, '2026-12-31').kind).toBe('not-due');
  });

  it('finds a connection without the tag untagged, whatever other tags it has (tag keys are case-sensitive)', () => {
    const connection = taggedConnection({ team: 'payments', 'Proton-Cleanup:Decommission-On': '2026-01-01' });
    expect(judgeConnection(connection, TAG, TODAY)).toEqual({ kind: 'untagged', connection });
  });

  it('finds a connection whose tag is not a date malformed, with the value and the problem', () => {
    expect(judgeConnection(tagged('next week'), TAG, TODAY)).toMatchObject({
      kind: 'malformed',
      value: 'next week',
      problem: expect.stringContaining('YYYY-MM-DD'),
    });
  });

  it('finds a connection tagged with an impossible date malformed, never due', () => {
    expect(judgeConnection(tagged('2026-02-30'), TAG, TODAY)).toMatchObject({ kind: 'malformed', value: '2026-02-30' });
  });

  it('names the connection in its verdict', () => {
    const connection = tagged(TODAY);
    expect(judgeConnection(connection, TAG, TODAY).connection).toBe(connection);
  });
});

describe('todayUtc', () => {
  it('is the UTC calendar date of the instant, whatever the local time zone', () => {
    const original = process.env.TZ;
    process.env.TZ = 'America/New_York'; // where 2026-11-25T23:30:00-05:00 is still 25 November
    try {
      expect(todayUtc(new Date('2026-11-25T23:30:00-05:00'))).toBe('2026-11-26');
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('decommissionDueEvent', () => {
  const connection = taggedConnection();
  const options = {
    name: `scheduled-execute-${CONNECTION_ID}-20261125`,
    source: 'proton-connection-cleanup',
    detailType: 'Proton Connection Decommission Due',
    mode: 'execute',
    day: '2026-11-25',
    account: ACCOUNT,
    region: REGION,
    resources: [connection.arn],
  };

  it('is an EventBridge-shaped event: our source and detail-type, the resources given, the target and mode as detail', () => {
    expect(decommissionDueEvent({ connectionId: CONNECTION_ID }, options)).toEqual({
      version: '0',
      id: options.name,
      source: 'proton-connection-cleanup',
      'detail-type': 'Proton Connection Decommission Due',
      account: ACCOUNT,
      time: '2026-11-25T00:00:00Z',
      region: REGION,
      resources: [connection.arn],
      detail: { connectionId: CONNECTION_ID, mode: 'execute' },
    });
  });

  it('names an environment instead of a connection when Proton is retired', () => {
    const environment = { name: 'payments-prod', managementAccountId: '444455556666' };
    expect(decommissionDueEvent({ environment }, { ...options, resources: [] })).toMatchObject({ resources: [], detail: { environment, mode: 'execute' } });
  });

  it('is the same input for every run of the same day (its time is the day it is due for), so a second run is known for the same request', () => {
    expect(decommissionDueEvent({ connectionId: CONNECTION_ID }, options)).toMatchObject({ time: '2026-11-25T00:00:00Z' });
  });

  it('carries the mode it is given', () => {
    expect(decommissionDueEvent({ connectionId: CONNECTION_ID }, { ...options, mode: 'plan' })).toMatchObject({
      detail: { connectionId: CONNECTION_ID, mode: 'plan' },
    });
  });
});

describe('decommissionDates (SSM parameters, with Proton retired)', () => {
  const PATH = '/proton-cleanup/decommission';

  it('reads <path>/<management account>/<environment> = YYYY-MM-DD', () => {
    const { dates } = decommissionDates([{ name: `${PATH}/444455556666/payments-prod`, value: '2026-12-01' }], PATH);
    expect(dates).toEqual([
      {
        environment: { name: 'payments-prod', managementAccountId: '444455556666' },
        source: `SSM parameter ${PATH}/444455556666/payments-prod`,
        day: '2026-12-01',
      },
    ]);
  });

  it('reports a malformed date, with what is expected', () => {
    const { dates } = decommissionDates([{ name: `${PATH}/444455556666/payments-prod`, value: '01/12/2026' }], PATH);
    expect(dates[0]).toMatchObject({ problem: expect.stringContaining('YYYY-MM-DD') });
  });

  it('ignores, and reports, a parameter whose name is not <management account>/<environment>', () => {
    const { dates, ignored } = decommissionDates([{ name: `${PATH}/payments-prod`, value: '2026-12-01' }], PATH);
    expect(dates).toEqual([]);
    expect(ignored).toEqual([{ name: `${PATH}/payments-prod`, problem: expect.stringContaining('<12-digit management account id>/<environment name>') }]);
  });

  it('accepts the path with a trailing slash', () => {
    expect(decommissionDates([{ name: `${PATH}/444455556666/a`, value: '2026-12-01' }], `${PATH}/`).dates).toHaveLength(1);
  });
});

describe('scheduledStep', () => {
  it('waits before the notice window', () => {
    expect(scheduledStep('2026-11-29', '2026-11-25', 3)).toBe('wait');
  });

  it.each(['2026-11-28', '2026-11-26'])('gives notice from noticeDays before the date until the day before it (%s)', (day) => {
    expect(scheduledStep(day, '2026-11-25', 3)).toBe('notice');
  });

  it.each(['2026-11-25', '2026-11-01'])('is due on the date and after it (%s)', (day) => {
    expect(scheduledStep(day, '2026-11-25', 3)).toBe('due');
  });

  it('gives no notice with noticeDays 0', () => {
    expect(scheduledStep('2026-11-26', '2026-11-25', 0)).toBe('wait');
  });

  it('counts the notice window in calendar days across a month and a year', () => {
    expect(scheduledStep('2027-01-02', '2026-12-30', 3)).toBe('notice');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
  });
});
