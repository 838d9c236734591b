import { describe, expect, it } from 'vitest';
import { DELETE_PERMISSIONS, deletionFailureReason, firstDeniedDeletionAction } from '../../local/iam/deletion.js';
import type { NamedPolicy, PolicyStatement } from '../../local/iam/policy.js';

const policy = (...Statement: PolicyStatement[]): NamedPolicy[] => [{ name: 'p', document: { Statement } }];
const VPC = { type: 'AWS::EC2::VPC', arn: 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1' };

describe('CloudFormation deleting a resource', () => {
  it('is authorized when every action of the type\'s delete handler is allowed (AWS::EC2::VPC: ec2:DeleteVpc, ec2:DescribeVpcs)', () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: ['ec2:DeleteVpc', 'ec2:DescribeVpcs'], Resource: '*' }), VPC)).toBeUndefined();
  });
  it('answers the first action not allowed', () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: 'ec2:DescribeVpcs', Resource: '*' }), VPC)).toEqual({ action: 'ec2:DeleteVpc', reason: 'ImplicitDeny' });
  });
  it('an explicit deny of one action denies the deletion', () => {
    const p = policy({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }, { Effect: 'Deny', Action: 'ec2:DeleteVpc', Resource: VPC.arn });
    expect(firstDeniedDeletionAction(p, VPC)).toEqual({ action: 'ec2:DeleteVpc', reason: 'ExplicitDeny' });
  });
  it('a type the table does not know is not authorized (fail closed), whatever the policy', () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: '*', Resource: '*' }), { type: 'AWS::Nope::Nope', arn: 'x' })?.reason).toBe('unknown-type');
  });
  it('every resource type the scenarios and tests use has a row', () => {
    const used = ['AWS::CloudFormation::Stack', 'AWS::CloudWatch::Alarm', 'AWS::DynamoDB::Table', 'AWS::EC2::Subnet', 'AWS::EC2::VPC', 'AWS::ECR::Repository', 'AWS::ECS::Cluster', 'AWS::ECS::Service', 'AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SNS::Topic', 'AWS::SQS::Queue', 'AWS::SSM::Parameter', 'AWS::StepFunctions::StateMachine'];
    expect(used.filter((type) => !DELETE_PERMISSIONS[type])).toEqual([]);
  });
  it('every row names the schema it was read from', () => {
    for (const row of Object.values(DELETE_PERMISSIONS)) expect(row.source).toMatch(/github\.com\/aws-cloudformation\/|registry schema/);
  });
  it('DELETE_FAILED\'s reason says who may not perform which action on which resource', () => {
    const reason = deletionFailureReason('arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation', { action: 'ec2:DeleteVpc', reason: 'ImplicitDeny' }, VPC.arn);
    expect(reason).toContain(`User: arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation is not authorized to perform: ec2:DeleteVpc on resource: ${VPC.arn}`);
  });
});
