import { DeleteEnvironmentAccountConnectionCommand, ProtonClient } from '@aws-sdk/client-proton';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { proton } from '../../functions/aws/clients.js';
import { handler } from '../../functions/delete-connection.js';
import type { ConnectionFacts } from '../../functions/domain/connection.js';
import { cleanupRequest } from '../helpers/domain-fixtures.js';
import {
  CONNECTION_ID,
  connectionFacts,
  EXECUTION_NAME,
  networkError,
  PROTON_RETIRED_HINT_TEXT,
  protonError,
  throttlingProtonEndpoint,
} from '../helpers/sdk-fixtures.js';

// Not mockedClients(): the real-middleware tests below restore this mock and put a new one in its place.
let protonMock = mockClient(ProtonClient);
beforeEach(() => protonMock.reset());

const deleteConnection = ({ mode = 'execute', ...overrides }: { mode?: 'plan' | 'execute'; retryCount?: number; connection?: ConnectionFacts } = {}) =>
  handler({ connection: connectionFacts(), request: cleanupRequest({ mode }), retryCount: 0, executionName: EXECUTION_NAME, ...overrides });

describe('DeleteConnection handler', () => {
  it('deletes the connection by its id', async () => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).resolves({});
    await deleteConnection();
    const calls = protonMock.commandCalls(DeleteEnvironmentAccountConnectionCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([{ id: CONNECTION_ID }]);
  });

  it('reports the connection deleted after retryCount + 1 attempts', async () => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).resolves({});
    await expect(deleteConnection({ retryCount: 3 })).resolves.toEqual({ outcome: 'deleted', attempts: 4 });
  });

  it('reports a connection Proton no longer knows as already absent', async () => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
    await expect(deleteConnection()).resolves.toEqual({ outcome: 'already-absent', attempts: 1 });
  });

  it.each([
    ['ThrottlingException', 'when Proton throttles, for the state machine to retry', protonError.throttling],
    ['ConflictException', 'when a concurrent operation holds the connection', protonError.conflict],
    ['InternalServerException', 'on a Proton server fault', protonError.internal],
    ['NetworkError', 'when the connection to Proton is reset', () => networkError.code('ECONNRESET')],
    ['NetworkError', "when Proton's name does not resolve", () => networkError.code('ENOTFOUND')],
    ['ProtonCallFailed', 'when Proton denies access', protonError.accessDenied],
    ['ProtonCallFailed', 'when Proton does not know the operation', protonError.unknownOperation],
  ])('throws %s %s', async (name, _when, protonFailure) => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).rejects(protonFailure());
    await expect(deleteConnection()).rejects.toMatchObject({ name });
  });

  it('never takes an unreachable Proton for a retired one: the error says to deploy with protonApi=retired if that is meant', async () => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).rejects(networkError.code('ENOTFOUND'));
    await expect(deleteConnection()).rejects.toMatchObject({ message: expect.stringContaining(PROTON_RETIRED_HINT_TEXT) });
  });

  it('refuses to run in plan mode with InvalidStateInput, and sends no command', async () => {
    await expect(deleteConnection({ mode: 'plan' })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(protonMock.calls()).toHaveLength(0);
  });

  it('rejects state input without retryCount as InvalidStateInput, and sends no command', async () => {
    await expect(handler({ connection: connectionFacts(), request: cleanupRequest({ mode: 'execute' }), executionName: EXECUTION_NAME })).rejects.toMatchObject(
      {
        name: 'InvalidStateInput',
      },
    );
    expect(protonMock.calls()).toHaveLength(0);
  });

  it("sends a throttled delete once: the handler adds no retry of its own to the SDK's (counted below, through the real middleware)", async () => {
    protonMock.on(DeleteEnvironmentAccountConnectionCommand).rejects(protonError.throttling());
    await deleteConnection().catch(() => undefined);
    expect(protonMock.commandCalls(DeleteEnvironmentAccountConnectionCommand)).toHaveLength(1);
  });

  describe("through the Proton client's real middleware", () => {
    // aws-sdk-client-mock replaces `send`, so the SDK's retry middleware never runs under it.
    // Here the real client talks to a fake HTTP endpoint, which counts what reaches the wire.
    let originalRequestHandler: ReturnType<typeof proton>['config']['requestHandler'];
    beforeEach(() => {
      protonMock.restore();
      originalRequestHandler = proton().config.requestHandler;
    });
    afterEach(() => {
      proton().config.requestHandler = originalRequestHandler;
      protonMock = mockClient(ProtonClient);
    });

    it("makes the SDK's attempts like every other client (SDK_MAX_ATTEMPTS, default 3), then hands the error to the state machine", async () => {
      const endpoint = throttlingProtonEndpoint();
      proton().config.requestHandler = endpoint;
      await expect(deleteConnection()).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(endpoint.requests).toBe(3);
    });
  });
});

describe('DeleteConnection handler, when it must not ask Proton', () => {
  it('records not-attempted, calling nothing, when the request named an environment and no connection', async () => {
    const connection = connectionFacts({ id: '', source: 'request' });
    await expect(deleteConnection({ connection })).resolves.toEqual({
      outcome: 'not-attempted',
      attempts: 0,
      reason: expect.stringContaining('never deletes a connection'),
    });
    expect(protonMock.calls()).toEqual([]);
  });

  it('records unreachable by choice, calling nothing, with protonApi=retired, even when a connection id is known', async () => {
    const connection = connectionFacts({ source: 'request', protonApi: 'retired' });
    await expect(deleteConnection({ connection })).resolves.toEqual({
      outcome: 'unreachable',
      attempts: 0,
      reason: expect.stringContaining('protonApi=retired'),
    });
    expect(protonMock.calls()).toEqual([]);
  });
});
