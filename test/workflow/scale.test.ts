import { describe, expect, it } from 'vitest';
import { ExecutionMeter } from '../../bench/execution-model.js';
import { DEFAULT_API_RATES } from '../../functions/aws/clients.js';
import { parseApiRates } from '../../functions/runtime/pacer.js';
import { type LocalRunResult, openSandbox, runWorkflow } from '../../local/run-workflow.js';
import { arnFor } from '../../local/sandbox/resource-arns.js';
import type { RecordedCall } from '../../local/sandbox/sandbox.js';
import { scaleScenario } from '../../local/scale-scenario.js';
import { watchDeletionLoad } from '../../local/side-by-side.js';
import { reportOf } from '../helpers/workflow.js';

/**
 * The workflow at scale, on the sandbox's virtual clock with its API latencies and rate limits
 * (npm run bench measures it; these tests hold the limits).
 */
const PAYLOAD_LIMIT = 200 * 1024;

async function measuredRun(resources: number, mode: 'plan' | 'execute', timing?: { callsPerSecond: Record<string, number> }) {
  const generated = scaleScenario({ resources, seed: 7, mode });
  const scenario = timing ? { ...generated, timing: { ...generated.timing, ...timing } } : generated;
  const meter = new ExecutionMeter();
  const result = await runWorkflow(scenario, { executionName: `scale-${resources}-${mode}`, onEvent: (event) => meter.onEvent(event) });
  return { scenario, result, measures: meter.measures() };
}

/** The largest state input or output (ExecutionMeter weighs each), named by its state, if it reaches the limit. */
const payloadsOverLimit = ({ maxPayloadBytes, maxPayloadState }: { maxPayloadBytes: number; maxPayloadState: string }) =>
  maxPayloadBytes >= PAYLOAD_LIMIT ? [{ state: maxPayloadState, bytes: maxPayloadBytes }] : [];

/** The most calls of one API in any one second of the sandbox clock. */
function busiestSecond(calls: readonly RecordedCall[]): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let busiest = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first += 1;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}

const failedResources = (result: LocalRunResult) => reportOf(result).resources.filter((r) => r.outcome === 'failed');

describe('a 10,000-resource inventory', () => {
  it('keeps every state input and output under 200 KB: the inventory travels by reference', async () => {
    const { result, measures } = await measuredRun(10_000, 'plan');
    expect(reportOf(result).summary.total).toBeGreaterThanOrEqual(10_000);
    expect(payloadsOverLimit(measures)).toEqual([]);
  }, 60_000);
});

describe('a 2,000-resource cleanup (400 stacks)', async () => {
  const { scenario, result, measures } = await measuredRun(2_000, 'execute');

  it('deletes every stack and resource, none failed', () => {
    expect(result.status).toBe('succeeded');
    expect(failedResources(result)).toEqual([]);
    expect(reportOf(result).summary.deleted).toBeGreaterThanOrEqual(2_000);
    // Every stack and stand-alone resource of the scenario (its request's deleteTypes name all four stand-alone types).
    const left = [
      ...scenario.stacks.filter((s) => result.sandbox.account.stackByName(s.name)?.status !== 'DELETE_COMPLETE').map((s) => s.name),
      ...scenario.standaloneResources.map((r) => arnFor(r.type, r.name, result.sandbox.account)).filter((arn) => result.sandbox.account.resources.has(arn)),
    ];
    expect(scenario.stacks).toHaveLength(400);
    expect(left).toEqual([]);
  });

  it('keeps every state input and output under 200 KB', () => {
    expect(payloadsOverLimit(measures)).toEqual([]);
  });

  it('waits for all stacks in one loop: its history stays far below 20,000 events', () => {
    expect(measures.historyEvents).toBeLessThan(5_000);
  });

  it.each([...parseApiRates(DEFAULT_API_RATES)])('never calls a %s API faster than its configured rate (%d/s), and is never throttled', (service, rate) => {
    const calls = result.sandbox.calls.filter((c) => c.service === service);
    const operations = [...new Set(calls.map((c) => c.operation))];
    expect(operations.map((operation) => busiestSecond(calls.filter((c) => c.operation === operation))).every((n) => n <= rate)).toBe(true);
    expect(result.sandbox.throttledCalls().filter((c) => c.service === service)).toEqual([]);
  });
});

describe('a 2,000-resource cleanup in an account whose ConcurrentResourcesLimit is 150', async () => {
  const generated = scaleScenario({ resources: 2_000, seed: 7, mode: 'execute' });
  const scenario = { ...generated, concurrentResourcesLimit: 150 };
  const sandbox = await openSandbox(scenario);
  const load = watchDeletionLoad(sandbox);
  const result = await runWorkflow(scenario, { sandbox, executionName: 'scale-2000-limit-150' });

  it('deletes every stack, none failed', () => {
    expect(result.status).toBe('succeeded');
    expect(failedResources(result)).toEqual([]);
  });

  it("never has more resources in stack deletions than the account's limit, and none waiting in CloudFormation's queue", () => {
    expect(load.peak().running).toBeGreaterThan(100);
    expect(load.peak().running + load.peak().waiting).toBeLessThanOrEqual(150);
    expect(load.peakWaiting().waiting).toBe(0);
  });
});

describe('when the account allows fewer calls than configured (another tool shares the limit)', () => {
  it('absorbs the throttling: calls are throttled, and still no resource fails', async () => {
    const { result } = await measuredRun(300, 'execute', { callsPerSecond: { cloudformation: 2, tagging: 15 } });
    expect(result.sandbox.throttledCalls().length).toBeGreaterThan(0);
    expect(result.status).toBe('succeeded');
    expect(failedResources(result)).toEqual([]);
  }, 60_000);
});
