import type { SandboxAccount } from '../account.js';
import { protonError } from '../service-errors.js';
import { type Operations, page } from './operations.js';

function connectionOrThrow(account: SandboxAccount, id: string) {
  const connection = account.connections.get(id);
  if (!connection) throw protonError('not-found', `Environment account connection ${id} not found`);
  return connection;
}

export const protonOperations: Operations = {
  GetEnvironmentAccountConnection: (account, input) => {
    const { tags: _tags, ...c } = connectionOrThrow(account, String(input.id));
    return {
      environmentAccountConnection: {
        ...c,
        requestedAt: new Date('2024-03-01T10:00:00Z'),
        lastModifiedAt: new Date('2024-03-02T10:00:00Z'),
      },
    };
  },
  DeleteEnvironmentAccountConnection: (account, input) => {
    const c = connectionOrThrow(account, String(input.id));
    account.connections.delete(c.id);
    return { environmentAccountConnection: { ...c, status: c.status } };
  },
  ListEnvironmentAccountConnections: (account, input) => {
    const { requestedBy, environmentName } = input;
    if (requestedBy !== 'ENVIRONMENT_ACCOUNT' && requestedBy !== 'MANAGEMENT_ACCOUNT') {
      throw protonError('validation', 'requestedBy must be ENVIRONMENT_ACCOUNT or MANAGEMENT_ACCOUNT');
    }
    const list = [...account.connections.values()]
      .filter((c) => !environmentName || c.environmentName === environmentName)
      .map(({ id, arn, environmentName: name, environmentAccountId, managementAccountId, roleArn, componentRoleArn, status }) => ({
        id,
        arn,
        environmentName: name,
        environmentAccountId,
        managementAccountId,
        roleArn,
        componentRoleArn,
        status,
        requestedAt: new Date('2024-03-01T10:00:00Z'),
        lastModifiedAt: new Date('2024-03-02T10:00:00Z'),
      }));
    const { items, next } = page(requestedBy === 'ENVIRONMENT_ACCOUNT' ? list : [], input.nextToken, Number(input.maxResults ?? 100));
    return { environmentAccountConnections: items, ...(next ? { nextToken: next } : {}) };
  },
  ListTagsForResource: (account, input) => {
    const connection = [...account.connections.values()].find((c) => c.arn === input.resourceArn);
    if (!connection) throw protonError('not-found', `Resource ${String(input.resourceArn)} not found`);
    return { tags: Object.entries(connection.tags).map(([key, value]) => ({ key, value })) };
  },
};
