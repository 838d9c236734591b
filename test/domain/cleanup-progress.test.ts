import { describe, expect, it } from 'vitest';
import {
  type CleanupProgress,
  countProgress,
  endWithoutFinishing,
  freeWeight,
  holdBackDependents,
  isCleanupDone,
  judgeImporters,
  retainPending,
  stackResults,
  stacksToStart,
  stampTimes,
  startProgress,
  type TrackedOutcome,
  type TrackedStack,
} from '../../functions/domain/cleanup-progress.js';
import type { Phase } from '../../functions/domain/inventory.js';
import { connectionFacts, stackEntry, stackIdOf } from '../helpers/domain-fixtures.js';

function tracked(name: string, phase: Phase, outcome: TrackedOutcome = 'pending', overrides: Partial<TrackedStack> = {}): TrackedStack {
  return { stackId: stackIdOf(name), phase, outcome, polls: 0, nestedStackIds: [], hasExports: false, weight: 1, ...overrides };
}

const progressOf = (...stacks: TrackedStack[]): CleanupProgress => ({ version: 1, round: 0, stacks, keptByInventory: [] });
const names = (stacks: readonly TrackedStack[]) => stacks.map((s) => s.stackId.split('/')[1]);

describe('stacksToStart', () => {
  it('starts stacks in dependency order, as many as fit into the free budget', () => {
    const progress = progressOf(tracked('component-a', 'components'), tracked('component-b', 'components'), tracked('instance-a', 'service-instances'));
    expect(names(stacksToStart(progress, 2))).toEqual(['component-a', 'component-b']);
  });

  it('weighs each stack by the resources deleted with it', () => {
    const progress = progressOf(tracked('component-a', 'components', 'pending', { weight: 3 }), tracked('component-b', 'components', 'pending', { weight: 3 }));
    expect(names(stacksToStart(progress, 5))).toEqual(['component-a']);
  });

  it('counts the weight of the deletions in flight against the budget', () => {
    const progress = progressOf(
      tracked('component-a', 'components', 'deleting', { weight: 4 }),
      tracked('component-b', 'components', 'pending', { weight: 2 }),
    );
    expect(stacksToStart(progress, 5)).toEqual([]);
  });

  it('lets no stack overtake one that does not fit, so that a large stack is never starved', () => {
    const progress = progressOf(
      tracked('component-a', 'components', 'deleting', { weight: 2 }),
      tracked('component-b', 'components', 'pending', { weight: 5 }),
      tracked('component-c', 'components', 'pending', { weight: 1 }),
    );
    expect(stacksToStart(progress, 6)).toEqual([]);
  });

  it('asks each progress afresh: the stack that waited starts once the same stacks show its importer deleted', () => {
    const waiting = tracked('instance-a', 'service-instances', 'pending', { waitsFor: ['component-a'] });
    const before = progressOf(tracked('component-a', 'components', 'deleting'), waiting);
    const after = progressOf(tracked('component-a', 'components', 'deleted'), waiting);

    expect(stacksToStart(before, 10)).toEqual([]);
    expect(names(stacksToStart(after, 10))).toEqual(['instance-a']);
  });

  it('starts a stack larger than the whole budget once nothing else is deleting', () => {
    const progress = progressOf(tracked('component-a', 'components', 'pending', { weight: 9 }), tracked('component-b', 'components', 'pending'));
    expect(names(stacksToStart(progress, 5))).toEqual(['component-a']);
  });

  it('starts nothing without free budget', () => {
    const progress = progressOf(tracked('component-a', 'components', 'deleting', { weight: 5 }), tracked('component-b', 'components'));
    expect(stacksToStart(progress, 5)).toEqual([]);
  });

  it('does not hold a stack with exports back for earlier stacks that do not import from it', () => {
    const progress = progressOf(tracked('component-a', 'components', 'deleting'), tracked('instance-a', 'service-instances', 'pending', { hasExports: true }));
    expect(names(stacksToStart(progress, 10))).toEqual(['instance-a']);
  });

  it('makes a stack with exports wait while a stack importing from it (its last ListImports said) has not gone', () => {
    const progress = progressOf(
      tracked('component-a', 'components', 'deleting'),
      tracked('instance-a', 'service-instances', 'pending', { hasExports: true, waitsFor: ['component-a'] }),
    );
    expect(stacksToStart(progress, 10)).toEqual([]);
  });

  it('tries a stack with exports again once the stacks importing from it are gone', () => {
    const progress = progressOf(
      tracked('component-a', 'components', 'deleted'),
      tracked('instance-a', 'service-instances', 'pending', { hasExports: true, waitsFor: ['component-a'] }),
    );
    expect(names(stacksToStart(progress, 10))).toEqual(['instance-a']);
  });

  it("makes an environment's stack also wait for the importers its last ListImports named", () => {
    const progress = progressOf(
      tracked('instance-a', 'service-instances', 'deleted'),
      tracked('environment-b', 'environment', 'deleting'),
      tracked('environment-a', 'environment', 'pending', { hasExports: true, waitsFor: ['environment-b'] }),
    );
    expect(stacksToStart(progress, 10)).toEqual([]);
  });

  it('reads ListImports again every 10 rounds for a stack still waiting, so a hand-made change never holds it for good', () => {
    const waiting = (round: number) => ({
      ...progressOf(
        tracked('component-a', 'components', 'deleting'),
        tracked('instance-a', 'service-instances', 'pending', { hasExports: true, waitsFor: ['component-a'] }),
      ),
      round,
    });
    expect(stacksToStart(waiting(9), 10)).toEqual([]);
    expect(names(stacksToStart(waiting(10), 10))).toEqual(['instance-a']);
  });

  it("makes the environment's stacks wait for every earlier stack even without exports (they use its network by value too)", () => {
    const progress = progressOf(tracked('instance-a', 'service-instances', 'deleting'), tracked('environment', 'environment'));
    expect(stacksToStart(progress, 10)).toEqual([]);
  });

  it("starts the environment's stack once every earlier stack is deleted or already absent", () => {
    const progress = progressOf(
      tracked('component-a', 'components', 'already-absent'),
      tracked('instance-a', 'service-instances', 'deleted'),
      tracked('environment', 'environment', 'pending', { hasExports: true }),
    );
    expect(names(stacksToStart(progress, 10))).toEqual(['environment']);
  });

  it('never starts a stack that waits for one that failed', () => {
    const progress = progressOf(tracked('component-a', 'components', 'failed'), tracked('environment', 'environment'));
    expect(stacksToStart(progress, 10)).toEqual([]);
  });

  it('makes the environment stack wait for a service instance still waiting to start', () => {
    const progress = progressOf(tracked('instance-a', 'service-instances'), tracked('environment', 'environment', 'pending', { hasExports: true }));
    expect(names(stacksToStart(progress, 10))).toEqual(['instance-a']);
  });
});

describe('freeWeight', () => {
  it('counts the weight of deletions in flight, the retaining retry included, against the budget', () => {
    const progress = progressOf(
      tracked('a', 'components', 'deleting', { weight: 2 }),
      tracked('b', 'components', 'retry-retaining', { weight: 3 }),
      tracked('c', 'components', 'deleted', { weight: 4 }),
    );
    expect(freeWeight(progress, 10)).toBe(5);
  });

  it('gives back the room of a deletion a status listing showed ended, before its outcome is read', () => {
    const progress = progressOf(tracked('a', 'components', 'deleting', { weight: 2, endListedAt: 1 }), tracked('b', 'components', 'deleting', { weight: 3 }));
    expect(freeWeight(progress, 10)).toBe(7);
  });
});

describe('isCleanupDone', () => {
  it('is done when every stack has settled', () => {
    expect(isCleanupDone(progressOf(tracked('a', 'components', 'deleted'), tracked('b', 'environment', 'failed')))).toBe(true);
  });

  it('is not done while the outcome of a deletion a listing showed ended is still to be read', () => {
    expect(isCleanupDone(progressOf(tracked('a', 'components', 'deleting', { endListedAt: 1 })))).toBe(false);
  });

  it.each<TrackedOutcome>(['pending', 'starting', 'deleting', 'retry-retaining'])('is not done while a stack is %s', (outcome) => {
    expect(isCleanupDone(progressOf(tracked('a', 'components', 'deleted'), tracked('b', 'environment', outcome)))).toBe(false);
  });

  it('is done at once with no stack to delete', () => {
    expect(isCleanupDone(progressOf())).toBe(true);
  });
});

describe('countProgress', () => {
  it('counts every stack once, by outcome', () => {
    const progress = progressOf(
      tracked('a', 'components', 'pending'),
      tracked('b', 'components', 'deleting'),
      tracked('c', 'components', 'retry-retaining'),
      tracked('d', 'service-instances', 'deleted'),
      tracked('e', 'service-instances', 'already-absent'),
      tracked('f', 'service-instances', 'retained'),
      tracked('g', 'environment', 'failed'),
    );
    expect(countProgress(progress)).toEqual({ pending: 1, deleting: 2, deleted: 1, alreadyAbsent: 1, retained: 1, failed: 1 });
  });
});

describe('endWithoutFinishing', () => {
  const ended = endWithoutFinishing(
    progressOf(tracked('a', 'components', 'pending'), tracked('b', 'components', 'deleting'), tracked('c', 'environment', 'deleted')),
    1800,
  );

  it('reports a stack still deleting as failed, saying CloudFormation goes on and a re-run picks it up', () => {
    expect(ended.stacks[1]).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/still deleting.*1800 rounds.*re-run/) });
  });

  it('leaves a stack never started, saying why', () => {
    expect(ended.stacks[0]).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/not started.*re-run to continue/) });
  });

  it('keeps what had settled', () => {
    expect(ended.stacks[2]).toMatchObject({ outcome: 'deleted' });
  });
});

describe('stackResults', () => {
  it('reports a stack whose DeleteStack was being called when the run stopped like one still deleting', () => {
    expect(stackResults(progressOf(tracked('a', 'environment', 'starting')))).toMatchObject([{ outcome: 'deleting' }]);
  });

  it('hands the report every stack the cleanup touched, without the loop bookkeeping', () => {
    const progress = progressOf(tracked('a', 'components', 'pending'), tracked('b', 'environment', 'deleted', { startedAt: 1, polls: 4, hasExports: true }));
    expect(stackResults(progress)).toEqual([{ stackId: stackIdOf('b'), phase: 'environment', outcome: 'deleted', polls: 4 }]);
  });

  it('hands the report when the deletion started and settled, as ISO 8601', () => {
    const progress = progressOf(
      tracked('a', 'environment', 'deleted', { deletingSince: Date.UTC(2025, 10, 25, 10, 1), settledAt: Date.UTC(2025, 10, 25, 10, 7) }),
    );
    expect(stackResults(progress)[0]).toMatchObject({ deletionStartedAt: '2025-11-25T10:01:00.000Z', deletionEndedAt: '2025-11-25T10:07:00.000Z' });
  });
});

describe('stampTimes (the timeline)', () => {
  const now = 5_000;

  it('records a stack seen deleting from when its DeleteStack went out', () => {
    const [stack] = stampTimes(progressOf(tracked('a', 'environment', 'deleting', { startedAt: 4_000 })), now).stacks;
    expect(stack?.deletingSince).toBe(4_000);
  });

  it('keeps the first start when the stack is deleted again, keeping what failed', () => {
    const [stack] = stampTimes(progressOf(tracked('a', 'environment', 'deleting', { startedAt: 4_500, deletingSince: 1_000 })), now).stacks;
    expect(stack?.deletingSince).toBe(1_000);
  });

  it.each<TrackedOutcome>(['deleted', 'already-absent', 'retained', 'failed'])('records when a %s stack settled, once', (outcome) => {
    const once = stampTimes(progressOf(tracked('a', 'environment', outcome)), now);
    expect(stampTimes(once, now + 1_000).stacks[0]?.settledAt).toBe(now);
  });

  it.each<TrackedOutcome>(['starting', 'retry-retaining'])('does not take a %s stack for settled or deleting yet', (outcome) => {
    const [stack] = stampTimes(progressOf(tracked('a', 'environment', outcome, { startedAt: 4_000 })), now).stacks;
    expect(stack).not.toHaveProperty('settledAt');
    expect(stack).not.toHaveProperty('deletingSince');
  });

  it('hands back the very progress it was given when nothing is to be stamped', () => {
    const stamped = stampTimes(progressOf(tracked('a', 'environment', 'deleted')), now);
    expect(stampTimes(stamped, now + 1_000)).toBe(stamped);
  });

  it('forgets the start of a stack back to pending (its DeleteStack was not seen to take effect)', () => {
    const [stack] = stampTimes(progressOf(tracked('a', 'environment', 'pending', { deletingSince: 1_000 })), now).stacks;
    expect(stack).not.toHaveProperty('deletingSince');
  });
});

describe('holdBackDependents', () => {
  it('retains a stack that waits for one that failed, naming it and its error, and saying to re-run after fixing it', () => {
    const progress = holdBackDependents(
      progressOf(tracked('component-a', 'components', 'failed', { reason: 'DELETE_FAILED: Bucket not empty' }), tracked('environment', 'environment')),
    );
    expect(progress.stacks[1]).toMatchObject({
      outcome: 'retained',
      reason: expect.stringMatching(/^not started: waits for component-a \(failed: DELETE_FAILED: Bucket not empty\); re-run after fixing it/),
    });
  });

  it('retains a stack that waits for one that timed out (reported failed, still deleting)', () => {
    const progress = holdBackDependents(
      progressOf(
        tracked('instance-a', 'service-instances', 'failed', { reason: 'still DELETE_IN_PROGRESS after 60 minutes' }),
        tracked('environment', 'environment', 'pending', { hasExports: true }),
      ),
    );
    expect(progress.stacks[1]).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('waits for instance-a (failed: still DELETE_IN_PROGRESS'),
    });
  });

  it('retains a stack with exports whose importer (as its last ListImports said) the re-check kept', () => {
    const progress = holdBackDependents(
      progressOf(
        tracked('component-a', 'components', 'retained', { reason: 'protected' }),
        tracked('instance-a', 'service-instances', 'pending', { hasExports: true, waitsFor: ['component-a'] }),
      ),
    );
    expect(progress.stacks[1]?.outcome).toBe('retained');
  });

  it('does not retain a stack with exports for a kept stack that does not import from it', () => {
    const progress = holdBackDependents(
      progressOf(
        tracked('component-a', 'components', 'retained', { reason: 'protected' }),
        tracked('instance-a', 'service-instances', 'pending', { hasExports: true }),
      ),
    );
    expect(progress.stacks[1]?.outcome).toBe('pending');
  });

  it('retains a stack that waits for one the inventory kept (termination protection, mixed ownership…)', () => {
    const progress = holdBackDependents({
      ...progressOf(tracked('environment', 'environment')),
      keptByInventory: [{ stackId: stackIdOf('component-kept'), phase: 'components', reason: 'termination protection is on' }],
    });
    expect(progress.stacks[0]).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('waits for component-kept (retained: termination protection is on)'),
    });
  });

  it('leaves alone a stack without exports, which waits for nothing', () => {
    const progress = holdBackDependents(progressOf(tracked('component-a', 'components', 'failed'), tracked('instance-a', 'service-instances')));
    expect(progress.stacks[1]?.outcome).toBe('pending');
  });

  it('leaves alone a stack whose predecessors are still deleting: it waits', () => {
    const progress = holdBackDependents(progressOf(tracked('component-a', 'components', 'deleting'), tracked('environment', 'environment')));
    expect(progress.stacks[1]?.outcome).toBe('pending');
  });
});

describe('retainPending', () => {
  it('retains every stack not yet started with the reason, leaves those deleting, and records why', () => {
    const progress = retainPending(
      progressOf(tracked('component-a', 'components', 'deleting'), tracked('environment', 'environment')),
      'served by connection B',
    );
    expect(progress.stacks.map((s) => s.outcome)).toEqual(['deleting', 'retained']);
    expect(progress.heldBack).toBe('served by connection B');
  });
});

describe('startProgress', () => {
  it('keeps the owned stacks the inventory retained, for the stacks that wait for them', () => {
    const inventory = {
      version: 1 as const,
      takenAt: 'now',
      connection: connectionFacts(),
      otherEnvironmentStacks: 0,
      resources: [stackEntry('component-kept', 'components', { action: 'retain', reason: 'protected' }), stackEntry('environment', 'environment')],
    };
    expect(startProgress(inventory).keptByInventory).toEqual([{ stackId: stackIdOf('component-kept'), phase: 'components', reason: 'protected' }]);
  });
});

describe("judgeImporters (who imports a stack's exports, read right before its DeleteStack)", () => {
  const exporter = tracked('environment', 'environment', 'starting', {
    hasExports: true,
    exports: ['VpcId'],
    nestedStackIds: [stackIdOf('environment-Network')],
  });
  const importer = (stackName: string) => ({ exportName: 'VpcId', stackName });

  it('lets it start when nothing imports its exports, or only its own nested stacks', () => {
    expect(judgeImporters(exporter, [], progressOf(exporter))).toEqual({ verdict: 'start' });
    expect(judgeImporters(exporter, [importer('environment-Network')], progressOf(exporter))).toEqual({ verdict: 'start' });
  });

  it('makes it wait for the root stack this run deletes when the importer ListImports names is one of its nested stacks', () => {
    const component = tracked('component-a', 'components', 'deleting', { nestedStackIds: [stackIdOf('component-a-Nested')] });
    expect(judgeImporters(exporter, [importer('component-a-Nested')], progressOf(component, exporter))).toEqual({ verdict: 'wait', on: ['component-a'] });
  });

  it("judges by the stacks' outcomes in the progress it is given, not in an earlier one of the same stacks", () => {
    const deleting = progressOf(tracked('instance-a', 'service-instances', 'deleting'), exporter);
    const failed = progressOf(tracked('instance-a', 'service-instances', 'failed', { reason: 'DELETE_FAILED' }), exporter);

    expect(judgeImporters(exporter, [importer('instance-a')], deleting)).toEqual({ verdict: 'wait', on: ['instance-a'] });
    expect(judgeImporters(exporter, [importer('instance-a')], failed)).toMatchObject({ verdict: 'hold' });
  });

  it('makes it wait while a stack this run deletes (pending or deleting) still imports one', () => {
    const progress = progressOf(tracked('instance-a', 'environment', 'deleting'), exporter);
    expect(judgeImporters(exporter, [importer('instance-a')], progress)).toEqual({ verdict: 'wait', on: ['instance-a'] });
  });

  it('holds it back when a stack this run does not delete imports one, naming the stack and the export', () => {
    expect(judgeImporters(exporter, [importer('someone-elses-stack')], progressOf(exporter))).toEqual({
      verdict: 'hold',
      reason: expect.stringMatching(/^not started: stack someone-elses-stack imports its export VpcId \(this run does not delete it\); re-run after fixing it/),
    });
  });

  it('holds it back when the importer failed to delete', () => {
    const progress = progressOf(tracked('instance-a', 'service-instances', 'failed', { reason: 'DELETE_FAILED' }), exporter);
    expect(judgeImporters(exporter, [importer('instance-a')], progress)).toMatchObject({
      verdict: 'hold',
      reason: expect.stringContaining('(failed: DELETE_FAILED)'),
    });
  });
});
