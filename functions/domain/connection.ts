import { PROTON_API_SETTINGS, type ProtonApi } from '../runtime/deployment.js';
import * as z from '../runtime/zod.js';
import { environmentArn, parseArn } from './arn.js';
import type { EnvironmentRef } from './request.js';

/** What the workflow knows about the connection it decommissions (DescribeConnection's result). */
export const ConnectionFactsSchema = z.object({
  id: z.string(),
  arn: z.string().optional(),
  status: z.string().optional(),
  environmentName: z.string(),
  managementAccountId: z.string(),
  environmentArn: z.string(),
  roleArns: z.array(z.string()),
  /**
   * Where the facts came from: Proton itself; the request, when the connection is already gone;
   * or nowhere: the environment named by the request has no connection here (nothing to do).
   */
  source: z.enum(['proton', 'request', 'none']),
  /** Whether this run asks Proton (retired: never, by the deployment's choice; the cleanup works from the account alone). */
  protonApi: z.enum(PROTON_API_SETTINGS),
});
export type ConnectionFacts = z.infer<typeof ConnectionFactsSchema>;

export interface ProtonConnection {
  id: string;
  arn: string;
  status: string;
  environmentName: string;
  managementAccountId: string;
  roleArn?: string;
  componentRoleArn?: string;
  codebuildRoleArn?: string;
}

export function factsFromProton(connection: ProtonConnection): ConnectionFacts {
  const arn = parseArn(connection.arn);
  const partition = arn?.partition ?? 'aws';
  const region = arn?.region ?? '';
  const roles = [connection.roleArn, connection.componentRoleArn, connection.codebuildRoleArn].filter(
    (role): role is string => typeof role === 'string' && role.length > 0,
  );
  return {
    id: connection.id,
    arn: connection.arn,
    status: connection.status,
    environmentName: connection.environmentName,
    managementAccountId: connection.managementAccountId,
    environmentArn: environmentArn(partition, region, connection.managementAccountId, connection.environmentName),
    roleArns: [...new Set(roles)],
    source: 'proton',
    protonApi: 'available',
  };
}

/**
 * When Proton no longer knows the connection (or is not asked), the request (or an earlier run's
 * memory) says which environment's leftovers to clean (`request`); when the environment has no
 * connection at all, there is nothing to do (`none`).
 */
export function factsFromRequest(
  target: { connectionId?: string | undefined; status?: string | undefined; environment: EnvironmentRef },
  place: { partition: string; region: string; protonApi: ProtonApi },
  source: 'request' | 'none' = 'request',
): ConnectionFacts {
  return {
    id: target.connectionId ?? '',
    ...(target.status ? { status: target.status } : {}),
    environmentName: target.environment.name,
    managementAccountId: target.environment.managementAccountId,
    environmentArn: environmentArn(place.partition, place.region, target.environment.managementAccountId, target.environment.name),
    roleArns: [],
    source,
    protonApi: place.protonApi,
  };
}

/** Whether the connection (or an earlier run's record of it) serves the environment named. */
export function servesEnvironment(named: EnvironmentRef, served: { environmentName: string; managementAccountId: string }): boolean {
  return named.name === served.environmentName && named.managementAccountId === served.managementAccountId;
}

/** A request naming both a connection and an environment must name the one the connection serves; else what is wrong, for the caller. */
export function environmentMismatch(named: EnvironmentRef | undefined, connection: ProtonConnection): string | undefined {
  if (!named || servesEnvironment(named, connection)) return undefined;
  return (
    `environment: the request names ${named.name} in ${named.managementAccountId}, but connection ${connection.id} serves ` +
    `${connection.environmentName} in ${connection.managementAccountId}; fix or drop "environment"`
  );
}
