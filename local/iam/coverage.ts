import type { Deployment, Identity } from './identities.js';
import { actionMatches, list, type PolicyStatement, resourceMatches } from './policy.js';
import { actionsMatching } from './reference.js';

/**
 * Which permissions were used: every (identity, action, resource) the sandbox authorized, so a
 * test can list what the template grants and nothing exercises (least privilege stays least).
 */
interface ExercisedPermission {
  /** The role's logical id. */
  identity: string;
  action: string;
  resource: string;
  /** 'sdk': a call a handler made; 'deletion': CloudFormation deleting a resource; 'platform': Lambda or Step Functions acting with the role. */
  by: 'sdk' | 'deletion' | 'platform';
}

export class CoverageRecord {
  private readonly seen = new Map<string, ExercisedPermission>();

  record(permission: ExercisedPermission): void {
    this.seen.set(`${permission.identity}\0${permission.action}\0${permission.resource}\0${permission.by}`, permission);
  }

  entries(): ExercisedPermission[] {
    return [...this.seen.values()];
  }

  merge(other: CoverageRecord | readonly ExercisedPermission[]): this {
    for (const entry of other instanceof CoverageRecord ? other.entries() : other) this.record(entry);
    return this;
  }

  toJSON(): ExercisedPermission[] {
    return this.entries();
  }
}

/** One grant: one action pattern on one resource pattern of one Allow statement. */
export interface GrantedPermission {
  identity: string;
  policy: string;
  statement: number;
  sid?: string;
  action: string;
  resource: string;
  /** NotAction / NotResource statements are listed with the pattern they exclude. */
  negated?: 'NotAction' | 'NotResource';
  conditioned: boolean;
}

/** Every grant of every identity: Allow statements expanded to action × resource. */
export function grantedPermissions(deployment: Deployment): GrantedPermission[] {
  const grants: GrantedPermission[] = [];
  for (const identity of deployment.identities.values()) {
    for (const policy of identity.policies) {
      list<PolicyStatement>(policy.document.Statement).forEach((statement, index) => {
        if (statement.Effect !== 'Allow') return;
        const actions = statement.Action !== undefined ? list(statement.Action) : list(statement.NotAction);
        const resources = statement.Resource !== undefined ? list(statement.Resource) : list(statement.NotResource);
        const negated = statement.NotAction !== undefined ? 'NotAction' : statement.NotResource !== undefined ? 'NotResource' : undefined;
        for (const action of actions) {
          for (const resource of resources) {
            grants.push({
              identity: identity.roleLogicalId,
              policy: policy.name,
              statement: index,
              ...(statement.Sid ? { sid: statement.Sid } : {}),
              action,
              resource,
              ...(negated ? { negated } : {}),
              conditioned: statement.Condition !== undefined,
            });
          }
        }
      });
    }
  }
  return grants;
}

/**
 * The grants no recorded use matches: the permissions the template gives that no local run or
 * test exercised. A grant is exercised when a recorded (identity, action, resource) falls under
 * its action and resource patterns. NotAction/NotResource grants are always listed (they grant
 * more than any record can show).
 */
export function unexercisedPermissions(deployment: Deployment, record: CoverageRecord | readonly ExercisedPermission[]): GrantedPermission[] {
  const used = record instanceof CoverageRecord ? record.entries() : [...record];
  return grantedPermissions(deployment).filter(
    (grant) =>
      grant.negated !== undefined ||
      !used.some((u) => u.identity === grant.identity && actionMatches(grant.action, u.action) && resourceMatches(grant.resource, u.resource)),
  );
}

/** Grants whose action pattern matches no action of the Service Authorization Reference (a typo such as cloudformation:DeleteStacks). */
export function grantsOfUnknownActions(deployment: Deployment): GrantedPermission[] {
  return grantedPermissions(deployment).filter((g) => g.action !== '*' && actionsMatching(g.action).length === 0);
}

/**
 * What the platform does with a role, recorded without any SDK call: the Lambda runtime writes
 * the function's logs to its log group's streams (logs:CreateLogStream, logs:PutLogEvents);
 * with active tracing it sends X-Ray segments (xray:PutTraceSegments, xray:PutTelemetryRecords);
 * an asynchronous invocation's on-failure destination is sent to with the function's role
 * (sqs:SendMessage); the state machine's role invokes the functions its Task states name
 * (lambda:InvokeFunction), and with tracing sends X-Ray segments; EventBridge Scheduler invokes
 * its target and sends to its dead-letter queue with the schedule's role. Read from the template:
 * TracingConfig, EventInvokeConfig, the state machine's definition and TracingConfiguration, the
 * schedules' targets.
 */
export function platformExercised(deployment: Deployment): ExercisedPermission[] {
  const { region, accountId, partition } = deployment.place;
  const out: ExercisedPermission[] = [];
  const template = deployment.template;
  const functionNameOf = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const functionName = deployment.physical(logicalId).ref;
    functionNameOf.set(logicalId, functionName);
    const identity = deployment.identityOfRoleArn(String(deployment.resolve(resource.Properties?.Role)));
    if (!identity) continue;
    const stream = `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/lambda/${functionName}:log-stream:local`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents'])
      out.push({ identity: identity.roleLogicalId, action, resource: stream, by: 'platform' });
    const tracing = (resource.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode;
    if (tracing === 'Active') {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'])
        out.push({ identity: identity.roleLogicalId, action, resource: '*', by: 'platform' });
    }
  }
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::EventInvokeConfig') continue;
    const config = deployment.resolve(resource.Properties) as { FunctionName?: string; DestinationConfig?: { OnFailure?: { Destination?: string } } };
    const destination = config.DestinationConfig?.OnFailure?.Destination;
    const identity = [...deployment.identities.values()].find((i: Identity) => i.functions.some((f) => `${deployment.stackName}-${f}` === config.FunctionName));
    if (destination?.startsWith(`arn:${partition}:sqs:`) && identity)
      out.push({ identity: identity.roleLogicalId, action: 'sqs:SendMessage', resource: destination, by: 'platform' });
  }
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Scheduler::Schedule') continue;
    // EventBridge Scheduler invokes the target, and sends what it could not deliver to the
    // dead-letter queue, with the schedule's role (Scheduler User Guide, execution role).
    const target = (deployment.resolve(resource.Properties) as { Target?: { Arn?: string; RoleArn?: string; DeadLetterConfig?: { Arn?: string } } }).Target;
    const identity = target?.RoleArn ? deployment.identityOfRoleArn(target.RoleArn) : undefined;
    if (!identity || !target?.Arn) continue;
    if (target.Arn.startsWith(`arn:${partition}:lambda:`))
      out.push({ identity: identity.roleLogicalId, action: 'lambda:InvokeFunction', resource: target.Arn, by: 'platform' });
    if (target.DeadLetterConfig?.Arn)
      out.push({ identity: identity.roleLogicalId, action: 'sqs:SendMessage', resource: target.DeadLetterConfig.Arn, by: 'platform' });
  }
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const identity = deployment.identityOfRoleArn(String(deployment.resolve(resource.Properties?.RoleArn)));
    if (!identity) continue;
    // With X-Ray tracing, Step Functions sends segments and reads sampling rules with the state
    // machine's role (Step Functions Developer Guide, "IAM policies for using AWS X-Ray").
    if ((resource.Properties?.TracingConfiguration as { Enabled?: boolean } | undefined)?.Enabled === true) {
      for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets']) {
        out.push({ identity: identity.roleLogicalId, action, resource: '*', by: 'platform' });
      }
    }
    const definition = JSON.stringify(resource.Properties?.DefinitionString ?? resource.Properties?.Definition ?? '');
    for (const [logicalId, functionName] of functionNameOf) {
      if (definition.includes(`"${logicalId}"`)) {
        out.push({
          identity: identity.roleLogicalId,
          action: 'lambda:InvokeFunction',
          resource: `arn:${partition}:lambda:${region}:${accountId}:function:${functionName}`,
          by: 'platform',
        });
      }
    }
  }
  return out;
}
