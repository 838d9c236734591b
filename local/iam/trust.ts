import { actionMatches, type ConditionBlock, conditionsHold, list, type PolicyDocument, type RequestContext } from './policy.js';

/**
 * A role's trust policy (a resource-based policy on the role): whether it lets a principal assume
 * the role. Sources: IAM User Guide, "AWS JSON policy elements: Principal"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html):
 * an AWS account principal (`arn:aws:iam::<account>:root`, or the bare account id) delegates to
 * the account, whose identity-based policies must then allow the call; a role ARN names that role
 * (its sessions); `*` anyone. Explicit Deny wins over Allow, as in every policy
 * ("Policy evaluation logic"). Conditions as in identity policies (policy.ts).
 */
interface TrustStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
  Condition?: ConditionBlock;
}

export interface TrustPrincipal {
  /** The calling role's ARN (arn:aws:iam::<account>:role/<name>): what aws:PrincipalArn holds for a role session. */
  roleArn: string;
  accountId: string;
}

function principalMatches(principal: TrustStatement['Principal'], who: TrustPrincipal): boolean {
  if (principal === '*') return true;
  const partition = who.roleArn.split(':')[1] ?? 'aws';
  return list(principal?.AWS).some((p) => p === '*' || p === who.accountId || p === `arn:${partition}:iam::${who.accountId}:root` || p === who.roleArn);
}

function applies(statement: TrustStatement, action: string, who: TrustPrincipal, context: RequestContext): boolean {
  const actionOk =
    statement.Action !== undefined
      ? list(statement.Action).some((a) => actionMatches(a, action))
      : statement.NotAction !== undefined && !list(statement.NotAction).some((a) => actionMatches(a, action));
  return actionOk && principalMatches(statement.Principal, who) && conditionsHold(statement.Condition, context);
}

/** Whether the trust policy lets `who` perform `action` (sts:AssumeRole) on the role, given the request context. */
export function trustAllows(document: PolicyDocument | undefined, who: TrustPrincipal, context: RequestContext, action = 'sts:AssumeRole'): boolean {
  const statements = list(document?.Statement as unknown as TrustStatement | TrustStatement[] | undefined).filter((s) => applies(s, action, who, context));
  return !statements.some((s) => s.Effect === 'Deny') && statements.some((s) => s.Effect === 'Allow');
}
