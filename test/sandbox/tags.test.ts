import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, environmentStack, MANAGEMENT_ACCOUNT, OTHER_ENVIRONMENT } from '../helpers/scenarios.js';
import { resourceArnOf, sandboxOf, send, stackIdOf, stackTags, taggingView, UNTIMED } from './fixtures.js';

/**
 * Customer tags (`tags`) on stacks and stack resources, and resources tagged for another
 * environment (`environment` on a resource): what DescribeStacks and the Tagging API's
 * GetResources answer for them.
 */
const PROTECT = { 'proton-cleanup:protect': 'true', 'cost-center': 'payments' };
const envArn = (environment: string, account = MANAGEMENT_ACCOUNT) => `arn:aws:proton:us-east-1:${account}:environment/${environment}`;

describe('customer tags on a stack', () => {
  it('are in DescribeStacks Tags, beside the proton:* tags the stack carries', () => {
    const stack = environmentStack({ exports: [], tags: PROTECT });
    const sandbox = sandboxOf({ stacks: [stack] });

    expect(stackTags(sandbox, stack.name)).toEqual({ ...PROTECT, 'proton:environment': envArn(ENVIRONMENT), 'proton:account': MANAGEMENT_ACCOUNT });
  });

  it('are what GetResources returns for the stack ARN, with its proton:* tags', () => {
    const stack = environmentStack({ exports: [], tags: PROTECT });
    const sandbox = sandboxOf({ stacks: [stack] });
    const id = stackIdOf(sandbox, stack.name);

    expect(taggingView(sandbox, [id]).get(id)).toEqual(stackTags(sandbox, stack.name));
  });

  it('make a stack without proton:* tags visible to GetResources', () => {
    const stack = environmentStack({ exports: [], protonTags: 'resources', tags: PROTECT });
    const sandbox = sandboxOf({ stacks: [stack] });
    const id = stackIdOf(sandbox, stack.name);

    expect(taggingView(sandbox, [id]).get(id)).toEqual(PROTECT);
  });

  it('a stack with no tags at all is not returned by GetResources', () => {
    const stack = environmentStack({ exports: [], protonTags: 'none' });
    const sandbox = sandboxOf({ stacks: [stack] });

    expect(taggingView(sandbox, [stackIdOf(sandbox, stack.name)]).size).toBe(0);
  });

  it("are not copied onto the stack's resources", () => {
    const stack = environmentStack({ exports: [], tags: PROTECT });
    const sandbox = sandboxOf({ stacks: [stack] });
    const vpc = resourceArnOf(sandbox, stack.name, 'Vpc');

    expect(Object.keys(taggingView(sandbox, [vpc]).get(vpc) ?? {})).not.toContain('proton-cleanup:protect');
  });
});

describe('customer tags on a stack resource', () => {
  it("are merged into what GetResources returns for it, with the stack's aws:cloudformation:* and proton:* tags", () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders', tags: PROTECT }] });
    const sandbox = sandboxOf({ stacks: [stack] });
    const queue = resourceArnOf(sandbox, stack.name, 'Queue');

    expect(taggingView(sandbox, [queue]).get(queue)).toEqual({
      ...PROTECT,
      'proton:environment': envArn(ENVIRONMENT),
      'proton:account': MANAGEMENT_ACCOUNT,
      'aws:cloudformation:stack-name': stack.name,
      'aws:cloudformation:stack-id': stackIdOf(sandbox, stack.name),
      'aws:cloudformation:logical-id': 'Queue',
    });
  });

  it('are not returned for a resource that is not taggable', () => {
    const stack = environmentStack({
      exports: [],
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders', tags: PROTECT, taggable: false }],
    });
    const sandbox = sandboxOf({ stacks: [stack] });

    expect(taggingView(sandbox, [resourceArnOf(sandbox, stack.name, 'Queue')]).size).toBe(0);
  });

  it("are not in the stack's DescribeStacks Tags", () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders', tags: PROTECT }] });
    const sandbox = sandboxOf({ stacks: [stack] });

    expect(Object.keys(stackTags(sandbox, stack.name))).not.toContain('proton-cleanup:protect');
  });

  it('match a TagFilters query on their key', () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders', tags: PROTECT }] });
    const sandbox = sandboxOf({ stacks: [stack], timing: UNTIMED });
    const { output } = send(sandbox, 'tagging:GetResources', { TagFilters: [{ Key: 'proton-cleanup:protect' }] });

    expect((output as { ResourceTagMappingList: { ResourceARN: string }[] }).ResourceTagMappingList.map((r) => r.ResourceARN)).toEqual([
      resourceArnOf(sandbox, stack.name, 'Queue'),
    ]);
  });
});

describe('a stack resource tagged for another environment (mixed ownership)', () => {
  const mixed = (protonTags: 'both' | 'stack' | 'none', resource: Record<string, unknown> = {}) =>
    environmentStack({
      exports: [],
      protonTags,
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders', environment: OTHER_ENVIRONMENT, ...resource }],
    });

  it.each(['both', 'stack', 'none'] as const)('carries proton:environment and proton:account of that environment (stack protonTags %s)', (protonTags) => {
    const stack = mixed(protonTags);
    const sandbox = sandboxOf({ stacks: [stack] });
    const queue = resourceArnOf(sandbox, stack.name, 'Queue');

    expect(taggingView(sandbox, [queue]).get(queue)).toMatchObject({ 'proton:environment': envArn(OTHER_ENVIRONMENT), 'proton:account': MANAGEMENT_ACCOUNT });
  });

  it('names its own management account when it gives one', () => {
    const stack = mixed('both', { managementAccountId: '999988887777' });
    const sandbox = sandboxOf({ stacks: [stack] });
    const queue = resourceArnOf(sandbox, stack.name, 'Queue');

    expect(taggingView(sandbox, [queue]).get(queue)).toMatchObject({
      'proton:environment': envArn(OTHER_ENVIRONMENT, '999988887777'),
      'proton:account': '999988887777',
    });
  });

  it('leaves the stack itself tagged for its own environment', () => {
    const stack = mixed('both');
    const sandbox = sandboxOf({ stacks: [stack] });

    expect(stackTags(sandbox, stack.name)['proton:environment']).toBe(envArn(ENVIRONMENT));
  });
});
