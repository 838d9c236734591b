import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { consoleInput, scenario } from '../helpers/scenarios.js';

/**
 * Issue 10, "found in the review": a Notify retried after SNS succeeded published twice. The
 * real ASL on the sandbox: Notify's answer is lost after it published (a Lambda timeout after the
 * handler ran, which Step Functions sees as Lambda.Unknown and retries); people still get one
 * message and machines one event.
 */
const run = (lambdaFaults: NonNullable<Parameters<typeof runWorkflow>[1]>['lambdaFaults'], executionName: string) =>
  runWorkflow(scenario({ stacks: [], input: consoleInput('plan') }), { lambdaFaults, executionName });

describe('Notify publishes at most once per execution and channel', () => {
  it('a Notify retried after it published (its answer lost) sends no second message or event', async () => {
    const result = await run([{ state: 'Notify', kind: 'timeout-after', times: 1 }], 'notify-answer-lost');

    expect(result.lambdaFaultsFired.map((f) => f.state)).toEqual(['Notify']);
    expect(result.status).toBe('succeeded');
    expect([...result.sandbox.account.topics.values()].flat()).toHaveLength(1);
    expect(result.sandbox.account.events.filter((e) => e.detailType.startsWith('Proton Connection Cleanup'))).toHaveLength(1);
  });

  it('a Notify whose first invocation never ran is retried and publishes once', async () => {
    const result = await run([{ state: 'Notify', kind: 'timeout-before', times: 1 }], 'notify-never-ran');

    expect(result.status).toBe('succeeded');
    expect([...result.sandbox.account.topics.values()].flat()).toHaveLength(1);
    expect(result.sandbox.account.events.filter((e) => e.detailType.startsWith('Proton Connection Cleanup'))).toHaveLength(1);
  });
});
