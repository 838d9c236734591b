import { type Caller, currentCaller, type Identity, type SandboxIam } from '../iam/index.js';
import type { SandboxAccount, StackModel, StackResourceModel } from './account.js';
import { cloudFormationValidation } from './service-errors.js';

/**
 * Who CloudFormation deletes a stack's resources as, in a sandbox that enforces IAM.
 *
 * - DeleteStack with `RoleARN`: CloudFormation must be able to assume the role (a role of the
 *   deployment whose trust policy names cloudformation.amazonaws.com); otherwise the call fails
 *   with ValidationError "Role <arn> is invalid or cannot be assumed". The role becomes the stack's
 *   role and stays (services/cloudformation.ts): a later DeleteStack without RoleARN uses it
 *   (DeleteStack reference, `RoleARN`: "If you don't specify a value, CloudFormation uses the role
 *   that was previously associated with the stack. If no role is available, CloudFormation uses a
 *   temporary session that's generated from your user credentials.").
 * - When the deletion settles, each resource is deleted as the deletion identity: the stack's role
 *   (in CloudFormation's session), else the identity of the DeleteStack caller, captured at the
 *   call; a nested stack's resources with its parent's. A resource the identity may not delete
 *   fails (SandboxIam.deletionDenied: the actions of the type's delete handler, failing closed for
 *   a type the table does not know).
 * - A DeleteStack with no caller (a test driving the sandbox directly) and no RoleARN is not
 *   checked, like any call with no caller.
 */
interface DeletionAuthority {
  /** Before DeleteStack starts a deletion: validates the RoleARN and captures who deletes. */
  deleteStackRequested(stack: StackModel, roleArn: string | undefined): void;
  /** Why CloudFormation may not delete the stack's resource (the DELETE_FAILED reason), or undefined. */
  denied(stack: StackModel, resource: StackResourceModel): string | undefined;
  /** Who asked for the stack's deletion, as JSON (a snapshot, local/sandbox/snapshot.ts); undefined: nobody asked. */
  requestOf(stack: StackModel): DeletionRequestSnapshot | undefined;
  /** A restored stack's deletion was asked for by this caller. */
  restoreRequest(stack: StackModel, request: DeletionRequestSnapshot): void;
}

/** A DeleteStack's caller, by its role (an identity of the deployment) and session; `checked`: whether its deletion is authorized. */
export interface DeletionRequestSnapshot {
  caller?: { roleArn: string; sessionName: string };
  checked: boolean;
}

const authorities = new WeakMap<SandboxAccount, DeletionAuthority>();

export function deletionAuthority(account: SandboxAccount): DeletionAuthority | undefined {
  return authorities.get(account);
}

function cannotBeAssumed(roleArn: string): Error {
  return cloudFormationValidation(`Role ${roleArn} is invalid or cannot be assumed`);
}

/** What a target account adds: its own roles (the spoke's), and who calls (a spoke session, not a hub function). */
interface AccountRoles {
  /** The role of this ARN in the account, if it exists (default: the deployment's roles). */
  roleOfArn?: (roleArn: string) => Identity | undefined;
  /** Who is calling now (default: the hub function running, currentCaller). */
  caller?: () => Caller | undefined;
}

/** Installs the IAM-backed deletion authority for the account. */
export function enforceDeletionIdentity(account: SandboxAccount, iam: SandboxIam, roles: AccountRoles = {}): void {
  const roleOfArn = roles.roleOfArn ?? ((roleArn: string) => iam.deployment.identityOfRoleArn(roleArn));
  const callerNow = roles.caller ?? currentCaller;
  const assumable = (roleArn: string) => roleOfArn(roleArn)?.trustedServices.includes('cloudformation.amazonaws.com') === true;
  /** Each stack whose deletion was requested: its DeleteStack's caller, and whether the deletion is checked. */
  const requests = new WeakMap<StackModel, { caller: Caller | undefined; checked: boolean }>();

  /** The stack whose DeleteStack decides a stack's deletion identity: itself, else the nearest ancestor deleted with it. */
  const deciding = (stack: StackModel): StackModel | undefined => {
    for (let s: StackModel | undefined = stack; s; s = s.parentId === undefined ? undefined : account.stacks.get(s.parentId)) {
      if (requests.has(s)) return s;
    }
    return undefined;
  };

  authorities.set(account, {
    requestOf(stack) {
      const request = requests.get(stack);
      if (!request) return undefined;
      return {
        checked: request.checked,
        ...(request.caller ? { caller: { roleArn: request.caller.identity.roleArn, sessionName: request.caller.sessionName } } : {}),
      };
    },
    restoreRequest(stack, request) {
      const identity = request.caller && roleOfArn(request.caller.roleArn);
      if (request.caller && !identity) throw new Error(`The deployment has no role ${request.caller.roleArn}: the snapshot was taken with another deployment`);
      requests.set(stack, { caller: identity && request.caller ? { identity, sessionName: request.caller.sessionName } : undefined, checked: request.checked });
    },
    deleteStackRequested(stack, roleArn) {
      if (roleArn !== undefined && !assumable(roleArn)) throw cannotBeAssumed(roleArn);
      const caller = callerNow();
      requests.set(stack, { caller, checked: caller !== undefined || roleArn !== undefined });
    },
    denied(stack, resource) {
      const decider = deciding(stack);
      const request = decider && requests.get(decider);
      if (!decider || !request?.checked) return undefined;
      // The stack's role, kept from an earlier DeleteStack or the scenario, is one CloudFormation must assume too.
      if (decider.roleArn && !assumable(decider.roleArn)) return `Role ${decider.roleArn} is invalid or cannot be assumed`;
      const who = iam.deletionCaller(decider.roleArn, request.caller, roleOfArn);
      return iam.deletionDenied(who, { type: resource.type, arn: resource.arn });
    },
  });
}
