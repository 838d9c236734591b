import * as z from '../runtime/zod.js';
import { environmentArn, parseArn } from './arn.js';
import type { CleanupRequest } from './request.js';

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
  /** Set when Proton's API could not be reached: why. The cleanup then works from the account alone. */
  protonUnreachable: z.string().optional(),
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
  };
}

/**
 * When Proton no longer knows the connection, the request says which environment's leftovers
 * to clean (`request`); when the environment has no connection at all, there is nothing to do (`none`).
 */
export function factsFromRequest(
  request: CleanupRequest & { environment: NonNullable<CleanupRequest['environment']> },
  partition: string,
  region: string,
  source: 'request' | 'none' = 'request',
): ConnectionFacts {
  return {
    id: request.connectionId ?? '',
    environmentName: request.environment.name,
    managementAccountId: request.environment.managementAccountId,
    environmentArn: environmentArn(partition, region, request.environment.managementAccountId, request.environment.name),
    roleArns: [],
    source,
  };
}
