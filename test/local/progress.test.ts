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
