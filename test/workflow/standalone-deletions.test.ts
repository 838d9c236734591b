import { describe, expect, it } from 'vitest';
import { ExecutionMeter } from '../../bench/execution-model.js';
import type { ReportEntry } from '../../functions/domain/report.js';
import { type LocalRunResult, type RunOptions, runWorkflow } from '../../local/run-workflow.js';
import { arnFor } from '../../local/sandbox/resource-arns.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { consoleInput, environmentStack, fault, scenario, standaloneResource } from '../helpers/scenarios.js';
import { deletingCalls, entryFor, reportOf } from '../helpers/workflow.js';

/**
 * The stand-alone deletion loop (DeleteStandaloneResources → IsStandaloneDone →
 * WaitForStandaloneDeletions), on the real ASL: every resource VerifyCleanup hands on is deleted in
 * the run, however many, in a few invocations whose state carries counts, not resources.
 */
const ALL_TYPES = ['s3:bucket', 'logs:log-group', 'ecr:repository', 'ssm:parameter'];
const HISTORY_LIMIT = 20_000;
const PAYLOAD_LIMIT = 200 * 1024;

type StandaloneInput = NonNullable<ScenarioInput['standaloneResources']>[number];

/** `count` stand-alone resources of payments-prod, the four types in turn (buckets hold a few objects). */
function standaloneResources(count: number): StandaloneInput[] {
  return Array.from({ length: count }, (_, i) => {
    switch (i % 4) {
      case 0:
        return standaloneResource('AWS::S3::Bucket', `payments-prod-leftover-${i}`, { objects: 20 });
      case 1:
        return standaloneResource('AWS::Logs::LogGroup', `/payments-prod/leftover-${i}`);
      case 2:
        return standaloneResource('AWS::ECR::Repository', `payments-prod/leftover-${i}`);
      default:
        return standaloneResource('AWS::SSM::Parameter', `/payments-prod/leftover-${i}`);
    }
  });
}

/** Runs the workflow, metering it, and keeping each DeleteStandaloneResources output ($.standaloneCleanup). */
async function measured(resources: StandaloneInput[], options: Omit<RunOptions, 'onEvent'> = {}, extra: Partial<ScenarioInput> = {}) {
  const spec = scenario({ stacks: [environmentStack()], standaloneResources: resources, input: consoleInput('execute', { deleteTypes: ALL_TYPES }), ...extra });
  const meter = new ExecutionMeter();
  const outputs: { done: boolean; counts: Record<string, number> }[] = [];
  const waits: string[] = [];
  const result = await runWorkflow(spec, {
    ...options,
    onEvent: (event) => {
      meter.onEvent(event);
      if (event.type === 'StateExited' && event.state?.name === 'DeleteStandaloneResources')
        outputs.push((event.state.output as { standaloneCleanup: (typeof outputs)[number] }).standaloneCleanup);
      if (event.type === 'StateEntered' && event.state?.type === 'Wait') waits.push(event.state.name);
    },
  });
  return { result, outputs, waits, ...meter.measures() };
}

const arnsOf = (result: LocalRunResult, resources: StandaloneInput[]) => resources.map((r) => arnFor(r.type, r.name, result.sandbox.account));
const entriesOf = (result: LocalRunResult, resources: StandaloneInput[]): ReportEntry[] =>
  arnsOf(result, resources).map((arn) => entryFor(reportOf(result), arn));
const stillThere = (result: LocalRunResult, resources: StandaloneInput[]) =>
  arnsOf(result, resources).filter((arn) => result.sandbox.account.resources.has(arn));

describe('the stand-alone deletion loop', () => {
  it('deletes 1,000 stand-alone resources in one run, none left for another, with the history and every state far within limits', async () => {
    const resources = standaloneResources(1_000);
    const { result, historyEvents, maxPayloadBytes, maxPayloadState } = await measured(resources);

    expect(result.status).toBe('succeeded');
    expect(entriesOf(result, resources).filter((e) => e.outcome !== 'deleted')).toEqual([]);
    expect(stillThere(result, resources)).toEqual([]);
    // A handful of invocations, not one per resource: the history and the state do not grow with the count.
    expect(result.invocations.get('DeleteStandaloneResources')).toBeLessThanOrEqual(10);
    expect(historyEvents).toBeLessThan(HISTORY_LIMIT);
    expect(historyEvents).toBeLessThan(300);
    expect(maxPayloadBytes, maxPayloadState).toBeLessThan(PAYLOAD_LIMIT);
    expect(maxPayloadBytes, maxPayloadState).toBeLessThan(8 * 1024);
  }, 120_000);

  it('keeps looping while a bucket is still being emptied, waiting between its calls, until it is deleted', async () => {
    // 2,500 objects, half with a delete marker: 3,750 entries, four emptying calls of 10 listing pages (the sandbox's pages hold 100).
    const bucket = standaloneResource('AWS::S3::Bucket', 'payments-prod-exports', { objects: 2_500 });
    const { result, outputs, waits } = await measured([bucket]);

    expect(outputs.map((o) => [o.done, o.counts.deleting])).toEqual([
      [false, 1],
      [false, 1],
      [false, 1],
      [true, 0],
    ]);
    expect(waits.filter((w) => w === 'WaitForStandaloneDeletions')).toHaveLength(3);
    expect(entriesOf(result, [bucket])).toEqual([expect.objectContaining({ outcome: 'deleted', reason: 'deleted (deleteTypes lists s3:bucket)' })]);
    expect(stillThere(result, [bucket])).toEqual([]);
  });

  it('goes on with the other resources when one fails for good, and reports its error', async () => {
    const resources = standaloneResources(12);
    const repository = resources.find((r) => r.type === 'AWS::ECR::Repository') as StandaloneInput;
    const { result } = await measured(
      resources.filter((r) => r.type !== 'AWS::ECR::Repository' || r === repository),
      {},
      {
        faults: [fault('DeleteRepository', 'access-denied')],
      },
    );
    const others = resources.filter((r) => r.type !== 'AWS::ECR::Repository');

    expect(result.status).toBe('succeeded');
    expect(entriesOf(result, [repository])).toEqual([expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/AccessDenied/) })]);
    expect(entriesOf(result, others).filter((e) => e.outcome !== 'deleted')).toEqual([]);
    expect(stillThere(result, others)).toEqual([]);
  });

  it('tries a throttled resource again in a later invocation, after a backoff, and deletes it', async () => {
    const resources = standaloneResources(8);
    // Six DeleteLogGroup calls throttled: the SDK's three attempts fail twice over; the third try goes through.
    const { result, waits } = await measured(resources, {}, { faults: [fault('DeleteLogGroup', 'throttle', { times: 6 })] });

    expect(result.status).toBe('succeeded');
    expect(entriesOf(result, resources).filter((e) => e.outcome !== 'deleted')).toEqual([]);
    expect(waits.filter((w) => w === 'WaitForStandaloneDeletions').length).toBeGreaterThanOrEqual(2);
  });

  it('repeats no deletion and loses no record when an invocation is retried with the same input after its answer was lost', async () => {
    const resources = standaloneResources(40);
    const { result } = await measured(resources, { lambdaFaults: [{ state: 'DeleteStandaloneResources', kind: 'timeout-after', times: 1 }] });

    expect(result.lambdaFaultsFired).toEqual([expect.objectContaining({ state: 'DeleteStandaloneResources', kind: 'timeout-after' })]);
    expect(result.invocations.get('DeleteStandaloneResources')).toBeGreaterThanOrEqual(2);
    // One deleting call per resource (a bucket: its objects, then itself), none repeated by the retry.
    const named = deletingCalls(result).map(
      (c) => `${c.operation} ${String(c.input.Bucket ?? c.input.logGroupName ?? c.input.repositoryName ?? c.input.Name)}`,
    );
    expect(named.filter((call, i) => named.indexOf(call) !== i)).toEqual([]);
    expect(entriesOf(result, resources).filter((e) => e.outcome !== 'deleted' || !/^deleted \(deleteTypes lists/.test(e.reason ?? ''))).toEqual([]);
  });
});
