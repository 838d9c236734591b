import { describe, expect, it } from 'vitest';
import { environmentStack } from '../helpers/scenarios.js';
import { deleteStack, describeStack, listStacks, sandboxOf, send, stackIdOf, statusOf } from './fixtures.js';

/**
 * The statuses a scenario's stack can start in, and what DeleteStack does from each: a stack
 * whose creation or update rolled back can be deleted like any other; DELETE_IN_PROGRESS means
 * someone else's deletion is under way.
 */
const SECOND = 1_000;

describe('deleting a stack whose creation or update rolled back', () => {
  it.each(['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'UPDATE_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE'] as const)(
    'a %s stack deletes like a CREATE_COMPLETE one',
    (status) => {
      const stack = environmentStack({ exports: [], status, deleteSeconds: 30 });
      const sandbox = sandboxOf({ stacks: [stack] });
      const started = deleteStack(sandbox, stack.name);
      expect(statusOf(sandbox, stack.name)).toBe('DELETE_IN_PROGRESS');

      sandbox.clock.advanceTo(started + 30 * SECOND);
      expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
    },
  );
});

describe('a stack DELETE_IN_PROGRESS when the sandbox opens', () => {
  it('is listed DELETE_IN_PROGRESS, and settles DELETE_COMPLETE deleteSeconds after the sandbox opened', () => {
    const stack = environmentStack({ exports: [], status: 'DELETE_IN_PROGRESS', deleteSeconds: 120 });
    const sandbox = sandboxOf({ stacks: [stack] });
    expect(listStacks(sandbox, ['DELETE_IN_PROGRESS']).summaries.map((s) => s.StackName)).toEqual([stack.name]);

    sandbox.clock.advanceTo(sandbox.openedAt + 120 * SECOND - 1);
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_IN_PROGRESS');
    sandbox.clock.advanceTo(sandbox.openedAt + 120 * SECOND);
    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });

  it('answers DeleteStack with success and no second deletion: its first due time holds', () => {
    const stack = environmentStack({ exports: [], status: 'DELETE_IN_PROGRESS', deleteSeconds: 120 });
    const sandbox = sandboxOf({ stacks: [stack] });
    sandbox.clock.advanceTo(sandbox.openedAt + 60 * SECOND);

    expect(send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, stack.name) }).error).toBeUndefined();
    sandbox.clock.advanceTo(sandbox.openedAt + 120 * SECOND);
    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
    expect(sandbox.account.stackByName(stack.name)?.events.filter((e) => e.status === 'DELETE_IN_PROGRESS')).toHaveLength(1);
  });

  it('can fail like any deletion: an undeletable resource leaves it DELETE_FAILED', () => {
    const stack = environmentStack({
      exports: [],
      status: 'DELETE_IN_PROGRESS',
      deleteSeconds: 10,
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'stuck', failsToDelete: 'in use' }],
    });
    const sandbox = sandboxOf({ stacks: [stack] });
    sandbox.clock.advanceTo(sandbox.openedAt + 10 * SECOND);

    expect(describeStack(sandbox, stack.name)).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'The following resource(s) failed to delete: [Queue].',
    });
  });
});
