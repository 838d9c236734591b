import * as z from './runtime/zod.js';
import { partitionOf } from './domain/arn.js';
import { factsFromProton, factsFromRequest, type ConnectionFacts, type ProtonConnection } from './domain/connection.js';
import { CleanupRequestSchema, type CleanupRequest } from './domain/request.js';
import { connectionServing, getConnection } from './aws/proton.js';
import { getJsonIfExists } from './aws/object-store.js';
import { ConnectionMemorySchema, memoryKeyOfConnection, memoryKeyOfEnvironment, type ConnectionMemory } from './domain/connection-memory.js';
import { callAws, hasName, unreachableBecause } from './aws/error-mapping.js';
import { loadConfig, nonEmpty } from './runtime/config.js';
import { ConnectionNotFoundError, InvalidRequestError, ProtonUnreachableError } from './runtime/errors.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * DescribeConnection: what Proton says about the connection (found by id, or as the one serving
 * the request's environment), or what the request says when it is gone.
 */
const config = loadConfig(z.object({ AWS_REGION: nonEmpty, REPORT_BUCKET: nonEmpty }));

/** The environment an earlier run of this workflow saw the connection (or environment) serve. */
async function remembered(request: CleanupRequest): Promise<ConnectionMemory | undefined> {
  const key = request.connectionId ? memoryKeyOfConnection(request.connectionId) : request.environment ? memoryKeyOfEnvironment(request.environment) : undefined;
  return key ? getJsonIfExists({ bucket: config.REPORT_BUCKET, key }, ConnectionMemorySchema) : undefined;
}

export const handler = taskHandler({
  task: 'DescribeConnection',
  input: z.object({ request: CleanupRequestSchema, executionName: z.string() }),
  logKeys: ({ request, executionName }) => ({ executionName, connectionId: request.connectionId }),
  run: async ({ request }): Promise<ConnectionFacts> => {
    const { connectionId, environment } = request;
    const { connection, unreachable } = await lookUp(request);
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
    // Gone (or Proton unreachable): an earlier run may have recorded which environment it served.
    const memory = await remembered(request);
    const known = environment ?? (memory ? { name: memory.environmentName, managementAccountId: memory.managementAccountId } : undefined);
    if (!known) {
      throw unreachable ? new ProtonUnreachableError(connectionId ?? 'unknown', unreachable) : new ConnectionNotFoundError(connectionId ?? 'unknown');
    }
    const fromRequest = (source: 'request' | 'none') => ({
      ...factsFromRequest({ ...request, environment: known }, partitionOf(config.AWS_REGION), config.AWS_REGION, source),
      ...(memory && !connectionId ? { id: memory.connectionId } : {}),
    });
    // Proton gone: work from the account's own inventory, for the environment the request names.
    if (unreachable) return { ...fromRequest('request'), protonUnreachable: unreachable };
    // No connection: clean up what it left, unless Proton itself deleted the environment and no
    // earlier run of ours was cleaning it (nothing to do).
    return fromRequest(request.ifNoConnection === 'nothing-to-do' && !memory ? 'none' : 'request');
  },
});

/** Asks Proton; an API that is gone (retired, unknown operation, denied) is an answer too. */
async function lookUp(request: CleanupRequest): Promise<{ connection?: ProtonConnection; unreachable?: string }> {
  const { connectionId, environment } = request;
  try {
    const connection = connectionId
      ? await callAws(`GetEnvironmentAccountConnection ${connectionId}`, () => getConnection(connectionId))
      : environment && (await callAws(`ListEnvironmentAccountConnections ${environment.name}`, () => connectionServing(environment)));
    return connection ? { connection } : {};
  } catch (error) {
    const why = unreachableBecause(error) ?? (hasName(error, 'AccessDeniedException') ? `AccessDeniedException: ${(error as Error).message}` : undefined);
    if (!why) throw error;
    return { unreachable: why };
  }
}
