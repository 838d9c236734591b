import { beforeAll, describe, expect, it } from 'vitest';
import { CoverageRecord, platformExercised, unexercisedPermissions } from '../../local/iam/coverage.js';
import type { Deployment } from '../../local/iam/identities.js';
import { currentCaller, functionCaller, runAsFunction, SandboxIam } from '../../local/iam/index.js';
import { localDeployment, PACKAGING_TIMEOUT, PLACE } from './deployment.js';

const BUCKET = 'proton-connection-cleanup-local-reports';
const CONNECTION = `arn:aws:proton:${PLACE.region}:${PLACE.accountId}:environment-account-connection/c-1`;

describe("the sandbox authorizes each call against the calling function's role in serverless.yml", () => {
  let deployment: Deployment;
  let iam: SandboxIam;
  beforeAll(async () => {
    deployment = await localDeployment();
    iam = new SandboxIam(deployment);
  }, PACKAGING_TIMEOUT);

  it('the caller is the function whose handler is running (AsyncLocalStorage)', async () => {
    const seen = await runAsFunction(deployment, 'notify', async () => {
      await Promise.resolve();
      return currentCaller()?.identity.functions;
    });
    expect(seen).toEqual(['notify']);
    expect(currentCaller()).toBeUndefined();
  });
  it('a call the role allows passes', () => {
    expect(
      iam.check(functionCaller(deployment, 'deleteConnection'), 'ProtonClient', 'DeleteEnvironmentAccountConnectionCommand', { id: 'c-1' }),
    ).toBeUndefined();
  });
  it("a call another function's role allows is AccessDenied for this one", () => {
    const error = iam.check(functionCaller(deployment, 'describeConnection'), 'ProtonClient', 'DeleteEnvironmentAccountConnectionCommand', { id: 'c-1' });
    expect(error?.name).toBe('AccessDeniedException');
    expect(error?.message).toContain(`is not authorized to perform: proton:DeleteEnvironmentAccountConnection on resource: ${CONNECTION}`);
  });
  it('a write to the report bucket outside the prefixes the role grants is denied', () => {
    expect(iam.check(functionCaller(deployment, 'writeReport'), 'S3Client', 'PutObjectCommand', { Bucket: BUCKET, Key: 'reports/x.json' })).toBeUndefined();
    expect(iam.check(functionCaller(deployment, 'writeReport'), 'S3Client', 'PutObjectCommand', { Bucket: BUCKET, Key: 'memory/x.json' })?.name).toBe(
      'AccessDenied',
    );
  });
  it('a missing key answers NoSuchKey to a role that may list the bucket, AccessDenied to one that may not', () => {
    expect(iam.missingObjectAnswer(functionCaller(deployment, 'writeReport'), BUCKET)).toBe('NoSuchKey');
    expect(iam.missingObjectAnswer(functionCaller(deployment, 'notify'), BUCKET)).toBe('AccessDenied');
  });
  it('a call outside any function invocation is not checked (tests that drive the sandbox directly)', () => {
    expect(iam.check(undefined, 'IAMClient', 'DeleteRoleCommand', { RoleName: 'x' })).toBeUndefined();
  });
  it("deleting a stack's resources uses the stack's role when it has one, in CloudFormation's session", () => {
    const fallback = functionCaller(deployment, 'advanceCleanup');
    expect(iam.deletionCaller(undefined, fallback)).toBe(fallback);
    const stateMachineRole = deployment.identityOfRole('DecommissionStateMachineRole');
    expect(iam.deletionCaller(stateMachineRole.roleArn, fallback)).toEqual({ identity: stateMachineRole, sessionName: 'AWSCloudFormation' });
  });
  it("a resource the deletion identity may not delete fails with CloudFormation's reason", () => {
    const reason = iam.deletionDenied(functionCaller(deployment, 'advanceCleanup'), {
      type: 'AWS::EC2::VPC',
      arn: `arn:aws:ec2:${PLACE.region}:${PLACE.accountId}:vpc/vpc-1`,
    });
    expect(reason).toContain('is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:');
  });
  it('every allowed authorization is recorded for the coverage report', () => {
    const coverage = new CoverageRecord();
    const recording = new SandboxIam(deployment, { coverage });
    recording.check(functionCaller(deployment, 'notify'), 'SNSClient', 'PublishCommand', { TopicArn: deployment.physical('NotificationTopic').ref });
    expect(coverage.entries().map((e) => e.action)).toEqual(['sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt']);
  });
});

describe('granted but never exercised', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await localDeployment();
  }, PACKAGING_TIMEOUT);

  it('a grant no recorded use falls under is listed; one a use falls under is not', () => {
    const record = [
      { identity: 'DeleteConnectionIamRoleLambdaExecution', action: 'proton:DeleteEnvironmentAccountConnection', resource: CONNECTION, by: 'sdk' as const },
    ];
    const unused = unexercisedPermissions(deployment, record)
      .filter((g) => g.identity === 'DeleteConnectionIamRoleLambdaExecution')
      .map((g) => g.action);
    expect(unused).not.toContain('proton:DeleteEnvironmentAccountConnection');
    expect(unused).toContain('xray:PutTraceSegments');
  });
  it('what the platform does with the roles (logs, tracing, destinations, the state machine invoking the functions) counts as exercised', () => {
    const unused = unexercisedPermissions(deployment, platformExercised(deployment))
      .filter((g) => !g.resource.endsWith(':*')) // qualified function ARNs (versions, aliases): the state machine calls $LATEST
      .map((g) => `${g.identity} ${g.action}`);
    expect(unused).not.toContain('DeleteConnectionIamRoleLambdaExecution logs:PutLogEvents');
    expect(unused).not.toContain('DeleteConnectionIamRoleLambdaExecution xray:PutTraceSegments');
    expect(unused).not.toContain('StartFromEventIamRoleLambdaExecution sqs:SendMessage');
    expect(unused).not.toContain('DecommissionStateMachineRole lambda:InvokeFunction');
  });
});
