import { beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../local/iam/identities.js';
import { SandboxIam } from '../../local/iam/index.js';
import { arnFor } from '../../local/sandbox/resource-arns.js';
import { localDeployment, PACKAGING_TIMEOUT, PLACE } from './deployment.js';

/**
 * Stacks shaped like AWS Proton's sample templates (their resource types, from
 * github.com/aws-samples/aws-proton-cloudformation-sample-templates@7780cf7d3cb95742f7bbf3f50201559b8c2d4cf1),
 * deleted as CloudFormation does with the packaged deletion role (serverless.yml).
 */
const FARGATE_ENV = [
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::Route',
  'AWS::EC2::EIP',
  'AWS::EC2::NatGateway',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  'AWS::ECS::Cluster',
  'AWS::IAM::Role',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
];
const LOAD_BALANCED_FARGATE_SVC = [
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::CloudWatch::Alarm',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::ECS::Service',
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::Logs::LogGroup',
];

describe("the deletion role deletes stacks shaped like AWS Proton's sample templates", () => {
  let deployment: Deployment;
  let iam: SandboxIam;
  beforeAll(async () => {
    deployment = await localDeployment();
    iam = new SandboxIam(deployment);
  }, PACKAGING_TIMEOUT);
  const denials = (types: string[]) => {
    const who = iam.deletionCaller(deployment.identityOfRole('CloudFormationDeletionRole').roleArn, undefined);
    return types
      .map((type) => [type, iam.deletionDenied(who, { type, arn: arnFor(type, `${type.split('::')[2]?.toLowerCase()}-1`, PLACE) })])
      .filter(([, reason]) => reason !== undefined);
  };

  it('fargate-env: every resource', () => {
    expect(denials(FARGATE_ENV)).toEqual([]);
  });
  it('load-balanced-fargate-svc: every resource', () => {
    expect(denials(LOAD_BALANCED_FARGATE_SVC)).toEqual([]);
  });
  it('a role without the new verbs cannot (the check can fail): a deletion as advanceCleanup is denied', () => {
    const who = iam.deletionCaller(undefined, { identity: deployment.identityOfFunction('advanceCleanup'), sessionName: 'x' });
    expect(iam.deletionDenied(who, { type: 'AWS::SNS::TopicPolicy', arn: arnFor('AWS::SNS::TopicPolicy', 'p', PLACE) })).toContain('sns:SetTopicAttributes');
  });
});
