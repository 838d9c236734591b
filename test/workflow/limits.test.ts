import { describe, expect, it } from 'vitest';
import { ExecutionMeter } from '../../bench/execution-model.js';
import { emptyingCallsAllowed, HISTORY_LIMIT } from '../../functions/domain/history-budget.js';
import { consoleInput, environmentStack, fault, scenario, standaloneResource } from '../helpers/scenarios.js';

/**
 * Issue 10: history and payload limits by construction. Step Functions keeps at most 25,000
 * history events per execution and 262,144 bytes per state input or output, and neither
 * States.DataLimitExceeded nor the history limit can be caught (Step Functions developer guide,
 * quotas). The worst case of each, run on the real ASL, measured as bench/execution-model.ts
 * models AWS's history (per state Entered/Exited, per Lambda attempt Scheduled/Started/ended,
 * per Map iteration Started/Succeeded).
 */
const PAYLOAD_LIMIT = 262_144;
const MAX_STANDALONE = 200; // README "Limits": at most 200 stand-alone resources per run

// A stack that takes a day to delete keeps the cleanup loop going to its last round (MAX_ROUNDS).
process.env.MAX_STACK_DELETION_MINUTES = '1440'; // the largest allowed; 1,800 rounds of 30 s come first

async function measured(spec: Parameters<typeof import('../../local/run-workflow.js').runWorkflow>[0], executionName: string) {
  const { runWorkflow } = await import('../../local/run-workflow.js');
  const meter = new ExecutionMeter();
  let standaloneCleanup: unknown;
  const result = await runWorkflow(spec, {
    executionName,
    onEvent: (e) => {
      meter.onEvent(e);
      if (e.type === 'StateExited' && e.state?.name === 'DeleteStandaloneResources')
        standaloneCleanup = (e.state.output as { standaloneCleanup?: unknown }).standaloneCleanup;
    },
  });
  return { result, standaloneCleanup, ...meter.measures() };
}

describe('history budget', () => {
  it('gives the Map what the cleanup loop left: fewer emptying calls per item after a long cleanup, at least one', () => {
    expect(emptyingCallsAllowed(0, 1)).toBe(200);
    expect(emptyingCallsAllowed(1800, 200)).toBeGreaterThanOrEqual(1);
    expect(emptyingCallsAllowed(1800, 200)).toBeLessThan(emptyingCallsAllowed(10, 200));
  });

  it('the worst case stays under 25,000 events with margin: the longest cleanup loop, then 200 buckets that need many emptying calls each', async () => {
    const buckets = Array.from({ length: MAX_STANDALONE }, (_, i) => standaloneResource('AWS::S3::Bucket', `payments-leftover-${i}`, { objects: 4000 }));
    const spec = scenario({
      stacks: [environmentStack({ deleteSeconds: 86400 })],
      standaloneResources: buckets,
      input: consoleInput('execute', { deleteTypes: ['s3:bucket'] }),
    });
    const { result, historyEvents, maxPayloadBytes, maxPayloadState } = await measured(spec, 'worst-case-history');
    console.log(`worst-case history: ${historyEvents} events; largest payload ${maxPayloadBytes} B (${maxPayloadState})`);

    expect(result.status).toBe('succeeded');
    expect(result.invocations.get('AdvanceCleanup')).toBeGreaterThanOrEqual(1800);
    expect(historyEvents).toBeLessThanOrEqual(HISTORY_LIMIT * 0.95);
    expect(maxPayloadBytes).toBeLessThan(PAYLOAD_LIMIT);
    // Buckets the budget stopped are reported, not lost: re-run to go on.
    expect(result.report?.resources.filter((r) => r.type === 's3:bucket')).toHaveLength(MAX_STANDALONE);
  }, 600_000);
});

describe('payload', () => {
  it("200 stand-alone deletions that all fail keep the state small: each failure's cause stays in the history, not in the state", async () => {
    const groups = Array.from({ length: MAX_STANDALONE }, (_, i) => standaloneResource('AWS::Logs::LogGroup', `/payments-prod/${'x'.repeat(170)}-${i}`));
    const spec = scenario({
      stacks: [],
      standaloneResources: groups,
      faults: [fault('DeleteLogGroup', 'throttle', { times: 100_000 })],
      input: consoleInput('execute', { deleteTypes: ['logs:log-group'] }),
    });
    const { result, maxPayloadBytes, maxPayloadState, standaloneCleanup } = await measured(spec, 'worst-case-payload');
    console.log(`worst-case payload: ${maxPayloadBytes} B (${maxPayloadState})`);

    expect(result.report?.resources.filter((r) => r.type === 'logs:log-group' && r.outcome === 'failed')).toHaveLength(MAX_STANDALONE);
    // Names of 170 characters (the scenario allows 200): the Map's results and the verification's list of items dominate.
    expect(maxPayloadBytes).toBeLessThan(PAYLOAD_LIMIT * 0.6);
    // Each failure is its error's name and a fixed sentence: no Lambda Cause (message and stack trace) in the state.
    const items = standaloneCleanup as { caught?: { Cause?: string } }[];
    expect(items).toHaveLength(MAX_STANDALONE);
    expect(JSON.stringify(items)).not.toContain('errorMessage');
    expect(Math.max(...items.map((item) => JSON.stringify(item).length))).toBeLessThan(600);
  }, 600_000);
});
