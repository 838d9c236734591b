import { describe, expect, it } from 'vitest';
import { ExecutionMeter } from '../../bench/execution-model.js';
import { EVENTS_PER_ITERATION, HISTORY_TARGET, standaloneBatchesAllowed } from '../../functions/domain/history-budget.js';
import { consoleInput, environmentStack, fault, scenario, standaloneResource } from '../helpers/scenarios.js';

/**
 * Issue 10: history and payload limits by construction. Step Functions keeps at most 25,000
 * history events per execution and 262,144 bytes per state input or output, and neither
 * States.DataLimitExceeded nor the history limit can be caught (Step Functions developer guide,
 * quotas); the run aims below 20,000 events and 200 KB. The worst case of each, run on the real
 * ASL, measured as bench/execution-model.ts models AWS's history (per state Entered/Exited, per
 * Lambda attempt Scheduled/Started/ended).
 */
const HISTORY_AIM = 20_000;
const PAYLOAD_AIM = 200 * 1024;
/** The most rounds a deployment may allow (MAX_ROUNDS, runtime/settings.ts): the longest cleanup loop there can be. */
const MOST_ROUNDS = 2_000;

// A stack that takes a day to delete keeps the cleanup loop going to its last round (MAX_ROUNDS).
process.env.MAX_STACK_DELETION_MINUTES = '1440'; // the largest allowed; the rounds run out first
process.env.MAX_ROUNDS = String(MOST_ROUNDS);

async function measured(spec: Parameters<typeof import('../../local/run-workflow.js').runWorkflow>[0], executionName: string) {
  const { runWorkflow } = await import('../../local/run-workflow.js');
  const meter = new ExecutionMeter();
  const result = await runWorkflow(spec, { executionName, onEvent: (e) => meter.onEvent(e) });
  return { result, ...meter.measures() };
}

describe('history budget', () => {
  it("gives the stand-alone deletion loop what the cleanup loop's rounds left: fewer invocations after a long cleanup, at least one", () => {
    expect(standaloneBatchesAllowed(0)).toBeGreaterThan(2_000);
    expect(standaloneBatchesAllowed(MOST_ROUNDS)).toBeGreaterThanOrEqual(1);
    expect(standaloneBatchesAllowed(1_800)).toBeLessThan(standaloneBatchesAllowed(10));
  });

  it('keeps both loops together within the target whatever the rounds, 1,000 events below 20,000 left for retries', () => {
    const loops = (rounds: number) => EVENTS_PER_ITERATION * (rounds + standaloneBatchesAllowed(rounds));
    const worst = Math.max(...Array.from({ length: MOST_ROUNDS + 1 }, (_, rounds) => loops(rounds)));
    expect(worst).toBeLessThanOrEqual(HISTORY_TARGET);
    expect(HISTORY_TARGET).toBeLessThanOrEqual(HISTORY_AIM - 1_000);
  });

  it('the worst case stays under 20,000 events: the longest cleanup loop, then a bucket too large to empty in the invocations left, reported, not lost', async () => {
    const logGroups = Array.from({ length: 999 }, (_, i) => standaloneResource('AWS::Logs::LogGroup', `/payments-prod/leftover-${i}`));
    // 100,000 objects, half with a delete marker: 150 emptying calls, more than the 88 invocations 2,000 rounds leave.
    const bucket = standaloneResource('AWS::S3::Bucket', 'payments-prod-archive', { objects: 100_000 });
    const spec = scenario({
      stacks: [environmentStack({ deleteSeconds: 86400 })],
      standaloneResources: [bucket, ...logGroups],
      input: consoleInput('execute', { deleteTypes: ['s3:bucket', 'logs:log-group'] }),
    });
    const { result, historyEvents, maxPayloadBytes, maxPayloadState } = await measured(spec, 'worst-case-history');
    console.log(`worst-case history: ${historyEvents} events; largest payload ${maxPayloadBytes} B (${maxPayloadState})`);

    expect(result.status).toBe('succeeded');
    expect(result.invocations.get('AdvanceCleanup')).toBe(MOST_ROUNDS);
    expect(result.invocations.get('DeleteStandaloneResources')).toBe(standaloneBatchesAllowed(MOST_ROUNDS));
    expect(historyEvents).toBeLessThan(HISTORY_AIM);
    expect(maxPayloadBytes).toBeLessThan(PAYLOAD_AIM);
    const standalone = result.report?.resources.filter((r) => r.type === 's3:bucket' || r.type === 'logs:log-group') ?? [];
    expect(standalone.filter((r) => r.type === 'logs:log-group' && r.outcome === 'deleted')).toHaveLength(logGroups.length);
    // The bucket the budget stopped is reported, not lost: re-run to go on.
    expect(standalone.filter((r) => r.type === 's3:bucket')).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        error: expect.stringMatching(/still emptying after \d+ calls when the run reached its limit of 88 invocations.*re-run to go on/),
      }),
    ]);
  }, 600_000);
});

describe('payload', () => {
  it('1,000 stand-alone deletions that all fail keep every state small: the failures are in S3, each bounded, all reported', async () => {
    const groups = Array.from({ length: 1_000 }, (_, i) => standaloneResource('AWS::Logs::LogGroup', `/payments-prod/${'x'.repeat(170)}-${i}`));
    const spec = scenario({
      stacks: [],
      standaloneResources: groups,
      faults: [fault('DeleteLogGroup', 'throttle', { times: 100_000 })],
      input: consoleInput('execute', { deleteTypes: ['logs:log-group'] }),
    });
    const { result, maxPayloadBytes, maxPayloadState } = await measured(spec, 'worst-case-payload');
    console.log(`worst-case payload: ${maxPayloadBytes} B (${maxPayloadState})`);

    const failed = result.report?.resources.filter((r) => r.type === 'logs:log-group' && r.outcome === 'failed') ?? [];
    expect(failed).toHaveLength(groups.length);
    // The state carries counts and references, whatever the number of resources and the length of their names.
    expect(maxPayloadBytes).toBeLessThan(16 * 1024);
    // Each failure is the error's name and message, cut to 300 characters, and the attempts made.
    expect(Math.max(...failed.map((r) => r.error?.length ?? 0))).toBeLessThan(350);
    expect(failed[0]?.error).toMatch(/^ThrottlingException: .*\(after 5 attempts\)$/);
  }, 600_000);
});
