import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../../functions/runtime/clock.js';
import { accessDeniedMessage, assumedRoleArn } from '../iam/access-denied.js';
import { type Caller, type Identity, principalArnOf } from '../iam/index.js';
import { spokeDeployment, withoutActions } from '../iam/spoke.js';
import type { Template } from '../iam/template.js';
import { trustAllows } from '../iam/trust.js';
import type { SandboxAccount } from './account.js';
import { DEFAULT_ORGANIZATION, type Scenario } from './scenario.js';
import { organizationsAccessDenied, organizationsInvalidInput, parentNotFound, stsError } from './service-errors.js';
import type { FleetServices } from './services/fleet.js';
import { page } from './services/operations.js';

/**
 * The accounts of a fleet scenario as one AWS would hold them together: the spoke roles in each
 * target account (deployment/spoke.yml with the hub's parameters), the sessions STS issued on
 * them, and the organization the accounts are in. Answers STS and Organizations for every
 * account-Region of the sandbox (services/fleet.ts); the sandbox routes a call made with issued
 * credentials to the session's account (sandbox.ts).
 */

/** Temporary credentials STS issued, and the role session they stand for. */
export interface SpokeSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch ms on the sandbox clock. */
  expiration: number;
  accountId: string;
  roleArn: string;
  sessionName: string;
}

/** Who makes the call being answered: the identity (when IAM is enforced) and the session its credentials belong to, if STS issued them. */
export interface CallIdentity {
  caller: Caller | undefined;
  session: SpokeSession | undefined;
}

interface FleetOptions {
  /** The spoke template (deployment/spoke.yml), deployed in every account whose spoke is `deployed`. */
  spokeTemplate?: Template | undefined;
  /** Whether IAM is enforced (the sandbox has a deployment): AssumeRole checks the role's existence and trust only then. */
  enforced: boolean;
  /** The call being answered now. */
  current: () => CallIdentity;
}

const DEFAULT_DURATION_SECONDS = 3600;
/** A role's MaxSessionDuration when its template sets none (IAM: 1 hour). */
const MAX_SESSION_SECONDS = 3600;
const MIN_DURATION_SECONDS = 900;
/** Organizations' ListAccountsForParent and ListOrganizationalUnitsForParent: MaxResults 1–20. */
const MAX_ORGANIZATION_RESULTS = 20;

const accountOfArn = (arn: string): string => arn.split(':')[4] ?? '';
const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

export class Fleet implements FleetServices {
  /** Issued credentials, by access key id. */
  readonly sessions = new Map<string, SpokeSession>();
  private readonly spokeRoles = new Map<string, Map<string, Identity>>();
  private issued = 0;
  readonly organizationId: string;
  readonly rootId: string;
  private readonly managementAccountId: string;

  constructor(
    private readonly scenario: Scenario,
    private readonly clock: Clock,
    private readonly options: FleetOptions,
  ) {
    this.organizationId = scenario.organization?.id ?? DEFAULT_ORGANIZATION.id;
    this.rootId = scenario.organization?.rootId ?? DEFAULT_ORGANIZATION.rootId;
    this.managementAccountId = scenario.organization?.managementAccountId ?? scenario.accountId;
  }

  get hubAccountId(): string {
    return this.scenario.accountId;
  }

  // --- Spoke roles ---------------------------------------------------------------------------

  private spokeOf(accountId: string): { deployed: boolean; withoutActions: string[] } {
    const spoke = this.scenario.accounts.find((a) => a.accountId === accountId && a.spoke)?.spoke;
    return spoke ?? { deployed: true, withoutActions: [] };
  }

  /** The spoke roles of an account, by ARN: none when the spoke is not deployed there (or the sandbox has no spoke template). */
  rolesIn(accountId: string): ReadonlyMap<string, Identity> {
    let roles = this.spokeRoles.get(accountId);
    if (!roles) {
      roles = new Map();
      const spoke = this.spokeOf(accountId);
      if (spoke.deployed && this.options.spokeTemplate) {
        const deployment = spokeDeployment(this.options.spokeTemplate, accountId, { accountId: this.scenario.accountId, region: this.scenario.region });
        for (const identity of deployment.identities.values()) roles.set(identity.roleArn, withoutActions(identity, spoke.withoutActions));
      }
      this.spokeRoles.set(accountId, roles);
    }
    return roles;
  }

  roleOf(roleArn: string): Identity | undefined {
    return this.rolesIn(accountOfArn(roleArn)).get(roleArn);
  }

  /** Who calls with the session's credentials: its role in the session's name (undefined when the sandbox knows no such role: nothing is checked). */
  callerOf(session: SpokeSession): Caller | undefined {
    const identity = this.roleOf(session.roleArn);
    return identity && { identity, sessionName: session.sessionName };
  }

  // --- Organizations -------------------------------------------------------------------------

  /** The organization the account is in, if any: every account of the scenario, unless outsideOrganization. */
  organizationOf(accountId: string): string | undefined {
    return this.scenario.accounts.some((a) => a.accountId === accountId && a.outsideOrganization) ? undefined : this.organizationId;
  }

  private units() {
    return this.scenario.organization?.units ?? [];
  }

  organizationParentArn(parentId: string): string | undefined {
    const base = `arn:aws:organizations::${this.managementAccountId}`;
    if (parentId === this.rootId) return `${base}:root/${this.organizationId}/${this.rootId}`;
    return this.units().some((u) => u.id === parentId) ? `${base}:ou/${this.organizationId}/${parentId}` : undefined;
  }

  private memberAccounts(): string[] {
    return [...new Set([this.scenario.accountId, ...this.scenario.accounts.map((a) => a.accountId)])].filter((id) => this.organizationOf(id) !== undefined);
  }

  private parentOf(accountId: string): string {
    return this.units().find((u) => u.accounts.includes(accountId))?.id ?? this.rootId;
  }

  /** Organizations answers only the hub (the organization's management account, or its delegated administrator). */
  private organizationsPage<T>(account: SandboxAccount, input: Record<string, unknown>, items: (parentId: string) => T[]): { items: T[]; next?: string } {
    if (account.accountId !== this.scenario.accountId) throw organizationsAccessDenied("You don't have permissions to access this resource.");
    const parentId = str(input.ParentId);
    if (!this.organizationParentArn(parentId)) throw parentNotFound(parentId);
    const max = input.MaxResults === undefined ? MAX_ORGANIZATION_RESULTS : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > MAX_ORGANIZATION_RESULTS)
      throw organizationsInvalidInput(`MaxResults must be between 1 and ${MAX_ORGANIZATION_RESULTS}`);
    return page(items(parentId), input.NextToken, max);
  }

  listAccountsForParent(account: SandboxAccount, input: Record<string, unknown>): unknown {
    const { items, next } = this.organizationsPage(account, input, (parentId) => this.memberAccounts().filter((id) => this.parentOf(id) === parentId));
    return {
      Accounts: items.map((id) => ({
        Id: id,
        Arn: `arn:aws:organizations::${this.managementAccountId}:account/${this.organizationId}/${id}`,
        Email: `aws+${id}@example.com`,
        Name: id === this.scenario.accountId ? 'hub' : `workload-${id}`,
        Status: 'ACTIVE',
        State: 'ACTIVE',
        JoinedMethod: id === this.managementAccountId ? 'CREATED' : 'INVITED',
        JoinedTimestamp: new Date('2023-01-10T09:00:00Z'),
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  listOrganizationalUnitsForParent(account: SandboxAccount, input: Record<string, unknown>): unknown {
    const { items, next } = this.organizationsPage(account, input, (parentId) => this.units().filter((u) => u.parent === parentId));
    return {
      OrganizationalUnits: items.map((u) => ({
        Id: u.id,
        Arn: `arn:aws:organizations::${this.managementAccountId}:ou/${this.organizationId}/${u.id}`,
        Name: u.name ?? u.id,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  }

  // --- STS -----------------------------------------------------------------------------------

  /**
   * AssumeRole (the caller's identity policy was checked before, as for every call): the role must
   * exist and its trust policy allow the caller; else AccessDenied "User: <caller> is not
   * authorized to perform: sts:AssumeRole on resource: <role>". Issues temporary credentials.
   */
  assumeRole(_account: SandboxAccount, input: Record<string, unknown>): unknown {
    const roleArn = str(input.RoleArn);
    const sessionName = str(input.RoleSessionName);
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(roleArn)) throw stsError('ValidationError', `${roleArn} is invalid`);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName))
      throw stsError(
        'ValidationError',
        `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64, greater than or equal to 2, and match [\\w+=,.@-]*`,
      );
    const duration = input.DurationSeconds === undefined ? DEFAULT_DURATION_SECONDS : Number(input.DurationSeconds);
    if (duration < MIN_DURATION_SECONDS) throw stsError('ValidationError', `DurationSeconds must be at least ${MIN_DURATION_SECONDS}`);
    if (duration > MAX_SESSION_SECONDS) throw stsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    const { caller } = this.options.current();
    if (this.options.enforced) this.authorizeTrust(caller, roleArn);
    const accountId = accountOfArn(roleArn);
    const session: SpokeSession = {
      accessKeyId: `ASIA${String(++this.issued).padStart(12, '0')}${randomBytes(2).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: `sandbox-${randomUUID()}`,
      expiration: this.clock.now() + duration * 1000,
      accountId,
      roleArn,
      sessionName,
    };
    this.sessions.set(session.accessKeyId, session);
    const roleName = roleArn.split('/').at(-1) ?? '';
    return {
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretAccessKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        Expiration: new Date(session.expiration),
      },
      AssumedRoleUser: { AssumedRoleId: `${roleIdOf(roleArn)}:${sessionName}`, Arn: assumedRoleArn(accountId, roleName, sessionName) },
    };
  }

  private authorizeTrust(caller: Caller | undefined, roleArn: string): void {
    const role = this.roleOf(roleArn);
    const principal = caller ? principalArnOf(caller) : `arn:aws:iam::${this.scenario.accountId}:root`;
    const callerAccount = caller ? accountOfArn(caller.identity.roleArn) : this.scenario.accountId;
    const orgId = this.organizationOf(callerAccount);
    const trusted =
      role !== undefined &&
      (!caller ||
        trustAllows(
          role.trustPolicy,
          { roleArn: caller.identity.roleArn, accountId: callerAccount },
          {
            // For a role session, aws:PrincipalArn is the role's ARN (IAM User Guide, global condition keys).
            'aws:PrincipalArn': caller.identity.roleArn,
            'aws:PrincipalAccount': callerAccount,
            ...(orgId ? { 'aws:PrincipalOrgID': orgId } : {}),
          },
        ));
    if (!trusted) throw stsError('AccessDenied', accessDeniedMessage(principal, 'sts:AssumeRole', roleArn, 'ImplicitDeny').replace(/ because .*$/, ''));
  }

  /** GetCallerIdentity: the session of the credentials, else the hub function's role session, else the hub account. */
  callerIdentity(_account: SandboxAccount): unknown {
    const { caller, session } = this.options.current();
    if (session) {
      const roleName = session.roleArn.split('/').at(-1) ?? '';
      return {
        UserId: `${roleIdOf(session.roleArn)}:${session.sessionName}`,
        Account: session.accountId,
        Arn: assumedRoleArn(session.accountId, roleName, session.sessionName),
      };
    }
    if (caller)
      return {
        UserId: `${roleIdOf(caller.identity.roleArn)}:${caller.sessionName}`,
        Account: accountOfArn(caller.identity.roleArn),
        Arn: principalArnOf(caller),
      };
    return { UserId: this.scenario.accountId, Account: this.scenario.accountId, Arn: `arn:aws:iam::${this.scenario.accountId}:root` };
  }
}

/** A role's unique id (AROA…), stable for its ARN. */
function roleIdOf(roleArn: string): string {
  return `AROA${createHash('sha256').update(roleArn).digest('hex').slice(0, 17).toUpperCase()}`;
}
