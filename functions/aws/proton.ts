import {
  DeleteEnvironmentAccountConnectionCommand,
  GetEnvironmentAccountConnectionCommand,
} from '@aws-sdk/client-proton';
import type { ProtonConnection } from '../domain/connection.js';
import { proton } from './clients.js';
import { callAws, hasName } from './error-mapping.js';

/** Proton, in the environment account. NotFound is an answer here, not an error. */
export async function getConnection(id: string): Promise<ProtonConnection | undefined> {
  try {
    const { environmentAccountConnection: c } = await proton.send(new GetEnvironmentAccountConnectionCommand({ id }));
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

/** Deletes the connection. A connection that is already gone is "already-absent", not a failure. */
export async function deleteConnection(id: string): Promise<'deleted' | 'already-absent'> {
  try {
    await callAws(`DeleteEnvironmentAccountConnection ${id}`, () =>
      proton.send(new DeleteEnvironmentAccountConnectionCommand({ id })),
    );
    return 'deleted';
  } catch (error) {
    if (hasName(error, 'ResourceNotFoundException')) return 'already-absent';
    throw error;
  }
}
