/** AWS Proton: connections, their summaries and tags, and its errors. */

import { Readable } from 'node:stream';
import {
  AccessDeniedException,
  ConflictException,
  type EnvironmentAccountConnection,
  type EnvironmentAccountConnectionSummary,
  InternalServerException,
  ListEnvironmentAccountConnectionsCommand,
  type ProtonClient,
  ProtonServiceException,
  type Tag as ProtonTag,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-proton';
import { HttpResponse } from '@smithy/core/protocols';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT_ID, CONNECTION_ARN, CONNECTION_ID, ENVIRONMENT_NAME, MANAGEMENT_ACCOUNT_ID, metadata, REGION, ROLE_ARN } from './constants.js';

export const protonError = {
  throttling: () => new ThrottlingException({ message: 'Rate exceeded', $metadata: metadata(400) }),
  notFound: (id = CONNECTION_ID) => new ResourceNotFoundException({ message: `Environment account connection ${id} not found`, $metadata: metadata(404) }),
  conflict: () => new ConflictException({ message: 'A concurrent operation is in progress', $metadata: metadata(409) }),
  internal: () => new InternalServerException({ message: 'Internal failure', $metadata: metadata(500) }),
  accessDenied: () => new AccessDeniedException({ message: 'User is not authorized', $metadata: metadata(403) }),
  /** What an endpoint answers for an operation it does not know (e.g. once an API is withdrawn). */
  unknownOperation: () =>
    new ProtonServiceException({ name: 'UnknownOperationException', $fault: 'client', $metadata: metadata(400), message: 'The operation is not supported' }),
  /** Bad or expired credentials. */
  unrecognizedClient: () =>
    new ProtonServiceException({
      name: 'UnrecognizedClientException',
      $fault: 'client',
      $metadata: metadata(403),
      message: 'The security token included in the request is invalid.',
    }),
  validation: () => new ProtonServiceException({ name: 'ValidationException', $fault: 'client', $metadata: metadata(400), message: 'id: malformed' }),
};

/** The hint every persistent Proton error carries: retirement is a deployment setting, never inferred. */
export const PROTON_RETIRED_HINT_TEXT = 'deploy with protonApi=retired';

export function protonConnection(overrides: Partial<EnvironmentAccountConnection> = {}): EnvironmentAccountConnection {
  return {
    id: CONNECTION_ID,
    arn: CONNECTION_ARN,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    environmentAccountId: ACCOUNT_ID,
    environmentName: ENVIRONMENT_NAME,
    roleArn: ROLE_ARN,
    status: 'CONNECTED',
    requestedAt: new Date('2024-01-01T00:00:00Z'),
    lastModifiedAt: new Date('2024-01-02T00:00:00Z'),
    ...overrides,
  };
}

/**
 * An HTTP endpoint that answers every Proton (awsJson1_0) request with a ThrottlingException.
 * Installed as a client's requestHandler, it runs the client's real middleware, retries
 * included, and counts the requests that reached the wire.
 */
export function throttlingProtonEndpoint() {
  const endpoint = {
    requests: 0,
    async handle(): Promise<{ response: HttpResponse }> {
      endpoint.requests += 1;
      const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
      return {
        response: new HttpResponse({
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `request-${endpoint.requests}` },
          body: Readable.from([Buffer.from(body)]),
        }),
      };
    },
  };
  return endpoint;
}

/** A distinct, valid connection id for the n-th connection of an account. */
export function connectionIdOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export function connectionArnOf(id: string): string {
  return `arn:aws:proton:${REGION}:${ACCOUNT_ID}:environment-account-connection/${id}`;
}

/** One connection as ListEnvironmentAccountConnections lists it. */
export function connectionSummary(
  id: string = CONNECTION_ID,
  overrides: Partial<EnvironmentAccountConnectionSummary> = {},
): EnvironmentAccountConnectionSummary {
  return {
    id,
    arn: connectionArnOf(id),
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    environmentAccountId: ACCOUNT_ID,
    roleArn: ROLE_ARN,
    environmentName: ENVIRONMENT_NAME,
    status: 'CONNECTED',
    requestedAt: new Date('2024-01-01T00:00:00Z'),
    lastModifiedAt: new Date('2024-01-02T00:00:00Z'),
    ...overrides,
  };
}

/** This account's connections, as Proton lists them (the serving rule's read). */
export function givenConnections(proton: AwsClientStub<ProtonClient>, ...summaries: EnvironmentAccountConnectionSummary[]): void {
  proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: summaries });
}

/** Tags as Proton's ListTagsForResource returns them. */
export function protonTagList(tags: Record<string, string>): ProtonTag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}
