import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import {
  consoleInput,
  ENVIRONMENT,
  environmentStack,
  MANAGEMENT_ACCOUNT,
  otherEnvironmentStack,
  scenario,
  serviceInstanceStack,
} from '../helpers/scenarios.js';
import { callsTouching, deletingCalls, entryFor, reportOf, rerun, run, stackIdOf } from '../helpers/workflow.js';

describe('CleanupOrphans', () => {
  it('keeps deleting the other stacks when one ends DELETE_FAILED, and reports the failure with its reason', async () => {
    const stuck = serviceInstanceStack('api', {
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'api-queue', failsToDelete: 'Resource is in use by another service' }],
    });
    const healthy = serviceInstanceStack('worker');
    const result = await run(scenario({ stacks: [stuck, healthy] }));
    const report = reportOf(result);
    const failed = entryFor(report, stackIdOf(result, stuck.name));

    expect(result.status).toBe('succeeded');
    expect(entryFor(report, stackIdOf(result, healthy.name)).outcome).toBe('deleted');
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/DELETE_FAILED.*Queue.*in use by another service/);
    expect(failed.failedResources?.map((r) => r.logicalId)).toEqual(['Queue']);
  });

  it('holds the environment stack back, never deleting it, when a stack that imports its export could not be deleted', async () => {
    const env = environmentStack();
    const stuck = serviceInstanceStack('api', {
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'api-queue', failsToDelete: 'in use' }],
    });
    const result = await run(scenario({ stacks: [env, stuck] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringMatching(new RegExp(`^not started: waits for ${stuck.name} \\(failed: DELETE_FAILED.*re-run after fixing it`)),
    });
    expect(result.sandbox.callsTo('DeleteStack').map((c) => c.input.StackName)).toEqual([stackIdOf(result, stuck.name)]);
  });

  it('reports a stack still deleting after the poll bound as failed, saying it is still in progress', async () => {
    const slow = environmentStack({ deleteSeconds: 15000 });
    const result = await run(scenario({ stacks: [slow] }));

    // maxStackDeletionMinutes (60) of rounds starting 30 s apart: read in each of the 120 rounds within
    // the deadline and in the first one past it, which fails it: at most 121 polls, a few fewer if rounds run late.
    const entry = entryFor(reportOf(result), stackIdOf(result, slow.name));
    expect(entry).toMatchObject({ outcome: 'failed' });
    expect(entry.polls).toBeGreaterThanOrEqual(115);
    expect(entry.polls).toBeLessThanOrEqual(60 * 2 + 1);
    expect(entryFor(reportOf(result), stackIdOf(result, slow.name)).error).toMatch(/still DELETE_IN_PROGRESS/);
  });

  it('retains a termination-protected stack and never calls DeleteStack on it', async () => {
    const guarded = environmentStack({ terminationProtection: true });
    const result = await run(scenario({ stacks: [guarded] }));

    expect(entryFor(reportOf(result), stackIdOf(result, guarded.name))).toMatchObject({ outcome: 'retained' });
    expect(result.sandbox.callsTo('DeleteStack')).toHaveLength(0);
  });

  it('retains an AWSProton- stack whose ownership is not proven, and never touches it', async () => {
    const unproven = environmentStack({ protonTags: 'none' });
    const result = await run(scenario({ stacks: [unproven, serviceInstanceStack('api')] }));
    const entry = entryFor(reportOf(result), stackIdOf(result, unproven.name));

    expect(entry.outcome).toBe('retained');
    expect(entry.reason).toMatch(/ownership not proven/);
    expect(callsTouching(result, stackIdOf(result, unproven.name), unproven.name)).toEqual([]);
  });

  it("sends no call at all for another environment's stacks in the same account", async () => {
    const other = otherEnvironmentStack();
    const result = await run(scenario({ stacks: [other, environmentStack()] }));

    expect(callsTouching(result, stackIdOf(result, other.name), other.name)).toEqual([]);
    expect(result.sandbox.account.stackByName(other.name)?.status).toBe('CREATE_COMPLETE');
    expect(reportOf(result).resources.some((r) => r.id === stackIdOf(result, other.name))).toBe(false);
  });

  it('converges on a re-run: nothing left to delete, the connection already absent, and success', async () => {
    const env = environmentStack({ resources: [{ logicalId: 'Bucket', type: 'AWS::S3::Bucket', name: 'kept-bucket', deletionPolicy: 'Retain' }] });
    const first = await run(scenario({ stacks: [serviceInstanceStack('api'), env] }));
    const second = await rerun(first, consoleInput('execute', { environment: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT } }));
    const report = reportOf(second);

    expect(second.status).toBe('succeeded');
    expect(report.connection.outcome).toBe('already-absent');
    expect(second.sandbox.calls.slice(first.sandbox.calls.length).filter((c) => c.operation === 'DeleteStack')).toEqual([]);
    expect(report.resources.map((r) => [r.id, r.outcome])).toEqual([['arn:aws:s3:::kept-bucket', 'retained']]);
  });
});

describe('plan mode', () => {
  it('makes no deleting call and marks what it would delete as planned', async () => {
    const result = await run(scenario({ input: consoleInput('plan') }));
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(deletingCalls(result)).toEqual([]);
    expect(report.connection.outcome).toBe('planned');
    expect(report.summary.planned).toBeGreaterThan(0);
    expect(report.summary.deleted).toBe(0);
  });

  it('is the default when the input names no mode', async () => {
    const result = await run(scenario({ input: { connectionId: consoleInput().connectionId } }));

    expect(reportOf(result).mode).toBe('plan');
    expect(deletingCalls(result)).toEqual([]);
  });
});

describe('the re-check right before each delete', () => {
  it('retains a stack whose tags changed after the inventory, and never deletes it', async () => {
    const env = environmentStack();
    const spec = scenario({ stacks: [serviceInstanceStack('api'), env] });
    const sandbox = await openSandbox(spec);
    sandbox.onFirstCall('DeleteEnvironmentAccountConnection', (account) => {
      account.stackByName(env.name)!.tags['proton-cleanup:protect'] = 'true';
    });
    const result = await runWorkflow(spec, { sandbox });

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/protected/) });
    expect(result.sandbox.callsTo('DeleteStack').map((c) => c.input.StackName)).not.toContain(stackIdOf(result, env.name));
  });
});
