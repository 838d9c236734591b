import { parseArn } from './arn.js';

/**
 * The IAM roles of an environment account connection (roleArn, componentRoleArn,
 * codebuildRoleArn): which may be deleted, and which must stay. Pure decisions: no AWS calls.
 *
 * A role is deleted only when nothing may still need it: no other connection of the account
 * names it (roles are often shared between connections), and no live stack uses it as its service
 * role (CloudFormation would need it to update or delete that stack).
 */
interface RoleDecision {
  roleArn: string;
  action: 'delete' | 'retain';
  reason: string;
}

/** IAM's role name characters (CreateRole's RoleName pattern). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_PATH_SEGMENT = /^[\x21-\x7E]+$/;

/**
 * The role's name (the last segment of its path: `arn:aws:iam::<acct>:role/path/Name` → `Name`),
 * when `arn` is an IAM role ARN in `partition`; undefined for anything else.
 */
export function roleNameOf(arn: string, partition: string): string | undefined {
  const parts = parseArn(arn);
  if (!parts || parts.partition !== partition || parts.service !== 'iam' || parts.region !== '' || !/^\d{12}$/.test(parts.account)) {
    return undefined;
  }
  const [kind, ...path] = parts.resource.split('/');
  const name = path.at(-1);
  if (kind !== 'role' || name === undefined || !ROLE_NAME.test(name)) return undefined;
  if (path.slice(0, -1).some((segment) => !ROLE_PATH_SEGMENT.test(segment))) return undefined;
  return name;
}

/**
 * Which live stacks use each role as their service role: CloudFormation needs it for any later
 * update or deletion of those stacks (a stack's role stays once set). Stacks the cleanup tried to
 * delete carry the deletion role instead; stacks without a role need no connection role: the
 * cleanup passes its deletion role.
 */
export function stacksUsingRoles(
  roleArns: readonly string[],
  liveStacks: readonly { stackName: string; roleArn?: string | undefined }[],
): Map<string, string[]> {
  const using = new Map<string, string[]>();
  for (const stack of liveStacks) {
    if (!stack.roleArn || !roleArns.includes(stack.roleArn)) continue;
    using.set(stack.roleArn, [...(using.get(stack.roleArn) ?? []), stack.stackName]);
  }
  return using;
}

/**
 * Which of the connection's roles this run may still delete: only those its inventory planned to
 * delete (`delete-role`). Any other stays, with the inventory's reason (a reviewed plan may have
 * kept it), or because this run never inventoried it. The roles that remain go on to
 * decideRoleDeletions.
 */
export function rolesPlannedForDeletion(
  roleArns: readonly string[],
  inventoried: readonly { id: string; action: string; reason?: string | undefined }[],
): { planned: string[]; kept: RoleDecision[] } {
  const entries = new Map(inventoried.map((r) => [r.id, r]));
  const planned: string[] = [];
  const kept: RoleDecision[] = [];
  for (const roleArn of roleArns) {
    const entry = entries.get(roleArn);
    if (entry?.action === 'delete-role') planned.push(roleArn);
    else kept.push({ roleArn, action: 'retain', reason: entry?.reason ?? 'not in the inventory of this run' });
  }
  return { planned, kept };
}

/** The connection's roles, each once, with the decision and why. */
export function decideRoleDeletions(
  roleArns: string[],
  usedElsewhere: ReadonlyMap<string, string[]>,
  serviceRoleOf: ReadonlyMap<string, string[]>,
): RoleDecision[] {
  const roles = [...new Set(roleArns.filter((arn) => arn.length > 0))];
  return roles.map((roleArn) => {
    const reasons: string[] = [];
    const others = usedElsewhere.get(roleArn) ?? [];
    if (others.length > 0) {
      const which = others.length === 1 ? 'connection' : 'connections';
      reasons.push(`also the role of ${which} ${others.join(', ')}, which still ${others.length === 1 ? 'needs' : 'need'} it`);
    }
    const stacks = serviceRoleOf.get(roleArn) ?? [];
    if (stacks.length > 0) {
      reasons.push(`the service role of live stack(s) ${stacks.join(', ')}: CloudFormation needs it to update or delete them; delete them first`);
    }
    if (reasons.length > 0) return { roleArn, action: 'retain', reason: reasons.join('; ') };
    return { roleArn, action: 'delete', reason: 'no other connection references it and no live stack uses it as its service role' };
  });
}
