import { GetEnvironmentAccountConnectionCommand, ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/describe-connection.js';
import type { CleanupRequest } from '../../functions/domain/request.js';
import {
  CODEBUILD_ROLE_ARN,
  CONNECTION_ARN,
  CONNECTION_ID,
  ENVIRONMENT_ARN,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  MANAGEMENT_ACCOUNT_ID,
  ROLE_ARN,
  cleanupRequest,
  mockedClients,
  protonConnection,
  protonError,
  serveObjects,
} from '../helpers/sdk-fixtures.js';

const [proton, s3] = mockedClients(ProtonClient, S3Client);
// By default no earlier run remembered anything.
beforeEach(() => serveObjects(s3, {}));

const describeConnection = (request: CleanupRequest = cleanupRequest()) => handler({ request, executionName: EXECUTION_NAME });
const namedEnvironment = { name: ENVIRONMENT_NAME, managementAccountId: MANAGEMENT_ACCOUNT_ID };

describe('DescribeConnection handler', () => {
  describe('when Proton knows the connection', () => {
    it('asks Proton for the requested connection id', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      await describeConnection();
      const calls = proton.commandCalls(GetEnvironmentAccountConnectionCommand);
      expect(calls.map((call) => call.args[0].input)).toEqual([{ id: CONNECTION_ID }]);
    });

    it("returns facts from Proton with the environment ARN in the management account", async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).resolves({ environmentAccountConnection: protonConnection() });
      await expect(describeConnection()).resolves.toMatchObject({
        id: CONNECTION_ID,
        arn: CONNECTION_ARN,
        status: 'CONNECTED',
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: `arn:aws:proton:us-east-1:${MANAGEMENT_ACCOUNT_ID}:environment/${ENVIRONMENT_NAME}`,
        source: 'proton',
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
    it("takes the facts from the request's environment", async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      await expect(describeConnection(cleanupRequest({ environment: namedEnvironment }))).resolves.toEqual({
        id: CONNECTION_ID,
        environmentName: ENVIRONMENT_NAME,
        managementAccountId: MANAGEMENT_ACCOUNT_ID,
        environmentArn: ENVIRONMENT_ARN,
        roleArns: [],
        source: 'request',
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

  describe('when Proton fails', () => {
    it.each([
      ['throttling', 'ThrottlingException', protonError.throttling],
      ['a server fault', 'InternalServerException', protonError.internal],
    ])('surfaces %s as %s', async (_failure, name, protonFailure) => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonFailure());
      await expect(describeConnection()).rejects.toMatchObject({ name });
    });

    it('lets other Proton errors through under their own name', async () => {
      const invalid = Object.assign(new Error('bad id'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(invalid);
      await expect(describeConnection()).rejects.toBe(invalid);
    });
  });

  describe('when the Proton API is gone (retired)', () => {
    const gone = () => Object.assign(new Error('getaddrinfo ENOTFOUND proton.us-east-1.amazonaws.com'), { code: 'ENOTFOUND' });
    const unknownOperation = () => Object.assign(new Error('unknown operation'), { name: 'UnknownOperationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });

    it.each([
      ['its endpoint does not resolve', gone],
      ['it no longer knows the operation', unknownOperation],
      ['it denies access', () => protonError.accessDenied()],
    ])('cleans up from the request\'s environment when %s, recording why', async (_why, error) => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(error());
      const facts = await describeConnection(cleanupRequest({ environment: namedEnvironment }));

      expect(facts).toMatchObject({ source: 'request', environmentArn: ENVIRONMENT_ARN, protonUnreachable: expect.any(String) });
    });

    it('fails with ProtonUnreachable, saying to pass "environment", when the request names none', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(gone());

      await expect(describeConnection()).rejects.toMatchObject({ name: 'ProtonUnreachable', message: expect.stringContaining('"environment"') });
    });
  });

  describe('when an earlier run remembered the connection (re-runs)', () => {
    const memory = { connectionId: CONNECTION_ID, environmentName: ENVIRONMENT_NAME, managementAccountId: MANAGEMENT_ACCOUNT_ID, environmentArn: ENVIRONMENT_ARN, rememberedBy: 'first-run' };

    it('cleans up the remembered environment once the connection is gone, without being told it', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      serveObjects(s3, { [`memory/connections/${CONNECTION_ID}.json`]: memory });

      await expect(describeConnection()).resolves.toMatchObject({ source: 'request', id: CONNECTION_ID, environmentArn: ENVIRONMENT_ARN });
    });

    it("cleans up after Proton's environment-deleted event when an earlier run of ours was cleaning that environment", async () => {
      serveObjects(s3, { [`memory/environments/${MANAGEMENT_ACCOUNT_ID}/${ENVIRONMENT_NAME}.json`]: memory });
      const request = cleanupRequest({ connectionId: undefined, environment: namedEnvironment, ifNoConnection: 'nothing-to-do' });
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [] });

      await expect(describeConnection(request)).resolves.toMatchObject({ source: 'request', id: CONNECTION_ID });
    });

    it('does not take a denied read of the memory for "nothing remembered"', async () => {
      proton.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.notFound());
      s3.on(GetObjectCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));

      await expect(describeConnection()).rejects.toMatchObject({ name: 'AccessDenied' });
    });

    it('still has nothing to do after that event when no run of ours ever saw the environment', async () => {
      const request = cleanupRequest({ connectionId: undefined, environment: namedEnvironment, ifNoConnection: 'nothing-to-do' });
      proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: [] });

      await expect(describeConnection(request)).resolves.toMatchObject({ source: 'none' });
    });
  });
});
