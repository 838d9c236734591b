import {
  DeleteEnvironmentAccountConnectionCommand,
  type EnvironmentAccountConnectionSummary,
  GetEnvironmentAccountConnectionCommand,
  ListTagsForResourceCommand,
  paginateListEnvironmentAccountConnections,
} from '@aws-sdk/client-proton';
import type { ProtonConnection } from '../domain/connection.js';
import type { ConnectionSummary } from '../domain/serving.js';
import { ErrorName, isTransientAwsError, ProtonCallFailedError } from '../runtime/errors.js';
import { proton } from './clients.js';
import { hasName, toWorkflowError } from './error-mapping.js';

/**
 * Proton, in the environment account. Its errors are errors: a network failure, throttling or a
 * 5xx is retried (the SDK's attempts, then the state machine's) and, when it persists, fails the
 * run; a denial or an unknown operation fails it at once. Nothing here ever concludes that Proton
 * is gone: that is the deployment's choice (protonApi=retired), never an inference.
 */
const PROTON_RETIRED_HINT =
  "if Proton is retired for your account, deploy with protonApi=retired and name the environment in the request; otherwise check the network and this function's permissions, and re-run";

/** Runs one Proton call; its error comes back under the workflow's name for it, with what to do next. */
async function callProton<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const mapped = toWorkflowError(error, `Proton ${action}`);
    const message = `${mapped instanceof Error ? mapped.message : String(mapped)} (${PROTON_RETIRED_HINT})`;
    // Throttling and conflicts are Proton answering: they say nothing about retirement. Nor does a
    // target the hub could not reach, or a function misconfigured: neither is Proton's answer.
    if (hasName(mapped, ErrorName.ThrottlingException, ErrorName.ConflictException, ErrorName.TargetUnreachable, ErrorName.InvalidConfiguration)) throw mapped;
    if (isTransientAwsError(mapped)) {
      (mapped as Error).message = message;
      throw mapped;
    }
    const name = error instanceof Error ? error.name : 'Error';
    throw new ProtonCallFailedError(`${name}: ${message}`, { cause: error });
  }
}

/** A connection as Proton describes or lists it (list summaries name no CodeBuild role). */
function connectionOf(c: Omit<EnvironmentAccountConnectionSummary, 'id'> & { id: string }): ListedConnection {
  return {
    id: c.id,
    arn: c.arn ?? '',
    status: c.status ?? 'UNKNOWN',
    environmentName: c.environmentName ?? '',
    managementAccountId: c.managementAccountId ?? '',
    ...(c.roleArn ? { roleArn: c.roleArn } : {}),
    ...(c.componentRoleArn ? { componentRoleArn: c.componentRoleArn } : {}),
  };
}

/** One connection by id; undefined when Proton answers that it does not exist. */
export async function getConnection(id: string): Promise<ProtonConnection | undefined> {
  try {
    const { environmentAccountConnection: c } = await callProton(`GetEnvironmentAccountConnection ${id}`, () =>
      proton().send(new GetEnvironmentAccountConnectionCommand({ id })),
    );
    return c ? { ...connectionOf({ ...c, id: c.id ?? id }), ...(c.codebuildRoleArn ? { codebuildRoleArn: c.codebuildRoleArn } : {}) } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof ProtonCallFailedError && hasName(error.cause, 'ResourceNotFoundException');
}

/** Deletes the connection. One that is already gone is "already-absent": the delete is idempotent. */
export async function deleteConnection(id: string): Promise<'deleted' | 'already-absent'> {
  try {
    await callProton(`DeleteEnvironmentAccountConnection ${id}`, () => proton().send(new DeleteEnvironmentAccountConnectionCommand({ id })));
    return 'deleted';
  } catch (error) {
    if (isNotFound(error)) return 'already-absent';
    throw error;
  }
}

/** This account's connections (it is the environment account), for one environment name or all, every page. */
export interface ListedConnection extends ConnectionSummary {
  arn: string;
  /** The summaries name these two roles (not the CodeBuild role). */
  roleArn?: string;
  componentRoleArn?: string;
}

export async function listConnections(environmentName?: string): Promise<ListedConnection[]> {
  return callProton(`ListEnvironmentAccountConnections${environmentName ? ` ${environmentName}` : ''}`, async () => {
    const connections: ListedConnection[] = [];
    const pages = paginateListEnvironmentAccountConnections(
      { client: proton(), pageSize: 100 },
      { requestedBy: 'ENVIRONMENT_ACCOUNT', ...(environmentName ? { environmentName } : {}) },
    );
    for await (const page of pages) {
      for (const c of page.environmentAccountConnections ?? []) {
        if (c.id) connections.push(connectionOf({ ...c, id: c.id }));
      }
    }
    return connections;
  });
}

/** A connection's tags (customer tags: Proton puts none of its own on connections), all pages. */
export async function connectionTags(arn: string): Promise<Record<string, string>> {
  return callProton(`ListTagsForResource ${arn}`, async () => {
    const tags: Record<string, string> = {};
    let nextToken: string | undefined;
    do {
      const page = await proton().send(new ListTagsForResourceCommand({ resourceArn: arn, ...(nextToken ? { nextToken } : {}) }));
      for (const tag of page.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? '';
      nextToken = page.nextToken;
    } while (nextToken);
    return tags;
  });
}
