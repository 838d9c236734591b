import { DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import type { StandaloneDeletion, StandaloneType } from '../../functions/standalone-types/index.js';
import { openSandbox } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { ENVIRONMENT, environmentStack, fault, MANAGEMENT_ACCOUNT, scenario, standaloneResource } from '../helpers/scenarios.js';

/**
 * Stand-alone resources against the embedded sandbox: the real S3, CloudWatch Logs, ECR and
 * SSM clients (middleware, retries, error classification) answered by the simulated
 * account's resources, which the Tagging API sees until they are deleted.
 */
async function standalone() {
  const [{ deleteStandaloneResource }, { MAX_PAGES_PER_CALL }] = await Promise.all([
    import('../../functions/standalone-types/aws.js'),
    import('../../functions/standalone-types/s3-bucket.aws.js'),
  ]);
  return { deleteStandaloneResource, MAX_PAGES_PER_CALL };
}

const BUCKET = 'payments-prod-artifacts';
/** Later than the scenario's objects, written before the sandbox opened. */
const INVENTORIED_AT = new Date().toISOString();

/** The ARN the account gives the resource of this CloudFormation type and name. */
function arnOf(sandbox: Sandbox, type: string, name: string): string {
  const resource = sandbox.account.resourceNamed(type, name);
  if (!resource) throw new Error(`no ${type} named ${name} in the sandbox account`);
  return resource.arn;
}

/** Every ARN the Tagging API returns for the environment. */
async function taggedArns(sandbox: Sandbox): Promise<string[]> {
  const { resourcesTaggedFor } = await import('../../functions/aws/tagging.js');
  return (await resourcesTaggedFor(sandbox.account.environmentArn(ENVIRONMENT, MANAGEMENT_ACCOUNT))).map((r) => r.arn);
}

/** Calls again until the deletion is no longer in progress (at most `limit` calls); every outcome, in order. */
async function deleteUntilSettled(arn: string, type: StandaloneType, limit = 20): Promise<StandaloneDeletion[]> {
  const { deleteStandaloneResource } = await standalone();
  const outcomes: StandaloneDeletion[] = [];
  do outcomes.push(await deleteStandaloneResource(arn, type, INVENTORIED_AT));
  while (outcomes.at(-1) === 'in-progress' && outcomes.length < limit);
  return outcomes;
}

const bucketScenario = (objects: number, overrides: Partial<ScenarioInput> = {}) =>
  scenario({ standaloneResources: [standaloneResource('AWS::S3::Bucket', BUCKET, { objects })], ...overrides });

describe('a stand-alone S3 bucket with 2,500 objects, with versions, in the sandbox', () => {
  it('is emptied over several calls, in-progress until the last, which deletes it', async () => {
    const sandbox = await openSandbox(bucketScenario(2500));
    const outcomes = await deleteUntilSettled(arnOf(sandbox, 'AWS::S3::Bucket', BUCKET), 's3:bucket');

    expect(outcomes.length).toBeGreaterThan(1);
    expect(outcomes.slice(0, -1).every((o) => o === 'in-progress')).toBe(true);
    expect(outcomes.at(-1)).toBe('deleted');
  });

  it('reads at most MAX_PAGES_PER_CALL pages of versions in one call', async () => {
    const sandbox = await openSandbox(bucketScenario(2500));
    const { deleteStandaloneResource, MAX_PAGES_PER_CALL } = await standalone();
    await deleteStandaloneResource(arnOf(sandbox, 'AWS::S3::Bucket', BUCKET), 's3:bucket', INVENTORIED_AT);

    expect(sandbox.callsTo('ListObjectVersions')).toHaveLength(MAX_PAGES_PER_CALL);
    expect(sandbox.callsTo('DeleteBucket')).toEqual([]);
  });

  it('is gone from the account once deleted, versions and delete markers included', async () => {
    const sandbox = await openSandbox(bucketScenario(2500));
    const arn = arnOf(sandbox, 'AWS::S3::Bucket', BUCKET);
    await deleteUntilSettled(arn, 's3:bucket');

    expect(sandbox.account.resources.has(arn)).toBe(false);
    expect(sandbox.calls.filter((c) => c.error)).toEqual([]);
  });

  it('is no longer returned by the Tagging API once deleted', async () => {
    const sandbox = await openSandbox(bucketScenario(2500));
    const arn = arnOf(sandbox, 'AWS::S3::Bucket', BUCKET);
    expect(await taggedArns(sandbox)).toContain(arn);

    await deleteUntilSettled(arn, 's3:bucket');
    expect(await taggedArns(sandbox)).not.toContain(arn);
  });

  it('answers already-absent to a further call', async () => {
    const sandbox = await openSandbox(bucketScenario(2500));
    const arn = arnOf(sandbox, 'AWS::S3::Bucket', BUCKET);
    await deleteUntilSettled(arn, 's3:bucket');

    const { deleteStandaloneResource } = await standalone();
    await expect(deleteStandaloneResource(arn, 's3:bucket', INVENTORIED_AT)).resolves.toBe('already-absent');
  });
});

describe("a bucket owner condition (S3 User Guide: 'Verifying bucket ownership with bucket owner condition')", () => {
  it('refuses, 403 AccessDenied, a call that expects another account to own the bucket, and the bucket stays', async () => {
    const sandbox = await openSandbox(bucketScenario(3));
    const { targetS3 } = await import('../../functions/aws/clients.js');
    const { ListObjectVersionsCommand } = await import('@aws-sdk/client-s3');

    await expect(targetS3().send(new ListObjectVersionsCommand({ Bucket: BUCKET, ExpectedBucketOwner: '999988887777' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    expect(sandbox.account.resourceNamed('AWS::S3::Bucket', BUCKET)).toBeDefined();
  });
});

describe('the other stand-alone resources in the sandbox', () => {
  const cases = [
    ['a log group', 'AWS::Logs::LogGroup', '/proton/payments-prod/app', 'logs:log-group'],
    ['an ECR repository with a namespaced name', 'AWS::ECR::Repository', 'payments/api', 'ecr:repository'],
    ['a hierarchical SSM parameter', 'AWS::SSM::Parameter', '/payments-prod/db/url', 'ssm:parameter'],
    ['a flat SSM parameter', 'AWS::SSM::Parameter', 'payments-prod-flags', 'ssm:parameter'],
  ] as const;

  it.each(cases)('%s is deleted, and the Tagging API no longer returns it', async (_what, type, name, deletableType) => {
    const sandbox = await openSandbox(scenario({ standaloneResources: [standaloneResource(type, name)] }));
    const arn = arnOf(sandbox, type, name);
    const { deleteStandaloneResource } = await standalone();

    await expect(deleteStandaloneResource(arn, deletableType, INVENTORIED_AT)).resolves.toBe('deleted');
    expect(sandbox.account.resources.has(arn)).toBe(false);
    expect(await taggedArns(sandbox)).not.toContain(arn);
  });

  it.each(cases)('%s already deleted answers already-absent', async (_what, type, name, deletableType) => {
    const sandbox = await openSandbox(scenario({ standaloneResources: [standaloneResource(type, name)] }));
    const arn = arnOf(sandbox, type, name);
    const { deleteStandaloneResource } = await standalone();
    await deleteStandaloneResource(arn, deletableType, INVENTORIED_AT);

    await expect(deleteStandaloneResource(arn, deletableType, INVENTORIED_AT)).resolves.toBe('already-absent');
  });
});

describe('faults injected on the new operations', () => {
  it('a throttled DeleteLogGroup surfaces as ThrottlingException, and the log group stays', async () => {
    const name = '/proton/payments-prod/app';
    const sandbox = await openSandbox(
      scenario({ standaloneResources: [standaloneResource('AWS::Logs::LogGroup', name)], faults: [fault('DeleteLogGroup', 'throttle')] }),
    );
    const arn = arnOf(sandbox, 'AWS::Logs::LogGroup', name);
    const { deleteStandaloneResource } = await standalone();

    await expect(deleteStandaloneResource(arn, 'logs:log-group', INVENTORIED_AT)).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(sandbox.account.resources.has(arn)).toBe(true);
  });

  it('a DeleteObjects throttled once is retried by the SDK, and the bucket is still deleted', async () => {
    const sandbox = await openSandbox(bucketScenario(150, { faults: [fault('DeleteObjects', 'throttle', { times: 1 })] }));
    const outcomes = await deleteUntilSettled(arnOf(sandbox, 'AWS::S3::Bucket', BUCKET), 's3:bucket');

    expect(sandbox.callsTo('DeleteObjects').map((c) => c.error)).toContain('SlowDown');
    expect(outcomes).toEqual(['deleted']);
  });
});

describe('stack resources in the sandbox', () => {
  /** Deletes the stack through the sandbox's CloudFormation and polls every 10 s of sandbox time until it settles. */
  async function deleteStackAndWait(stackId: string): Promise<string> {
    const { cloudFormation } = await import('../../functions/aws/clients.js');
    const { clock } = await import('../../functions/runtime/clock.js');
    await cloudFormation().send(new DeleteStackCommand({ StackName: stackId }));
    let status = 'DELETE_IN_PROGRESS';
    for (let poll = 0; poll < 30 && status === 'DELETE_IN_PROGRESS'; poll += 1) {
      await clock.sleep(10_000);
      status = (await cloudFormation().send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackStatus ?? 'DELETE_COMPLETE';
    }
    return status;
  }

  it('a resource deleted with its stack no longer exists: deleting it stand-alone answers already-absent', async () => {
    const name = '/proton/payments-prod/stack-logs';
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Logs', type: 'AWS::Logs::LogGroup', name }] });
    const sandbox = await openSandbox(scenario({ stacks: [stack] }));
    const arn = arnOf(sandbox, 'AWS::Logs::LogGroup', name);

    expect(await deleteStackAndWait(sandbox.account.stackByName(stack.name)!.stackId)).toBe('DELETE_COMPLETE');
    const { deleteStandaloneResource } = await standalone();
    await expect(deleteStandaloneResource(arn, 'logs:log-group', INVENTORIED_AT)).resolves.toBe('already-absent');
  });

  it('a Retain resource outlives its stack, and can then be deleted stand-alone', async () => {
    const name = 'payments-prod/kept';
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Repo', type: 'AWS::ECR::Repository', name, deletionPolicy: 'Retain' }] });
    const sandbox = await openSandbox(scenario({ stacks: [stack] }));
    const arn = arnOf(sandbox, 'AWS::ECR::Repository', name);

    expect(await deleteStackAndWait(sandbox.account.stackByName(stack.name)!.stackId)).toBe('DELETE_COMPLETE');
    const { deleteStandaloneResource } = await standalone();
    await expect(deleteStandaloneResource(arn, 'ecr:repository', INVENTORIED_AT)).resolves.toBe('deleted');
  });

  it('CloudFormation cannot delete a stack whose bucket still holds objects; emptied stand-alone, the stack deletes', async () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Artifacts', type: 'AWS::S3::Bucket', name: BUCKET, objects: 20 }] });
    const sandbox = await openSandbox(scenario({ stacks: [stack] }));
    const stackId = sandbox.account.stackByName(stack.name)!.stackId;

    expect(await deleteStackAndWait(stackId)).toBe('DELETE_FAILED');
    expect(await deleteUntilSettled(arnOf(sandbox, 'AWS::S3::Bucket', BUCKET), 's3:bucket')).toEqual(['deleted']);
    expect(await deleteStackAndWait(stackId)).toBe('DELETE_COMPLETE');
  });
});

describe('an SSM parameter written after the inventory', () => {
  it('is kept: its value is data nobody saw', async () => {
    const sandbox = await openSandbox(scenario({ standaloneResources: [standaloneResource('AWS::SSM::Parameter', '/payments-prod/flags')] }));
    const parameter = sandbox.account.parameters.get('/payments-prod/flags');
    if (parameter) parameter.lastModified = new Date(Date.parse(INVENTORIED_AT) + 3_600_000);
    const { deleteStandaloneResource } = await standalone();
    const arn = [...sandbox.account.resources.keys()].find((a) => a.includes(':parameter/')) ?? '';

    await expect(deleteStandaloneResource(arn, 'ssm:parameter', INVENTORIED_AT)).resolves.toMatchObject({
      writtenSince: expect.stringContaining('its value, last changed'),
    });
    expect(sandbox.account.parameters.has('/payments-prod/flags')).toBe(true);
  });
});
