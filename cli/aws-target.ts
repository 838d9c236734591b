import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type CleanupAccess, type DeploymentResources, SdkAccess } from './access.js';
import { TargetError } from './usage-error.js';

/**
 * A deployed stack as the CLI's target. Credentials and Region as the AWS CLI finds them: the SDK's
 * default provider chain, with `--profile` as the clients' profile (like AWS_PROFILE, for these
 * clients only) and `--region` over the profile's and AWS_REGION. The state machine, report bucket
 * and topic are the stack's CloudFormation outputs (serverless.yml, resources.Outputs).
 */
interface StackTarget {
  stack: string;
  region?: string | undefined;
  profile?: string | undefined;
}

/** The outputs serverless.yml declares, and what each gives the CLI. */
const STACK_OUTPUTS = { stateMachineArn: 'StateMachineArn', reportBucket: 'ReportBucketName', topicArn: 'NotificationTopicArn' } as const;

/** How often `watch` looks at a running execution of a deployed stack. */
export const POLL_MS = 5_000;

export function awsAccess(target: StackTarget, options: { pollMs?: number } = {}): CleanupAccess {
  const config = { ...(target.region ? { region: target.region } : {}), ...(target.profile ? { profile: target.profile } : {}) };
  const cloudFormation = new CloudFormationClient(config);
  const sts = new STSClient(config);
  let outputs: Promise<DeploymentResources> | undefined;
  const resources = () => {
    outputs ??= stackOutputs(cloudFormation, target.stack);
    return outputs;
  };
  const sdk = new SdkAccess({ sfn: new SFNClient(config), s3: new S3Client(config) }, resources);
  const pollMs = options.pollMs ?? POLL_MS;
  return {
    description: `stack ${target.stack}${target.region ? ` in ${target.region}` : ''}${target.profile ? ` (profile ${target.profile})` : ''}`,
    resources,
    caller: async () => {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      if (!identity.Arn) throw new Error('STS GetCallerIdentity answered no ARN');
      return identity.Arn;
    },
    startExecution: (name, input) => sdk.startExecution(name, input),
    describeExecution: (name) => sdk.describeExecution(name),
    executionHistory: (name) => sdk.executionHistory(name),
    listExecutions: (max) => sdk.listExecutions(max),
    getObject: (key) => sdk.getObject(key),
    putObject: (key, body) => sdk.putObject(key, body),
    now: () => Date.now(),
    pause: () => new Promise((resolve) => setTimeout(resolve, pollMs)),
    close: async () => {},
  };
}

async function stackOutputs(cloudFormation: CloudFormationClient, stack: string): Promise<DeploymentResources> {
  let found: Stack | undefined;
  try {
    found = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
  } catch (error) {
    // CloudFormation answers a stack it does not know with a ValidationError "Stack with id X does not exist".
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new TargetError(
        `stack ${stack} does not exist in this account and Region: give the stack deployed by serverless (proton-connection-cleanup-<stage>), with --region and --profile if needed`,
      );
    }
    throw error;
  }
  if (!found) throw new TargetError(`stack ${stack} does not exist in this account and Region`);
  const outputs = new Map((found.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  const missing = [STACK_OUTPUTS.stateMachineArn, STACK_OUTPUTS.reportBucket].filter((key) => !outputs.get(key));
  if (missing.length > 0) {
    throw new TargetError(
      `stack ${stack} has no output ${missing.join(' or ')}: is it a proton-connection-cleanup deployment? (its serverless.yml declares StateMachineArn, ReportBucketName and NotificationTopicArn)`,
    );
  }
  const topicArn = outputs.get(STACK_OUTPUTS.topicArn);
  return {
    stateMachineArn: outputs.get(STACK_OUTPUTS.stateMachineArn) ?? '',
    reportBucket: outputs.get(STACK_OUTPUTS.reportBucket) ?? '',
    ...(topicArn ? { topicArn } : {}),
  };
}
