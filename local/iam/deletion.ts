import { evaluate, type NamedPolicy, type RequestContext } from './policy.js';

/**
 * What CloudFormation needs to delete a resource: the IAM actions of the type's delete handler,
 * from each type's registry schema (`handlers.delete.permissions`). @aws-cdk/aws-service-spec
 * does not carry the handlers (its database has no `permissions` of handlers), so the table is
 * written here, each row citing the schema it was read from. CloudFormation calls the handler
 * with the deletion identity (the stack's service role, or the caller's credentials): every
 * listed action must be allowed on the resource. A type not in the table is not authorized (fail
 * closed).
 */
export interface DeletionPermissions {
  actions: readonly string[];
  /** Where the actions were read. */
  source: string;
  /** false: the schema text was not available offline; the row is from the published schema as remembered, to be checked. */
  verified: boolean;
}

const CFN_LINT = (file: string, commit: string) => `github.com/aws-cloudformation/cfn-lint@${commit} src/cfnlint/data/schemas/providers/us_east_1/${file}`;
const PROVIDER = (repo: string, file: string, commit: string) => `github.com/aws-cloudformation/aws-cloudformation-resource-providers-${repo}@${commit} ${file}`;
const UNVERIFIED = (type: string) => `CloudFormation registry schema of ${type} (aws cloudformation describe-type --type RESOURCE --type-name ${type}); not available offline here`;

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
    actions: ['iam:PassRole', 'events:DescribeRule', 'events:DeleteRule', 'events:RemoveTargets', 'events:ListTargetsByRule'],
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
  // The schema texts below were not available offline (the copies found here had their handlers
  // stripped); the rows are the published schemas' delete permissions as remembered: check them.
  'AWS::S3::Bucket': { actions: ['s3:DeleteBucket', 's3:ListBucket'], source: UNVERIFIED('AWS::S3::Bucket'), verified: false },
  'AWS::IAM::Role': {
    actions: ['iam:DeleteRole', 'iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    source: UNVERIFIED('AWS::IAM::Role'),
    verified: false,
  },
  'AWS::Lambda::Function': { actions: ['lambda:DeleteFunction', 'lambda:GetFunction', 'ec2:DescribeNetworkInterfaces'], source: UNVERIFIED('AWS::Lambda::Function'), verified: false },
  'AWS::DynamoDB::Table': { actions: ['dynamodb:DescribeTable', 'dynamodb:DeleteTable'], source: UNVERIFIED('AWS::DynamoDB::Table'), verified: false },
  'AWS::ECS::Service': { actions: ['ecs:DeleteService', 'ecs:DescribeServices'], source: UNVERIFIED('AWS::ECS::Service'), verified: false },
  'AWS::EC2::Subnet': { actions: ['ec2:DeleteSubnet', 'ec2:DescribeSubnets', 'ec2:DescribeNetworkInterfaces'], source: UNVERIFIED('AWS::EC2::Subnet'), verified: false },
};

export interface DeletionDenial {
  /** The first action of the type's delete handler the identity may not perform on the resource. */
  action: string;
  /** 'unknown-type': the table has no row for the type (fail closed). */
  reason: 'ExplicitDeny' | 'ImplicitDeny' | 'unknown-type';
}

/**
 * Whether an identity may delete a resource as CloudFormation does: undefined if every action of
 * the type's delete handler is allowed on the resource's ARN, else the first one that is not.
 */
export function firstDeniedDeletionAction(policies: readonly NamedPolicy[], resource: { type: string; arn: string }, context: RequestContext = {}): DeletionDenial | undefined {
  const row = DELETE_PERMISSIONS[resource.type];
  if (!row) return { action: `${resource.type} deletion`, reason: 'unknown-type' };
  for (const action of row.actions) {
    const { decision } = evaluate(policies, { action, resource: resource.arn, context });
    if (decision !== 'Allow') return { action, reason: decision };
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
  if (denial.reason === 'unknown-type') return `The sandbox knows no delete permissions for ${denial.action}: not authorized (fail closed)`;
  const why = denial.reason === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${denial.action} action`;
  const service = denial.action.split(':')[0] ?? '';
  return (
    `Resource handler returned message: "User: ${principalArn} is not authorized to perform: ${denial.action} on resource: ${resourceArn} ${why} ` +
    `(Service: ${service.charAt(0).toUpperCase()}${service.slice(1)}, Status Code: 403, Request ID: sandbox)" (RequestToken: sandbox, HandlerErrorCode: AccessDenied)`
  );
}
