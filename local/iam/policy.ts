/**
 * IAM policy evaluation for identity-based policies (pure): what the sandbox needs to decide
 * whether a function's role may make a call, as AWS decides it.
 *
 * Evaluation logic (IAM User Guide, "The difference between explicit and implicit denies",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html,
 * and "Policy evaluation for requests within a single account",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html):
 * an applicable Deny statement denies (explicit deny, whatever allows it); else an applicable
 * Allow statement allows; else the request is implicitly denied.
 *
 * Condition semantics (IAM User Guide, "IAM JSON policy elements: Condition operators",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 * and "IAM JSON policy elements: Condition",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html):
 * every operator of a block and every key of an operator must match (AND); the values listed for
 * one key match if any matches (OR), for a negated operator if none matches; context key names
 * are case-insensitive; a key missing from the request context makes the condition false, and a
 * negated operator's true, except for ...IfExists (a missing key matches) and Null (tests
 * presence). Not modelled: resource-based policies, SCPs, permissions boundaries, session
 * policies, policy variables (${aws:username}) — the template uses none of them for identities.
 */

type ConditionValue = string | number | boolean;
export type ConditionBlock = Record<string, Record<string, ConditionValue | ConditionValue[]>>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

/** A policy with the name that explains it in reports (an inline policy's PolicyName). */
export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

/** Values of the request context's keys: a multivalued key is a list. */
export type RequestContext = Record<string, ConditionValue | readonly string[] | undefined>;

/** One authorization: an IAM action on one resource ARN ('*' for actions with no resource type). */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  context?: RequestContext;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

interface Evaluation {
  decision: Decision;
  /** The statements that decided: the applicable Deny statements, or else the applicable Allow statements. */
  statements: { policy: string; statement: PolicyStatement }[];
}

export const list = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T]);

const regexCache = new Map<string, RegExp>();

/** `*` matches any run of characters (also none), `?` exactly one; nothing else is special. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = regexCache.get(key);
  if (!regex) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    regexCache.set(key, regex);
  }
  return regex.test(value);
}

/** Actions are case-insensitive ("Action" element: s3:getobject is s3:GetObject). */
export function actionMatches(pattern: string, action: string): boolean {
  return pattern === '*' || wildcardMatch(pattern, action, true);
}

/**
 * Resource ARNs are case-sensitive and compared as ArnLike compares them: the six colon-separated
 * parts one by one (the sixth part is the rest, colons included), each with wildcards; `*` alone
 * matches every resource.
 */
export function resourceMatches(pattern: string, resource: string): boolean {
  if (pattern === '*') return true;
  return arnLike(pattern, resource);
}

function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function arnLike(pattern: string, value: string): boolean {
  const p = arnParts(pattern);
  const v = arnParts(value);
  if (!p || !v) return wildcardMatch(pattern, value);
  return p.every((part, i) => wildcardMatch(part, v[i] as string));
}

/**
 * IAM refuses a policy whose statement names neither Action nor NotAction, or neither Resource nor
 * NotResource (MalformedPolicyDocument): such a statement must never be read here as "every
 * action" or "every resource", or the sandbox would allow what AWS never deploys.
 */
function malformedStatement(statement: PolicyStatement): string | undefined {
  if (statement.Action === undefined && statement.NotAction === undefined) return 'it has neither Action nor NotAction';
  if (statement.Resource === undefined && statement.NotResource === undefined) return 'it has neither Resource nor NotResource';
  return undefined;
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const malformed = malformedStatement(statement);
  if (malformed)
    throw new Error(`MalformedPolicyDocument: statement ${statement.Sid ?? JSON.stringify(statement).slice(0, 120)} is refused by IAM: ${malformed}`);
  const actionOk =
    statement.Action !== undefined
      ? list(statement.Action).some((p) => actionMatches(p, request.action))
      : !list(statement.NotAction).some((p) => actionMatches(p, request.action));
  if (!actionOk) return false;
  const resourceOk =
    statement.Resource !== undefined
      ? list(statement.Resource).some((p) => resourceMatches(p, request.resource))
      : statement.NotResource !== undefined
        ? !list(statement.NotResource).some((p) => resourceMatches(p, request.resource))
        : false;
  if (!resourceOk) return false;
  return conditionsHold(statement.Condition, request.context ?? {});
}

/** IAM's evaluation of identity-based policies: explicit Deny, then Allow, else implicit deny. */
export function evaluate(policies: readonly NamedPolicy[], request: AuthorizationRequest): Evaluation {
  const applicable = policies.flatMap((policy) =>
    list(policy.document.Statement)
      .filter((statement) => statementApplies(statement, request))
      .map((statement) => ({ policy: policy.name, statement })),
  );
  const denies = applicable.filter((a) => a.statement.Effect === 'Deny');
  if (denies.length > 0) return { decision: 'ExplicitDeny', statements: denies };
  const allows = applicable.filter((a) => a.statement.Effect === 'Allow');
  if (allows.length > 0) return { decision: 'Allow', statements: allows };
  return { decision: 'ImplicitDeny', statements: [] };
}

// --- Conditions --------------------------------------------------------------------------------

type Comparator = (policyValue: string, contextValue: string) => boolean;

const numeric =
  (compare: (a: number, b: number) => boolean): Comparator =>
  (p, c) => {
    const a = Number(c);
    const b = Number(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && compare(a, b);
  };
const date =
  (compare: (a: number, b: number) => boolean): Comparator =>
  (p, c) => {
    const toMs = (v: string) => (/^\d+$/.test(v) ? Number(v) * 1000 : Date.parse(v));
    const a = toMs(c);
    const b = toMs(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && compare(a, b);
  };

/** The base operators: [comparator, negated]. A negated operator matches when no policy value matches. */
const OPERATORS: Record<string, [Comparator, boolean]> = {
  stringequals: [(p, c) => p === c, false],
  stringnotequals: [(p, c) => p === c, true],
  stringequalsignorecase: [(p, c) => p.toLowerCase() === c.toLowerCase(), false],
  stringnotequalsignorecase: [(p, c) => p.toLowerCase() === c.toLowerCase(), true],
  stringlike: [(p, c) => wildcardMatch(p, c), false],
  stringnotlike: [(p, c) => wildcardMatch(p, c), true],
  numericequals: [numeric((a, b) => a === b), false],
  numericnotequals: [numeric((a, b) => a === b), true],
  numericlessthan: [numeric((a, b) => a < b), false],
  numericlessthanequals: [numeric((a, b) => a <= b), false],
  numericgreaterthan: [numeric((a, b) => a > b), false],
  numericgreaterthanequals: [numeric((a, b) => a >= b), false],
  dateequals: [date((a, b) => a === b), false],
  datenotequals: [date((a, b) => a === b), true],
  datelessthan: [date((a, b) => a < b), false],
  datelessthanequals: [date((a, b) => a <= b), false],
  dategreaterthan: [date((a, b) => a > b), false],
  dategreaterthanequals: [date((a, b) => a >= b), false],
  bool: [(p, c) => p.toLowerCase() === c.toLowerCase(), false],
  binaryequals: [(p, c) => p === c, false],
  ipaddress: [(p, c) => p === c, false],
  notipaddress: [(p, c) => p === c, true],
  // ArnEquals and ArnLike behave alike: both compare part by part with wildcards.
  arnequals: [(p, c) => arnLike(p, c), false],
  arnlike: [(p, c) => arnLike(p, c), false],
  arnnotequals: [(p, c) => arnLike(p, c), true],
  arnnotlike: [(p, c) => arnLike(p, c), true],
};

class UnsupportedConditionOperator extends Error {
  override name = 'UnsupportedConditionOperator';
}

/** Whether every condition of a statement holds for the request context. */
export function conditionsHold(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  const lowered = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  return Object.entries(block).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => operatorHolds(operator, lowered.get(key.toLowerCase()), list(values).map(String))),
  );
}

function operatorHolds(operatorName: string, contextValue: RequestContext[string], policyValues: string[]): boolean {
  let name = operatorName.toLowerCase();
  const present = contextValue !== undefined;
  if (name === 'null') {
    // Null: true means the key must be absent, false that it must be present.
    const wantsAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    return wantsAbsent ? !present : present;
  }
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) {
    set = 'any';
    name = name.slice('foranyvalue:'.length);
  } else if (name.startsWith('forallvalues:')) {
    set = 'all';
    name = name.slice('forallvalues:'.length);
  }
  let ifExists = false;
  if (name.endsWith('ifexists')) {
    ifExists = true;
    name = name.slice(0, -'ifexists'.length);
  }
  const found = OPERATORS[name];
  if (!found) throw new UnsupportedConditionOperator(`Condition operator ${operatorName} is not supported by the sandbox's IAM evaluation`);
  const [compare, negated] = found;
  const values = contextValue === undefined ? [] : (Array.isArray(contextValue) ? contextValue : [contextValue]).map(String);
  const matchesOne = (v: string) => policyValues.some((p) => compare(p, v));
  // One context value against the policy values: OR, or NOR for a negated operator.
  const holdsFor = (v: string) => (negated ? !matchesOne(v) : matchesOne(v));
  if (set === 'all') {
    // ForAllValues: true when every value in the request matches (and when there is none).
    return values.every(holdsFor);
  }
  if (set === 'any') {
    // ForAnyValue: true when at least one value in the request matches (false when there is none).
    return values.some(holdsFor);
  }
  if (!present) return ifExists || negated;
  return negated ? values.every(holdsFor) : values.some(holdsFor);
}
