import {
  DeleteEnvironmentAccountConnectionCommand,
  GetEnvironmentAccountConnectionCommand,
  ListTagsForResourceCommand,
  paginateListEnvironmentAccountConnections,
  type EnvironmentAccountConnectionSummary,
} from '@aws-sdk/client-proton';
import type { EnvironmentRef } from '../domain/request.js';
import type { ProtonConnection } from '../domain/connection.js';
import { proton } from './clients.js';
import { callAws, hasName, unreachableBecause } from './error-mapping.js';

/** Proton, in the environment account. NotFound is an answer here, not an error. */
export async function getConnection(id: string): Promise<ProtonConnection | undefined> {
  try {
    const { environmentAccountConnection: c } = await proton().send(new GetEnvironmentAccountConnectionCommand({ id }));
    if (!c) return undefined;
    return {
      id: c.id ?? id,
      arn: c.arn ?? '',
      status: c.status ?? 'UNKNOWN',
      environmentName: c.environmentName ?? '',
      managementAccountId: c.managementAccountId ?? '',
      ...(c.roleArn ? { roleArn: c.roleArn } : {}),
      ...(c.componentRoleArn ? { componentRoleArn: c.componentRoleArn } : {}),
      ...(c.codebuildRoleArn ? { codebuildRoleArn: c.codebuildRoleArn } : {}),
    };
  } catch (error) {
    if (hasName(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

export type ConnectionDeletion = { outcome: 'deleted' | 'already-absent' } | { outcome: 'unreachable'; reason: string };

/**
 * Deletes the connection. A connection that is already gone is "already-absent", and a Proton
 * API that is gone (retired mid-run) is "unreachable": neither is a failure of the cleanup.
 */
export async function deleteConnection(id: string): Promise<ConnectionDeletion> {
  try {
    await callAws(`DeleteEnvironmentAccountConnection ${id}`, () =>
      proton().send(new DeleteEnvironmentAccountConnectionCommand({ id })),
    );
    return { outcome: 'deleted' };
  } catch (error) {
    if (hasName(error, 'ResourceNotFoundException')) return { outcome: 'already-absent' };
    const unreachable = unreachableBecause(error);
    if (unreachable) return { outcome: 'unreachable', reason: unreachable };
    throw error;
  }
}

/** This account's connections (it is the environment account), all pages. */
export async function listConnections(environmentName?: string): Promise<EnvironmentAccountConnectionSummary[]> {
  const connections: EnvironmentAccountConnectionSummary[] = [];
  const pages = paginateListEnvironmentAccountConnections(
    { client: proton(), pageSize: 100 },
    { requestedBy: 'ENVIRONMENT_ACCOUNT', ...(environmentName ? { environmentName } : {}) },
  );
  for await (const page of pages) connections.push(...(page.environmentAccountConnections ?? []));
  return connections;
}

/** The connection that serves the named environment of that management account, if any. */
export async function connectionServing(environment: EnvironmentRef): Promise<ProtonConnection | undefined> {
  const match = (await listConnections(environment.name)).find(
    (c) => c.environmentName === environment.name && c.managementAccountId === environment.managementAccountId,
  );
  return match?.id ? getConnection(match.id) : undefined;
}

/** A connection's tags (customer tags: Proton puts none of its own on connections), all pages. */
export async function connectionTags(arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await proton().send(new ListTagsForResourceCommand({ resourceArn: arn, ...(nextToken ? { nextToken } : {}) }));
    for (const tag of page.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? '';
    nextToken = page.nextToken;
  } while (nextToken);
  return tags;
}
