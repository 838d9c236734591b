/**
 * Where the deployment deliberately departs from "least privilege everywhere" and from the
 * AWS Control Tower proactive controls, and why. test/deployment/template.test.ts fails when
 * the template departs anywhere else, and README.md ("Security review") lists these.
 */

/** IAM actions granted on `Resource: "*"` because the API has no resource-level permissions. */
export const WILDCARD_RESOURCE_ACTIONS: Record<string, string> = {
  'tag:GetResources': 'the Resource Groups Tagging API has no resource-level permissions',
  'cloudformation:DescribeStacks': 'listing every stack (Inventory; DeleteConnectionRoles looks for stacks still using a role) is only allowed on "*"',
  'cloudformation:ListStacks': 'the status of every deleting stack in one call (AdvanceCleanup); list operations cannot be scoped to a resource',
  'cloudformation:ListImports':
    'which stacks import an export, before deleting the stack that exports it (AdvanceCleanup); exports are account-wide, the action takes no resource',
  'cloudformation:DescribeAccountLimits':
    "the account's ConcurrentResourcesLimit, read each round (AdvanceCleanup); the Service Authorization Reference names no resource type for it",
  'proton:ListEnvironmentAccountConnections': 'list operations cannot be scoped to a resource',
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions',
  'xray:GetSamplingRules': 'X-Ray has no resource-level permissions (state machine tracing)',
  'xray:GetSamplingTargets': 'X-Ray has no resource-level permissions (state machine tracing)',
  'logs:CreateLogDelivery': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:GetLogDelivery': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:UpdateLogDelivery': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:DeleteLogDelivery': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:ListLogDeliveries': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:PutResourcePolicy': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:DescribeResourcePolicies': 'Step Functions log delivery actions are only allowed on "*"',
  'logs:DescribeLogGroups': 'Step Functions log delivery actions are only allowed on "*"',
};

/** Control Tower proactive controls (cfn-guard rules) the template does not meet, per resource. */
export interface GuardException {
  rule: string;
  control: string;
  resources: string[] | 'every Lambda function';
  why: string;
}

export const GUARD_EXCEPTIONS: GuardException[] = [
  {
    rule: 'lambda_inside_vpc_check',
    control: 'CT.LAMBDA.PR.3',
    resources: 'every Lambda function',
    why: 'the functions call only public AWS APIs; a VPC would need a NAT gateway or seven interface endpoints (tens of dollars a month) and adds no isolation',
  },
  {
    rule: 's3_bucket_logging_enabled_check',
    control: 'CT.S3.PR.2',
    resources: ['ReportBucket', 'ServerlessDeploymentBucket'],
    why: 'access logging needs a second bucket per account; enable CloudTrail S3 data events if you need an access trail',
  },
  {
    rule: 's3_event_notifications_enabled_check',
    control: 'CT.S3.PR.4',
    resources: ['ReportBucket', 'ServerlessDeploymentBucket'],
    why: 'nothing consumes bucket events: the completion event on EventBridge already announces every report',
  },
  {
    rule: 's3_bucket_object_lock_enabled_check',
    control: 'CT.S3.PR.9',
    resources: ['ReportBucket', 'ServerlessDeploymentBucket'],
    why: 'reports expire by the reportRetentionDays lifecycle rule, which object lock would block',
  },
  {
    rule: 's3_bucket_default_encryption_kms_check',
    control: 'CT.S3.PR.10',
    resources: ['ServerlessDeploymentBucket'],
    why: "the framework's deployment bucket (code artifacts only) is created before the stack's key exists; it uses SSE-S3",
  },
  {
    rule: 's3_bucket_versioning_enabled_check',
    control: 'CT.S3.PR.11',
    resources: ['ServerlessDeploymentBucket'],
    why: 'the deployment bucket holds only build artifacts the framework rewrites on every deploy; the stack template in CloudFormation is the record',
  },
  {
    rule: 's3_lifecycle_policy_check',
    control: 'CT.S3.PR.6',
    resources: ['ServerlessDeploymentBucket'],
    why: 'the framework prunes its own deployment artifacts',
  },
  {
    rule: 's3_bucket_policy_ssl_requests_only_check',
    control: 'CT.S3.PR.8',
    resources: ['ServerlessDeploymentBucketPolicy'],
    why: "the framework's own policy denies non-TLS requests, in a shape (Fn::Join resources) the rule does not recognize",
  },
  {
    rule: 'sqs_dlq_check',
    control: 'CT.SQS.PR.1',
    resources: ['TriggerDeadLetterQueue'],
    why: 'it is itself the dead-letter queue of the triggers',
  },
];
