import { describe, expect, it } from 'vitest';
import { CONNECTION_ID, ENVIRONMENT, environmentStack, serviceInstanceStack, standaloneResource } from '../helpers/scenarios.js';
import { resourceArnOf, sandboxOf, send, stackIdOf, stackTags, statusOf, taggingView } from './fixtures.js';

/**
 * A scenario's `changes`: what others do in the account while a run goes on, each at its `at`
 * seconds after the sandbox opened, applied before the first call answered once it is due.
 */
const NEW_ID = '11111111-2222-4333-8444-555555555555';
const PROTECT = { 'proton-cleanup:protect': 'true' };

type ChangeInput = Record<string, unknown> & { at: number };
const stack = () =>
  environmentStack({ name: 'Env', exports: [], deleteSeconds: 60, resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'orders' }] });
const withChanges = (changes: ChangeInput[], overrides: Record<string, unknown> = {}) =>
  sandboxOf({ stacks: [stack()], standaloneResources: [standaloneResource('AWS::S3::Bucket', 'left-over')], changes: changes as never, ...overrides });
const listConnections = (sandbox: ReturnType<typeof sandboxOf>) =>
  (
    send(sandbox, 'proton:ListEnvironmentAccountConnections', { requestedBy: 'ENVIRONMENT_ACCOUNT' }).output as {
      environmentAccountConnections: { id: string; status: string }[];
    }
  ).environmentAccountConnections;

describe('a change comes due on the sandbox clock', () => {
  it('is not applied before its time', () => {
    const sandbox = withChanges([{ at: 30, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    sandbox.clock.advanceTo(sandbox.instantOf(30) - 1);

    expect(stackTags(sandbox, 'Env')).not.toHaveProperty('proton-cleanup:protect');
  });

  it('is applied before the first call answered at or after its time, whatever the call', () => {
    const sandbox = withChanges([{ at: 30, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    sandbox.clock.advanceTo(sandbox.instantOf(30));
    send(sandbox, 'proton:ListEnvironmentAccountConnections', { requestedBy: 'ENVIRONMENT_ACCOUNT' });

    expect(sandbox.account.stackByName('Env')?.tags).toMatchObject(PROTECT);
  });

  it('is recorded with the instant it came due, in time order, ties in scenario order', () => {
    const changes = [
      { at: 20, action: 'tag', target: { stack: 'Env' }, tags: { second: '1' } },
      { at: 10, action: 'tag', target: { stack: 'Env' }, tags: { first: '1' } },
      { at: 20, action: 'tag', target: { stack: 'Env' }, tags: { third: '1' } },
    ];
    const sandbox = withChanges(changes);
    sandbox.advanceTo(sandbox.instantOf(60));

    expect(sandbox.appliedChanges.map((a) => [Object.keys((a.change as { tags: object }).tags)[0], a.at])).toEqual([
      ['first', sandbox.instantOf(10)],
      ['second', sandbox.instantOf(20)],
      ['third', sandbox.instantOf(20)],
    ]);
  });

  it('applies changes in time order: the later of two tags on the same key wins', () => {
    const sandbox = withChanges([
      { at: 20, action: 'tag', target: { stack: 'Env' }, tags: { owner: 'later' } },
      { at: 10, action: 'tag', target: { stack: 'Env' }, tags: { owner: 'earlier' } },
    ]);
    sandbox.advanceTo(sandbox.instantOf(60));

    expect(stackTags(sandbox, 'Env').owner).toBe('later');
  });

  it('advanceTo applies changes up to the instant given, and no further', () => {
    const sandbox = withChanges([
      { at: 10, action: 'tag', target: { stack: 'Env' }, tags: { a: '1' } },
      { at: 50, action: 'tag', target: { stack: 'Env' }, tags: { b: '1' } },
    ]);
    sandbox.advanceTo(sandbox.instantOf(10));

    expect(sandbox.appliedChanges).toHaveLength(1);
  });
});

describe('changes interleave with stack deletions in time order', () => {
  it('termination protection switched on before a deletion started makes DeleteStack fail', () => {
    const sandbox = withChanges([{ at: 5, action: 'termination-protection', stack: 'Env', enabled: true }]);
    sandbox.clock.advanceTo(sandbox.instantOf(5));

    expect(send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Env') }).error).toBe('ValidationError');
  });

  it('a deletion due before a change settles before it: an importer gone at 60 s frees the export, though it is re-tagged at 90 s', () => {
    const env = environmentStack({ name: 'Exporter', deleteSeconds: 120 });
    const api = serviceInstanceStack('api', { name: 'Importer', deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [env, api], changes: [{ at: 90, action: 'tag', target: { stack: 'Importer' }, tags: PROTECT }] });
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Importer') });
    sandbox.advanceTo(sandbox.instantOf(60));
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Exporter') });
    sandbox.advanceTo(sandbox.instantOf(3_600));

    expect(statusOf(sandbox, stackIdOf(sandbox, 'Exporter'))).toBe('DELETE_COMPLETE');
    expect(sandbox.appliedChanges[0]?.skipped).toMatch(/no longer exists/);
  });

  it('at the same instant, the deletion settles first: a tag due when its stack completes finds it gone', () => {
    const sandbox = withChanges([{ at: 60, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    sandbox.clock.advanceTo(sandbox.openedAt);
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Env') });
    sandbox.advanceTo(sandbox.instantOf(3_600));

    expect(sandbox.appliedChanges[0]?.skipped).toBe('stack Env no longer exists');
  });

  it('a change due before a deletion settles is seen by it: a stack deleted at 60 s after a tag at 30 s had the tag', () => {
    const sandbox = withChanges([{ at: 30, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Env') });
    sandbox.advanceTo(sandbox.instantOf(3_600));

    expect(sandbox.appliedChanges).toEqual([expect.objectContaining({ at: sandbox.instantOf(30) })]);
    expect(sandbox.appliedChanges[0]).not.toHaveProperty('skipped');
  });
});

describe('tag and untag changes', () => {
  it('tagging a stack shows in DescribeStacks and in GetResources for its ARN', () => {
    const sandbox = withChanges([{ at: 1, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    sandbox.advanceTo(sandbox.instantOf(1));
    const id = stackIdOf(sandbox, 'Env');

    expect(stackTags(sandbox, 'Env')).toMatchObject(PROTECT);
    expect(taggingView(sandbox, [id]).get(id)).toMatchObject(PROTECT);
  });

  it('tagging a stack that had no tags makes GetResources return it', () => {
    const sandbox = withChanges([{ at: 1, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }], { stacks: [{ ...stack(), protonTags: 'none' }] });
    sandbox.advanceTo(sandbox.instantOf(1));
    const id = stackIdOf(sandbox, 'Env');

    expect(taggingView(sandbox, [id]).get(id)).toEqual(PROTECT);
  });

  it("untagging a stack's proton:environment removes it from both views", () => {
    const sandbox = withChanges([{ at: 1, action: 'untag', target: { stack: 'Env' }, keys: ['proton:environment'] }]);
    sandbox.advanceTo(sandbox.instantOf(1));
    const id = stackIdOf(sandbox, 'Env');

    expect(stackTags(sandbox, 'Env')).not.toHaveProperty('proton:environment');
    expect(taggingView(sandbox, [id]).get(id)).not.toHaveProperty('proton:environment');
  });

  it('a resource whose last tag is removed is still returned by GetResources, with no tags', () => {
    const sandbox = withChanges([{ at: 1, action: 'untag', target: { standalone: 'left-over' }, keys: ['proton:environment', 'proton:account'] }]);
    sandbox.advanceTo(sandbox.instantOf(1));
    const bucket = sandbox.account.resourceNamed('AWS::S3::Bucket', 'left-over')!.arn;

    expect(taggingView(sandbox, [bucket]).get(bucket)).toEqual({});
  });

  it('tagging a stack resource changes what GetResources returns for it, not the stack', () => {
    const sandbox = withChanges([
      {
        at: 1,
        action: 'tag',
        target: { stack: 'Env', logicalId: 'Queue' },
        tags: { 'proton:environment': 'arn:aws:proton:us-east-1:444455556666:environment/other' },
      },
    ]);
    sandbox.advanceTo(sandbox.instantOf(1));
    const queue = resourceArnOf(sandbox, 'Env', 'Queue');

    expect(taggingView(sandbox, [queue]).get(queue)?.['proton:environment']).toMatch(/environment\/other$/);
    expect(stackTags(sandbox, 'Env')['proton:environment']).toMatch(new RegExp(`environment/${ENVIRONMENT}$`));
  });

  it('tagging a stand-alone resource changes what GetResources returns for it', () => {
    const sandbox = withChanges([{ at: 1, action: 'tag', target: { standalone: 'left-over' }, tags: PROTECT }]);
    sandbox.advanceTo(sandbox.instantOf(1));
    const bucket = sandbox.account.resourceNamed('AWS::S3::Bucket', 'left-over')!.arn;

    expect(taggingView(sandbox, [bucket]).get(bucket)).toMatchObject(PROTECT);
  });

  it('a change to a stack deleted meanwhile does nothing, and its record says why', () => {
    const sandbox = withChanges([{ at: 120, action: 'tag', target: { stack: 'Env' }, tags: PROTECT }]);
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, 'Env') });
    sandbox.advanceTo(sandbox.instantOf(120));

    expect(sandbox.appliedChanges[0]?.skipped).toBe('stack Env no longer exists');
  });
});

describe('connection changes', () => {
  it('create-connection adds the connection and the roles it names', () => {
    const sandbox = withChanges([
      { at: 1, action: 'create-connection', connection: { id: NEW_ID, environmentName: ENVIRONMENT, roleName: 'NewRole', status: 'PENDING' } },
    ]);
    sandbox.advanceTo(sandbox.instantOf(1));

    expect(listConnections(sandbox)).toContainEqual(expect.objectContaining({ id: NEW_ID, status: 'PENDING' }));
    expect(sandbox.account.roles.has('NewRole')).toBe(true);
  });

  it('delete-connection removes it: Proton answers ResourceNotFoundException for it', () => {
    const sandbox = withChanges([{ at: 1, action: 'delete-connection', id: CONNECTION_ID }]);
    sandbox.advanceTo(sandbox.instantOf(1));

    expect(send(sandbox, 'proton:GetEnvironmentAccountConnection', { id: CONNECTION_ID }).error).toBe('ResourceNotFoundException');
  });

  it('connection-status changes the status Proton reports', () => {
    const sandbox = withChanges([{ at: 1, action: 'connection-status', id: CONNECTION_ID, status: 'REJECTED' }]);
    sandbox.advanceTo(sandbox.instantOf(1));

    expect(listConnections(sandbox)).toContainEqual(expect.objectContaining({ id: CONNECTION_ID, status: 'REJECTED' }));
  });
});
