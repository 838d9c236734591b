import { GetEnvironmentAccountConnectionCommand, ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/describe-connection.js';
import type { CleanupRequest } from '../../functions/domain/request.js';
import {
  CODEBUILD_ROLE_ARN,
  CONNECTION_ARN,
  CONNECTION_ID,
  cleanupRequest,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  MANAGEMENT_ACCOUNT_ID,
  mockedClients,
  networkError,
  PROTON_RETIRED_HINT_TEXT,
  protonConnection,
  protonError,
  ROLE_ARN,
  serveObjects,
} from '../helpers/sdk-fixtures.js';

const [proton, s3] = mockedClients(ProtonClient, S3Client);
// By default no earlier run remembered anything.
beforeEach(() => serveObjects(s3, {}));

const describeConnection = (request: CleanupRequest = cleanupRequest()) => handler({ request, executionName: EXECUTION_NAME });
/** The error a call fails with (the test fails if it succeeds). */
async function failureOf(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
const namedEnvironment = { name: ENVIRONMENT_NAME, managementAccountId: MANAGEMENT_ACCOUNT_ID };

describe('DescribeConnection handler', () => {
  describe('when Proton knows the connection', () => {
    it('asks Proton for the requested connection id', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      await describeConnection();
      const calls = proton.commandCalls(GetEnvironmentAccountConnectionCommand);
      expect(calls.map((call) => call.args[0].input)).toEqual([{ id: CONNECTION_ID }]);
    });

    it('returns facts from Proton with the environment ARN in the management account', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      await expect(describeConnection()).resolves.toMatchObject({
        id: CONNECTION_ID,
        arn: CONNECTION_ARN,
        status: 'CONNECTED',
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: `arn:aws:proton:us-east-1:${MANAGEMENT_ACCOUNT_ID}:environment/${ENVIRONMENT_NAME}`,
        source: 'proton',
        protonApi: 'available',
      });
    });

    it('lists each connection role once, even when Proton names it for several purposes', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({
        environmentAccountConnection: protonConnection({ roleArn: ROLE_ARN, componentRoleArn: ROLE_ARN, codebuildRoleArn: CODEBUILD_ROLE_ARN }),
      });
      const facts = await describeConnection();
      expect(facts.roleArns).toEqual([ROLE_ARN, CODEBUILD_ROLE_ARN]);
    });

    it('accepts a request whose environment matches the connection', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      const facts = await describeConnection(cleanupRequest({ environment: namedEnvironment }));
      expect(facts.source).toBe('proton');
    });

    it('rejects a request whose environment contradicts the connection with InvalidRequest', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      const request = cleanupRequest({ environment: { name: 'staging', managementAccountId: MANAGEMENT_ACCOUNT_ID } });
      await expect(describeConnection(request)).rejects.toMatchObject({
        name: 'InvalidRequest',
        message: expect.stringContaining('environment:'),
      });
    });

    it('rejects a request whose environment names another management account with InvalidRequest', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      const request = cleanupRequest({ environment: { name: ENVIRONMENT_NAME, managementAccountId: '999999999999' } });
      await expect(describeConnection(request)).rejects.toMatchObject({ name: 'InvalidRequest' });
    });
  });

  describe('when Proton no longer knows the connection', () => {
    it("takes the facts from the request's environment, with no roles and no status", async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      await expect(describeConnection(cleanupRequest({ environment: namedEnvironment }))).resolves.toEqual({
        id: CONNECTION_ID,
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: ENVIRONMENT_ARN,
        roleArns: [],
        source: 'request',
        protonApi: 'available',
      });
    });

    it('fails with ConnectionNotFound, telling to pass "environment", when the request names none', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      await expect(describeConnection()).rejects.toMatchObject({
        name: 'ConnectionNotFound',
        message: expect.stringContaining('Pass "environment"'),
      });
    });
  });

  describe('when Proton fails (its errors are errors: never taken for "Proton is retired")', () => {
    it.each([
      ['throttling', 'ThrottlingException', protonError.throttling],
      ['a server fault', 'InternalServerException', protonError.internal],
    ])('surfaces %s as %s, for the state machine to retry', async (_failure, name, protonFailure) => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonFailure());
      await expect(describeConnection()).rejects.toMatchObject({ name });
    });

    it.each([
      ['a reset connection', () => networkError.code('ECONNRESET')],
      ['a connection that timed out', () => networkError.code('ETIMEDOUT')],
      ['a name that does not resolve', () => networkError.code('ENOTFOUND')],
      ['a DNS failure of the moment', () => networkError.code('EAI_AGAIN')],
      ["the SDK's own TimeoutError", networkError.timeout],
    ])('surfaces %s as NetworkError, for the state machine to retry', async (_failure, failure) => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(failure());
      await expect(describeConnection()).rejects.toMatchObject({ name: 'NetworkError' });
    });

    it('fails on a network error even when the request names the environment, rather than cleaning up from the request', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(networkError.code('ENOTFOUND'));
      await expect(describeConnection(cleanupRequest({ environment: namedEnvironment }))).rejects.toMatchObject({ name: 'NetworkError' });
    });

    it('says what happened and how to proceed, including that a retired Proton is a deployment setting', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(networkError.code('ECONNRESET'));
      const error = await failureOf(describeConnection());
      expect(error.message).toContain('ECONNRESET');
      expect(error.message).toContain(PROTON_RETIRED_HINT_TEXT);
    });

    it.each([
      ['it denies access', protonError.accessDenied, 'AccessDeniedException'],
      ['the credentials are not recognized', protonError.unrecognizedClient, 'UnrecognizedClientException'],
      ['it does not know the operation', protonError.unknownOperation, 'UnknownOperationException'],
      ['it rejects the request', protonError.validation, 'ValidationException'],
    ])(
      'fails with ProtonCallFailed when %s, naming the error and the protonApi=retired hint, even when the request names the environment',
      async (_why, failure, original) => {
        proton.on(GetEnvironmentAccountConnectionCommand).rejects(failure());
        const error = await failureOf(describeConnection(cleanupRequest({ environment: namedEnvironment })));
        expect(error).toMatchObject({ name: 'ProtonCallFailed', message: expect.stringContaining(original) });
        expect(error.message).toContain(PROTON_RETIRED_HINT_TEXT);
      },
    );
  });

  describe('with protonApi=retired (the deployment chose it)', () => {
    const retired = (overrides: Partial<CleanupRequest> = {}) => cleanupRequest({ protonApi: 'retired', environment: namedEnvironment, ...overrides });

    it('asks Proton nothing', async () => {
      await describeConnection(retired());
      expect(proton.calls()).toEqual([]);
    });

    it("takes the facts from the request's environment, keeping the connection id the request names", async () => {
      await expect(describeConnection(retired())).resolves.toEqual({
        id: CONNECTION_ID,
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: ENVIRONMENT_ARN,
        roleArns: [],
        source: 'request',
        protonApi: 'retired',
      });
    });

    it('rejects a request that names no environment with InvalidRequest naming "environment"', async () => {
      await expect(describeConnection(retired({ environment: undefined }))).rejects.toMatchObject({
        name: 'InvalidRequest',
        message: expect.stringContaining('environment'),
      });
      expect(proton.calls()).toEqual([]);
    });
  });

  describe('a request that names an environment and no connection (its leftovers)', () => {
    const byEnvironment = () => cleanupRequest({ connectionId: undefined, environment: namedEnvironment });

    it('names no connection to delete (id ""), even when the environment has one: a cleanup by environment never deletes a connection', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [connectionSummary()] });
      await expect(describeConnection(byEnvironment())).resolves.toEqual({
        id: '',
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: ENVIRONMENT_ARN,
        roleArns: [],
        source: 'request',
        protonApi: 'available',
      });
    });
  });

  describe("Proton's environment-deleted event (the environment's one connection, if it has one)", () => {
    const OTHER = connectionIdOf(2);
    const environmentDeleted = () => cleanupRequest({ connectionId: undefined, environment: namedEnvironment, ifNoConnection: 'nothing-to-do' });
    const listed = (...summaries: ReturnType<typeof connectionSummary>[]) =>
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: summaries });

    it("lists this account's connections for the environment's name", async () => {
      listed();
      await describeConnection(environmentDeleted());
      const calls = proton.commandCalls(ListEnvironmentAccountConnectionsCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toMatchObject({ requestedBy: 'ENVIRONMENT_ACCOUNT', environmentName: ENVIRONMENT_NAME });
    });

    it('decommissions the one connection of the environment, as Proton describes it', async () => {
      listed(connectionSummary(CONNECTION_ID));
      proton.on(GetEnvironmentAccountConnectionCommand, { id: CONNECTION_ID }).resolves({ environmentAccountConnection: protonConnection() });
      await expect(describeConnection(environmentDeleted())).resolves.toMatchObject({ id: CONNECTION_ID, source: 'proton', status: 'CONNECTED' });
    });

    it('ignores a connection to an environment of the same name in another management account', async () => {
      listed(connectionSummary(OTHER, { managementAccountId: '999999999999' }));
      await expect(describeConnection(environmentDeleted())).resolves.toMatchObject({ id: '', source: 'none' });
      expect(proton.commandCalls(GetEnvironmentAccountConnectionCommand)).toEqual([]);
    });

    it('fails with SeveralConnections, naming each, when the environment has more than one connection here', async () => {
      listed(connectionSummary(CONNECTION_ID, { status: 'REJECTED' }), connectionSummary(OTHER, { status: 'CONNECTED' }));
      await expect(describeConnection(environmentDeleted())).rejects.toMatchObject({
        name: 'SeveralConnections',
        message: expect.stringMatching(new RegExp(`${CONNECTION_ID}.*${OTHER}`)),
      });
    });

    it('fails, rather than finding nothing to do, when the listing fails', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ETIMEDOUT'));
      await expect(describeConnection(environmentDeleted())).rejects.toMatchObject({ name: 'NetworkError' });
    });
  });

  describe('when an earlier run remembered the connection (re-runs)', () => {
    const memory = {
      connectionId: CONNECTION_ID,
      environmentName: ENVIRONMENT_NAME,
      managementAccountId: MANAGEMENT_ACCOUNT_ID,
      environmentArn: ENVIRONMENT_ARN,
      rememberedBy: 'first-run',
    };

    it('cleans up the remembered environment once the connection is gone, without being told it', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      serveObjects(s3, { [`memory/connections/${CONNECTION_ID}.json`]: memory });

      await expect(describeConnection()).resolves.toMatchObject({ source: 'request', id: CONNECTION_ID, environmentArn: ENVIRONMENT_ARN });
    });

    it('keeps the status the connection had when remembered, so a PENDING one stays "connection only" once gone', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      serveObjects(s3, { [`memory/connections/${CONNECTION_ID}.json`]: { ...memory, status: 'PENDING' } });

      await expect(describeConnection()).resolves.toMatchObject({ id: CONNECTION_ID, status: 'PENDING', source: 'request' });
    });

    it("cleans up after Proton's environment-deleted event when an earlier run of ours was cleaning that environment", async () => {
      serveObjects(s3, { [`memory/environments/${MANAGEMENT_ACCOUNT_ID}/${ENVIRONMENT_NAME}.json`]: { ...memory, status: 'CONNECTED' } });
      const request = cleanupRequest({ connectionId: undefined, environment: namedEnvironment, ifNoConnection: 'nothing-to-do' });
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [] });

      await expect(describeConnection(request)).resolves.toMatchObject({ source: 'request', id: CONNECTION_ID, status: 'CONNECTED' });
    });

    it('does not take a denied read of the memory for "nothing remembered"', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      s3.on(GetObjectCommand).rejects(
        new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }),
      );

      await expect(describeConnection()).rejects.toMatchObject({ name: 'AccessDenied' });
    });

    it('still has nothing to do after that event when no run of ours ever saw the environment', async () => {
      const request = cleanupRequest({ connectionId: undefined, environment: namedEnvironment, ifNoConnection: 'nothing-to-do' });
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [] });

      await expect(describeConnection(request)).resolves.toMatchObject({ source: 'none', id: '' });
    });
  });
});
