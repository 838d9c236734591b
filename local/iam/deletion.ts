import { evaluate, type NamedPolicy, type RequestContext } from './policy.js';
import { arnFormat, referenceAction } from './reference.js';

/**
 * What CloudFormation needs to delete a resource: the IAM actions of the type's delete handler,
 * from each type's registry schema (`handlers.delete.permissions`). @aws-cdk/aws-service-spec
 * does not carry the handlers (its database has no `permissions` of handlers), so the table is
 * written here, each row citing the schema it was read from. CloudFormation calls the handler
 * with the deletion identity (the stack's service role, or the caller's credentials): every
 * listed action must be allowed on the resource. A type not in the table is not authorized (fail
 * closed).
 */
interface DeletionPermissions {
  actions: readonly string[];
  /** Where the actions were read. */
  source: string;
  /** false: the schema text was not available offline; the row is from the published schema as remembered, to be checked. */
  verified: boolean;
}

const CFN_LINT = (file: string, commit: string) => `github.com/aws-cloudformation/cfn-lint@${commit} src/cfnlint/data/schemas/providers/us_east_1/${file}`;
const PROVIDER = (repo: string, file: string, commit: string) =>
  `github.com/aws-cloudformation/aws-cloudformation-resource-providers-${repo}@${commit} ${file}`;
const UNVERIFIED = (type: string) =>
  `CloudFormation registry schema of ${type} (aws cloudformation describe-type --type RESOURCE --type-name ${type}); not available offline here`;

/**
 * Why no row lists `iam:PassRole`, though some schemas do (AWS::Events::Rule, AWS::ECS::TaskDefinition
 * list it in `handlers.delete.permissions`): PassRole is not an API operation but a permission IAM
 * checks only when a call hands a role to a service ("iam:PassRole … is a permission only", Service
 * Authorization Reference, IAM; "Granting a user permissions to pass a role to an AWS service", IAM
 * User Guide), and a delete hands no role. Requiring it here would fail deletions AWS lets through and
 * advise granting PassRole to the deletion role, which must never hold it broadly.
 */
export const PASS_ROLE = 'iam:PassRole';

const SOURCED = (file: string, commit: string) => CFN_LINT(file, commit);
/** The schemas stored here for these types have their handlers stripped; the rows are the published delete permissions as remembered: check them. */
const STRIPPED = (type: string, file: string, commit: string) => `${UNVERIFIED(type)}; the copy read (${CFN_LINT(file, commit)}) has no handlers`;

export const DELETE_PERMISSIONS: Readonly<Record<string, DeletionPermissions>> = {
  'AWS::CloudFormation::Stack': {
    actions: ['cloudformation:DescribeStacks', 'cloudformation:DeleteStack'],
    source: PROVIDER('cloudformation', 'aws-cloudformation-stack/aws-cloudformation-stack.json', '7245f76daea80cbd14a8ebdb9abaa4a3751c0245'),
    verified: true,
  },
  'AWS::CloudWatch::Alarm': {
    actions: ['cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
    source: CFN_LINT('aws-cloudwatch-alarm.json', '19bc5ff9984a6a235244cd114339754df4440afd'),
    verified: true,
  },
  'AWS::EC2::VPC': {
    actions: ['ec2:DeleteVpc', 'ec2:DescribeVpcs'],
    source: CFN_LINT('aws-ec2-vpc.json', '1b14109a3ad39cdf9f8f7c4f3aaa70147682a171'),
    verified: true,
  },
  'AWS::ECR::Repository': {
    actions: ['ecr:DeleteRepository', 'kms:RetireGrant'],
    source: PROVIDER('ecr', 'aws-ecr-repository/aws-ecr-repository.json', '6f18348c737eedc3770fd5a17ac1f7d0b58aef54'),
    verified: true,
  },
  'AWS::ECS::Cluster': {
    actions: ['ecs:DeleteCluster', 'ecs:DescribeClusters'],
    source: CFN_LINT('aws-ecs-cluster.json', '0e0aec53bf526b289d0f2332c5ea9014dad34255'),
    verified: true,
  },
  'AWS::Events::Rule': {
    // The schema also lists iam:PassRole: never required by a delete (PASS_ROLE).
    actions: ['events:DescribeRule', 'events:DeleteRule', 'events:RemoveTargets', 'events:ListTargetsByRule'],
    source: PROVIDER('events', 'aws-events-rule/aws-events-rule.json', '5f8850a31f2cbecfcdaf19cf1168bda9225fc75e'),
    verified: true,
  },
  'AWS::Lambda::Permission': {
    actions: ['lambda:RemovePermission'],
    source: CFN_LINT('aws-lambda-permission.json', '30ee387649538d91d260a22ec0fc1ae3781884bd'),
    verified: true,
  },
  'AWS::Logs::LogGroup': {
    actions: ['logs:DescribeLogGroups', 'logs:DeleteLogGroup', 'logs:DeleteDataProtectionPolicy'],
    source: CFN_LINT('aws-logs-loggroup.json', '3001eb50fd1a71ac8a8214a38062ab3c31a87f32'),
    verified: true,
  },
  'AWS::SNS::Topic': {
    actions: ['sns:DeleteTopic'],
    source: PROVIDER('sns', 'aws-sns-topic/aws-sns-topic.json', '73bd30ef6e825a18c8e6b8539242dff00dd535be'),
    verified: true,
  },
  'AWS::SQS::Queue': {
    actions: ['sqs:DeleteQueue', 'sqs:GetQueueAttributes'],
    source: CFN_LINT('aws-sqs-queue.json', '03b8406cf7b96acfde524348c1f919b296fdbb93'),
    verified: true,
  },
  'AWS::SSM::Parameter': {
    actions: ['ssm:DeleteParameter'],
    source: PROVIDER('ssm', 'aws-ssm-parameter/aws-ssm-parameter.json', '5e900fdd3bf28661205ba1ddbc7b17ae1b0e7983'),
    verified: true,
  },
  'AWS::StepFunctions::StateMachine': {
    actions: ['states:DeleteStateMachine', 'states:DescribeStateMachine'],
    source: PROVIDER('stepfunctions', 'statemachine/aws-stepfunctions-statemachine.json', '3df87f89a420d7e45ed6c4a381e50308d9c37374'),
    verified: true,
  },
  // The resource types of AWS Proton's sample templates (github.com/aws-samples/aws-proton-cloudformation-sample-templates@7780cf7d3cb95742f7bbf3f50201559b8c2d4cf1,
  // every `Type:` of every cloudformation.yaml, SAM's AWS::Serverless::* as the types they expand to).
  'AWS::SNS::TopicPolicy': {
    actions: ['sns:SetTopicAttributes'],
    source: SOURCED('aws-sns-topicpolicy.json', '21ec6c09e2c07cb3bc3d05cfbd66fd9fad67961f'),
    verified: true,
  },
  'AWS::SQS::QueuePolicy': {
    actions: ['sqs:SetQueueAttributes'],
    source: SOURCED('aws-sqs-queuepolicy.json', '0f7ff9afbf3dc9af2bc23b98ec57136c80a9b47c'),
    verified: true,
  },
  'AWS::IAM::InstanceProfile': {
    actions: ['iam:GetInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
    source: SOURCED('aws-iam-instanceprofile.json', '100657e40b63a5d64884fc98753da7504eb2ab08'),
    verified: true,
  },
  'AWS::KMS::Alias': { actions: ['kms:DeleteAlias'], source: SOURCED('aws-kms-alias.json', '30ee387649538d91d260a22ec0fc1ae3781884bd'), verified: true },
  'AWS::EC2::RouteTable': {
    actions: ['ec2:DescribeRouteTables', 'ec2:DeleteRouteTable'],
    source: SOURCED('aws-ec2-routetable.json', '25dc3180f184793e9d28b9017c02a3a7ae81f81f'),
    verified: true,
  },
  'AWS::EC2::Route': {
    actions: ['ec2:DeleteRoute', 'ec2:DescribeRouteTables'],
    source: SOURCED('aws-ec2-route.json', '271d9989fb8bd4a1c632410931a7ee5e3fd38688'),
    verified: true,
  },
  'AWS::EC2::SubnetRouteTableAssociation': {
    actions: ['ec2:DisassociateRouteTable', 'ec2:DescribeSubnets', 'ec2:DescribeRouteTables'],
    source: SOURCED('aws-ec2-subnetroutetableassociation.json', '2d00b638f724d9c4dd0954458824e2ed0cb2bbc0'),
    verified: true,
  },
  'AWS::EC2::InternetGateway': {
    actions: ['ec2:DeleteInternetGateway', 'ec2:DescribeInternetGateways'],
    source: SOURCED('aws-ec2-internetgateway.json', '30ee387649538d91d260a22ec0fc1ae3781884bd'),
    verified: true,
  },
  'AWS::EC2::VPCEndpoint': {
    actions: ['ec2:DeleteVpcEndpoints', 'ec2:DescribeVpcEndpoints'],
    source: SOURCED('aws-ec2-vpcendpoint.json', '099df82d1d066ac7f0119e78dc12a42ea23315c8'),
    verified: true,
  },
  'AWS::ECS::TaskDefinition': {
    // The schema also lists iam:PassRole: never required by a delete (PASS_ROLE).
    actions: ['ecs:DeregisterTaskDefinition', 'iam:GetRole'],
    source: SOURCED('aws-ecs-taskdefinition.json', '00d222ea2f7ac434faf2536be2f2aacc1699bff9'),
    verified: true,
  },
  'AWS::Kinesis::Stream': {
    actions: ['kinesis:DescribeStreamSummary', 'kinesis:DeleteStream', 'kinesis:RemoveTagsFromStream'],
    source: SOURCED('aws-kinesis-stream.json', '0d4d9824921986eee2dafdf3970da1caf940081d'),
    verified: true,
  },
  // The schema texts below were not available offline (the copies found here had their handlers
  // stripped); the rows are the published schemas' delete permissions as remembered: check them.
  'AWS::S3::Bucket': { actions: ['s3:DeleteBucket', 's3:ListBucket'], source: UNVERIFIED('AWS::S3::Bucket'), verified: false },
  'AWS::IAM::Role': {
    actions: ['iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    source: STRIPPED('AWS::IAM::Role', 'aws-iam-role.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::Lambda::Function': {
    actions: ['lambda:DeleteFunction', 'lambda:GetFunction', 'ec2:DescribeNetworkInterfaces'],
    source: UNVERIFIED('AWS::Lambda::Function'),
    verified: false,
  },
  'AWS::DynamoDB::Table': { actions: ['dynamodb:DescribeTable', 'dynamodb:DeleteTable'], source: UNVERIFIED('AWS::DynamoDB::Table'), verified: false },
  'AWS::ECS::Service': { actions: ['ecs:DeleteService', 'ecs:DescribeServices'], source: UNVERIFIED('AWS::ECS::Service'), verified: false },
  'AWS::EC2::Subnet': {
    actions: ['ec2:DeleteSubnet', 'ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces'],
    source: STRIPPED('AWS::EC2::Subnet', 'aws-ec2-subnet.json', '089478b83b0da5961a90498ac547b8c00f057be0'),
    verified: false,
  },
  'AWS::SNS::Subscription': {
    actions: ['sns:GetSubscriptionAttributes', 'sns:Unsubscribe'],
    source: STRIPPED('AWS::SNS::Subscription', 'aws-sns-subscription.json', '0e0aec53bf526b289d0f2332c5ea9014dad34255'),
    verified: false,
  },
  'AWS::IAM::ManagedPolicy': {
    actions: [
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:DetachGroupPolicy',
      'iam:DetachRolePolicy',
      'iam:DetachUserPolicy',
      'iam:GetPolicy',
      'iam:ListPolicyVersions',
      'iam:ListEntitiesForPolicy',
    ],
    source: STRIPPED('AWS::IAM::ManagedPolicy', 'aws-iam-managedpolicy.json', '15aca7d31be1e2d6d4420f555ea623586a96e685'),
    verified: false,
  },
  'AWS::IAM::Policy': {
    actions: ['iam:DeleteRolePolicy', 'iam:DeleteUserPolicy', 'iam:DeleteGroupPolicy', 'iam:GetRolePolicy', 'iam:GetUserPolicy', 'iam:GetGroupPolicy'],
    source: STRIPPED('AWS::IAM::Policy', 'aws-iam-policy.json', '032f4eca4a0be202dc9ca8c49150bdf74f8ceadd'),
    verified: false,
  },
  'AWS::KMS::Key': {
    actions: ['kms:DescribeKey', 'kms:ScheduleKeyDeletion'],
    source: STRIPPED('AWS::KMS::Key', 'aws-kms-key.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::S3::BucketPolicy': {
    actions: ['s3:GetBucketPolicy', 's3:DeleteBucketPolicy'],
    source: STRIPPED('AWS::S3::BucketPolicy', 'aws-s3-bucketpolicy.json', '26e217173bb26bd64b4633b6dcdbbb2d8fbbdb11'),
    verified: false,
  },
  'AWS::EC2::SecurityGroup': {
    actions: ['ec2:DescribeSecurityGroups', 'ec2:DeleteSecurityGroup', 'ec2:DescribeInstances'],
    source: STRIPPED('AWS::EC2::SecurityGroup', 'aws-ec2-securitygroup.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::EC2::SecurityGroupIngress': {
    actions: ['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupIngress'],
    source: STRIPPED('AWS::EC2::SecurityGroupIngress', 'aws-ec2-securitygroupingress.json', '214656a5aa0896f2bc0498cbaf18f3e23adebd4a'),
    verified: false,
  },
  'AWS::EC2::SecurityGroupEgress': {
    actions: ['ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupEgress'],
    source: UNVERIFIED('AWS::EC2::SecurityGroupEgress'),
    verified: false,
  },
  'AWS::EC2::VPCGatewayAttachment': {
    actions: ['ec2:DetachInternetGateway', 'ec2:DetachVpnGateway', 'ec2:DescribeInternetGateways', 'ec2:DescribeVpnGateways'],
    source: STRIPPED('AWS::EC2::VPCGatewayAttachment', 'aws-ec2-vpcgatewayattachment.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::EC2::NatGateway': {
    actions: ['ec2:DeleteNatGateway', 'ec2:DescribeNatGateways'],
    source: STRIPPED('AWS::EC2::NatGateway', 'aws-ec2-natgateway.json', '02c6d2484047250d906772d166f8194468ff1e46'),
    verified: false,
  },
  'AWS::EC2::EIP': {
    actions: ['ec2:ReleaseAddress', 'ec2:DescribeAddresses'],
    source: STRIPPED('AWS::EC2::EIP', 'aws-ec2-eip.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::ApplicationAutoScaling::ScalableTarget': {
    actions: ['application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:DescribeScalableTargets'],
    source: STRIPPED(
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'aws-applicationautoscaling-scalabletarget.json',
      '00501ed97409678a7366908b1cb46fec43d3e783',
    ),
    verified: false,
  },
  'AWS::ApplicationAutoScaling::ScalingPolicy': {
    actions: ['application-autoscaling:DeleteScalingPolicy', 'application-autoscaling:DescribeScalingPolicies'],
    source: UNVERIFIED('AWS::ApplicationAutoScaling::ScalingPolicy'),
    verified: false,
  },
  'AWS::ServiceDiscovery::Service': {
    actions: ['servicediscovery:DeleteService', 'servicediscovery:GetService'],
    source: STRIPPED('AWS::ServiceDiscovery::Service', 'aws-servicediscovery-service.json', '1e6f5a03f7e2a12b27c89be9e8423628815b18a2'),
    verified: false,
  },
  'AWS::ServiceDiscovery::PrivateDnsNamespace': {
    actions: ['servicediscovery:DeleteNamespace', 'servicediscovery:GetOperation', 'route53:DeleteHostedZone'],
    source: STRIPPED('AWS::ServiceDiscovery::PrivateDnsNamespace', 'aws-servicediscovery-privatednsnamespace.json', '35dd0e46274251ba4f7c581980e1b411cad415a6'),
    verified: false,
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    actions: ['elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:DescribeLoadBalancers'],
    source: UNVERIFIED('AWS::ElasticLoadBalancingV2::LoadBalancer'),
    verified: false,
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    actions: ['elasticloadbalancing:DeleteTargetGroup', 'elasticloadbalancing:DescribeTargetGroups'],
    source: UNVERIFIED('AWS::ElasticLoadBalancingV2::TargetGroup'),
    verified: false,
  },
  'AWS::ElasticLoadBalancingV2::Listener': {
    actions: ['elasticloadbalancing:DeleteListener', 'elasticloadbalancing:DescribeListeners'],
    source: UNVERIFIED('AWS::ElasticLoadBalancingV2::Listener'),
    verified: false,
  },
  'AWS::ElasticLoadBalancingV2::ListenerRule': {
    actions: ['elasticloadbalancing:DeleteRule', 'elasticloadbalancing:DescribeRules'],
    source: UNVERIFIED('AWS::ElasticLoadBalancingV2::ListenerRule'),
    verified: false,
  },
  'AWS::AutoScaling::AutoScalingGroup': {
    // Deleting a group first sets its capacity to 0 (UpdateAutoScalingGroup), then waits for its instances to end.
    actions: [
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:DeleteAutoScalingGroup',
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeScalingActivities',
    ],
    source: UNVERIFIED('AWS::AutoScaling::AutoScalingGroup'),
    verified: false,
  },
  'AWS::AutoScaling::LaunchConfiguration': {
    actions: ['autoscaling:DeleteLaunchConfiguration', 'autoscaling:DescribeLaunchConfigurations'],
    source: STRIPPED('AWS::AutoScaling::LaunchConfiguration', 'aws-autoscaling-launchconfiguration.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::AutoScaling::LifecycleHook': {
    actions: ['autoscaling:DeleteLifecycleHook', 'autoscaling:DescribeLifecycleHooks'],
    source: STRIPPED('AWS::AutoScaling::LifecycleHook', 'aws-autoscaling-lifecyclehook.json', '02c6d2484047250d906772d166f8194468ff1e46'),
    verified: false,
  },
  'AWS::AppRunner::Service': {
    actions: ['apprunner:DeleteService', 'apprunner:DescribeOperation'],
    source: UNVERIFIED('AWS::AppRunner::Service'),
    verified: false,
  },
  'AWS::AppRunner::VpcConnector': {
    actions: ['apprunner:DeleteVpcConnector', 'apprunner:DescribeVpcConnector'],
    source: STRIPPED('AWS::AppRunner::VpcConnector', 'aws-apprunner-vpcconnector.json', '445f653e47b8bcd283b73e60cb4c4029ce672881'),
    verified: false,
  },
  'AWS::KinesisFirehose::DeliveryStream': {
    actions: ['firehose:DeleteDeliveryStream', 'firehose:DescribeDeliveryStream', 'kms:RevokeGrant', 'kms:DescribeKey'],
    source: UNVERIFIED('AWS::KinesisFirehose::DeliveryStream'),
    verified: false,
  },
  'AWS::Lambda::EventSourceMapping': {
    actions: ['lambda:DeleteEventSourceMapping', 'lambda:GetEventSourceMapping'],
    source: STRIPPED('AWS::Lambda::EventSourceMapping', 'aws-lambda-eventsourcemapping.json', '00501ed97409678a7366908b1cb46fec43d3e783'),
    verified: false,
  },
  'AWS::CodeBuild::Project': { actions: ['codebuild:DeleteProject'], source: UNVERIFIED('AWS::CodeBuild::Project'), verified: false },
  'AWS::CodePipeline::Pipeline': {
    actions: ['codepipeline:GetPipeline', 'codepipeline:DeletePipeline'],
    source: UNVERIFIED('AWS::CodePipeline::Pipeline'),
    verified: false,
  },
  'AWS::ApiGatewayV2::Api': { actions: ['apigateway:DELETE'], source: UNVERIFIED('AWS::ApiGatewayV2::Api'), verified: false },
  'AWS::ApiGatewayV2::Stage': { actions: ['apigateway:DELETE'], source: UNVERIFIED('AWS::ApiGatewayV2::Stage'), verified: false },
  'AWS::ApiGateway::RestApi': { actions: ['apigateway:DELETE'], source: UNVERIFIED('AWS::ApiGateway::RestApi'), verified: false },
  'AWS::ApiGateway::Deployment': { actions: ['apigateway:GET', 'apigateway:DELETE'], source: UNVERIFIED('AWS::ApiGateway::Deployment'), verified: false },
  'AWS::ApiGateway::Stage': { actions: ['apigateway:DELETE'], source: UNVERIFIED('AWS::ApiGateway::Stage'), verified: false },
};

export interface DeletionDenial {
  /** The first action of the type's delete handler the identity may not perform on the resource. */
  action: string;
  /** The resource the action was checked on (deletionAuthorizations); absent for an unknown type. */
  resource?: string;
  /** 'unknown-type': the table has no row for the type (fail closed). */
  reason: 'ExplicitDeny' | 'ImplicitDeny' | 'unknown-type';
}

/** One authorization a delete handler needs: an action on a resource (an ARN, or `*`). */
interface DeletionAuthorization {
  action: string;
  resource: string;
}

const PLACE_VARIABLES = new Set(['Partition', 'Region', 'Account']);

/** A resource-type ARN format of the reference as a pattern: place variables one ARN field, others anything. */
function formatPattern(format: string): RegExp {
  const parts = format.split(/(\$\{[A-Za-z0-9]+\})/);
  const body = parts
    .map((part) => {
      const variable = /^\$\{([A-Za-z0-9]+)\}$/.exec(part)?.[1];
      if (variable) return PLACE_VARIABLES.has(variable) ? '[^:]*' : '.+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`);
}

/** Every ARN of a resource type in the resource's partition, Region and account: the format with `*` for the rest. */
function anyOfType(format: string, arn: string): string {
  const [, partition = 'aws', , region = '', account = ''] = arn.split(':');
  const place: Record<string, string> = { Partition: partition || '*', Region: region || '*', Account: account || '*' };
  return format.replace(/\$\{([A-Za-z0-9]+)\}/g, (_whole, name: string) => place[name] ?? '*');
}

/**
 * What deleting the resource requires, per the Service Authorization Reference: each action of the
 * type's delete handler (iam:PassRole never: PASS_ROLE) on the resource type(s) the reference
 * gives that action. The resource's own ARN when one of them is the resource's type (its ARN has
 * that type's format); `*` when the action takes no resource type (e.g. ec2:DescribeNetworkInterfaces);
 * otherwise the action is authorized on another type (kms:RetireGrant on a key, iam:GetRole on a
 * role), whose ARN the handler knows and the sandbox does not: any ARN of that type in the
 * resource's account (`…:key/*`), which a policy granting it on `*` or on that type's ARNs allows.
 * An action the reference does not know is checked on the resource's ARN.
 */
export function deletionAuthorizations(resource: { type: string; arn: string }): DeletionAuthorization[] | undefined {
  const row = DELETE_PERMISSIONS[resource.type];
  if (!row) return undefined;
  return row.actions.filter((action) => action !== PASS_ROLE).map((action) => ({ action, resource: authorizedResource(action, resource.arn) }));
}

function authorizedResource(action: string, arn: string): string {
  const reference = referenceAction(action);
  if (!reference) return arn;
  if (reference.resourceTypes.length === 0) return '*';
  const service = action.split(':')[0] ?? '';
  const formats = reference.resourceTypes.map((t) => arnFormat(service, t.name));
  if (formats.some((format) => formatPattern(format).test(arn))) return arn;
  return anyOfType(formats[0] ?? arn, arn);
}

/**
 * Whether an identity may delete a resource as CloudFormation does: undefined if every
 * authorization of deletionAuthorizations is allowed, else the first one that is not.
 */
export function firstDeniedDeletionAction(
  policies: readonly NamedPolicy[],
  resource: { type: string; arn: string },
  context: RequestContext = {},
): DeletionDenial | undefined {
  const requests = deletionAuthorizations(resource);
  if (!requests) return { action: `${resource.type} deletion`, reason: 'unknown-type' };
  for (const request of requests) {
    const { decision } = evaluate(policies, { action: request.action, resource: request.resource, context });
    if (decision !== 'Allow') return { action: request.action, resource: request.resource, reason: decision };
  }
  return undefined;
}

/**
 * CloudFormation's status reason for a resource its deletion identity may not delete: the resource
 * handler's message, which carries the service's access-denied message, e.g. `Resource handler
 * returned message: "User: arn:aws:sts::111122223333:assumed-role/Role/AWSCloudFormation is not
 * authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:…:vpc/vpc-1 because no
 * identity-based policy allows the ec2:DeleteVpc action (Service: Ec2, Status Code: 403, …)"`.
 */
export function deletionFailureReason(principalArn: string, denial: DeletionDenial, resourceArn: string): string {
  const on = denial.resource ?? resourceArn;
  if (denial.reason === 'unknown-type') return `The sandbox knows no delete permissions for ${denial.action}: not authorized (fail closed)`;
  const why =
    denial.reason === 'ExplicitDeny'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${denial.action} action`;
  const service = denial.action.split(':')[0] ?? '';
  return (
    `Resource handler returned message: "User: ${principalArn} is not authorized to perform: ${denial.action} on resource: ${on} ${why} ` +
    `(Service: ${service.charAt(0).toUpperCase()}${service.slice(1)}, Status Code: 403, Request ID: sandbox)" (RequestToken: sandbox, HandlerErrorCode: AccessDenied)`
  );
}
