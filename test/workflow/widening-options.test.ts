import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import { arnFor } from '../../local/sandbox/resource-arns.js';
import {
  CONNECTION_ID,
  connectionWithRoles,
  consoleInput,
  environmentStack,
  OTHER_CONNECTION_ID,
  otherEnvironmentStack,
  scenario,
  serviceInstanceStack,
  standaloneResource,
} from '../helpers/scenarios.js';
import { entryFor, reportOf, run, stackIdOf } from '../helpers/workflow.js';

/** The request options that widen what may be deleted, each off unless asked for. */
const bucketArn = (name: string) => `arn:aws:s3:::${name}`;

describe('deleteTypes', () => {
  const leftovers = () => [
    standaloneResource('AWS::S3::Bucket', 'payments-exports', { objects: 2500 }),
    standaloneResource('AWS::SSM::Parameter', '/payments-prod/flags'),
    standaloneResource('AWS::ECR::Repository', 'payments-prod/api'),
  ];

  it('deletes resources outside any stack of the listed types, emptying a bucket first (versions included)', async () => {
    const result = await run(scenario({ standaloneResources: leftovers() }), consoleInput('execute', { deleteTypes: ['s3:bucket', 'ssm:parameter'] }));
    const report = reportOf(result);

    expect(entryFor(report, bucketArn('payments-exports'))).toMatchObject({ plannedAction: 'delete-resource', outcome: 'deleted' });
    expect(entryFor(report, 'arn:aws:ssm:us-east-1:111122223333:parameter/payments-prod/flags').outcome).toBe('deleted');
    expect(result.sandbox.account.resources.has(bucketArn('payments-exports'))).toBe(false);
    expect(result.sandbox.callsTo('DeleteObjects').length).toBeGreaterThan(1);
  });

  it('reports every other type as retained, untouched', async () => {
    const result = await run(scenario({ standaloneResources: leftovers() }), consoleInput('execute', { deleteTypes: ['s3:bucket'] }));
    const report = reportOf(result);
    const others = leftovers().filter((r) => r.type !== 'AWS::S3::Bucket');

    expect(others.map((r) => r.type)).toEqual(['AWS::SSM::Parameter', 'AWS::ECR::Repository']);
    for (const resource of others) {
      const arn = arnFor(resource.type, resource.name, result.sandbox.account);
      expect(entryFor(report, arn)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/not in a stack/) });
      expect(result.sandbox.account.resources.has(arn)).toBe(true);
    }
    expect(result.sandbox.calls.filter((c) => /^Delete(Parameters?|Repository)$/.test(c.operation))).toEqual([]);
  });

  it('deletes nothing outside stacks without it', async () => {
    const result = await run(scenario({ standaloneResources: leftovers() }));

    expect(result.sandbox.calls.filter((c) => /^Delete(Objects|Bucket|Parameter|Repository|LogGroup)$/.test(c.operation))).toEqual([]);
  });

  it('plans the deletions in plan mode, deleting nothing', async () => {
    const result = await run(scenario({ standaloneResources: leftovers() }), consoleInput('plan', { deleteTypes: ['s3:bucket'] }));

    expect(entryFor(reportOf(result), bucketArn('payments-exports')).outcome).toBe('planned');
    expect(result.sandbox.callsTo('DeleteBucket')).toEqual([]);
  });

  it('never deletes a resource with the protect tag', async () => {
    const spec = scenario({ standaloneResources: [standaloneResource('AWS::S3::Bucket', 'keep-me')] });
    const sandbox = await openSandbox(spec);
    sandbox.account.tagged.get(bucketArn('keep-me'))!.tags['proton-cleanup:protect'] = 'true';
    const result = await runWorkflow(spec, { sandbox, input: consoleInput('execute', { deleteTypes: ['s3:bucket'] }) });

    expect(entryFor(reportOf(result), bucketArn('keep-me'))).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/protected/) });
    expect(result.sandbox.callsTo('DeleteBucket')).toEqual([]);
  });

  it('re-checks right before deleting: a resource protected after the inventory is retained', async () => {
    const spec = scenario({ standaloneResources: [standaloneResource('AWS::S3::Bucket', 'keep-me')] });
    const sandbox = await openSandbox(spec);
    sandbox.onFirstCall('DeleteEnvironmentAccountConnection', (account) => {
      account.tagged.get(bucketArn('keep-me'))!.tags['proton-cleanup:protect'] = 'true';
    });
    const result = await runWorkflow(spec, { sandbox, input: consoleInput('execute', { deleteTypes: ['s3:bucket'] }) });

    expect(entryFor(reportOf(result), bucketArn('keep-me'))).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/protected/) });
    expect(result.sandbox.callsTo('DeleteBucket')).toEqual([]);
  });

  it('deletes what CloudFormation kept by DeletionPolicy once its stack is gone, when its type is listed', async () => {
    const env = environmentStack({
      resources: [{ logicalId: 'Artifacts', type: 'AWS::S3::Bucket', name: 'payments-artifacts', deletionPolicy: 'Retain', objects: 10 }],
    });
    const result = await run(scenario({ stacks: [env] }), consoleInput('execute', { deleteTypes: ['s3:bucket'] }));

    expect(entryFor(reportOf(result), bucketArn('payments-artifacts'))).toMatchObject({ outcome: 'deleted' });
  });
});

describe('retainFailedResources', () => {
  it('deletes a DELETE_FAILED stack again keeping exactly the failed resource, which stays in the report as retained', async () => {
    const stuck = serviceInstanceStack('api', {
      resources: [
        { logicalId: 'Uploads', type: 'AWS::S3::Bucket', name: 'api-uploads', failsToDelete: 'The bucket you tried to delete is not empty' },
        { logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'api-queue' },
      ],
    });
    const result = await run(scenario({ stacks: [stuck] }), consoleInput('execute', { retainFailedResources: true }));
    const report = reportOf(result);

    expect(entryFor(report, stackIdOf(result, stuck.name))).toMatchObject({ outcome: 'deleted', reason: expect.stringMatching(/keeping 1 resource/) });
    expect(entryFor(report, bucketArn('api-uploads'))).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/RetainResources.*not empty/) });
    expect(result.sandbox.callsTo('DeleteStack').map((c) => c.input.RetainResources)).toEqual([undefined, ['Uploads']]);
  });

  it('leaves a DELETE_FAILED stack failed without it', async () => {
    const stuck = serviceInstanceStack('api', {
      resources: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', name: 'api-uploads', failsToDelete: 'not empty' }],
    });
    const result = await run(scenario({ stacks: [stuck] }));

    expect(entryFor(reportOf(result), stackIdOf(result, stuck.name)).outcome).toBe('failed');
    expect(result.sandbox.callsTo('DeleteStack')).toHaveLength(1);
  });
});

describe('deleteConnectionRoles', () => {
  const withRoles = (sharedWithOther: boolean) =>
    scenario({
      connections: [
        connectionWithRoles(CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-payments', componentRoleName: 'ProtonComponentRole-shared' }),
        connectionWithRoles(
          OTHER_CONNECTION_ID,
          { roleName: 'ProtonEnvironmentRole-ledger', ...(sharedWithOther ? { componentRoleName: 'ProtonComponentRole-shared' } : {}) },
          { environmentName: 'ledger-staging' },
        ),
      ],
    });
  const role = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

  it("deletes the connection's roles after its stacks, policies first", async () => {
    const result = await run(withRoles(false), consoleInput('execute', { deleteConnectionRoles: true }));

    expect(entryFor(reportOf(result), role('ProtonEnvironmentRole-payments')).outcome).toBe('deleted');
    expect(result.sandbox.account.roles.has('ProtonEnvironmentRole-payments')).toBe(false);
  });

  it('never deletes a role another connection still references', async () => {
    const result = await run(withRoles(true), consoleInput('execute', { deleteConnectionRoles: true }));

    expect(entryFor(reportOf(result), role('ProtonComponentRole-shared'))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(OTHER_CONNECTION_ID),
    });
    expect(result.sandbox.account.roles.has('ProtonComponentRole-shared')).toBe(true);
  });

  it('keeps a role a live stack still uses as its service role, naming the stack', async () => {
    const kept = environmentStack({ terminationProtection: true, serviceRole: 'ProtonEnvironmentRole-payments' });
    const result = await run({ ...withRoles(false), stacks: [kept] }, consoleInput('execute', { deleteConnectionRoles: true }));

    expect(entryFor(reportOf(result), role('ProtonEnvironmentRole-payments'))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(`the service role of live stack(s) ${kept.name}`),
    });
    expect(result.sandbox.callsTo('DeleteRole').map((c) => c.input.RoleName)).not.toContain('ProtonEnvironmentRole-payments');
  });

  it('deletes the roles though a stack is left DELETE_FAILED: it has no role of its own, and the cleanup deletes with its deletion role', async () => {
    const stuck = environmentStack({ resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-1', failsToDelete: 'in use' }] });
    const result = await run({ ...withRoles(false), stacks: [stuck] }, consoleInput('execute', { deleteConnectionRoles: true }));

    expect(entryFor(reportOf(result), role('ProtonEnvironmentRole-payments'))).toMatchObject({ outcome: 'deleted' });
  });

  it('deletes no role without it', async () => {
    const result = await run(withRoles(false));

    expect(result.sandbox.callsTo('DeleteRole')).toEqual([]);
  });
});

describe('deleteConnectionRoles, with other stacks around', () => {
  it("keeps a role another environment's live stack still uses as its service role", async () => {
    const spec = scenario({
      connections: [connectionWithRoles(CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-shared' })],
      stacks: [environmentStack(), otherEnvironmentStack({ serviceRole: 'ProtonEnvironmentRole-shared' })],
    });
    const result = await run(spec, consoleInput('execute', { deleteConnectionRoles: true }));

    expect(entryFor(reportOf(result), 'arn:aws:iam::111122223333:role/ProtonEnvironmentRole-shared').outcome).toBe('retained');
    expect(result.sandbox.callsTo('DeleteRole')).toEqual([]);
  });
});
