import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUARD_EXCEPTIONS, WILDCARD_RESOURCE_ACTIONS } from '../../deployment/security-exceptions.js';
import { functionEnvironment, loadDeployment } from '../../local/iam/index.js';
import { guardFailures } from './cfn-guard.js';
import { schemaProblems } from './cloudformation-schema.js';
import {
  ALL_FUNCTIONS,
  actionsOf,
  PACKAGE_DIR,
  packageTemplate,
  ROOT,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Statement,
  TASK_FUNCTIONS,
  type Template,
} from './packaged-template.js';

/** The deployment, checked from the template `npm run package` writes (offline). */
let template: Template;
beforeAll(async () => {
  template = await packageTemplate();
}, 180_000);

const functions = () => resourcesOfType(template, 'AWS::Lambda::Function');
const stateMachine = () => resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0]![1].Properties!;
const roleOf = (fn: string) => template.Resources[fn]?.Properties?.Role?.['Fn::GetAtt']?.[0] as string;
const fnArn = (fn: string) => ({ 'Fn::GetAtt': [fn, 'Arn'] });
const json = (value: unknown) => JSON.stringify(value);

/** The role CloudFormation deletes Proton's stacks' resources with: broad by necessity, confined by who may use it. */
const DELETION_ROLE = 'CloudFormationDeletionRole';

/** Every Allow statement of the functions' and the state machine's roles, key and bucket policies: all but the deletion role's. */
function allowStatements(): { where: string; statement: Statement }[] {
  return everyAllowStatement().filter(({ where }) => where !== DELETION_ROLE);
}

/** Every Allow statement in the template: role policies and resource policies, with where it is. */
function everyAllowStatement(): { where: string; statement: Statement }[] {
  return Object.entries(template.Resources).flatMap(([id, r]) => {
    const documents = [
      ...(r.Type === 'AWS::IAM::Role' ? roleStatements(r) : []),
      ...((r.Properties?.KeyPolicy?.Statement ?? []) as Statement[]),
      ...((r.Properties?.PolicyDocument?.Statement ?? []) as Statement[]),
    ];
    return documents.filter((s) => s.Effect === 'Allow').map((statement) => ({ where: id, statement }));
  });
}

/** The deleting actions of the options that widen a cleanup (deleteTypes, deleteConnectionRoles), written out here, not taken from the product. */
const STANDALONE_DELETING = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteBucket',
  'logs:DeleteLogGroup',
  'ecr:DeleteRepository',
  'ecr:BatchDeleteImage',
  'ssm:DeleteParameter',
];
const ROLE_DELETING = ['iam:DetachRolePolicy', 'iam:DeleteRolePolicy', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteRole'];

describe('IAM', () => {
  it('gives every function its own role, and leaves no shared role behind', () => {
    const roles = functions().map(([id]) => roleOf(id));

    expect(new Set(roles).size).toBe(roles.length);
    expect(roles.every((role) => template.Resources[role]?.Type === 'AWS::IAM::Role')).toBe(true);
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('allows no wildcard action, except the account administering its own KMS key', () => {
    const wildcards = allowStatements().filter(
      ({ where, statement }) => actionsOf(statement).some((a) => a.includes('*')) && !(where === 'CleanupKey' && statement.Sid === 'AccountAdministersTheKey'),
    );
    const keyServiceGrants = wildcards.filter(({ where }) => where === 'CleanupKey');

    expect(wildcards.filter(({ where }) => where !== 'CleanupKey')).toEqual([]);
    // In the key policy, services get action families (GenerateDataKey*) as AWS documents; nothing else.
    expect(keyServiceGrants.every(({ statement }) => typeof statement.Principal === 'object' && 'Service' in (statement.Principal as object))).toBe(true);
  });

  it('grants Resource "*" only for actions whose APIs cannot be scoped (README lists each)', () => {
    const unscoped = allowStatements()
      .filter(({ where }) => template.Resources[where]?.Type === 'AWS::IAM::Role')
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .flatMap(({ statement }) => actionsOf(statement));

    expect(unscoped.filter((action) => !(action in WILDCARD_RESOURCE_ACTIONS))).toEqual([]);
  });

  it('lets only AdvanceCleanup delete stacks, and only stacks named AWSProton-*', () => {
    const deleting = allowStatements().filter(({ statement }) => actionsOf(statement).some((a) => /^cloudformation:Delete/.test(a)));

    expect(deleting.map(({ where }) => where)).toEqual([roleOf('AdvanceCleanupLambdaFunction')]);
    expect(json(deleting.map(({ statement }) => statement.Resource))).toMatch(/:stack\/AWSProton-\*\/\*/);
    expect(actionsOf(deleting[0]!.statement).filter((a) => a.startsWith('cloudformation:Delete'))).toEqual(['cloudformation:DeleteStack']);
  });

  it('lets only DeleteConnection delete, and only environment account connections', () => {
    const deleting = allowStatements().filter(({ statement }) => actionsOf(statement).some((a) => /^proton:Delete/.test(a)));

    expect(deleting.map(({ where }) => where)).toEqual([roleOf('DeleteConnectionLambdaFunction')]);
    expect(json(deleting[0]!.statement.Resource)).toMatch(/:environment-account-connection\/\*/);
  });

  it.each([
    ['DeleteStandaloneResourceLambdaFunction', STANDALONE_DELETING],
    ['DeleteConnectionRolesLambdaFunction', ROLE_DELETING],
  ])('lets only %s hold its deleting actions (the options that widen a cleanup)', (fn, actions) => {
    const holders = allowStatements().filter(({ statement }) => actionsOf(statement).some((a) => actions.includes(a)));

    expect([...new Set(holders.map(({ where }) => where))]).toEqual([roleOf(fn)]);
    expect(holders.flatMap(({ statement }) => resourcesOf(statement))).not.toContain('*');
  });

  it('grants no other deleting action at all', () => {
    const known = [
      'cloudformation:DeleteStack',
      'proton:DeleteEnvironmentAccountConnection',
      'logs:DeleteLogDelivery',
      ...STANDALONE_DELETING,
      ...ROLE_DELETING,
    ];
    const others = allowStatements()
      .flatMap(({ statement }) => actionsOf(statement))
      .filter((a) => /:(Delete|Detach|Remove|BatchDelete)/.test(a) && !known.includes(a));

    expect(others).toEqual([]);
  });

  it('lets the state machine invoke only its own functions', () => {
    const role = template.Resources[stateMachine().RoleArn['Fn::GetAtt'][0]]!;
    const invoke = roleStatements(role).filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    const invoked = new Set(invoke.flatMap((s) => resourcesOf(s)).map((r) => json(r).match(/"(\w+LambdaFunction)"/)?.[1]));
    const taskFunctions = TASK_FUNCTIONS.map((f) => `${f}LambdaFunction`);

    expect([...invoked].sort()).toEqual(taskFunctions.sort());
    expect(invoke.flatMap((s) => resourcesOf(s))).not.toContain('*');
  });
});

describe('the CloudFormation deletion role', () => {
  const role = () => template.Resources[DELETION_ROLE]!;
  const roleArn = { 'Fn::GetAtt': [DELETION_ROLE, 'Arn'] };
  const statements = () => roleStatements(role());

  it('is trusted by CloudFormation alone, with no condition CloudFormation is not documented to send', () => {
    expect(role().Properties!.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  it('may be passed by AdvanceCleanup alone, and only to CloudFormation', () => {
    const passing = everyAllowStatement().filter(({ statement }) => actionsOf(statement).includes('iam:PassRole'));

    expect(passing.map(({ where }) => where)).toEqual([roleOf('AdvanceCleanupLambdaFunction')]);
    expect(passing[0]!.statement.Resource).toEqual(roleArn);
    expect(passing[0]!.statement.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });

  it('is the only role AdvanceCleanup may delete stacks with (cloudformation:RoleArn)', () => {
    const deleteStack = allowStatements().filter(({ statement }) => actionsOf(statement).includes('cloudformation:DeleteStack'));

    expect(deleteStack.map(({ statement }) => statement.Condition)).toEqual([{ StringEquals: { 'cloudformation:RoleArn': roleArn } }]);
    expect(deleteStack.map(({ statement }) => actionsOf(statement))).toEqual([['cloudformation:DeleteStack']]);
  });

  it('grants verbs that delete, detach, deregister or read, never a whole service (service:*) nor every action (*)', () => {
    const actions = statements().flatMap((s) => actionsOf(s));
    const wildcards = actions.filter((a) => a.includes('*'));

    expect(actions).not.toContain('*');
    expect(wildcards.filter((a) => !/^[a-z0-9-]+:(Delete|Detach|Disassociate|Release|Revoke|Deregister|Describe|Get|List)\*$/.test(a))).toEqual([]);
    // The only verbs that are not delete, detach, deregister or read, each one a delete handler calls:
    const notDeleting: Record<string, string> = {
      'ecs:UpdateService': 'AWS::ECS::Service: a service is scaled to 0 before it is deleted',
      'autoscaling:UpdateAutoScalingGroup': 'AWS::AutoScaling::AutoScalingGroup: a group is set to capacity 0 before it is deleted',
      'sns:SetTopicAttributes': "AWS::SNS::TopicPolicy's delete handler removes the policy by rewriting the topic's Policy attribute",
      'sqs:SetQueueAttributes': "AWS::SQS::QueuePolicy's delete handler removes the policy by rewriting the queue's Policy attribute",
    };
    expect(
      actions.filter(
        (a) => /:(Create|Put|Update|Modify|Attach|Tag|Run|Start|Invoke|Set|Pass|Add|Associate|Register|Replace|Enable)/.test(a) && !(a in notDeleting),
      ),
    ).toEqual([]);
  });

  it('may delete nested stacks only of AWSProton-* roots', () => {
    const cloudformation = statements().filter((s) => actionsOf(s).some((a) => a.startsWith('cloudformation:')));

    expect(json(cloudformation.map((s) => s.Resource))).toMatch(/:stack\/AWSProton-\*\/\*/);
    expect(cloudformation.flatMap((s) => resourcesOf(s))).not.toContain('*');
  });

  it('takes more managed policies from the deletionRolePolicyArns parameter, and none by default', () => {
    expect(json(role().Properties!.ManagedPolicyArns)).toMatch(/HasDeletionRolePolicyArns/);
    expect(template.Conditions?.HasDeletionRolePolicyArns).toBeDefined();
  });
});

describe('triggers', () => {
  const rules = () => resourcesOfType(template, 'AWS::Events::Rule');

  it.each([
    [
      'ConnectionRejectedRule',
      { source: ['aws.proton'], 'detail-type': ['AWS Proton Environment Account Connection Status Change'], detail: { status: ['REJECTED'] } },
    ],
    ['EnvironmentDeletedRule', { source: ['aws.proton'], 'detail-type': ['AWS Proton Environment Status Change'], detail: { status: ['DELETED'] } }],
    ['DecommissionRequestedRule', { source: ['proton-connection-cleanup'], 'detail-type': ['Proton Connection Decommission Requested'] }],
  ])('%s matches its events and hands the whole event to StartFromEvent, with retries and a dead-letter queue', (id, pattern) => {
    const rule = template.Resources[id]!;
    const [target] = rule.Properties!.Targets as Record<string, unknown>[];

    expect(rule.Properties!.EventPattern).toEqual(pattern);
    expect(target!.Arn).toEqual(fnArn('StartFromEventLambdaFunction'));
    // No transformation: ResolveRequest normalizes every event shape, and names come from the event id.
    expect(target).not.toHaveProperty('InputTransformer');
    expect(target).not.toHaveProperty('Input');
    expect(target!.DeadLetterConfig).toEqual({ Arn: fnArn('TriggerDeadLetterQueue') });
    expect(target!.RetryPolicy).toMatchObject({ MaximumRetryAttempts: expect.any(Number), MaximumEventAgeInSeconds: expect.any(Number) });
  });

  it('lets each rule, and nothing else, invoke StartFromEvent', () => {
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').filter(([, p]) => json(p.Properties?.FunctionName).includes('StartFromEvent'));

    expect(permissions.map(([, p]) => p.Properties?.SourceArn).sort((a, b) => json(a).localeCompare(json(b)))).toEqual(
      rules()
        // The one rule that is not a trigger: a sweep child's end invokes CollectFleet.
        .filter(([id]) => id !== 'SweepChildEndedRule')
        .map(([id]) => fnArn(id))
        .sort((a, b) => json(a).localeCompare(json(b))),
    );
  });

  it('runs FindDueConnections on the configured schedule, with retries and a dead-letter queue', () => {
    const schedule = template.Resources.DecommissionSchedule!.Properties!;
    const role = template.Resources[schedule.Target.RoleArn['Fn::GetAtt'][0]]!;

    expect(schedule).toMatchObject({ ScheduleExpression: 'cron(0 6 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    expect(schedule.Target.Arn).toEqual(fnArn('FindDueConnectionsLambdaFunction'));
    expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: fnArn('TriggerDeadLetterQueue') });
    expect(
      roleStatements(role)
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .map((s) => s.Resource),
    ).toEqual([fnArn('FindDueConnectionsLambdaFunction')]);
  });

  it('lets the trigger Lambdas and the sweep start only this state machine', () => {
    for (const fn of ['StartFromEventLambdaFunction', 'FindDueConnectionsLambdaFunction', 'StartSweepLambdaFunction']) {
      const start = roleStatements(template.Resources[roleOf(fn)]!).filter((s) => actionsOf(s).includes('states:StartExecution'));
      expect(json(start.map((s) => s.Resource))).toMatch(/:stateMachine:proton-connection-cleanup-test"/);
    }
  });
});

describe('resources', () => {
  it('runs a Standard state machine with logging and X-Ray tracing, whose Tasks call its own functions', () => {
    const machine = stateMachine();

    expect(machine.StateMachineType ?? 'STANDARD').toBe('STANDARD');
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn).toEqual(fnArn('StateMachineLogGroup'));
    expect(json(machine.DefinitionString)).not.toContain('Fn::GetAtt\\"');
  });

  it('keeps reports encrypted, private, TLS-only, and only for the retention period', () => {
    const bucket = template.Resources.ReportBucket!.Properties!;
    const policy = template.Resources.ReportBucketPolicy!.Properties!.PolicyDocument.Statement as Statement[];

    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toMatchObject({ SSEAlgorithm: 'aws:kms' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(policy).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', ExpirationInDays: 90 });
  });

  it('encrypts the topic with the stack key and subscribes an e-mail only when one is given', () => {
    expect(template.Resources.NotificationTopic!.Properties!.KmsMasterKeyId).toEqual({ Ref: 'CleanupKey' });
    expect(template.Resources.NotificationEmailSubscription!.Condition).toBe('HasNotificationEmail');
  });

  it('alarms on failed and timed-out executions, to the topic', () => {
    const alarm = template.Resources.ExecutionsFailedAlarm!.Properties!;

    expect(alarm.AlarmActions).toEqual([{ Ref: 'NotificationTopic' }]);
    expect(json(alarm.Metrics)).toContain('ExecutionsFailed');
    expect(json(alarm.Metrics)).toContain('ExecutionsTimedOut');
  });

  it('gives every log group a retention and the stack key', () => {
    for (const [id, group] of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties?.RetentionInDays, id).toBe(365);
      expect(group.Properties?.KmsKeyId, id).toEqual(fnArn('CleanupKey'));
    }
  });

  it('bundles every function with the AWS SDK inside, minified', async () => {
    const { stdout: listing } = await promisify(execFile)('unzip', ['-l', path.join(PACKAGE_DIR, 'deleteConnection.zip')]);
    const { stdout: bundle } = await promisify(execFile)('unzip', ['-p', path.join(PACKAGE_DIR, 'deleteConnection.zip'), 'functions/delete-connection.mjs'], {
      maxBuffer: 64 * 1024 * 1024,
    });

    expect(listing).toContain('functions/delete-connection.mjs');
    // The Proton client is inside the bundle, not imported from the runtime.
    expect(bundle).toContain('DeleteEnvironmentAccountConnection');
    expect(bundle).not.toMatch(/from\s*["']@aws-sdk\//);
    // Minified: long lines, not one statement a line.
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    for (const [id, fn] of functions()) expect(fn.Properties?.Runtime, id).toBe('nodejs22.x');
  });
});

describe('configuration', () => {
  it.each(ALL_FUNCTIONS)(
    '%s gets every environment variable its handler validates at cold start',
    async (name) => {
      const id = `${name}LambdaFunction`;
      const key = `${name[0]!.toLowerCase()}${name.slice(1)}`;
      // Deploy-time values (Ref, Fn::GetAtt, Fn::Sub) resolved as CloudFormation would in an account.
      const env = functionEnvironment(await loadDeployment({ region: 'us-east-1', accountId: '111122223333' }), key);
      const file = json(template.Resources[id]!.Properties!.Handler).match(/functions\/([a-z-]+)\./)?.[1];
      const module = path.join(ROOT, 'functions', `${file}.ts`);
      const { stderr, failed } = await promisify(execFile)(
        path.join(ROOT, 'node_modules', '.bin', 'tsx'),
        ['-e', `import(${JSON.stringify(module)}).catch((error) => { console.error(error); process.exit(1); })`],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...env },
        },
      )
        .then(({ stderr }) => ({ stderr, failed: false }))
        .catch((error: { stderr: string }) => ({ stderr: error.stderr, failed: true }));

      expect(existsSync(module)).toBe(true);
      // Any error at import fails a cold start, whatever its name.
      expect(stderr).toBe('');
      expect(failed).toBe(false);
    },
    30_000,
  );
});

describe('checks', () => {
  it('passes the current CloudFormation resource schemas', async () => {
    expect(schemaProblems(await loadAwsServiceSpec(), template)).toEqual([]);
  });

  it('catches what the schema forbids (the check can fail)', async () => {
    const broken: Template = { Resources: { Bucket: { Type: 'AWS::S3::Bucket', Properties: { BucketEncryptionn: {} } }, Nope: { Type: 'AWS::Nope::Nope' } } };

    expect(schemaProblems(await loadAwsServiceSpec(), broken)).toEqual([
      'Bucket: unknown property BucketEncryptionn',
      'Nope: unknown resource type AWS::Nope::Nope',
    ]);
  });

  it('passes the AWS Control Tower proactive controls, but for the exceptions README justifies', async () => {
    const failures = await guardFailures(path.join(PACKAGE_DIR, 'cloudformation-template-update-stack.json'));
    const lambdas = functions()
      .map(([id]) => id)
      .sort();
    const expected = new Map(GUARD_EXCEPTIONS.map((e) => [e.rule, e.resources === 'every Lambda function' ? lambdas : [...e.resources].sort()]));

    expect(new Map([...failures].map(([rule, resources]) => [rule, [...resources].sort()]))).toEqual(expected);
  }, 60_000);
});
