import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploymentFrom } from '../../local/iam/identities.js';
import { evaluate } from '../../local/iam/policy.js';
import type { Template } from '../../local/iam/template.js';
import { LOCAL_RESOURCES, stateMachineArn } from '../../local/local-environment.js';
import { TEST_ENVIRONMENT } from '../environment.js';
import { localDeployment, PACKAGING_TIMEOUT, PLACE } from './deployment.js';

const ACCOUNT = PLACE.accountId;

describe('a fixture template: intrinsic functions resolved for a local deployment', () => {
  const template: Template = {
    Conditions: { Never: { 'Fn::Equals': ['a', 'b'] } },
    Resources: {
      ReportBucket: {
        Type: 'AWS::S3::Bucket',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
            ],
          },
        },
      },
      Key: { Type: 'AWS::KMS::Key' },
      Queue: { Type: 'AWS::SQS::Queue' },
      Fn: {
        Type: 'AWS::Lambda::Function',
        Properties: {
          FunctionName: 'proton-connection-cleanup-local-writer',
          Role: { 'Fn::GetAtt': ['WriterRole', 'Arn'] },
          Environment: { Variables: { REPORT_BUCKET: { Ref: 'ReportBucket' } } },
        },
      },
      WriterRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: { 'Fn::Join': ['-', ['writer', { Ref: 'AWS::Region' }]] },
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }] },
          ManagedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          Policies: [
            {
              PolicyName: 'p',
              PolicyDocument: {
                Statement: [
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
                  { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Sub': '${ReportBucket.Arn}/reports/*' } },
                  { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
                  {
                    Effect: 'Allow',
                    Action: 'logs:DeleteLogGroup',
                    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
                    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*' },
                  },
                  {
                    Effect: 'Allow',
                    Action: 'ssm:DeleteParameter',
                    Resource: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,arn:aws:ssm:eu-west-1:111122223333:parameter/x'] }] },
                  },
                  { 'Fn::If': ['Never', { Effect: 'Allow', Action: '*', Resource: '*' }, { Ref: 'AWS::NoValue' }] },
                ],
              },
            },
          ],
        },
      },
      DeletionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          // serverless.yml's deletionRolePolicyArns: a comma-separated parameter, none when empty.
          ManagedPolicyArns: { 'Fn::If': ['Never', { 'Fn::Split': [',', 'arn:aws:iam::aws:policy/A,arn:aws:iam::aws:policy/B'] }, { Ref: 'AWS::NoValue' }] },
          Policies: [],
        },
      },
    },
  };
  const deployment = deploymentFrom(template, { region: 'eu-west-1', accountId: ACCOUNT });
  const statements = () => deployment.identityOfFunction('writer').policies[0]?.document.Statement as { Resource: unknown }[];

  it('a function is found by its serverless.yml key and runs with its Role', () => {
    expect(deployment.identityOfFunction('writer').roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/writer-eu-west-1`);
  });
  it('Fn::Sub with a resource attribute and Fn::GetAtt resolve to the local names', () => {
    expect(statements()[0]?.Resource).toBe('arn:aws:s3:::proton-connection-cleanup-local-reports/reports/*');
    expect(statements()[1]?.Resource).toBe(`arn:aws:sqs:eu-west-1:${ACCOUNT}:proton-connection-cleanup-local-Queue`);
  });
  it('pseudo parameters resolve to the scenario account, Region and partition', () => {
    expect(statements()[2]?.Resource).toBe(`arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:*`);
  });
  it('Fn::Select of Fn::Split', () => {
    expect(statements()[3]?.Resource).toBe('arn:aws:ssm:eu-west-1:111122223333:parameter/x');
  });
  it('Fn::If on a false condition with AWS::NoValue removes the statement', () => {
    expect(statements()).toHaveLength(4);
  });
  it('a managed policy from outside the template grants nothing and is listed as unresolved', () => {
    const identity = deployment.identityOfFunction('writer');
    expect(identity.unresolvedManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(evaluate(identity.policies, { action: 's3:GetObject', resource: 'arn:aws:s3:::any/x' }).decision).toBe('ImplicitDeny');
  });
  it('a role attached to no function is found by logical id and by the service that may assume it', () => {
    expect(deployment.identityOfRole('DeletionRole').functions).toEqual([]);
    expect(deployment.rolesTrustedBy('cloudformation.amazonaws.com').map((i) => i.roleLogicalId)).toEqual(['DeletionRole']);
  });
  it('ManagedPolicyArns that Fn::If turns into AWS::NoValue is no managed policy at all', () => {
    expect(deployment.identityOfRole('DeletionRole').managedPolicyArns).toEqual([]);
    expect(deployment.identityOfRole('DeletionRole').unresolvedManagedPolicyArns).toEqual([]);
  });
  it('the KMS key a bucket encrypts with', () => {
    expect(deployment.encryptionKeyOf({ bucket: 'proton-connection-cleanup-local-reports' })).toBe(deployment.physical('Key').attributes.Arn);
  });
});

describe('the packaged serverless.yml (serverless package --stage local)', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await localDeployment();
  }, PACKAGING_TIMEOUT);

  it("the local names are the local run's (LOCAL_RESOURCES, TEST_ENVIRONMENT)", () => {
    expect(deployment.physical('ReportBucket').ref).toBe(LOCAL_RESOURCES.reportBucket);
    expect(deployment.physical('ReportBucket').ref).toBe(TEST_ENVIRONMENT.REPORT_BUCKET);
    expect(deployment.physical('NotificationTopic').ref).toBe(TEST_ENVIRONMENT.TOPIC_ARN);
    expect(deployment.physical('DecommissionStateMachine').ref).toBe(stateMachineArn({ region: PLACE.region, accountId: ACCOUNT } as never));
  });
  it('every function of serverless.yml runs with a role of its own', () => {
    const functions = [...deployment.identities.values()].flatMap((i) => i.functions);
    expect(functions.length).toBeGreaterThan(10);
    for (const identity of deployment.identities.values()) expect(identity.functions.length).toBeLessThanOrEqual(1);
  });
  it('a function role is trusted by Lambda only; the state machine role by Step Functions', () => {
    expect(deployment.identityOfFunction('advanceCleanup').trustedServices).toEqual(['lambda.amazonaws.com']);
    expect(deployment.identityOfRole('DecommissionStateMachineRole').trustedServices).toEqual([`states.${PLACE.region}.amazonaws.com`]);
  });
  it("the functions' policies name no unresolved intrinsic and no managed policy without a document", () => {
    for (const identity of deployment.identities.values()) {
      expect(JSON.stringify(identity.policies)).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
      expect(identity.unresolvedManagedPolicyArns).toEqual([]);
    }
  });
  it('a role named with iamRoleStatementsName keeps its name', () => {
    expect(deployment.identityOfFunction('deleteStandaloneResource').roleName).toBe(`pcc-local-${PLACE.region}-delete-standalone`);
  });
});
