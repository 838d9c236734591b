import { ListEnvironmentAccountConnectionsCommand, ListTagsForResourceCommand, ProtonClient } from '@aws-sdk/client-proton';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/find-due-connections.js';
import { clockAt } from '../helpers/clock.js';
import {
  answerStartExecution,
  connectionIdOf,
  connectionSummary,
  DECOMMISSION_TAG_KEY,
  mockedClients,
  protonTagList,
  REPORT_BUCKET,
  serveObjects,
  storedReport,
} from '../helpers/sdk-fixtures.js';

/**
 * The schedule with notice (issue 11): scheduleMode=execute and noticeDays (3) make the daily
 * schedule plan a decommission noticeDays before its date, notified as notice, then execute exactly
 * that plan on the date, once.
 */
const previous = vi.hoisted(() => {
  const saved = { NOTICE_DAYS: process.env.NOTICE_DAYS, SCHEDULE_MODE: process.env.SCHEDULE_MODE };
  process.env.NOTICE_DAYS = '3';
  process.env.SCHEDULE_MODE = 'execute';
  return saved;
});
afterAll(() => {
  for (const [key, value] of Object.entries(previous)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const [proton, sfn, s3] = mockedClients(ProtonClient, SFNClient, S3Client);

/** "Now": 25 November 2026, 06:00 UTC. */
const NOW = '2026-11-25T06:00:00Z';
clockAt(NOW);
const ID = connectionIdOf(1);
const noticeName = (day: string) => `scheduled-notice-${ID}-${day.replaceAll('-', '')}`;

beforeEach(() => {
  answerStartExecution(sfn);
  serveObjects(s3, {});
});

function givenDecommissionOn(day: string): void {
  proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [connectionSummary(ID)] });
  proton.on(ListTagsForResourceCommand).resolves({ tags: protonTagList({ [DECOMMISSION_TAG_KEY]: day }) });
}

/** The notice plan's report, as its run left it in the report bucket. */
function givenNoticePlan(day: string, overrides: Parameters<typeof storedReport>[0] = {}): string {
  const key = `reports/${noticeName(day)}.json`;
  // Made three days before NOW by default, as the notice window's first run would have.
  const execution = { name: noticeName(day), startedAt: '2026-11-22T06:00:00Z', finishedAt: '2026-11-22T06:05:00Z' };
  serveObjects(s3, { [key]: storedReport({ mode: 'plan', execution, ...overrides }) });
  return `s3://${REPORT_BUCKET}/${key}`;
}

function started(): { name?: string; input: Record<string, unknown> }[] {
  return sfn.commandCalls(StartExecutionCommand).map((call) => ({ name: call.args[0].input.name, input: JSON.parse(call.args[0].input.input ?? 'null') }));
}

describe('the schedule with notice (scheduleMode=execute, noticeDays=3)', () => {
  it('plans a decommission noticeDays before its date, as a notice named for the date', async () => {
    givenDecommissionOn('2026-11-28');
    const result = await handler({});

    expect(started()).toEqual([
      {
        name: noticeName('2026-11-28'),
        input: expect.objectContaining({
          'detail-type': 'Proton Connection Decommission Notice',
          time: '2026-11-28T00:00:00Z',
          detail: { connectionId: ID, mode: 'plan' },
        }),
      },
    ]);
    expect(result.started).toEqual([{ target: ID, executionName: noticeName('2026-11-28') }]);
  });

  it('starts nothing before the notice window', async () => {
    givenDecommissionOn('2026-11-29');
    const result = await handler({});

    expect(started()).toEqual([]);
    expect(result.notDue).toEqual([{ target: ID, decommissionOn: '2026-11-29' }]);
  });

  it('on the date, executes exactly the notice plan, once: named for the date', async () => {
    givenDecommissionOn('2026-11-25');
    const plan = givenNoticePlan('2026-11-25');
    await handler({});

    expect(started()).toEqual([
      {
        name: `scheduled-execute-${ID}-20261125`,
        input: expect.objectContaining({ 'detail-type': 'Proton Connection Decommission Due', detail: { connectionId: ID, plan, mode: 'execute' } }),
      },
    ]);
  });

  it('after the date, still executes the plan under the name of the date (a later run finds it already started)', async () => {
    givenDecommissionOn('2026-11-24');
    givenNoticePlan('2026-11-24');
    await handler({});

    expect(started().map((s) => s.name)).toEqual([`scheduled-execute-${ID}-20261124`]);
  });

  it('executes nothing when the schedule runs so late that the notice plan is too old, saying so', async () => {
    givenDecommissionOn('2026-11-22');
    const execution = { name: noticeName('2026-11-22'), startedAt: '2026-11-19T06:00:00Z', finishedAt: '2026-11-19T06:05:00Z' };
    const plan = givenNoticePlan('2026-11-22', { execution });
    const result = await handler({});

    expect(started()).toEqual([]);
    expect(result.unplanned).toEqual([
      { target: ID, plan, problem: expect.stringContaining('the notice plan is 143 hours old, older than maxPlanAgeHours (72)') },
    ]);
  });

  it('plans now, and executes nothing, when the date came without a notice plan (set later than noticeDays before it)', async () => {
    givenDecommissionOn('2026-11-25');
    const result = await handler({});

    expect(started().map((s) => s.name)).toEqual([noticeName('2026-11-25')]);
    expect(result.awaitingPlan).toEqual([{ target: ID, executionName: noticeName('2026-11-25') }]);
  });

  it('executes nothing when the notice plan failed, saying so', async () => {
    givenDecommissionOn('2026-11-25');
    const plan = givenNoticePlan('2026-11-25', { status: 'failed', failure: { error: 'NetworkError', message: 'reset' } });
    const result = await handler({});

    expect(started()).toEqual([]);
    expect(result.unplanned).toEqual([{ target: ID, plan, problem: 'the notice plan run failed (NetworkError)' }]);
  });
});

describe('configuration', () => {
  it('refuses at cold start a notice longer than maxPlanAgeHours (the plan would be too old on the date)', async () => {
    vi.resetModules();
    process.env.NOTICE_DAYS = '4';
    try {
      await expect(import('../../functions/find-due-connections.js')).rejects.toMatchObject({
        name: 'InvalidConfiguration',
        message: expect.stringContaining('NOTICE_DAYS (4) days is longer than MAX_PLAN_AGE_HOURS (72) hours'),
      });
    } finally {
      process.env.NOTICE_DAYS = '3';
    }
  });
});
