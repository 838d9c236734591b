import { describe, expect, it } from 'vitest';
import { connectionNextStep, type NextStepContext, nextStep } from '../../functions/domain/next-steps.js';
import { arns, failedResource, reportEntry, stackReportEntry } from '../helpers/domain-fixtures.js';

/** The request's options as the default console input leaves them. */
const defaults: NextStepContext = { retainFailedResources: false, deleteTypes: [] };
const STACK = 'AWSProton-api-prod-cloudformation--HZQWMBNDKRTXLPEA';
const NOT_EMPTY = 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409)"';
const DENIED_VPC =
  'Resource handler returned message: "User: arn:aws:sts::111122223333:assumed-role/cleanup-deletion/x is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0a1b2c3d"';

describe('nextStep', () => {
  it.each(['deleted', 'already-absent', 'planned'] as const)('gives none for a %s resource: nothing is left to do', (outcome) => {
    expect(nextStep(reportEntry(arns.queue('q'), outcome), defaults)).toBeUndefined();
  });

  it('tells to turn off termination protection and re-run, naming the stack', () => {
    const entry = stackReportEntry(STACK, 'retained', {
      reason: 'termination protection is on; the cleanup never switches it off: disable it yourself and re-run to delete',
    });
    expect(nextStep(entry, defaults)).toMatch(new RegExp(`^turn off termination protection .*--stack-name ${STACK}\\), then re-run$`));
  });

  describe('a stack DELETE_FAILED because a bucket is not empty', () => {
    const stuck = stackReportEntry(STACK, 'failed', {
      error: 'DELETE_FAILED: The following resource(s) failed to delete: [Uploads].; Uploads (AWS::S3::Bucket): The bucket you tried to delete is not empty',
      failedResources: [failedResource('Uploads', NOT_EMPTY, { physicalId: 'api-prod-uploads', type: 'AWS::S3::Bucket' })],
    });

    it('offers to re-run with retainFailedResources to keep the bucket, named', () => {
      expect(nextStep(stuck, defaults)).toContain('re-run with retainFailedResources to keep bucket api-prod-uploads');
    });

    it('offers to add s3:bucket to deleteTypes to empty and delete it, saying its objects are lost', () => {
      expect(nextStep(stuck, defaults)).toContain('add s3:bucket to deleteTypes as well to empty and delete it (its objects are lost)');
    });

    it('does not ask to add s3:bucket to deleteTypes when the request already lists it', () => {
      expect(nextStep(stuck, { ...defaults, deleteTypes: ['s3:bucket'] })).not.toContain('add s3:bucket');
    });

    it('names the bucket by its name when CloudFormation gives its ARN', () => {
      const byArn = { ...stuck, failedResources: [failedResource('Uploads', NOT_EMPTY, { physicalId: arns.bucket('api-prod-uploads') })] };
      expect(nextStep(byArn, defaults)).toContain('to keep bucket api-prod-uploads and');
    });

    it('gives the bucket in the stack the same steps', () => {
      const bucket = reportEntry(arns.bucket('api-prod-uploads'), 'failed', { type: 's3:bucket', error: `CloudFormation could not delete it: ${NOT_EMPTY}` });
      expect(nextStep(bucket, defaults)).toContain('re-run with retainFailedResources to keep bucket api-prod-uploads');
    });
  });

  it('tells to empty and delete a bucket the retaining deletion kept, now that its stack is gone', () => {
    const kept = reportEntry(arns.bucket('api-prod-uploads'), 'retained', {
      type: 's3:bucket',
      reason: `kept by the second DeleteStack (RetainResources) after it failed to delete: ${NOT_EMPTY}; delete it yourself once fixed`,
    });
    expect(nextStep(kept, defaults)).toContain('empty and delete bucket api-prod-uploads yourself');
  });

  it('tells to add the denied action to the deletion role, naming the deployment parameter', () => {
    const entry = stackReportEntry(STACK, 'failed', { failedResources: [failedResource('Vpc', DENIED_VPC)] });
    expect(nextStep(entry, defaults)).toBe('add permission ec2:DeleteVpc to the deletion role (deployment parameter deletionRolePolicyArns), then re-run');
  });

  it('reads the denied action from a resource entry too', () => {
    const vpc = reportEntry('arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0a1b2c3d', 'failed', { error: `CloudFormation could not delete it: ${DENIED_VPC}` });
    expect(nextStep(vpc, defaults)).toContain('add permission ec2:DeleteVpc to the deletion role');
  });

  it('never advises granting iam:PassRole to the deletion role', () => {
    const denied = failedResource('Fn', 'User: x is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/fn');
    expect(nextStep(stackReportEntry(STACK, 'failed', { failedResources: [denied] }), defaults)).not.toContain('add permission');
  });

  it.each([
    ['s3:bucket', 'add s3:bucket to deleteTypes to delete it, then re-run'],
    ['ssm:parameter', 'add ssm:parameter to deleteTypes to delete it, then re-run'],
    ['sqs:queue', 'delete it yourself if it should go: sqs:queue is not a type deleteTypes can list'],
  ])('tells what to do about a stand-alone %s', (type, step) => {
    const entry = reportEntry(arns.parameter('x'), 'retained', {
      type,
      reason: 'not in a stack: stand-alone resources are reported, not deleted (see deleteTypes)',
    });
    expect(nextStep(entry, defaults)).toBe(step);
  });

  it.each([
    [
      'the protect tag',
      'protected: the stack is tagged proton-cleanup:protect',
      /^nothing needs doing: kept on purpose by the protect tag proton-cleanup:protect/,
    ],
    [
      'the protect tag, found right before deletion',
      're-checked before deletion: protected: tagged proton-cleanup:protect',
      /protect tag proton-cleanup:protect/,
    ],
    [
      'DeletionPolicy Retain',
      'kept by its DeletionPolicy (Retain): CloudFormation skipped it when deleting the stack; delete it yourself if it is no longer needed',
      /^nothing needs doing: its template keeps it on purpose/,
    ],
    [
      'unproven ownership',
      'ownership not proven: the name starts with AWSProton-, but neither the stack, its nested stacks nor any resource in them is tagged proton:environment',
      /^nothing needs doing: only what is proven/,
    ],
    [
      'another environment (re-tagged)',
      "re-checked before deletion: its tags no longer prove it is this environment's (they now name another environment, or none)",
      /^nothing needs doing: its tags now say it is not this environment's/,
    ],
    [
      'mixed ownership',
      'mixed ownership: the stack, its nested stacks or its resources are tagged proton:environment for this environment and for ledger-staging; never deleted: sort out its tags and re-run',
      /^sort out its tags/,
    ],
    [
      'another connection serving the environment',
      'environment payments-prod is still served by connection 7b1e9a52 (CONNECTED): nothing of it is deleted; decommission that connection first, or re-run once it is gone',
      /^nothing needs doing now: another connection serves the environment; decommission that connection first/,
    ],
    [
      'a resource not in the reviewed plan',
      'not in the reviewed plan: it appeared after the plan was made',
      /^nothing needs doing for this plan: .*make a new plan/,
    ],
    [
      'a connection role kept by default',
      'connection role: kept, because roles can be shared with other connections and stacks may still need them (see deleteConnectionRoles)',
      /re-run with deleteConnectionRoles/,
    ],
    ['a run that failed first', 'not processed: the run failed first (ConflictException: boom)', /^fix what failed the run/],
    ['a resource that appeared during the run', 'appeared after the inventory was taken: not touched; re-run to include it', /^re-run to include it/],
  ])('says what to do, or why nothing needs doing, for a resource kept by %s', (_what, reason, step) => {
    expect(nextStep(reportEntry(arns.queue('q'), 'retained', { reason }), defaults)).toMatch(step);
  });

  it('says nothing needs fixing while CloudFormation goes on deleting a stack past the deadline', () => {
    const entry = stackReportEntry(STACK, 'failed', {
      error: 'still DELETE_IN_PROGRESS after 60 minutes (maxStackDeletionMinutes); CloudFormation goes on deleting: re-run to pick up the result',
    });
    expect(nextStep(entry, defaults)).toMatch(/^nothing to fix: CloudFormation goes on deleting it; re-run later/);
  });

  it('points a stack held back to the stack it waits for', () => {
    const entry = stackReportEntry('AWSProton-payments-prod-cloudformation--KQXVBRWHNDLPTEZM', 'retained', {
      reason: `not started: waits for ${STACK} (failed: DELETE_FAILED: Uploads (AWS::S3::Bucket): The bucket you tried to delete is not empty); re-run after fixing it`,
    });
    expect(nextStep(entry, defaults)).toBe(`fix stack ${STACK} first (see its own next step), then re-run`);
  });

  it("gives a resource its stack's step when it stayed with its stack", () => {
    const entry = reportEntry(arns.queue('q'), 'retained', {
      reason: 'its stack is retained: termination protection is on; the cleanup never switches it off',
    });
    expect(nextStep(entry, defaults)).toMatch(/^it goes with its stack: turn off termination protection/);
  });

  it('tells to delete the importing stack first when CloudFormation refused because an export is in use', () => {
    const entry = stackReportEntry(STACK, 'failed', {
      error:
        'CloudFormation refused to delete it: export payments-prod-VpcId is in use by AWSProton-web (the stack is back to UPDATE_COMPLETE); delete that stack first',
    });
    expect(nextStep(entry, defaults)).toBe('delete stack AWSProton-web first, or stop it importing payments-prod-VpcId, then re-run');
  });

  it('always gives a failed resource a step, even for an error nothing else explains', () => {
    expect(nextStep(reportEntry(arns.queue('q'), 'failed', { error: 'SomethingNew: unheard of' }), defaults)).toMatch(/then re-run/);
  });
});

describe('connectionNextStep', () => {
  it('gives none unless the connection failed', () => {
    expect(connectionNextStep({ outcome: 'deleted' })).toBeUndefined();
  });

  it('tells to wait for Proton and re-run on a conflict', () => {
    expect(connectionNextStep({ outcome: 'failed', error: 'ConflictException: the connection is being updated' })).toMatch(
      /^Proton is still changing the connection: wait .*re-run/,
    );
  });

  it('tells to grant the permission on an access denial', () => {
    expect(
      connectionNextStep({ outcome: 'failed', error: 'AccessDeniedException: User x is not authorized to perform: proton:DeleteEnvironmentAccountConnection' }),
    ).toMatch(/^grant the permission/);
  });
});
