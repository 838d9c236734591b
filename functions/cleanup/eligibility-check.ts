import { listConnections } from '../aws/proton.js';
import { workingTarget } from '../aws/target-session.js';
import type { ConnectionFacts } from '../domain/connection.js';
import { type Eligibility, eligibility } from '../domain/serving.js';

/**
 * Reads what the serving rule needs and applies it: the account's connections for the
 * environment (from Proton, unless this run does not ask Proton). A Proton error is thrown,
 * never taken for an answer.
 */
export async function checkEligibility(connection: ConnectionFacts): Promise<Eligibility> {
  const environment = { name: connection.environmentName, managementAccountId: connection.managementAccountId };
  const connections = connection.protonApi === 'available' ? await listConnections(environment.name) : [];
  return eligibility({
    environment,
    ...(connection.id ? { connection: { id: connection.id, status: connection.status } } : {}),
    protonApi: connection.protonApi,
    accountId: workingTarget().account,
    connections,
  });
}
