import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { sdkStreamMixin } from '@smithy/core/serde';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Report } from '../../functions/domain/report.js';
import { reportEntry, reportFixture } from '../helpers/domain-fixtures.js';
import { cloudFormationError, mockedClients } from '../helpers/sdk-fixtures.js';

/**
 * The CLI against a deployed stack, every AWS call answered by aws-sdk-client-mock: the stack's
 * outputs name the state machine and bucket, the caller's ARN is sent as requestedBy, a plan file
 * is uploaded, reports are downloaded, executions listed; a missing stack or output is a usage error.
 */
const [cloudFormation, sfn, s3, sts] = mockedClients(CloudFormationClient, SFNClient, S3Client, STSClient);

const STACK = 'proton-connection-cleanup-prod';
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:proton-connection-cleanup-prod';
const BUCKET = 'proton-connection-cleanup-prod-reports';
const CALLER = 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/jane';
const CONNECTION = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const TARGET = ['--stack', STACK, '--region', 'eu-west-1'];

/** The stack as serverless deploys it: its outputs (all three unless told otherwise). */
function deployedStack(
  outputs: Record<string, string> = { StateMachineArn: STATE_MACHINE, ReportBucketName: BUCKET, NotificationTopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' },
) {
  cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves({
    Stacks: [
      {
        StackName: STACK,
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER, Account: '111122223333', UserId: 'AROA:jane' });
}

/** The bucket's objects, by key (text as stored). */
function bucketHolds(objects: Record<string, string>) {
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    const body = input.Bucket === BUCKET ? objects[input.Key ?? ''] : undefined;
    if (body === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
}

const executionArn = (name: string) => `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${name}`;

/** Every execution started ends with this status; its history is these events. */
function executionsEnd(status: 'SUCCEEDED' | 'FAILED', history: HistoryEvent[] = []) {
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { name: string }) => ({ executionArn: executionArn(input.name), startDate: new Date('2026-12-01T10:00:00Z') }));
  sfn.on(DescribeExecutionCommand).callsFake(
    (input: { executionArn: string }): Partial<DescribeExecutionCommandOutput> => ({
      executionArn: input.executionArn,
      name: input.executionArn.split(':').pop() ?? '',
      status,
      startDate: new Date('2026-12-01T10:00:00Z'),
      stopDate: new Date('2026-12-01T10:12:00Z'),
    }),
  );
  sfn.on(GetExecutionHistoryCommand).resolves({ events: history });
}

/** The name the CLI gave the execution it started. */
const startedName = () => sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name ?? '';
const startedInput = () => JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? 'null') as Record<string, unknown>;

/** The report the workflow writes for whatever execution the CLI started. */
function reportsAre(report: (name: string) => Report, extra: Record<string, string> = {}) {
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    const name = startedName();
    const objects: Record<string, string> = {
      [`reports/${name}.json`]: JSON.stringify(report(name)),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k.replace('NAME', name), v])),
    };
    const body = input.Bucket === BUCKET ? objects[input.Key ?? ''] : undefined;
    if (body === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    return { Body: sdkStreamMixin(Readable.from([Buffer.from(body)])) };
  });
}

const planReport = (name: string) =>
  reportFixture({ mode: 'plan', execution: { ...reportFixture().execution, name }, resources: [reportEntry('arn:aws:s3:::b', 'planned')] });

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, { pollMs: 0 });
  return { code, stdout, stderr };
}

describe('the CLI against a deployed stack', () => {
  it("starts a plan on the state machine the stack's outputs name, with the request and who asked (requestedBy)", async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport);

    const { code, stdout } = await cli('plan', '--connection', CONNECTION, ...TARGET);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;

    expect(code).toBe(0);
    expect(start?.stateMachineArn).toBe(STATE_MACHINE);
    expect(start?.name).toMatch(/^cli-plan-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(startedInput()).toEqual({ connectionId: CONNECTION, mode: 'plan', requestedBy: CALLER });
    expect(stdout).toContain('Succeeded (plan mode)');
  });

  it('sends every request flag as its console input field', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport);

    await cli(
      'execute',
      '--environment',
      'payments-prod',
      '--management-account',
      '444455556666',
      '--retain-failed-resources',
      '--delete-types',
      's3:bucket,logs:log-group',
      '--delete-connection-roles',
      '--proton-api',
      'available',
      ...TARGET,
    );

    expect(startedInput()).toEqual({
      environment: { name: 'payments-prod', managementAccountId: '444455556666' },
      mode: 'execute',
      retainFailedResources: true,
      deleteTypes: ['s3:bucket', 'logs:log-group'],
      deleteConnectionRoles: true,
      protonApi: 'available',
      requestedBy: CALLER,
    });
  });

  it('uploads a local plan file to plans/<sha256>.json in the report bucket and sends its S3 URI', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport);
    const planFile = path.join(mkdtempSync(path.join(tmpdir(), 'pcc-')), 'P.json');
    const content = JSON.stringify(planReport('cli-plan-1'));
    writeFileSync(planFile, content);
    const sha = createHash('sha256').update(content).digest('hex');

    const { code } = await cli('execute', '--connection', CONNECTION, '--plan', planFile, ...TARGET);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;

    expect(code).toBe(0);
    expect(put).toMatchObject({ Bucket: BUCKET, Key: `plans/${sha}.json`, Body: content });
    expect(startedInput().plan).toBe(`s3://${BUCKET}/plans/${sha}.json`);
  });

  it('sends a plan given as an S3 URI as it is, uploading nothing', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport);

    await cli('execute', '--connection', CONNECTION, '--plan', `s3://${BUCKET}/reports/cli-plan-1.json`, ...TARGET);

    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(startedInput().plan).toBe(`s3://${BUCKET}/reports/cli-plan-1.json`);
  });

  it('--report writes the JSON report and the .md and .html the workflow wrote beside it', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport, { 'reports/NAME.md': '# plan\n', 'reports/NAME.html': '<!doctype html><title>plan</title>' });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pcc-')), 'P.json');

    await cli('plan', '--connection', CONNECTION, '--report', file, ...TARGET);

    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(planReport(startedName()));
    expect(readFileSync(file.replace(/\.json$/, '.md'), 'utf8')).toBe('# plan\n');
    expect(readFileSync(file.replace(/\.json$/, '.html'), 'utf8')).toBe('<!doctype html><title>plan</title>');
  });

  it('prints the progress lines from the execution history', async () => {
    deployedStack();
    const at = new Date('2026-12-01T10:00:00Z');
    executionsEnd('SUCCEEDED', [
      { id: 1, previousEventId: 0, timestamp: at, type: 'ExecutionStarted' },
      { id: 2, previousEventId: 1, timestamp: at, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'DeleteConnection' } },
      { id: 3, previousEventId: 2, timestamp: at, type: 'LambdaFunctionScheduled' },
      {
        id: 4,
        previousEventId: 3,
        timestamp: at,
        type: 'LambdaFunctionFailed',
        lambdaFunctionFailedEventDetails: { error: 'ConflictException', cause: 'busy' },
      },
      { id: 5, previousEventId: 4, timestamp: at, type: 'LambdaFunctionScheduled' },
      { id: 6, previousEventId: 5, timestamp: at, type: 'LambdaFunctionSucceeded' },
      {
        id: 7,
        previousEventId: 6,
        timestamp: at,
        type: 'TaskStateExited',
        stateExitedEventDetails: { name: 'DeleteConnection', output: JSON.stringify({ deletion: { outcome: 'deleted', attempts: 2 } }) },
      },
    ]);
    reportsAre(planReport);

    const { stdout } = await cli('execute', '--connection', CONNECTION, ...TARGET);

    expect(stdout).toMatch(/↻ DeleteConnection\s+retry 1 after ConflictException: busy/);
    expect(stdout).toMatch(/✓ DeleteConnection\s+deleted after 2 attempt\(s\)/);
  });

  it('exits 3 when the run completed with a failed resource, 1 when the execution failed', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre((name) => reportFixture({ execution: { ...reportFixture().execution, name }, resources: [reportEntry('arn:aws:s3:::b', 'failed')] }));
    expect((await cli('execute', '--connection', CONNECTION, ...TARGET)).code).toBe(3);

    sfn.reset();
    executionsEnd('FAILED');
    expect((await cli('execute', '--connection', CONNECTION, ...TARGET)).code).toBe(1);
  });

  it('watch looks again until the execution ends, with the time left "unknown" while no stack has settled', async () => {
    deployedStack();
    bucketHolds({});
    const running = { executionArn: executionArn('run-1'), name: 'run-1', status: 'RUNNING' as const, startDate: new Date('2026-12-01T10:00:00Z') };
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce(running)
      .resolvesOnce(running)
      .resolves({ ...running, status: 'SUCCEEDED', stopDate: new Date('2026-12-01T10:05:00Z') });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });

    const { code, stdout } = await cli('watch', 'run-1', ...TARGET);

    expect(code).toBe(0);
    expect(stdout).toMatch(/time left: unknown/);
    expect(stdout).toMatch(/succeeded after 5m 00s/);
  });

  it('list shows the executions newest first, with the counts of those that have a report and "—" for the others (their mode and target as started)', async () => {
    deployedStack();
    sfn.on(ListExecutionsCommand, { stateMachineArn: STATE_MACHINE }).resolves({
      executions: [
        {
          executionArn: executionArn('cli-execute-2'),
          stateMachineArn: STATE_MACHINE,
          name: 'cli-execute-2',
          status: 'RUNNING',
          startDate: new Date('2026-12-02T00:00:00Z'),
        },
        {
          executionArn: executionArn('cli-plan-1'),
          stateMachineArn: STATE_MACHINE,
          name: 'cli-plan-1',
          status: 'SUCCEEDED',
          startDate: new Date('2026-12-01T00:00:00Z'),
        },
      ],
    });
    bucketHolds({ 'reports/cli-plan-1.json': JSON.stringify(planReport('cli-plan-1')) });
    sfn.on(DescribeExecutionCommand, { executionArn: executionArn('cli-execute-2') }).resolves({
      executionArn: executionArn('cli-execute-2'),
      name: 'cli-execute-2',
      status: 'RUNNING',
      startDate: new Date('2026-12-02T00:00:00Z'),
      input: JSON.stringify({ environment: { name: 'payments-prod', managementAccountId: '444455556666' }, mode: 'execute' }),
    });

    const { code, stdout } = await cli('list', ...TARGET);
    const [header, first, second] = stdout.trim().split('\n');

    expect(code).toBe(0);
    expect(header).toMatch(/^EXECUTION\s+STATUS\s+STARTED\s+MODE\s+TARGET\s+DELETED\s+RETAINED\s+FAILED\s+PLANNED$/);
    expect(first).toMatch(/^cli-execute-2\s+RUNNING\s+\S+\s+execute\s+environment payments-prod@444455556666\s+—\s+—\s+—\s+—$/);
    expect(second).toMatch(new RegExp(`^cli-plan-1\\s+SUCCEEDED\\s+\\S+\\s+plan\\s+connection ${CONNECTION}\\s+0\\s+0\\s+0\\s+1$`));
  });

  it('report prints the report of an execution and exits by its outcome', async () => {
    deployedStack();
    sfn.on(DescribeExecutionCommand).resolves({ executionArn: executionArn('cli-plan-1'), name: 'cli-plan-1', status: 'SUCCEEDED', startDate: new Date(0) });
    bucketHolds({ 'reports/cli-plan-1.json': JSON.stringify(planReport('cli-plan-1')) });

    const { code, stdout } = await cli('report', 'cli-plan-1', '--format', 'json', ...TARGET);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(planReport('cli-plan-1'));
  });

  it('a stack that does not exist is a usage error (exit 2) that says so; nothing is started', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationError('ValidationError', `Stack with id ${STACK} does not exist`));
    sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER });

    const { code, stderr } = await cli('plan', '--connection', CONNECTION, ...TARGET);

    expect(code).toBe(2);
    expect(stderr).toMatch(`stack ${STACK} does not exist`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('a stack without the outputs of this deployment is a usage error (exit 2) naming the missing output', async () => {
    deployedStack({ NotificationTopicArn: 'arn:aws:sns:eu-west-1:111122223333:t' });

    const { code, stderr } = await cli('list', ...TARGET);

    expect(code).toBe(2);
    expect(stderr).toMatch(/has no output StateMachineArn or ReportBucketName/);
  });

  it('an AWS error (no credentials allowed to ask who is calling) exits 1 with its name and message', async () => {
    deployedStack();
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        new STSServiceException({ name: 'ExpiredToken', message: 'The security token included in the request is expired', $fault: 'client', $metadata: {} }),
      );

    const { code, stderr } = await cli('plan', '--connection', CONNECTION, ...TARGET);

    expect(code).toBe(1);
    expect(stderr).toMatch(/ExpiredToken: The security token included in the request is expired/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('no Region (the SDK\'s "Region is missing") is a usage error (exit 2) that says to pass --region or set AWS_REGION', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Region is missing'));

    const { code, stderr } = await cli('list', '--stack', STACK);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: no AWS Region: pass --region REGION .*, or set AWS_REGION/);
  });

  it('no credentials (CredentialsProviderError) is a usage error (exit 2) that says to pass --profile or configure credentials; nothing is started', async () => {
    deployedStack();
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    sts.on(GetCallerIdentityCommand).rejects(noCredentials);

    const { code, stderr } = await cli('plan', '--connection', CONNECTION, ...TARGET);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: no AWS credentials \(Could not load credentials from any providers\): pass --profile NAME, or configure credentials/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('after a plan without --report, prints the command that executes it by the S3 URI of its report', async () => {
    deployedStack();
    executionsEnd('SUCCEEDED');
    reportsAre(planReport);

    const { stdout } = await cli('plan', '--connection', CONNECTION, ...TARGET);

    expect(stdout).toContain(
      // The fixture's plan was made for us-east-1, not the stack's own eu-west-1: the command says where.
      `To execute this plan: proton-cleanup execute --plan s3://${BUCKET}/reports/${startedName()}.json --connection ${reportFixture().request?.connectionId} --account 111122223333 --target-region us-east-1 --stack ${STACK} --region eu-west-1`,
    );
  });
});
