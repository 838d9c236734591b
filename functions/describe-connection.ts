import { getJsonIfExists } from './aws/object-store.js';
import { getConnection, listConnections } from './aws/proton.js';
import { workingKeyScope } from './aws/target-session.js';
import { partitionOf } from './domain/arn.js';
import { type ConnectionFacts, environmentMismatch, factsFromProton, factsFromRequest, servesEnvironment } from './domain/connection.js';
import { type ConnectionMemory, ConnectionMemorySchema, memoryKeyOfConnection, memoryKeyOfEnvironment } from './domain/connection-memory.js';
import { type CleanupRequest, CleanupRequestSchema, type EnvironmentRef } from './domain/request.js';
import { loadConfig } from './runtime/config.js';
import { ConnectionNotFoundError, InvalidRequestError, SeveralConnectionsError } from './runtime/errors.js';
import { settingsSchema } from './runtime/settings.js';
import { requestTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * DescribeConnection: what the run decommissions. By id: the connection as Proton describes it,
 * or, once it is gone, the environment the request (or an earlier run) names. By environment
 * alone: its leftovers, never a connection, except for Proton's environment-deleted event, which
 * decommissions the one connection of that environment. Proton's errors fail the step (retried by
 * the state machine); with protonApi=retired Proton is not asked at all.
 */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true }));

/** The environment an earlier run of this workflow saw the connection (or environment) serve. */
async function remembered(request: CleanupRequest): Promise<ConnectionMemory | undefined> {
  const key = request.connectionId
    ? memoryKeyOfConnection(request.connectionId, workingKeyScope())
    : request.environment
      ? memoryKeyOfEnvironment(request.environment, workingKeyScope())
      : undefined;
  return key ? getJsonIfExists({ bucket: config.REPORT_BUCKET, key }, ConnectionMemorySchema) : undefined;
}

const place = (request: CleanupRequest) => ({ partition: partitionOf(request.target.region), region: request.target.region, protonApi: request.protonApi });

async function byConnectionId(request: CleanupRequest & { connectionId: string }): Promise<ConnectionFacts> {
  const connection = await getConnection(request.connectionId);
  const named = request.environment;
  if (connection) {
    const mismatch = environmentMismatch(named, connection);
    if (mismatch) throw new InvalidRequestError([mismatch]);
    return factsFromProton(connection);
  }
  // Gone: an earlier run may have recorded which environment it served, and in what status.
  const memory = await remembered(request);
  const known = named ?? (memory ? { name: memory.environmentName, managementAccountId: memory.managementAccountId } : undefined);
  if (!known) throw new ConnectionNotFoundError(request.connectionId);
  const status = memory && servesEnvironment(known, memory) ? memory.status : undefined;
  return factsFromRequest({ connectionId: request.connectionId, status, environment: known }, place(request));
}

/** Proton deleted the environment: decommission its one connection here, if it has one. */
async function forDeletedEnvironment(request: CleanupRequest, environment: EnvironmentRef): Promise<ConnectionFacts> {
  const connections = (await listConnections(environment.name)).filter((c) => servesEnvironment(environment, c));
  if (connections.length > 1) {
    throw new SeveralConnectionsError(
      `Environment ${environment.name} of management account ${environment.managementAccountId} has ${connections.length} connections in this account ` +
        `(${connections.map((c) => `${c.id} ${c.status}`).join(', ')}): start one cleanup per connection you mean to decommission, with "connectionId"`,
    );
  }
  const [only] = connections;
  const connection = only ? await getConnection(only.id) : undefined;
  if (connection) return factsFromProton(connection);
  // No connection: clean up what an earlier run of ours was cleaning, else there is nothing to do.
  const memory = await remembered(request);
  if (!memory) return factsFromRequest({ environment }, place(request), 'none');
  return factsFromRequest({ connectionId: memory.connectionId, status: memory.status, environment }, place(request));
}

export const handler = taskHandler({
  task: 'DescribeConnection',
  input: z.object({ request: CleanupRequestSchema, executionName: z.string() }),
  logKeys: ({ request, executionName }) => ({ executionName, connectionId: request.connectionId }),
  workIn: requestTarget,
  run: async ({ request }): Promise<ConnectionFacts> => {
    const { connectionId, environment } = request;
    if (request.protonApi === 'retired') {
      // ResolveRequest made sure the request names its environment: Proton is not asked anything.
      if (!environment) throw new InvalidRequestError(['environment: required with protonApi=retired']);
      return factsFromRequest({ connectionId, environment }, place(request));
    }
    if (connectionId) return byConnectionId({ ...request, connectionId });
    if (!environment) throw new InvalidRequestError(['connectionId: expected the connection id or "environment"']);
    if (request.ifNoConnection === 'nothing-to-do') return forDeletedEnvironment(request, environment);
    // The leftovers of an environment: no connection is deleted; Inventory checks that none serves it.
    return factsFromRequest({ environment }, place(request));
  },
});
