import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/delete-stack.js';
import {
  ENVIRONMENT_ARN,
  EXECUTION_NAME,
  cloudFormationError,
  cloudFormationThrottling,
  mockedClients,
  sampleEnvironment,
  stack,
  stackDoesNotExist,
  stackId,
  stackResourceTags,
  tagMapping,
} from '../helpers/sdk-fixtures.js';

const [cloudFormation, tagging] = mockedClients(CloudFormationClient, ResourceGroupsTaggingAPIClient);
const PROTECT = 'proton-cleanup:protect';

/** The stack under test: the sample environment's own stack. */
const { environmentStackName: STACK_NAME, environmentStack: STACK_ID } = sampleEnvironment;

const deleteStack = (overrides: { stackId?: string; mode?: string; executionName?: string } = {}) =>
  handler({ stackId: STACK_ID, phase: 'environment', mode: 'execute', environmentArn: ENVIRONMENT_ARN, nestedStackIds: [], executionName: EXECUTION_NAME, ...overrides });

function givenTheStack(spec: Partial<Parameters<typeof stack>[0]> = {}, protectedResources: ReturnType<typeof tagMapping>[] = []): void {
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [stack({ name: STACK_NAME, status: 'UPDATE_COMPLETE', ...spec })] });
  cloudFormation.on(DeleteStackCommand).resolves({});
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: protectedResources });
}

const deleteRequests = () => cloudFormation.commandCalls(DeleteStackCommand).map((call) => call.args[0].input);

describe('DeleteStack handler', () => {
  it('re-reads the stack by its stack ID before deleting', async () => {
    givenTheStack();
    await deleteStack();
    const describes = cloudFormation.commandCalls(DescribeStacksCommand).map((call) => call.args[0].input);
    expect(describes).toEqual([{ StackName: STACK_ID }]);
  });

  it('deletes the stack by its stack ID, never by its name', async () => {
    givenTheStack();
    await deleteStack();
    expect(deleteRequests()).toEqual([{ StackName: STACK_ID, ClientRequestToken: expect.any(String) }]);
  });

  it('returns the stack as deleting, with no polls yet', async () => {
    givenTheStack();
    await expect(deleteStack()).resolves.toEqual({ stackId: STACK_ID, phase: 'environment', outcome: 'deleting', polls: 0 });
  });

  it('sends the same ClientRequestToken when the same execution retries the same stack', async () => {
    givenTheStack();
    await deleteStack();
    await deleteStack();
    const [first, retry] = deleteRequests();
    expect(first?.ClientRequestToken).toBeTruthy();
    expect(retry?.ClientRequestToken).toBe(first?.ClientRequestToken);
  });

  it('sends a different ClientRequestToken from another execution', async () => {
    givenTheStack();
    await deleteStack({ executionName: 'decommission-run-1' });
    await deleteStack({ executionName: 'decommission-run-2' });
    const [first, second] = deleteRequests();
    expect(second?.ClientRequestToken).not.toBe(first?.ClientRequestToken);
  });

  it('sends a different ClientRequestToken for another stack of the same execution', async () => {
    givenTheStack();
    await deleteStack({ stackId: stackId(STACK_NAME, 'aaaaaaaa-2222-3333-4444-555555555555') });
    await deleteStack({ stackId: stackId(STACK_NAME, 'bbbbbbbb-2222-3333-4444-555555555555') });
    const [first, second] = deleteRequests();
    expect(second?.ClientRequestToken).not.toBe(first?.ClientRequestToken);
  });

  it('sends a ClientRequestToken CloudFormation accepts (a letter, then letters, digits and "-", at most 128)', async () => {
    givenTheStack();
    await deleteStack();
    expect(deleteRequests()[0]?.ClientRequestToken).toMatch(/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/);
  });

  it('reports a stack already DELETE_COMPLETE as already absent, without calling DeleteStack', async () => {
    givenTheStack({ status: 'DELETE_COMPLETE' });
    await expect(deleteStack()).resolves.toMatchObject({ outcome: 'already-absent' });
    expect(deleteRequests()).toHaveLength(0);
  });

  it('reports a stack CloudFormation says does not exist as already absent, without calling DeleteStack', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackDoesNotExist(STACK_ID));
    await expect(deleteStack()).resolves.toMatchObject({ outcome: 'already-absent' });
    expect(deleteRequests()).toHaveLength(0);
  });

  it('retains a stack with termination protection, with the reason, without calling DeleteStack', async () => {
    givenTheStack({ terminationProtection: true });
    await expect(deleteStack()).resolves.toMatchObject({ outcome: 'retained', reason: expect.stringContaining('termination protection') });
    expect(deleteRequests()).toHaveLength(0);
  });

  it('refuses to run in plan mode with InvalidStateInput, and sends no command', async () => {
    givenTheStack();
    await expect(deleteStack({ mode: 'plan' })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('refuses a stack name in place of a stack ID with InvalidStateInput, and sends no command', async () => {
    givenTheStack();
    await expect(deleteStack({ stackId: STACK_NAME })).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('surfaces CloudFormation Throttling on DescribeStacks as ThrottlingException', async () => {
    givenTheStack();
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationThrottling());
    await expect(deleteStack()).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(deleteRequests()).toHaveLength(0);
  });

  it('surfaces CloudFormation Throttling on DeleteStack as ThrottlingException', async () => {
    givenTheStack();
    cloudFormation.on(DeleteStackCommand).rejects(cloudFormationThrottling());
    await expect(deleteStack()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('lets any other ValidationError through under its own name', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(cloudFormationError('ValidationError', 'Stack name is invalid'));
    await expect(deleteStack()).rejects.toMatchObject({ name: 'ValidationError' });
    expect(deleteRequests()).toHaveLength(0);
  });

  describe('re-checks protection and ownership right before deleting', () => {
    it('retains a stack tagged with the protect tag since the inventory, without deleting it', async () => {
      givenTheStack({ tags: { 'proton:environment': ENVIRONMENT_ARN, [PROTECT]: 'true' } });

      await expect(deleteStack()).resolves.toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/protected/) });
      expect(deleteRequests()).toEqual([]);
    });

    it('retains a stack now tagged for another environment, without deleting it', async () => {
      givenTheStack({ tags: { 'proton:environment': 'arn:aws:proton:us-east-1:444455556666:environment/other' } });

      await expect(deleteStack()).resolves.toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/tags changed since the inventory/) });
      expect(deleteRequests()).toEqual([]);
    });

    it('retains a stack holding a resource now tagged with the protect tag, without deleting it', async () => {
      const guarded = tagMapping('arn:aws:s3:::keep-me', { ...stackResourceTags(STACK_ID, 'Keep'), [PROTECT]: 'yes' });
      givenTheStack({ tags: { 'proton:environment': ENVIRONMENT_ARN } }, [guarded]);

      await expect(deleteStack()).resolves.toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/its resource Keep is tagged proton-cleanup:protect/) });
      expect(deleteRequests()).toEqual([]);
    });

    it('retains a stack when a resource of one of its nested stacks is tagged with the protect tag', async () => {
      const nested = stackId('AWSProton-prod-cloudformation-ABC123-Network-XYZ');
      const guarded = tagMapping('arn:aws:s3:::nested-keep', { ...stackResourceTags(nested, 'Keep'), [PROTECT]: 'yes' });
      givenTheStack({ tags: { 'proton:environment': ENVIRONMENT_ARN } }, [guarded]);
      const progress = await handler({ stackId: STACK_ID, phase: 'environment', mode: 'execute', environmentArn: ENVIRONMENT_ARN, nestedStackIds: [nested], executionName: EXECUTION_NAME });

      expect(progress).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/its resource Keep is tagged/) });
      expect(deleteRequests()).toEqual([]);
    });

    it('ignores protected resources of other stacks', async () => {
      const elsewhere = tagMapping('arn:aws:s3:::other', { ...stackResourceTags(stackId('AWSProton-other'), 'Other'), [PROTECT]: 'yes' });
      givenTheStack({ tags: { 'proton:environment': ENVIRONMENT_ARN } }, [elsewhere]);

      await expect(deleteStack()).resolves.toMatchObject({ outcome: 'deleting' });
      expect(tagging.commandCalls(GetResourcesCommand)[0]?.args[0].input.TagFilters).toEqual([{ Key: PROTECT }]);
    });
  });

  describe('the retaining retry (retainFailedResources)', () => {
    const retain = [{ logicalId: 'ArtifactBucket', physicalId: 'prod-artifacts', reason: 'not empty' }];

    it('deletes the DELETE_FAILED stack again, keeping exactly the resources that failed', async () => {
      givenTheStack({ status: 'DELETE_FAILED', tags: { 'proton:environment': ENVIRONMENT_ARN } });
      const progress = await handler({ stackId: STACK_ID, phase: 'environment', mode: 'execute', environmentArn: ENVIRONMENT_ARN, nestedStackIds: [], executionName: EXECUTION_NAME, retain });

      expect(deleteRequests()).toEqual([expect.objectContaining({ StackName: STACK_ID, RetainResources: ['ArtifactBucket'] })]);
      expect(progress).toMatchObject({ outcome: 'deleting', polls: 0, retainedResources: retain });
    });

    it('sends a token of its own, not the first deletion\'s', async () => {
      givenTheStack({ status: 'DELETE_FAILED', tags: { 'proton:environment': ENVIRONMENT_ARN } });
      await deleteStack();
      await handler({ stackId: STACK_ID, phase: 'environment', mode: 'execute', environmentArn: ENVIRONMENT_ARN, nestedStackIds: [], executionName: EXECUTION_NAME, retain });
      const [first, second] = deleteRequests();

      expect(first?.ClientRequestToken).not.toBe(second?.ClientRequestToken);
    });
  });
});
