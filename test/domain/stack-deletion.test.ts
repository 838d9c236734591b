import { describe, expect, it } from 'vitest';
import {
  decidePoll,
  decideRecheck,
  describeFailure,
  type LiveStack,
  StackProgressSchema,
  shouldRetryRetaining,
} from '../../functions/domain/stack-deletion.js';
import { envArn, OTHER_ENV, protonTags, stackIdOf } from '../helpers/domain-fixtures.js';

function live(status: string, overrides: Partial<LiveStack> = {}): LiveStack {
  return { stackName: 'AWSProton-payments-prod-cloudformation--ENV', status, terminationProtection: false, tags: protonTags(), ...overrides };
}

const CHECK = { environmentArn: envArn(), protectTagKey: 'proton-cleanup:protect' };
const NOTHING_INSIDE = { nestedStacks: [], resources: [] };

describe("decideRecheck (the inventory's proof, evaluated again right before DeleteStack)", () => {
  it('finds a stack that no longer exists already absent', () => {
    expect(decideRecheck(undefined, NOTHING_INSIDE, CHECK)).toEqual({ outcome: 'already-absent', reason: expect.any(String) });
  });

  it('finds a DELETE_COMPLETE stack already absent', () => {
    expect(decideRecheck(live('DELETE_COMPLETE'), NOTHING_INSIDE, CHECK).outcome).toBe('already-absent');
  });

  it('retains a stack whose termination protection was switched on, with the reason', () => {
    expect(decideRecheck(live('UPDATE_COMPLETE', { terminationProtection: true }), NOTHING_INSIDE, CHECK)).toEqual({
      outcome: 'retained',
      reason: expect.stringContaining('termination protection'),
    });
  });

  it.each(['CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'DELETE_FAILED'])(
    'starts deleting a proven %s stack',
    (status) => {
      expect(decideRecheck(live(status), NOTHING_INSIDE, CHECK)).toEqual({ outcome: 'deleting' });
    },
  );

  it('retains a stack re-tagged for another environment since the inventory', () => {
    expect(decideRecheck(live('CREATE_COMPLETE', { tags: protonTags(OTHER_ENV) }), NOTHING_INSIDE, CHECK)).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('no longer prove'),
    });
  });

  it('retains a stack one of whose resources was re-tagged for another environment since the inventory (mixed ownership)', () => {
    const stack = live('CREATE_COMPLETE');
    const moved = { arn: 'arn:aws:sqs:us-east-1:111122223333:moved', tags: { ...protonTags(OTHER_ENV), 'aws:cloudformation:logical-id': 'Queue' } };
    expect(decideRecheck(stack, { nestedStacks: [], resources: [moved] }, CHECK)).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('mixed ownership'),
    });
  });

  it('retains a stack whose nested stack was tagged for another environment since the inventory', () => {
    const nested = { stackId: stackIdOf('nested'), tags: protonTags(OTHER_ENV) };
    expect(decideRecheck(live('CREATE_COMPLETE'), { nestedStacks: [nested], resources: [] }, CHECK)).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('mixed ownership'),
    });
  });

  it('retains a stack proven only by its resources once those lost their proton tags', () => {
    const untagged = live('CREATE_COMPLETE', { tags: {} });
    expect(decideRecheck(untagged, NOTHING_INSIDE, CHECK)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('ownership not proven') });
  });

  it('retains a stack whose resource was given the protect tag (any value) since the inventory', () => {
    const guarded = { arn: 'arn:aws:s3:::keep', tags: { ...protonTags(), 'proton-cleanup:protect': '', 'aws:cloudformation:logical-id': 'Keep' } };
    expect(decideRecheck(live('CREATE_COMPLETE'), { nestedStacks: [], resources: [guarded] }, CHECK)).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('its resource Keep is tagged proton-cleanup:protect'),
    });
  });
});

describe('decidePoll', () => {
  const minute = 60_000;
  const maxWait = 60 * minute;

  it('finds a stack that is gone deleted', () => {
    expect(decidePoll(undefined, 0, maxWait)).toEqual({ outcome: 'deleted' });
  });

  it('finds a DELETE_COMPLETE stack deleted', () => {
    expect(decidePoll(live('DELETE_COMPLETE'), 0, maxWait)).toEqual({ outcome: 'deleted' });
  });

  it("fails a DELETE_FAILED stack with CloudFormation's reason", () => {
    const decision = decidePoll(live('DELETE_FAILED', { statusReason: 'The following resource(s) failed to delete: [ArtifactsBucket].' }), 0, maxWait);
    expect(decision).toEqual({ outcome: 'failed', reason: 'DELETE_FAILED: The following resource(s) failed to delete: [ArtifactsBucket].' });
  });

  it('fails a DELETE_FAILED stack without a reason with the status alone', () => {
    expect(decidePoll(live('DELETE_FAILED'), 0, maxWait)).toEqual({ outcome: 'failed', reason: 'DELETE_FAILED' });
  });

  it.each(['UPDATE_IN_PROGRESS', 'CREATE_COMPLETE'])('fails a stack that left deletion (now %s), naming its status', (status) => {
    expect(decidePoll(live(status), 0, maxWait)).toEqual({ outcome: 'failed', reason: expect.stringContaining(`now ${status}`) });
  });

  it('fails a stack CloudFormation refused to delete because another stack imports its export, naming the export and the importer', () => {
    const refused = live('UPDATE_COMPLETE', {
      statusReason: 'Export payments-prod-VpcId cannot be deleted as it is in use by AWSProton-api-prod-cloudformation--X',
    });
    expect(decidePoll(refused, 0, maxWait)).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(
        /^CloudFormation refused to delete it: export payments-prod-VpcId is in use by AWSProton-api-prod-cloudformation--X \(the stack is back to UPDATE_COMPLETE\)/,
      ),
    });
  });

  it('keeps waiting for a DELETE_IN_PROGRESS stack before its deadline', () => {
    expect(decidePoll(live('DELETE_IN_PROGRESS'), maxWait - 1, maxWait)).toEqual({ outcome: 'deleting' });
  });

  it('fails a stack still DELETE_IN_PROGRESS at its deadline, saying how long it waited and that CloudFormation goes on', () => {
    expect(decidePoll(live('DELETE_IN_PROGRESS'), maxWait, maxWait)).toEqual({
      outcome: 'failed',
      reason: expect.stringMatching(/still DELETE_IN_PROGRESS after 60 minutes.*CloudFormation goes on/),
    });
  });

  it('accepts a deletion that completed by its deadline', () => {
    expect(decidePoll(undefined, maxWait, maxWait)).toEqual({ outcome: 'deleted' });
  });
});

describe('describeFailure', () => {
  it("lists each failing resource with its type and CloudFormation's reason, after the stack's reason", () => {
    const text = describeFailure(live('DELETE_FAILED', { statusReason: 'The following resource(s) failed to delete: [ArtifactsBucket, Vpc].' }), [
      { logicalId: 'ArtifactsBucket', type: 'AWS::S3::Bucket', reason: 'The bucket you tried to delete is not empty' },
      { logicalId: 'Vpc', reason: 'has dependencies and cannot be deleted' },
    ]);
    expect(text).toBe(
      'DELETE_FAILED: The following resource(s) failed to delete: [ArtifactsBucket, Vpc].; ' +
        'ArtifactsBucket (AWS::S3::Bucket): The bucket you tried to delete is not empty; ' +
        'Vpc: has dependencies and cannot be deleted',
    );
  });

  it('says DELETE_FAILED when neither the stack nor its resources give a reason', () => {
    expect(describeFailure(live('DELETE_FAILED'), [])).toBe('DELETE_FAILED');
  });
});

describe('StackProgressSchema', () => {
  it('counts no polls for a stack whose task failed before polling (the Catch sets no polls)', () => {
    const progress = StackProgressSchema.parse({
      stackId: stackIdOf('AWSProton-payments-prod-cloudformation--KQXVBRWH'),
      phase: 'environment',
      outcome: 'failed',
      error: { Error: 'AccessDenied', Cause: 'not authorized to perform: cloudformation:DeleteStack' },
    });
    expect(progress.polls).toBe(0);
  });
});

describe('a resource the deletion role may not delete', () => {
  const denied = {
    logicalId: 'Vpc',
    type: 'AWS::EC2::VPC',
    reason:
      'Resource handler returned message: "User: arn:aws:sts::111122223333:assumed-role/pcc-prod-us-east-1-cfn-delete/AWSCloudFormation is not authorized to perform: ec2:DeleteVpc on resource: arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1 because no identity-based policy allows the ec2:DeleteVpc action (Service: Ec2, Status Code: 403)"',
  };

  it('is reported with the denied action and the permission to add', () => {
    expect(describeFailure({ statusReason: 'The following resource(s) failed to delete: [Vpc].' }, [denied])).toMatch(
      /next: allow ec2:DeleteVpc to the CloudFormation deletion role \(deploy parameter deletionRolePolicyArns\)/,
    );
  });

  it('is never kept by retainFailedResources (that would orphan it silently)', () => {
    expect(shouldRetryRetaining({}, [denied], true)).toBe(false);
    expect(shouldRetryRetaining({}, [{ logicalId: 'Bucket', reason: 'The bucket you tried to delete is not empty' }], true)).toBe(true);
  });
});

describe('a deletion denied iam:PassRole', () => {
  it('never advises granting iam:PassRole to the deletion role; says a role must be passed instead', () => {
    const reason =
      'User: arn:aws:sts::111122223333:assumed-role/R/AWSCloudFormation is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/x';
    const text = describeFailure({ statusReason: 'failed' }, [{ logicalId: 'Rule', type: 'AWS::Events::Rule', reason }]);
    expect(text).not.toMatch(/allow iam:PassRole/);
    expect(text).toContain('iam:PassRole: this deletion needs a role passed, which the deletion role must not be given broadly');
  });
});
