import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES, type LocalRunResult } from '../../local/run-workflow.js';
import {
  CONNECTION_ID,
  consoleInput,
  environmentStack,
  OTHER_CONNECTION_ID,
  scenario,
  serviceInstanceStack,
  standaloneResource,
} from '../helpers/scenarios.js';
import { deletingCalls, entryFor, reportOf, rerun, run, stackIdOf } from '../helpers/workflow.js';

/**
 * A reviewed plan is a contract (issue 11): `execute` with `"plan": "s3://…"` deletes only what that
 * plan listed as planned deletions; what appeared or changed since is retained "not in the
 * reviewed plan"; a plan for another target, too old, or not a plan at all is refused.
 */
const API_STACK = 'AWSProton-payments-prod-api-prod-cloudformation-API';
const ENV_STACK = 'AWSProton-payments-prod-cloudformation-ENV';

const accountShape = () =>
  scenario({
    stacks: [serviceInstanceStack('api', { name: API_STACK }), environmentStack({ name: ENV_STACK, terminationProtection: true })],
  });

function planUri(plan: LocalRunResult): string {
  return `s3://${LOCAL_RESOURCES.reportBucket}/reports/${plan.executionName}.json`;
}

async function planThenExecute(change?: (plan: LocalRunResult) => void, extra: Record<string, unknown> = {}): Promise<LocalRunResult> {
  const plan = await run(accountShape(), consoleInput('plan'));
  change?.(plan);
  return rerun(plan, { connectionId: CONNECTION_ID, plan: planUri(plan), ...extra });
}

describe('executing a reviewed plan', () => {
  it('deletes what the plan listed, and records the plan it executed', async () => {
    const result = await planThenExecute();
    const report = reportOf(result);

    expect(report.mode).toBe('execute');
    expect(entryFor(report, stackIdOf(result, API_STACK)).outcome).toBe('deleted');
    expect(report.connection.outcome).toBe('deleted');
    expect(report.executedPlan).toMatchObject({ uri: expect.stringContaining('/reports/'), deletesConnection: true });
  });

  it('keeps a stack the plan kept, even once what kept it is gone', async () => {
    const result = await planThenExecute((plan) => {
      const env = plan.sandbox.account.stackByName(ENV_STACK);
      if (env) env.terminationProtection = false; // someone turns it off after the review
    });

    expect(entryFor(reportOf(result), stackIdOf(result, ENV_STACK))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('not in the reviewed plan'),
    });
    expect(deletingCalls(result).filter((c) => String(c.input.StackName).includes(ENV_STACK))).toEqual([]);
  });

  it('keeps a planned stack that now holds a resource the plan did not show in it', async () => {
    const result = await planThenExecute((plan) => {
      const api = plan.sandbox.account.stackByName(API_STACK);
      const arn = 'arn:aws:sqs:us-east-1:111122223333:added-after-review';
      plan.sandbox.account.tagged.set(arn, {
        arn,
        tags: { 'proton:environment': 'arn:aws:proton:us-east-1:444455556666:environment/payments-prod', 'aws:cloudformation:stack-id': api?.stackId ?? '' },
      });
    });

    expect(entryFor(reportOf(result), stackIdOf(result, API_STACK))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringMatching(/not in the reviewed plan.*now holds what the plan did not show/),
    });
  });

  it.each([
    ['another connection', { connectionId: OTHER_CONNECTION_ID }, /made for connection .* and this request names connection/],
    ['other options', { deleteConnectionRoles: true }, /made with the options/],
    ['a plan mode', { mode: 'plan' }, /executes a reviewed plan/],
  ])('refuses a plan made for %s, deleting nothing', async (_, extra, message) => {
    const result = await planThenExecute(undefined, extra);

    expect(result.status).toBe('failed');
    expect(reportOf(result).failure?.message).toMatch(message);
    expect(deletingCalls(result)).toEqual([]);
  });

  it('refuses a plan older than maxPlanAgeHours (72), saying how old it is', async () => {
    const result = await planThenExecute((plan) => plan.sandbox.clock.advance(73 * 3_600_000));

    expect(result.error?.name).toBe('PlanRefused');
    expect(reportOf(result).failure?.message).toMatch(/it is 73 hours old .* plans older than 72 hours \(maxPlanAgeHours\) are refused/);
    expect(deletingCalls(result)).toEqual([]);
  });

  it('refuses the report of an execute run as a plan', async () => {
    const executed = await run(accountShape(), consoleInput('execute'));
    const result = await rerun(executed, { connectionId: CONNECTION_ID, plan: planUri(executed) });

    expect(reportOf(result).failure).toMatchObject({ error: 'PlanRefused', message: expect.stringContaining('not a plan') });
  });

  it('reads plans only from its own report bucket', async () => {
    const plan = await run(accountShape(), consoleInput('plan'));
    const result = await rerun(plan, { connectionId: CONNECTION_ID, plan: `s3://someone-elses-bucket/reports/${plan.executionName}.json` });

    expect(reportOf(result).failure?.message).toContain("plans are read from this deployment's report bucket only");
    expect(deletingCalls(result)).toEqual([]);
  });

  it('refuses a plan URI where there is no plan', async () => {
    const plan = await run(accountShape(), consoleInput('plan'));
    const result = await rerun(plan, { connectionId: CONNECTION_ID, plan: `s3://${LOCAL_RESOURCES.reportBucket}/plans/none.json` });

    expect(reportOf(result).failure?.message).toContain('there is no object at that location');
  });
});

describe('a plan tells the truth about what will happen', () => {
  it('lists a stack already DELETE_FAILED with what failed to delete, and what deleting it again will do', async () => {
    const stuck = serviceInstanceStack('api', {
      name: API_STACK,
      resources: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', name: 'api-uploads', failsToDelete: 'The bucket you tried to delete is not empty' }],
    });
    const executed = await run(scenario({ stacks: [stuck, environmentStack({ name: ENV_STACK })] }), consoleInput('execute'));
    const plan = await rerun(executed, { environment: { name: 'payments-prod', managementAccountId: '444455556666' }, mode: 'plan' });

    expect(entryFor(reportOf(plan), stackIdOf(plan, API_STACK))).toMatchObject({
      outcome: 'planned',
      failedResources: [expect.objectContaining({ logicalId: 'Uploads', reason: 'The bucket you tried to delete is not empty' })],
      reason: expect.stringMatching(/already DELETE_FAILED \(Uploads: The bucket you tried to delete is not empty\): deleting it again fails the same way/),
    });
  });

  it('says how much data a bucket deleteTypes would empty holds, and that it will be lost', async () => {
    const spec = scenario({ standaloneResources: [standaloneResource('AWS::S3::Bucket', 'payments-exports', { objects: 2500 })] });
    const plan = await run(spec, consoleInput('plan', { deleteTypes: ['s3:bucket'] }));

    // The sandbox's bucket of 2,500 objects: a version each, and a delete marker on every second one (2 bytes a version).
    expect(entryFor(reportOf(plan), 'arn:aws:s3:::payments-exports')).toMatchObject({
      outcome: 'planned',
      contents: { versions: 2500, deleteMarkers: 1250, bytes: 5000, bounded: false },
      reason: expect.stringContaining('emptied first: 2,500 object version(s) and 1,250 delete marker(s), 4.9 KB will be deleted: this data will be lost'),
    });
  });

  it('shows a termination-protected stack as kept, saying what to do', async () => {
    const plan = await run(accountShape(), consoleInput('plan'));

    expect(entryFor(reportOf(plan), stackIdOf(plan, ENV_STACK))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('termination protection is on'),
    });
  });

  it('lists the roles deleteConnectionRoles would delete', async () => {
    const plan = await run(accountShape(), consoleInput('plan', { deleteConnectionRoles: true }));

    expect(reportOf(plan).resources.filter((r) => r.type === 'iam:role')).toEqual([
      expect.objectContaining({ plannedAction: 'delete-role', outcome: 'planned' }),
    ]);
  });
});

describe('data written after the plan', () => {
  const withExports = (writeAt: number) =>
    scenario({
      stacks: [serviceInstanceStack('api', { name: API_STACK }), environmentStack({ name: ENV_STACK })],
      standaloneResources: [standaloneResource('AWS::S3::Bucket', 'payments-exports', { objects: 100 })],
      changes: [{ at: writeAt, action: 'put-objects', bucket: 'payments-exports', objects: 50 }],
    });

  it('is never emptied: a bucket written to after the plan is kept, saying so', async () => {
    const plan = await run(withExports(60), consoleInput('plan', { deleteTypes: ['s3:bucket'] }));
    const result = await rerun(plan, { connectionId: CONNECTION_ID, plan: planUri(plan) });

    expect(entryFor(reportOf(result), 'arn:aws:s3:::payments-exports')).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('it holds data written after'),
    });
    expect(result.sandbox.account.resourceNamed('AWS::S3::Bucket', 'payments-exports')?.objects).toBeGreaterThanOrEqual(50);
  });

  it('is never emptied without a plan either: data written after the inventory stays', async () => {
    const result = await run(withExports(60), consoleInput('execute', { deleteTypes: ['s3:bucket'] }));

    expect(entryFor(reportOf(result), 'arn:aws:s3:::payments-exports').outcome).toBe('retained');
    expect(result.sandbox.account.resourceNamed('AWS::S3::Bucket', 'payments-exports')?.objects).toBeGreaterThanOrEqual(50);
  });
});

describe('a plan replaced after it was accepted', () => {
  it('is refused when read again, deleting nothing', async () => {
    const plan = await run(accountShape(), consoleInput('plan'));
    const key = `${LOCAL_RESOURCES.reportBucket}/reports/${plan.executionName}.json`;
    // Whoever may write the report bucket swaps the plan between ResolveRequest and Inventory.
    plan.sandbox.onFirstCall('GetResources', (account) => {
      const swapped = JSON.parse(account.objects.get(key) ?? '{}');
      account.objects.set(key, JSON.stringify({ ...swapped, requestedBy: 'someone else' }));
    });
    const result = await rerun(plan, { connectionId: CONNECTION_ID, plan: planUri(plan) });

    expect(reportOf(result).failure?.message).toContain('it was replaced after this run accepted it');
    expect(deletingCalls(result)).toEqual([]);
  });
});

describe('a stack updated after the plan', () => {
  it('is kept, saying it was updated since the plan saw it', async () => {
    const spec = scenario({
      stacks: [serviceInstanceStack('api', { name: API_STACK }), environmentStack({ name: ENV_STACK })],
      changes: [{ at: 60, action: 'update-stack', stack: API_STACK }],
    });
    const plan = await run(spec, consoleInput('plan'));
    plan.sandbox.clock.advance(120_000);
    const result = await rerun(plan, { connectionId: CONNECTION_ID, plan: planUri(plan) });

    expect(entryFor(reportOf(result), stackIdOf(result, API_STACK))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('it was updated since the plan saw it'),
    });
  });
});
