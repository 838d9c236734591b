import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { partitionOf } from '../domain/arn.js';
import { roleNameOf } from '../domain/connection-roles.js';
import { InvalidStateInputError } from '../runtime/errors.js';
import { iam } from './clients.js';
import { callAws, hasName } from './error-mapping.js';
import { getConnection, listConnections } from './proton.js';

/**
 * IAM, in the environment account: the roles of environment account connections. Whether a
 * role may be deleted at all is decided by decideRoleDeletions (functions/domain/connection-roles.ts).
 */

const NO_SUCH_ENTITY = 'NoSuchEntityException';

/** Every item of an IAM list operation, all pages (Marker while IsTruncated). */
async function allPages<T>(
  list: (marker: string | undefined) => Promise<{ items: T[] | undefined; IsTruncated?: boolean | undefined; Marker?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const page = await list(marker);
    items.push(...(page.items ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return items;
}

/**
 * One step on one item (a policy, an instance profile). NoSuchEntity here may mean that only the
 * item is gone (a concurrent run detached it) while the role remains, so it is not taken as the
 * role's absence: the next role-level call (a list, or DeleteRole) answers that.
 */
async function itemStep(action: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await callAws(action, call);
  } catch (error) {
    if (!hasName(error, NO_SUCH_ENTITY)) throw error;
  }
}

/**
 * Deletes the role the ARN names, with what IAM requires gone first: managed policies detached,
 * inline policies deleted, the role removed from its instance profiles. Idempotent: a role that
 * no longer exists, at the start or part-way (a retry after a partial run), is 'already-absent'.
 * Every list is read whole before anything is changed, so no page is skipped by the changes.
 */
export async function deleteRole(roleArn: string): Promise<'deleted' | 'already-absent'> {
  const partition = partitionOf(await iam().config.region());
  const RoleName = roleNameOf(roleArn, partition);
  if (!RoleName) throw new InvalidStateInputError(`Not an IAM role ARN in partition ${partition}: ${JSON.stringify(roleArn)}`);
  const client = iam();
  try {
    const attached = await allPages(async (Marker) => {
      const page = await callAws(`ListAttachedRolePolicies ${RoleName}`, () =>
        client.send(new ListAttachedRolePoliciesCommand({ RoleName, ...(Marker ? { Marker } : {}) })),
      );
      return { ...page, items: page.AttachedPolicies };
    });
    for (const { PolicyArn } of attached) {
      if (PolicyArn) await itemStep(`DetachRolePolicy ${RoleName} ${PolicyArn}`, () => client.send(new DetachRolePolicyCommand({ RoleName, PolicyArn })));
    }

    const inline = await allPages(async (Marker) => {
      const page = await callAws(`ListRolePolicies ${RoleName}`, () => client.send(new ListRolePoliciesCommand({ RoleName, ...(Marker ? { Marker } : {}) })));
      return { ...page, items: page.PolicyNames };
    });
    for (const PolicyName of inline) {
      await itemStep(`DeleteRolePolicy ${RoleName} ${PolicyName}`, () => client.send(new DeleteRolePolicyCommand({ RoleName, PolicyName })));
    }

    const profiles = await allPages(async (Marker) => {
      const page = await callAws(`ListInstanceProfilesForRole ${RoleName}`, () =>
        client.send(new ListInstanceProfilesForRoleCommand({ RoleName, ...(Marker ? { Marker } : {}) })),
      );
      return { ...page, items: page.InstanceProfiles };
    });
    for (const { InstanceProfileName } of profiles) {
      if (InstanceProfileName) {
        await itemStep(`RemoveRoleFromInstanceProfile ${RoleName} ${InstanceProfileName}`, () =>
          client.send(new RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName })),
        );
      }
    }

    await callAws(`DeleteRole ${RoleName}`, () => client.send(new DeleteRoleCommand({ RoleName })));
    return 'deleted';
  } catch (error) {
    if (hasName(error, NO_SUCH_ENTITY)) return 'already-absent';
    throw error;
  }
}

/**
 * The roles the account's other connections reference: role ARN → the ids of those connections.
 * The list's summaries name roleArn and componentRoleArn but not codebuildRoleArn, so each other
 * connection is read whole; the summary's roles count too (a connection deleted between the
 * list and the read keeps its roles retained rather than risk deleting a role still in use).
 */
export async function rolesUsedByOtherConnections(exceptConnectionId: string): Promise<Map<string, string[]>> {
  const summaries = await listConnections();
  const used = new Map<string, string[]>();
  for (const summary of summaries) {
    const id = summary.id;
    if (!id || id === exceptConnectionId) continue;
    const connection = await getConnection(id);
    const roles = [summary.roleArn, summary.componentRoleArn, connection?.roleArn, connection?.componentRoleArn, connection?.codebuildRoleArn];
    for (const role of new Set(roles)) {
      if (!role) continue;
      const ids = used.get(role) ?? [];
      if (!ids.includes(id)) ids.push(id);
      used.set(role, ids);
    }
  }
  return used;
}
