import { describe, expect, it } from 'vitest';
import { CONNECTION_ID, environmentStack, standaloneResource } from '../helpers/scenarios.js';
import { loadScenario } from './fixtures.js';

/**
 * A scenario that names something it does not hold is refused when it is loaded, with the path
 * of the field and what is wrong: a nested stack's parent, a change's target or connection.
 */
const UNKNOWN_ID = '11111111-2222-4333-8444-555555555555';

function issueAt(result: ReturnType<typeof loadScenario>, path: string): string | undefined {
  return result.ok ? undefined : result.issues.find((i) => i.path === path)?.message;
}

describe('loading a scenario with nested stacks', () => {
  it('refuses a parent no stack of the scenario is named', () => {
    const result = loadScenario({ stacks: [environmentStack({ name: 'Child', parent: 'Missing' })] });
    expect(issueAt(result, 'stacks.0.parent')).toMatch(/Missing.*no stack/);
  });

  it('refuses nested stacks that form a cycle, naming it', () => {
    const result = loadScenario({
      stacks: [environmentStack({ name: 'A', parent: 'B', exports: [] }), environmentStack({ name: 'B', parent: 'A', exports: [] })],
    });
    expect(issueAt(result, 'stacks.0.parent')).toMatch(/cycle: A → B → A/);
  });

  it('refuses a stack that is its own parent', () => {
    expect(issueAt(loadScenario({ stacks: [environmentStack({ name: 'A', parent: 'A' })] }), 'stacks.0.parent')).toMatch(/cycle/);
  });

  it('accepts a nested stack listed before its parent', () => {
    expect(
      loadScenario({ stacks: [environmentStack({ name: 'Child', parent: 'Root', exports: [] }), environmentStack({ name: 'Root', exports: [] })] }),
    ).toEqual({ ok: true });
  });
});

describe('loading a scenario with customer tags', () => {
  it.each(['proton:environment', 'aws:cloudformation:stack-name'])("refuses the key %s among a stack's customer tags", (key) => {
    expect(issueAt(loadScenario({ stacks: [environmentStack({ tags: { [key]: 'x' } })] }), `stacks.0.tags.${key}`)).toMatch(/set by the sandbox/);
  });

  it('refuses managementAccountId on a resource without environment', () => {
    const stack = environmentStack({ resources: [{ logicalId: 'Q', type: 'AWS::SQS::Queue', name: 'q', managementAccountId: '999988887777' }] });
    expect(issueAt(loadScenario({ stacks: [stack] }), 'stacks.0.resources.0.managementAccountId')).toMatch(/needs environment/);
  });
});

describe('loading a scenario with changes', () => {
  const stack = environmentStack({
    name: 'Env',
    exports: [],
    resources: [
      { logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'q' },
      { logicalId: 'Hidden', type: 'AWS::SQS::Queue', name: 'h', taggable: false },
    ],
  });
  const load = (change: Record<string, unknown>) =>
    loadScenario({ stacks: [stack], standaloneResources: [standaloneResource('AWS::S3::Bucket', 'left-over')], changes: [change as never] });

  it.each([
    ['a stack', { at: 1, action: 'tag', target: { stack: 'Nope' }, tags: { a: 'b' } }, 'changes.0.target.stack'],
    ['a resource of a stack', { at: 1, action: 'untag', target: { stack: 'Env', logicalId: 'Nope' }, keys: ['a'] }, 'changes.0.target.logicalId'],
    ['a stand-alone resource', { at: 1, action: 'tag', target: { standalone: 'nope' }, tags: { a: 'b' } }, 'changes.0.target.standalone'],
    ['a stack for termination protection', { at: 1, action: 'termination-protection', stack: 'Nope', enabled: true }, 'changes.0.stack'],
    ['a connection to delete', { at: 1, action: 'delete-connection', id: UNKNOWN_ID }, 'changes.0.id'],
    ['a connection whose status changes', { at: 1, action: 'connection-status', id: UNKNOWN_ID, status: 'REJECTED' }, 'changes.0.id'],
  ])('refuses a change naming %s that does not exist', (_what, change, path) => {
    expect(issueAt(load(change), path)).toBeDefined();
  });

  it('refuses tagging a resource that is not taggable', () => {
    expect(issueAt(load({ at: 1, action: 'tag', target: { stack: 'Env', logicalId: 'Hidden' }, tags: { a: 'b' } }), 'changes.0.target.logicalId')).toMatch(
      /not taggable/,
    );
  });

  it('refuses a change to an aws: tag, a prefix AWS reserves', () => {
    expect(issueAt(load({ at: 1, action: 'untag', target: { stack: 'Env' }, keys: ['aws:cloudformation:stack-name'] }), 'changes.0.keys')).toMatch(/reserved/);
  });

  it('refuses creating a connection that already exists at that moment', () => {
    const result = load({ at: 1, action: 'create-connection', connection: { id: CONNECTION_ID, environmentName: 'x', roleName: 'r' } });
    expect(issueAt(result, 'changes.0.connection.id')).toMatch(/already exists/);
  });

  it('accepts acting on a connection an earlier change creates, and refuses it before', () => {
    const create = { at: 10, action: 'create-connection', connection: { id: UNKNOWN_ID, environmentName: 'x', roleName: 'r' } };
    const withStatus = (at: number) => loadScenario({ changes: [create, { at, action: 'connection-status', id: UNKNOWN_ID, status: 'REJECTED' }] as never });

    expect(withStatus(20)).toEqual({ ok: true });
    expect(issueAt(withStatus(5), 'changes.1.id')).toMatch(/no connection/);
  });
});
