import type { RoleModel, SandboxAccount } from '../account.js';
import { deleteConflict, noSuchEntity } from '../service-errors.js';
import type { Operations } from './operations.js';

/**
 * IAM: the roles of the account's connections, and what has to go before a role can be
 * deleted. Lists page as IAM does (MaxItems, default 100; Marker while IsTruncated).
 */
function roleOrThrow(account: SandboxAccount, input: Record<string, unknown>): RoleModel {
  const name = String(input.RoleName);
  const role = account.roles.get(name);
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

function iamPage<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const start = typeof input.Marker === 'string' && input.Marker.length > 0 ? Number(Buffer.from(input.Marker, 'base64').toString('utf8')) : 0;
  const end = start + Number(input.MaxItems ?? 100);
  const truncated = end < items.length;
  return { items: items.slice(start, end), IsTruncated: truncated, ...(truncated ? { Marker: Buffer.from(String(end)).toString('base64') } : {}) };
}

const CREATED = new Date('2024-03-01T09:00:00Z');

export const iamOperations: Operations = {
  ListAttachedRolePolicies: (account, input) => {
    const role = roleOrThrow(account, input);
    const { items, ...paging } = iamPage(role.attached, input);
    return { AttachedPolicies: items.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').at(-1) })), ...paging };
  },
  DetachRolePolicy: (account, input) => {
    const role = roleOrThrow(account, input);
    const policyArn = String(input.PolicyArn);
    if (!role.attached.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} was not found.`);
    role.attached = role.attached.filter((arn) => arn !== policyArn);
    return {};
  },
  ListRolePolicies: (account, input) => {
    const role = roleOrThrow(account, input);
    const { items, ...paging } = iamPage(role.inline, input);
    return { PolicyNames: items, ...paging };
  },
  DeleteRolePolicy: (account, input) => {
    const role = roleOrThrow(account, input);
    const policyName = String(input.PolicyName);
    if (!role.inline.includes(policyName)) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    role.inline = role.inline.filter((name) => name !== policyName);
    return {};
  },
  ListInstanceProfilesForRole: (account, input) => {
    const role = roleOrThrow(account, input);
    const { items, ...paging } = iamPage(role.instanceProfiles, input);
    return {
      InstanceProfiles: items.map((name) => ({
        Path: '/',
        InstanceProfileName: name,
        InstanceProfileId: `AIPA${Buffer.from(name).toString('hex').slice(0, 17).toUpperCase()}`,
        Arn: `arn:aws:iam::${account.accountId}:instance-profile/${name}`,
        CreateDate: CREATED,
        Roles: [
          {
            Path: '/',
            RoleName: role.name,
            RoleId: `AROA${Buffer.from(role.name).toString('hex').slice(0, 17).toUpperCase()}`,
            Arn: role.arn,
            CreateDate: CREATED,
          },
        ],
      })),
      ...paging,
    };
  },
  RemoveRoleFromInstanceProfile: (account, input) => {
    const role = roleOrThrow(account, input);
    const profile = String(input.InstanceProfileName);
    if (!role.instanceProfiles.includes(profile)) throw noSuchEntity(`Instance profile ${profile} does not contain role ${role.name}.`);
    role.instanceProfiles = role.instanceProfiles.filter((name) => name !== profile);
    return {};
  },
  DeleteRole: (account, input) => {
    const role = roleOrThrow(account, input);
    if (role.attached.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (role.inline.length > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (role.instanceProfiles.length > 0) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    account.roles.delete(role.name);
    return {};
  },
};
