import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploymentFrom } from '../../local/iam/identities.js';
import { type Caller, functionCaller, runAs } from '../../local/iam/index.js';
import type { Template } from '../../local/iam/template.js';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { Sandbox } from '../../local/sandbox/sandbox.js';
import { type ScenarioInput, ScenarioSchema } from '../../local/sandbox/scenario.js';
import { restoreSandbox, type SandboxSnapshot, snapshotSandbox } from '../../local/sandbox/snapshot.js';
import { CONNECTION_ID, environmentStack, scenario } from '../helpers/scenarios.js';
import { localDeployment, PACKAGING_TIMEOUT, PLACE } from './deployment.js';

/**
 * The sandbox enforces IAM as AWS does (docs/sandbox.md, "IAM"): each call a function makes is
 * authorized against that function's role, and CloudFormation deletes a stack's resources as the
 * stack's deletion identity. Expected answers come from the IAM and CloudFormation documentation:
 * - a denied call: "User: <assumed-role ARN> is not authorized to perform: <action> on resource:
 *   <ARN> because no identity-based policy allows the <action> action" (IAM User Guide,
 *   "Troubleshoot access denied error messages");
 * - DeleteStack `RoleARN`: "If you don't specify a value, CloudFormation uses the role that was
 *   previously associated with the stack. If no role is available, CloudFormation uses a temporary
 *   session that's generated from your user credentials." (CloudFormation API Reference);
 * - passing a role needs iam:PassRole (CloudFormation User Guide, "CloudFormation service role").
 */
const ACCOUNT = PLACE.accountId;
const REGION = PLACE.region;
const RESOURCES = { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:${LOCAL_RESOURCES.topicName}` };

function sandboxWith(deployment: Deployment, overrides: Partial<ScenarioInput> = {}): Sandbox {
  return new Sandbox(ScenarioSchema.parse(scenario({ timing: { latencyMs: { '*': 0 }, callsPerSecond: {} }, ...overrides })), RESOURCES, { deployment });
}

/** One call as the SDK sends it, made by `caller` (undefined: no caller): its output, or the error it threw. */
function call(
  sandbox: Sandbox,
  caller: Caller | undefined,
  client: string,
  command: string,
  input: Record<string, unknown>,
): { output?: unknown; error?: Error } {
  const answer = () => {
    try {
      return { output: sandbox.answer(client, command, input) };
    } catch (error) {
      return { error: error as Error };
    }
  };
  return caller ? runAs(caller, answer) : answer();
}

const stackNamed = (sandbox: Sandbox, name: string) => {
  const stack = sandbox.account.stackByName(name);
  if (!stack) throw new Error(`no stack ${name}`);
  return stack;
};

/** Lets every deletion started settle: the sandbox clock moves past the longest deleteSeconds. */
function settleAll(sandbox: Sandbox): void {
  sandbox.advanceTo(sandbox.clock.now() + 24 * 3600 * 1000);
}

describe("a function's calls are authorized against its role in the packaged serverless.yml", () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await localDeployment();
  }, PACKAGING_TIMEOUT);
  const as = (functionKey: string): Caller => functionCaller(deployment, functionKey);

  it('a call the role allows is answered', () => {
    const sandbox = sandboxWith(deployment);
    expect(call(sandbox, as('deleteConnection'), 'ProtonClient', 'DeleteEnvironmentAccountConnectionCommand', { id: CONNECTION_ID }).error).toBeUndefined();
  });

  it("a call the role does not allow answers the service's AccessDenied, changes nothing, and is recorded with that error", () => {
    const sandbox = sandboxWith(deployment);
    const { error } = call(sandbox, as('describeConnection'), 'ProtonClient', 'DeleteEnvironmentAccountConnectionCommand', { id: CONNECTION_ID });

    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${deployment.identityOfFunction('describeConnection').roleName}/proton-connection-cleanup-local-describeConnection ` +
        `is not authorized to perform: proton:DeleteEnvironmentAccountConnection on resource: arn:aws:proton:${REGION}:${ACCOUNT}:environment-account-connection/${CONNECTION_ID} ` +
        'because no identity-based policy allows the proton:DeleteEnvironmentAccountConnection action',
    );
    expect(sandbox.account.connections.has(CONNECTION_ID)).toBe(true);
    expect(sandbox.calls.at(-1)).toMatchObject({ service: 'proton', operation: 'DeleteEnvironmentAccountConnection', error: 'AccessDeniedException' });
  });

  it('a call with no caller (a test driving the sandbox directly) is not checked', () => {
    const sandbox = sandboxWith(deployment);
    expect(call(sandbox, undefined, 'ProtonClient', 'DeleteEnvironmentAccountConnectionCommand', { id: CONNECTION_ID }).error).toBeUndefined();
  });

  it('a missing key answers NoSuchKey to a role that may list the bucket, AccessDenied (for s3:ListBucket) to one that may not', () => {
    const sandbox = sandboxWith(deployment);
    const read = (functionKey: string, key: string) =>
      call(sandbox, as(functionKey), 'S3Client', 'GetObjectCommand', { Bucket: LOCAL_RESOURCES.reportBucket, Key: key }).error;

    expect(read('writeReport', 'executions/none.json')?.name).toBe('NoSuchKey');
    const denied = read('notify', 'reports/none.json');
    expect(denied?.name).toBe('AccessDenied');
    expect(denied?.message).toContain(`is not authorized to perform: s3:ListBucket on resource: arn:aws:s3:::${LOCAL_RESOURCES.reportBucket}`);
  });

  it("advanceCleanup's DeleteStack with the deletion role is allowed, and the role becomes the stack's (DescribeStacks RoleARN)", () => {
    const stack = environmentStack({ exports: [] });
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    const deletionRole = deployment.identityOfRole('CloudFormationDeletionRole').roleArn;

    expect(
      call(sandbox, as('advanceCleanup'), 'CloudFormationClient', 'DeleteStackCommand', { StackName: stack.name, RoleARN: deletionRole }).error,
    ).toBeUndefined();
    const described = call(sandbox, undefined, 'CloudFormationClient', 'DescribeStacksCommand', { StackName: stack.name }).output as {
      Stacks: { RoleARN?: string }[];
    };
    expect(described.Stacks[0]?.RoleARN).toBe(deletionRole);
    settleAll(sandbox);
    expect(stackNamed(sandbox, stack.name).status).toBe('DELETE_COMPLETE');
  });

  it("advanceCleanup's DeleteStack without the deletion role is AccessDenied (its DeleteStack is conditioned on cloudformation:RoleArn)", () => {
    const stack = environmentStack({ exports: [] });
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    const { error } = call(sandbox, as('advanceCleanup'), 'CloudFormationClient', 'DeleteStackCommand', { StackName: stack.name });

    expect(error?.name).toBe('AccessDenied');
    expect(error?.message).toContain('is not authorized to perform: cloudformation:DeleteStack on resource: arn:aws:cloudformation:');
    expect(stackNamed(sandbox, stack.name).status).not.toMatch(/^DELETE/);
  });
});

describe('who CloudFormation deletes the resources as (a fixture deployment)', () => {
  const NAME = 'proton-connection-cleanup-local';
  const role = (services: string[], statements: unknown[]) => ({
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' }] },
      Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }],
    },
  });
  const fn = (key: string, roleId: string) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: `${NAME}-${key}`, Role: { 'Fn::GetAtt': [roleId, 'Arn'] } },
  });
  const passDeletionRole = {
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: { 'Fn::GetAtt': ['DeletionRole', 'Arn'] },
    Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
  };
  const template: Template = {
    Resources: {
      // May delete stacks (any role) and queues itself, but no VPC.
      DeleterRole: role(
        ['lambda.amazonaws.com'],
        [
          { Effect: 'Allow', Action: 'cloudformation:DeleteStack', Resource: '*' },
          passDeletionRole,
          { Effect: 'Allow', Action: ['sqs:DeleteQueue', 'sqs:GetQueueAttributes'], Resource: '*' },
        ],
      ),
      Deleter: fn('deleter', 'DeleterRole'),
      // May delete stacks, but pass no role.
      NarrowRole: role(['lambda.amazonaws.com'], [{ Effect: 'Allow', Action: 'cloudformation:DeleteStack', Resource: '*' }]),
      Narrow: fn('narrow', 'NarrowRole'),
      // CloudFormation's: VPCs and nested stacks, but no queue.
      DeletionRole: role(
        ['cloudformation.amazonaws.com'],
        [{ Effect: 'Allow', Action: ['ec2:DeleteVpc', 'ec2:DescribeVpcs', 'cloudformation:DescribeStacks', 'cloudformation:DeleteStack'], Resource: '*' }],
      ),
      LambdaOnlyRole: role(['lambda.amazonaws.com'], []),
    },
  };
  const deployment = deploymentFrom(template, PLACE);
  const deleter = { identity: deployment.identityOfFunction('deleter'), sessionName: `${NAME}-deleter` };
  const narrow = { identity: deployment.identityOfFunction('narrow'), sessionName: `${NAME}-narrow` };
  const deletionRole = deployment.identityOfRole('DeletionRole');
  const vpcAndQueue = () =>
    environmentStack({
      exports: [],
      resources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-0123456789abcdef0' },
        { logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders' },
      ],
    });
  const deleteStack = (sandbox: Sandbox, caller: Caller | undefined, name: string, roleArn?: string) =>
    call(sandbox, caller, 'CloudFormationClient', 'DeleteStackCommand', { StackName: name, ...(roleArn ? { RoleARN: roleArn } : {}) });
  const failedEvent = (sandbox: Sandbox, stackName: string, logicalId: string) =>
    stackNamed(sandbox, stackName).events.find((e) => e.logicalId === logicalId && e.status === 'DELETE_FAILED');

  it("a stack with no role is deleted with the caller's own identity: a resource the caller may not delete fails, naming the action", () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    expect(deleteStack(sandbox, deleter, stack.name).error).toBeUndefined();
    settleAll(sandbox);

    const deleted = stackNamed(sandbox, stack.name);
    expect(deleted.status).toBe('DELETE_FAILED');
    expect(deleted.statusReason).toBe('The following resource(s) failed to delete: [Vpc].');
    expect(failedEvent(sandbox, stack.name, 'Vpc')?.reason).toContain(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${deleter.identity.roleName}/${NAME}-deleter is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0123456789abcdef0`,
    );
    expect(deleted.events.find((e) => e.logicalId === 'Queue')?.status).toBe('DELETE_COMPLETE');
  });

  it('a deletion in flight, saved and restored (the CLI state file), settles as the caller who asked for it', () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    deleteStack(sandbox, deleter, stack.name);
    const snapshot = JSON.parse(JSON.stringify(snapshotSandbox(sandbox))) as SandboxSnapshot;
    const restored = restoreSandbox(sandbox.scenario, RESOURCES, { deployment }, snapshot);
    settleAll(restored);

    expect(stackNamed(restored, stack.name).statusReason).toBe('The following resource(s) failed to delete: [Vpc].');
    expect(failedEvent(restored, stack.name, 'Vpc')?.reason).toContain(
      `assumed-role/${deleter.identity.roleName}/${NAME}-deleter is not authorized to perform: ec2:DeleteVpc`,
    );
  });

  it("with RoleARN the resources are deleted as that role, in CloudFormation's session", () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    expect(deleteStack(sandbox, deleter, stack.name, deletionRole.roleArn).error).toBeUndefined();
    settleAll(sandbox);

    expect(stackNamed(sandbox, stack.name).statusReason).toBe('The following resource(s) failed to delete: [Queue].');
    expect(failedEvent(sandbox, stack.name, 'Queue')?.reason).toContain(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${deletionRole.roleName}/AWSCloudFormation is not authorized to perform: sqs:DeleteQueue on resource: arn:aws:sqs:${REGION}:${ACCOUNT}:orders`,
    );
  });

  it('once a stack has a role it keeps it: a later DeleteStack without RoleARN deletes as that role, not as the caller', () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    deleteStack(sandbox, deleter, stack.name, deletionRole.roleArn);
    settleAll(sandbox);
    expect(deleteStack(sandbox, deleter, stack.name).error).toBeUndefined();
    settleAll(sandbox);

    expect(stackNamed(sandbox, stack.name).roleArn).toBe(deletionRole.roleArn);
    expect(failedEvent(sandbox, stack.name, 'Queue')?.reason).toContain(
      `assumed-role/${deletionRole.roleName}/AWSCloudFormation is not authorized to perform: sqs:DeleteQueue`,
    );
  });

  it('passing a role needs iam:PassRole on it: without it DeleteStack is AccessDenied and nothing starts', () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    const { error } = deleteStack(sandbox, narrow, stack.name, deletionRole.roleArn);

    expect(error?.name).toBe('AccessDenied');
    expect(error?.message).toContain(`is not authorized to perform: iam:PassRole on resource: ${deletionRole.roleArn}`);
    expect(stackNamed(sandbox, stack.name).status).toBe('CREATE_COMPLETE');
    expect(stackNamed(sandbox, stack.name).roleArn).toBeUndefined();
  });

  it('a role CloudFormation cannot assume (not trusted by cloudformation.amazonaws.com, or unknown) fails DeleteStack with ValidationError', () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    for (const roleArn of [deployment.identityOfRole('LambdaOnlyRole').roleArn, `arn:aws:iam::${ACCOUNT}:role/no-such-role`]) {
      const { error } = deleteStack(sandbox, undefined, stack.name, roleArn);
      expect(error?.name).toBe('ValidationError');
      expect(error?.message).toBe(`Role ${roleArn} is invalid or cannot be assumed`);
    }
    expect(stackNamed(sandbox, stack.name).status).toBe('CREATE_COMPLETE');
  });

  it("a nested stack's resources are deleted with its root's deletion identity", () => {
    const root = environmentStack({ exports: [], resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-0fedcba9876543210' }] });
    const nested = environmentStack({
      name: `${root.name}-Queues-ABC`,
      exports: [],
      parent: root.name,
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'nested-orders' }],
    });
    const sandbox = sandboxWith(deployment, { stacks: [root, nested] });
    deleteStack(sandbox, deleter, root.name, deletionRole.roleArn);
    settleAll(sandbox);

    expect(failedEvent(sandbox, nested.name, 'Queue')?.reason).toContain(
      `assumed-role/${deletionRole.roleName}/AWSCloudFormation is not authorized to perform: sqs:DeleteQueue`,
    );
    expect(stackNamed(sandbox, root.name).status).toBe('DELETE_FAILED');
    expect(stackNamed(sandbox, root.name).events.find((e) => e.logicalId === 'Vpc')?.status).toBe('DELETE_COMPLETE');
  });

  it('a resource type whose delete permissions the sandbox does not know fails closed', () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Thing', type: 'AWS::Unmodelled::Thing', name: 'thing-1' }] });
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    deleteStack(sandbox, deleter, stack.name, deletionRole.roleArn);
    settleAll(sandbox);

    expect(stackNamed(sandbox, stack.name).status).toBe('DELETE_FAILED');
    expect(failedEvent(sandbox, stack.name, 'Thing')?.reason).toContain('not authorized');
  });

  it('with no caller and no role, the deletion is not checked (tests that drive the sandbox directly)', () => {
    const stack = vpcAndQueue();
    const sandbox = sandboxWith(deployment, { stacks: [stack] });
    deleteStack(sandbox, undefined, stack.name);
    settleAll(sandbox);
    expect(stackNamed(sandbox, stack.name).status).toBe('DELETE_COMPLETE');
  });
});
