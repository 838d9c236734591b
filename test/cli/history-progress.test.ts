import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { HistoryReader } from '../../cli/history-progress.js';
import { ProgressPrinter } from '../../local/progress.js';
import { type ExecutionEvent, runWorkflow, stateMachineArn } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';

/**
 * `watch` prints the local run's progress lines from an execution's history: the sandbox records a
 * local run's history as Step Functions does (local/execution-history.ts), and the CLI reads it
 * back (cli/history-progress.ts). For every shipped scenario, the lines read from the history are
 * the lines the run printed as it went.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const scenarios = readdirSync(path.join(root, 'scenarios')).filter((f) => f.endsWith('.json'));

function linesOf(events: readonly ExecutionEvent[]): string[] {
  const lines: string[] = [];
  const printer = new ProgressPrinter((line) => lines.push(line));
  for (const event of events) printer.onEvent(event);
  return lines;
}

const at = new Date('2026-12-01T10:00:00Z');

describe('progress read from the execution history', () => {
  it.each(scenarios)('%s: the same lines as the local run printed', async (file) => {
    const scenario = JSON.parse(readFileSync(path.join(root, 'scenarios', file), 'utf8')) as ScenarioInput;
    const live: ExecutionEvent[] = [];
    const result = await runWorkflow(scenario, { executionName: `history-${file.replace('.json', '')}`, onEvent: (e) => live.push(e) });
    const executionArn = `${stateMachineArn(result.sandbox.scenario).replace(':stateMachine:', ':execution:')}:${result.executionName}`;

    const reader = new HistoryReader();
    const read: ExecutionEvent[] = [];
    // Page by page, as GetExecutionHistory answers (a long cleanup has more than a page of events).
    for (let nextToken: string | undefined, first = true; first || nextToken; first = false) {
      const page = result.sandbox.answer('SFNClient', 'GetExecutionHistoryCommand', { executionArn, ...(nextToken ? { nextToken } : {}) }) as {
        events: HistoryEvent[];
        nextToken?: string;
      };
      read.push(...reader.read(page.events));
      nextToken = page.nextToken;
    }

    expect(linesOf(read)).toEqual(linesOf(live));
    expect(linesOf(live).length).toBeGreaterThan(3);
  });

  it('a failure that is not retried and a state that exits after it is a caught error', () => {
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, timestamp: at, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'Inventory' } },
      { id: 2, previousEventId: 1, timestamp: at, type: 'LambdaFunctionScheduled' },
      { id: 3, previousEventId: 2, timestamp: at, type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: 'AccessDenied', cause: 'no' } },
      { id: 4, previousEventId: 3, timestamp: at, type: 'TaskStateExited', stateExitedEventDetails: { name: 'Inventory', output: '{}' } },
    ];

    expect(linesOf(new HistoryReader().read(events))).toEqual([`  ✗ ${'Inventory'.padEnd(24)} AccessDenied: no`]);
  });

  it('reads each event once, however many times the history is read (watch looks again and again)', () => {
    const reader = new HistoryReader();
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, timestamp: at, type: 'PassStateEntered', stateEnteredEventDetails: { name: 'WriteReport' } },
      {
        id: 2,
        previousEventId: 1,
        timestamp: at,
        type: 'PassStateExited',
        stateExitedEventDetails: { name: 'WriteReport', output: '{"report":{"uri":"s3://b/r.json"}}' },
      },
    ];

    expect(reader.read(events)).toHaveLength(1);
    expect(reader.read(events)).toHaveLength(0);
  });

  it('an execution that failed ends with its error', () => {
    const events: HistoryEvent[] = [
      { id: 1, previousEventId: 0, timestamp: at, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime', cause: 'bad path' } },
    ];

    expect(linesOf(new HistoryReader().read(events))).toEqual(['  ✗ execution failed: States.Runtime: bad path']);
  });
});
