import { describe, expect, it } from 'vitest';
import { ProgressPrinter } from '../../local/progress.js';

/** The local run's progress lines, from aws-local-stepfunctions' execution events. */
function printed(events: { type: string; state?: { name: string; type: string; output?: unknown }; Error?: string; Cause?: unknown }[]): string[] {
  const lines: string[] = [];
  const printer = new ProgressPrinter((line) => lines.push(line));
  for (const event of events) printer.onEvent({ timestamp: 0, ...event });
  return lines;
}

describe('ProgressPrinter', () => {
  const state = { name: 'CheckForRunningCleanup', type: 'Task', output: { concurrency: { runningCleanup: null } } };

  it('prints a caught failure once, as a failure, and no success line for the same state', () => {
    const lines = printed([
      { type: 'StateFailed', state, Error: 'AccessDenied', Cause: 'denied' },
      { type: 'StateCaught', state },
      { type: 'StateExited', state },
    ]);

    expect(lines).toEqual([expect.stringMatching(/^ {2}✗ CheckForRunningCleanup +AccessDenied: denied/)]);
  });

  it('prints a success line for a state that exits normally', () => {
    expect(printed([{ type: 'StateExited', state }])).toEqual([expect.stringMatching(/^ {2}✓ CheckForRunningCleanup /)]);
  });
});

describe('the DeleteConnection line', () => {
  const deleteConnection = (deletion: Record<string, unknown>) => ({ name: 'DeleteConnection', type: 'Task', output: { deletion } });

  it('counts the attempts of a connection deleted', () => {
    expect(printed([{ type: 'StateExited', state: deleteConnection({ outcome: 'deleted', attempts: 2 }) }])).toEqual([
      expect.stringMatching(/DeleteConnection +deleted after 2 attempt\(s\)$/),
    ]);
  });

  it('says why Proton was not called, not "after 0 attempts"', () => {
    const skipped = { outcome: 'unreachable', attempts: 0, reason: 'protonApi=retired: this deployment never calls Proton, by choice; the cleanup went on' };
    expect(printed([{ type: 'StateExited', state: deleteConnection(skipped) }])).toEqual([
      expect.stringMatching(/DeleteConnection +unreachable, not called: protonApi=retired$/),
    ]);
  });
});
