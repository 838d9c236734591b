import {
  type EnvironmentAccountConnectionSummary,
  ListEnvironmentAccountConnectionsCommand,
  type ListEnvironmentAccountConnectionsCommandOutput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandOutput,
  ProtonClient,
} from '@aws-sdk/client-proton';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParametersByPathCommand, type Parameter, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_OPTIONS } from '../../functions/domain/request.js';
import { handler } from '../../functions/find-due-connections.js';
import { handler as resolveRequest } from '../../functions/resolve-request.js';
import { clockAt } from '../helpers/clock.js';
import {
  ACCOUNT_ID,
  answerStartExecution,
  connectionArnOf,
  connectionIdOf,
  connectionSummary,
  DECOMMISSION_TAG_KEY,
  HUB_TARGET,
  MANAGEMENT_ACCOUNT_ID,
  mockedClients,
  networkError,
  pagedByToken,
  protonError,
  protonTagList,
  REGION,
  STATE_MACHINE_ARN,
  sfnError,
} from '../helpers/sdk-fixtures.js';

// This file specifies the schedule without notice (noticeDays=0): each day from the date, in scheduleMode.
// With notice (the default): find-due-connections-notice.test.ts. Set before the handler reads it, at import.
const previousNoticeDays = vi.hoisted(() => {
  const previous = process.env.NOTICE_DAYS;
  process.env.NOTICE_DAYS = '0';
  return previous;
});
afterAll(() => {
  if (previousNoticeDays === undefined) delete process.env.NOTICE_DAYS;
  else process.env.NOTICE_DAYS = previousNoticeDays;
});

const [proton, sfn, ssm] = mockedClients(ProtonClient, SFNClient, SSMClient);

/** "Now" for every test: 25 November 2026, 06:00 UTC. */
const NOW = '2026-11-25T06:00:00Z';
const time = clockAt(NOW);
const TODAY = '2026-11-25';

const DUE = connectionIdOf(1);
const LATER = connectionIdOf(2);
const OTHER = connectionIdOf(3);

beforeEach(() => {
  answerStartExecution(sfn);
});

const decommissionOn = (date: string) => ({ [DECOMMISSION_TAG_KEY]: date });

/**
 * The account's connections, on one page, each with the tags it carries (one page of tags).
 * A connection given an Error instead of tags fails ListTagsForResource with it.
 */
function givenConnections(connections: Record<string, Record<string, string> | Error>) {
  proton.on(ListEnvironmentAccountConnectionsCommand).resolves({
    environmentAccountConnections: Object.keys(connections).map((id) => connectionSummary(id)),
  });
  answerTags(connections);
}

function answerTags(connections: Record<string, Record<string, string> | Error>) {
  proton.on(ListTagsForResourceCommand).callsFake((input: { resourceArn?: string }): ListTagsForResourceCommandOutput => {
    const id = Object.keys(connections).find((candidate) => connectionArnOf(candidate) === input.resourceArn);
    const tags = id === undefined ? undefined : connections[id];
    if (tags === undefined) throw new Error(`no connection has the ARN ${input.resourceArn}`);
    if (tags instanceof Error) throw tags;
    return { tags: protonTagList(tags), $metadata: {} };
  });
}

const sweep = () => handler({});

/** Runs `body` with the process in another local time zone, so that UTC and local dates differ. */
async function inTimeZone<T>(timeZone: string, body: () => Promise<T>): Promise<T> {
  const original = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return await body();
  } finally {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  }
}

function startedExecutions() {
  return sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
}

function startedInputs(): unknown[] {
  return startedExecutions().map((input) => JSON.parse(input.input ?? 'null'));
}

describe('FindDueConnections handler (the scheduled sweep), with noticeDays=0', () => {
  describe('a connection whose decommission date has come', () => {
    it('is started when the date is today', async () => {
      givenConnections({ [DUE]: decommissionOn(TODAY) });
      const result = await sweep();
      expect(result.started).toEqual([{ target: DUE, executionName: `scheduled-execute-${DUE}-20261125` }]);
      expect(startedExecutions()).toHaveLength(1);
    });

    it('is started when the date has passed', async () => {
      givenConnections({ [DUE]: decommissionOn('2026-03-01') });
      const result = await sweep();
      expect(result.started.map((s) => s.target)).toEqual([DUE]);
      expect(startedExecutions()).toHaveLength(1);
    });

    it('is started on the state machine of STATE_MACHINE_ARN', async () => {
      givenConnections({ [DUE]: decommissionOn(TODAY) });
      await sweep();
      expect(startedExecutions()[0]?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    });

    it('is started under the name scheduled-<SCHEDULE_MODE>-<connectionId>-<today as YYYYMMDD>, whatever its own date', async () => {
      givenConnections({ [DUE]: decommissionOn('2026-03-01') });
      await sweep();
      expect(startedExecutions()[0]?.name).toBe(`scheduled-execute-${DUE}-20261125`);
    });

    it("is judged against today's UTC date, not the local one", async () => {
      time.set('2026-11-25T23:30:00-05:00'); // still 25 November in New York, already 26 November in UTC
      givenConnections({ [DUE]: decommissionOn('2026-11-26') });
      await inTimeZone('America/New_York', sweep);
      expect(startedExecutions().map((input) => input.name)).toEqual([`scheduled-execute-${DUE}-20261126`]);
    });

    it('is started with an event-shaped request: our source, "Proton Connection Decommission Due", the connection in SCHEDULE_MODE', async () => {
      givenConnections({ [DUE]: decommissionOn(TODAY) });
      await sweep();
      expect(startedInputs()).toEqual([
        {
          version: '0',
          id: `scheduled-execute-${DUE}-20261125`,
          source: 'proton-connection-cleanup',
          'detail-type': 'Proton Connection Decommission Due',
          account: ACCOUNT_ID,
          time: expect.stringMatching(/^2026-11-25T\d{2}:\d{2}:\d{2}Z$/),
          region: REGION,
          resources: [connectionArnOf(DUE)],
          detail: { connectionId: DUE, mode: 'execute' },
        },
      ]);
    });

    it('is started with an input that ResolveRequest turns into an execute-mode request for the connection', async () => {
      givenConnections({ [DUE]: decommissionOn(TODAY) });
      await sweep();
      const [input] = startedInputs();
      const { request } = await resolveRequest({ input, executionName: `scheduled-execute-${DUE}-20261125` });
      expect(request).toEqual({
        target: HUB_TARGET,
        connectionId: DUE,
        mode: 'execute',
        protonApi: 'available',
        options: DEFAULT_OPTIONS,
        trigger: {
          type: 'event',
          source: 'proton-connection-cleanup',
          detailType: 'Proton Connection Decommission Due',
          eventId: `scheduled-execute-${DUE}-20261125`,
        },
      });
    });

    it('whose execution an earlier run of the schedule started today is listed in alreadyStarted, not failed (a repeated schedule is deduplicated)', async () => {
      givenConnections({ [DUE]: decommissionOn(TODAY) });
      await sweep();
      const [sameInput] = startedInputs();
      time.set('2026-11-25T18:30:00Z'); // the schedule runs again later the same day
      sfn.reset();
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists(`scheduled-execute-${DUE}-20261125`));
      sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(sameInput) });
      const result = await sweep();
      expect(result.alreadyStarted).toEqual([{ target: DUE, executionName: `scheduled-execute-${DUE}-20261125` }]);
      expect(result.started).toEqual([]);
    });
  });

  it('lists a connection whose date is still to come in notDue, with its date, and starts nothing', async () => {
    givenConnections({ [LATER]: decommissionOn('2026-11-26') });
    const result = await sweep();
    expect(result.notDue).toEqual([{ target: LATER, decommissionOn: '2026-11-26' }]);
    expect(startedExecutions()).toEqual([]);
  });

  it.each(['31/12/2026', '2026-02-30', 'soon'])(
    'lists a connection tagged "%s" in malformed, saying a YYYY-MM-DD date is expected, and starts nothing',
    async (value) => {
      givenConnections({ [OTHER]: decommissionOn(value) });
      const result = await sweep();
      expect(result.malformed).toEqual([{ target: OTHER, value, problem: expect.stringContaining('expected a date written YYYY-MM-DD') }]);
      expect(startedExecutions()).toEqual([]);
    },
  );

  it('still starts the due connections when another one has a malformed tag', async () => {
    givenConnections({ [OTHER]: decommissionOn('soon'), [DUE]: decommissionOn(TODAY) });
    const result = await sweep();
    expect(result.started.map((s) => s.target)).toEqual([DUE]);
    expect(result.malformed.map((m) => m.target)).toEqual([OTHER]);
  });

  it('counts the connections without the decommission tag in untagged, and starts nothing for them', async () => {
    givenConnections({ [OTHER]: {}, [LATER]: { team: 'payments', 'Proton-Cleanup:Decommission-On': TODAY } });
    const result = await sweep();
    expect(result.untagged).toBe(2);
    expect(startedExecutions()).toEqual([]);
  });

  describe('listing the connections', () => {
    const CONNECTIONS = Array.from({ length: 250 }, (_, n) => connectionIdOf(n + 1));

    /** 250 connections on three pages (100, 100, 50), each tagged with its own date. */
    function givenTwoHundredFiftyConnectionsOnThreePages(tagsOf: (id: string, n: number) => Record<string, string>) {
      const page = (from: number, to: number, nextToken?: string): ListEnvironmentAccountConnectionsCommandOutput => ({
        environmentAccountConnections: CONNECTIONS.slice(from, to).map((id): EnvironmentAccountConnectionSummary => connectionSummary(id)),
        ...(nextToken ? { nextToken } : {}),
        $metadata: {},
      });
      const pages = pagedByToken('nextToken', { '': page(0, 100, 'page-2'), 'page-2': page(100, 200, 'page-3'), 'page-3': page(200, 250) });
      const requestedBy: unknown[] = [];
      proton.on(ListEnvironmentAccountConnectionsCommand).callsFake((input: Record<string, unknown>) => {
        requestedBy.push(input.requestedBy);
        return pages.answer(input);
      });
      answerTags(Object.fromEntries(CONNECTIONS.map((id, n) => [id, tagsOf(id, n)])));
      return { tokensSent: pages.tokensSent, requestedBy };
    }

    it('reads every page, passing the nextToken on', async () => {
      const { tokensSent } = givenTwoHundredFiftyConnectionsOnThreePages(() => decommissionOn(TODAY));
      await sweep();
      expect(tokensSent).toEqual([undefined, 'page-2', 'page-3']);
    });

    it("asks, on every page, for this account's connections as the environment account", async () => {
      const { requestedBy } = givenTwoHundredFiftyConnectionsOnThreePages(() => decommissionOn(TODAY));
      await sweep();
      expect(requestedBy).toEqual(['ENVIRONMENT_ACCOUNT', 'ENVIRONMENT_ACCOUNT', 'ENVIRONMENT_ACCOUNT']);
    });

    it('judges every connection of every page', async () => {
      // Every third connection is due, the next one not yet, the one after that untagged.
      const tagsOf = (_id: string, n: number) => [decommissionOn('2026-11-01'), decommissionOn('2027-01-01'), {}][n % 3] ?? {};
      givenTwoHundredFiftyConnectionsOnThreePages(tagsOf);
      const result = await sweep();
      expect(result.started.map((s) => s.target)).toEqual(CONNECTIONS.filter((_, n) => n % 3 === 0));
      expect(result.notDue.map((s) => s.target)).toEqual(CONNECTIONS.filter((_, n) => n % 3 === 1));
      expect(result.untagged).toBe(83);
      expect(startedExecutions().map((input) => input.name)).toContain(`scheduled-execute-${connectionIdOf(250)}-20261125`);
    });
  });

  it("reads every page of a connection's tags, passing the nextToken on", async () => {
    proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [connectionSummary(DUE)] });
    const tagPages = pagedByToken('nextToken', {
      '': { tags: protonTagList({ team: 'payments', 'cost-center': 'cc-42' }), nextToken: 'tags-page-2' },
      'tags-page-2': { tags: protonTagList(decommissionOn(TODAY)) },
    });
    proton.on(ListTagsForResourceCommand).callsFake(tagPages.answer);
    const result = await sweep();
    expect(tagPages.tokensSent).toEqual([undefined, 'tags-page-2']);
    expect(result.started.map((s) => s.target)).toEqual([DUE]);
  });

  it('lists a connection whose tags cannot be read in unreadable, with the error, and still judges the others', async () => {
    givenConnections({ [OTHER]: protonError.accessDenied(), [DUE]: decommissionOn(TODAY) });
    const result = await sweep();
    expect(result.unreadable).toEqual([{ target: OTHER, error: expect.stringContaining('AccessDeniedException') }]);
    expect(result.started.map((s) => s.target)).toEqual([DUE]);
  });

  it('starts every other due connection when one cannot be started, then fails so the schedule retries', async () => {
    const THIRD = connectionIdOf(4);
    givenConnections({ [OTHER]: decommissionOn(TODAY), [DUE]: decommissionOn(TODAY), [THIRD]: decommissionOn(TODAY) });
    sfn.on(StartExecutionCommand).callsFake((input: { name?: string }) => {
      if (input.name?.includes(DUE)) throw sfnError.throttling();
      return { executionArn: `arn:${input.name}`, startDate: new Date(), $metadata: {} };
    });

    await expect(sweep()).rejects.toMatchObject({ name: 'SweepIncomplete', message: expect.stringContaining(DUE) });
    expect(startedExecutions().map((input) => input.name)).toEqual(expect.arrayContaining([expect.stringContaining(OTHER), expect.stringContaining(THIRD)]));
  });

  it('rejects with ThrottlingException when listing the connections is throttled, starting nothing', async () => {
    proton.on(ListEnvironmentAccountConnectionsCommand).rejects(protonError.throttling());
    await expect(sweep()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(startedExecutions()).toEqual([]);
  });
  it('rejects with NetworkError when Proton cannot be reached, starting nothing: silence is never taken for "no connection"', async () => {
    proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ENOTFOUND'));
    await expect(sweep()).rejects.toMatchObject({ name: 'NetworkError' });
    expect(startedExecutions()).toEqual([]);
  });

  describe('with protonApi=retired: decommission dates in SSM Parameter Store', () => {
    const PATH = '/proton-cleanup/decommission';
    const ENVIRONMENT = `prod@${MANAGEMENT_ACCOUNT_ID}`;
    beforeEach(() => {
      process.env.PROTON_API = 'retired';
    });
    afterEach(() => {
      delete process.env.PROTON_API;
    });

    /** The parameters under the path, on one page. */
    function givenParameters(values: Record<string, string>) {
      const Parameters: Parameter[] = Object.entries(values).map(([Name, Value]) => ({ Name, Value, Type: 'String' }));
      ssm.on(GetParametersByPathCommand).resolves({ Parameters });
    }

    it('reads every parameter under the decommission path, recursively, and asks Proton nothing', async () => {
      givenParameters({});
      await sweep();
      const calls = ssm.commandCalls(GetParametersByPathCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toMatchObject({ Path: PATH, Recursive: true });
      expect(proton.calls()).toEqual([]);
    });

    it('starts the environment whose date has come, named scheduled-<SCHEDULE_MODE>-<management account>-<environment>-…-<today>', async () => {
      givenParameters({ [`${PATH}/${MANAGEMENT_ACCOUNT_ID}/prod`]: '2026-11-01' });
      const result = await sweep();
      expect(result.started).toEqual([
        { target: ENVIRONMENT, executionName: expect.stringMatching(new RegExp(`^scheduled-execute-${MANAGEMENT_ACCOUNT_ID}-prod-[0-9a-f]{8}-20261125$`)) },
      ]);
      expect(startedInputs()).toEqual([
        expect.objectContaining({ detail: { environment: { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'execute' } }),
      ]);
    });

    it('starts it with an input that ResolveRequest, on a retired deployment, turns into a request for that environment', async () => {
      givenParameters({ [`${PATH}/${MANAGEMENT_ACCOUNT_ID}/prod`]: TODAY });
      const result = await sweep();
      const [input] = startedInputs();
      const { request } = await resolveRequest({ input, executionName: result.started[0]?.executionName });
      expect(request).toMatchObject({ environment: { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'execute', protonApi: 'retired' });
      expect(request.connectionId).toBeUndefined();
    });

    it('lists an environment whose date is still to come in notDue, and starts nothing', async () => {
      givenParameters({ [`${PATH}/${MANAGEMENT_ACCOUNT_ID}/prod`]: '2026-11-26' });
      const result = await sweep();
      expect(result.notDue).toEqual([{ target: ENVIRONMENT, decommissionOn: '2026-11-26' }]);
      expect(startedExecutions()).toEqual([]);
    });

    it('lists a malformed date in malformed, and starts nothing', async () => {
      givenParameters({ [`${PATH}/${MANAGEMENT_ACCOUNT_ID}/prod`]: 'soon' });
      const result = await sweep();
      expect(result.malformed).toEqual([
        { target: ENVIRONMENT, value: expect.stringContaining(`${PATH}/${MANAGEMENT_ACCOUNT_ID}/prod`), problem: expect.stringContaining('YYYY-MM-DD') },
      ]);
      expect(startedExecutions()).toEqual([]);
    });

    it('lists a parameter not named <path>/<management account>/<environment> in malformed, and starts nothing', async () => {
      givenParameters({ [`${PATH}/prod`]: TODAY });
      const result = await sweep();
      expect(result.malformed).toEqual([{ target: `${PATH}/prod`, value: '', problem: expect.stringContaining('12-digit management account id') }]);
      expect(startedExecutions()).toEqual([]);
    });
  });
});
