import { z } from 'zod';
import { partitionOf } from './domain/arn.js';
import { factsFromProton, factsFromRequest, type ConnectionFacts } from './domain/connection.js';
import { CleanupRequestSchema } from './domain/request.js';
import { connectionServing, getConnection } from './aws/proton.js';
import { callAws } from './aws/error-mapping.js';
import { loadConfig, nonEmpty } from './runtime/config.js';
import { ConnectionNotFoundError, InvalidRequestError } from './runtime/errors.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DescribeConnection: what Proton says about the connection (found by id, or as the one serving
 * the request's environment), or what the request says when it is gone.
 */
const config = loadConfig(z.object({ AWS_REGION: nonEmpty }));

export const handler = taskHandler({
  task: 'DescribeConnection',
  input: z.object({ request: CleanupRequestSchema, executionName: z.string() }),
  logKeys: ({ request, executionName }) => ({ executionName, connectionId: request.connectionId }),
  run: async ({ request }): Promise<ConnectionFacts> => {
    const { connectionId, environment } = request;
    const connection = connectionId
      ? await callAws(`GetEnvironmentAccountConnection ${connectionId}`, () => getConnection(connectionId))
      : environment && (await callAws(`ListEnvironmentAccountConnections ${environment.name}`, () => connectionServing(environment)));
    if (connection) {
      const named = request.environment;
      if (named && (named.name !== connection.environmentName || named.managementAccountId !== connection.managementAccountId)) {
        throw new InvalidRequestError([
          `environment: the request names ${named.name} in ${named.managementAccountId}, but connection ${connection.id} serves ` +
            `${connection.environmentName} in ${connection.managementAccountId}; fix or drop "environment"`,
        ]);
      }
      return factsFromProton(connection);
    }
    if (!environment) throw new ConnectionNotFoundError(connectionId ?? 'unknown');
    // A connection named by id is gone: clean up what it left. Looked up by environment and not there: nothing to do.
    return factsFromRequest({ ...request, environment }, partitionOf(config.AWS_REGION), config.AWS_REGION, connectionId ? 'request' : 'none');
  },
});
