import { AsyncLocalStorage } from 'node:async_hooks';
import { accessDeniedError, assumedRoleArn } from './access-denied.js';
import { CoverageRecord } from './coverage.js';
import { type DeletionDenial, deletionAuthorizations, deletionFailureReason, firstDeniedDeletionAction } from './deletion.js';
import { type Deployment, type DeploymentOptions, deploymentFrom, type Identity } from './identities.js';
import { type Decision, evaluate } from './policy.js';
import { authorizationsFor, type CallLookup, type RequiredAuthorization } from './requests.js';
import { packagedTemplate, type Template } from './template.js';

/**
 * The sandbox's IAM: the integration API the sandbox calls.
 *
 *   // once per local run (openSandbox): the template as the framework packages it, resolved for the scenario
 *   const deployment = await loadDeployment({ region: scenario.region, accountId: scenario.accountId });
 *   const iam = new SandboxIam(deployment, { lookup: { stackArn: (n) => account.stackByIdOrName(n)?.stackId, encryptionKeyOf: deployment.encryptionKeyOf } });
 *
 *   // local/lambda-binding.ts, around each handler invocation: who is calling
 *   await runAsFunction(deployment, binding.functionKey, () => handler(event, context));
 *
 *   // Sandbox.answer(clientName, commandName, input), before the operation runs
 *   const denied = iam.check(currentCaller(), clientName, commandName, input);
 *   if (denied) throw denied;        // the service's own AccessDenied exception
 *
 *   // CloudFormation deleting a stack's resources: with the stack's RoleARN identity, else the caller's
 *   const who = iam.deletionCaller(stack.roleArn, callerOfDeleteStack);
 *   const reason = iam.deletionDenied(who, { type, arn });   // DELETE_FAILED status reason, or undefined
 *
 * Calls made outside any runAs (tests that drive the sandbox directly) have no caller:
 * check() then allows them (and records nothing), so existing tests keep working until they opt in.
 */

/** Who is calling: an identity of the template and the session its role is assumed under. */
export interface Caller {
  identity: Identity;
  /** Lambda names a function's role session after the function; CloudFormation uses "AWSCloudFormation". */
  sessionName: string;
}

const callers = new AsyncLocalStorage<Caller>();

/** The caller of the code running now (set by runAs around a handler invocation). */
export function currentCaller(): Caller | undefined {
  return callers.getStore();
}

export function runAs<T>(caller: Caller, fn: () => T): T {
  return callers.run(caller, fn);
}

/** A function's caller: its role, in the session Lambda names after the function (`<stack>-<key>`). */
export function functionCaller(deployment: Deployment, functionKey: string): Caller {
  return { identity: deployment.identityOfFunction(functionKey), sessionName: `${deployment.stackName}-${functionKey}` };
}

export function runAsFunction<T>(deployment: Deployment, functionKey: string, fn: () => T): T {
  return runAs(functionCaller(deployment, functionKey), fn);
}

/** The caller's session ARN, in the account (and partition) of its role: a hub function's, or a spoke role's in a target account. */
export function principalArnOf(caller: Caller): string {
  const [, partition = 'aws', , , accountId = ''] = caller.identity.roleArn.split(':');
  return assumedRoleArn(accountId, caller.identity.roleName, caller.sessionName, partition);
}

/** Where a call is made when it is not the deployment's own account and Region (a target of the hub), and what the sandbox knows there. */
export interface CallTarget {
  accountId: string;
  region: string;
  lookup?: CallLookup;
}

interface LoadOptions extends DeploymentOptions {
  root?: string;
  /** Package this serverless.yml content instead of the file's (a modified deployment, in a test). */
  serverlessYml?: string;
  /** Called before packaging when no cached template fits (it takes seconds). */
  onPackage?: () => void;
  /** serverless.yml parameters (`--param="key=value"`), e.g. organizationId. */
  params?: Readonly<Record<string, string>>;
}

/** Deployments already resolved in this process, per packaged template (cached per process and on disk by template.ts). */
const resolved = new WeakMap<Template, Map<string, Deployment>>();

/**
 * The template as `serverless package --stage local` renders it now, resolved for the scenario's
 * account and Region: packaged on first use (then cached on disk by a hash of serverless.yml and
 * the other inputs, and in this process), so editing serverless.yml changes the next local run.
 */
export async function loadDeployment(options: LoadOptions): Promise<Deployment> {
  const template = await packagedTemplate({
    region: options.region,
    ...(options.root ? { root: options.root } : {}),
    ...(options.serverlessYml !== undefined ? { serverlessYml: options.serverlessYml } : {}),
    ...(options.onPackage ? { onPackage: options.onPackage } : {}),
    ...(options.params ? { params: options.params } : {}),
  });
  const key = JSON.stringify([options.region, options.accountId, options.partition ?? 'aws', options.stackName ?? '', options.names ?? '']);
  let byPlace = resolved.get(template);
  if (!byPlace) {
    byPlace = new Map();
    resolved.set(template, byPlace);
  }
  let deployment = byPlace.get(key);
  if (!deployment) {
    deployment = deploymentFrom(template, options);
    byPlace.set(key, deployment);
  }
  return deployment;
}

/** A function's environment variables as the deployment sets them (intrinsics resolved), by its serverless.yml key. */
export function functionEnvironment(deployment: Deployment, functionKey: string): Record<string, string> {
  const functionName = `${deployment.stackName}-${functionKey}`;
  for (const resource of Object.values(deployment.template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const properties = deployment.resolve(resource.Properties) as { FunctionName?: string; Environment?: { Variables?: Record<string, unknown> } };
    if (properties.FunctionName !== functionName) continue;
    return Object.fromEntries(Object.entries(properties.Environment?.Variables ?? {}).map(([k, v]) => [k, String(v)]));
  }
  throw new Error(`No function ${functionKey} in the template`);
}

/** Decisions already taken, per identity: a local run asks the same few questions thousands of times. */
const decisions = new WeakMap<Identity, Map<string, Decision>>();

/** IAM's decision for the identity's policies (cached per identity, action, resource and context). */
function decide(identity: Identity, request: RequiredAuthorization): Decision {
  let cache = decisions.get(identity);
  if (!cache) {
    cache = new Map();
    decisions.set(identity, cache);
  }
  const key = `${request.action}\0${request.resource}\0${JSON.stringify(request.context)}`;
  let decision = cache.get(key);
  if (decision === undefined) {
    decision = evaluate(identity.policies, request).decision;
    cache.set(key, decision);
  }
  return decision;
}

interface Denial {
  request: RequiredAuthorization;
  decision: Exclude<Decision, 'Allow'>;
  principalArn: string;
}

export class SandboxIam {
  readonly coverage: CoverageRecord;
  private readonly lookup: CallLookup;

  constructor(
    readonly deployment: Deployment,
    options: { lookup?: CallLookup; coverage?: CoverageRecord } = {},
  ) {
    this.coverage = options.coverage ?? new CoverageRecord();
    this.lookup = { encryptionKeyOf: (r) => deployment.encryptionKeyOf(r), ...options.lookup };
  }

  /**
   * The first authorization of the call the caller's identity does not have, or undefined if it
   * has them all (each one allowed is recorded in the coverage record). No caller: undefined.
   */
  denial(caller: Caller | undefined, clientName: string, commandName: string, input: Record<string, unknown>, target?: CallTarget): Denial | undefined {
    if (!caller) return undefined;
    const principalArn = principalArnOf(caller);
    const place = target ? { ...this.deployment.place, accountId: target.accountId, region: target.region } : this.deployment.place;
    const lookup = target?.lookup ? { ...this.lookup, ...target.lookup } : this.lookup;
    const requests = authorizationsFor(clientName, commandName, input, { ...place, principalArn }, lookup);
    for (const request of requests) {
      const decision = decide(caller.identity, request);
      if (decision !== 'Allow') return { request, decision, principalArn };
      this.coverage.record({ identity: caller.identity.roleLogicalId, action: request.action, resource: request.resource, by: 'sdk' });
    }
    return undefined;
  }

  /** The service's AccessDenied exception for a call the caller may not make, or undefined. */
  check(caller: Caller | undefined, clientName: string, commandName: string, input: Record<string, unknown>, target?: CallTarget): Error | undefined {
    const denial = this.denial(caller, clientName, commandName, input, target);
    return (
      denial &&
      accessDeniedError(clientName, {
        principalArn: denial.principalArn,
        action: denial.request.action,
        resource: denial.request.resource,
        decision: denial.decision,
      })
    );
  }

  /**
   * What S3 answers for a missing key: NoSuchKey when the caller may list the bucket
   * (s3:ListBucket), else AccessDenied (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
   */
  missingObjectAnswer(caller: Caller | undefined, bucket: string): 'NoSuchKey' | 'AccessDenied' {
    if (!caller) return 'NoSuchKey';
    return this.denial(caller, 'S3Client', 'ListObjectsV2Command', { Bucket: bucket }) ? 'AccessDenied' : 'NoSuchKey';
  }

  /**
   * The identity CloudFormation deletes a stack's resources with: the stack's service role
   * (RoleARN, a role of the template or of the scenario) in CloudFormation's session, else the
   * caller of DeleteStack. A RoleARN the template does not define is resolved by `externalRoles`.
   */
  deletionCaller(
    roleArn: string | undefined,
    caller: Caller | undefined,
    externalRoles: (arn: string) => Identity | undefined = () => undefined,
  ): Caller | undefined {
    if (!roleArn) return caller;
    const identity = this.deployment.identityOfRoleArn(roleArn) ?? externalRoles(roleArn);
    if (!identity) throw new Error(`Stack role ${roleArn} is neither in the template nor given to the sandbox`);
    return { identity, sessionName: 'AWSCloudFormation' };
  }

  /** DELETE_FAILED's status reason if the identity may not delete the resource, else undefined (the actions are recorded). */
  deletionDenied(caller: Caller | undefined, resource: { type: string; arn: string }): string | undefined {
    if (!caller) return undefined;
    const denial: DeletionDenial | undefined = firstDeniedDeletionAction(caller.identity.policies, resource);
    if (denial) return deletionFailureReason(principalArnOf(caller), denial, resource.arn);
    for (const request of deletionAuthorizations(resource) ?? []) {
      this.coverage.record({ identity: caller.identity.roleLogicalId, action: request.action, resource: request.resource, by: 'deletion' });
    }
    return undefined;
  }
}

export { CoverageRecord } from './coverage.js';

export type { Deployment, Identity } from './identities.js';
