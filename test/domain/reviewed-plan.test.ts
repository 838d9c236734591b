import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../functions/domain/inventory.js';
import { buildReport, type Report } from '../../functions/domain/report.js';
import type { CleanupRequest } from '../../functions/domain/request.js';
import { acceptedRequest, type PlanContext, planLocationProblem, planProblems, restrictToPlan } from '../../functions/domain/reviewed-plan.js';
import { ACCOUNT, cleanupRequest, inventoryOf, MANAGEMENT_ACCOUNT, REGION, reportInput, sampleEntries } from '../helpers/domain-fixtures.js';

const MADE_AT = '2026-11-30T09:00:00.000Z';
const URI = 's3://reports-bucket/reports/plan-1.json';
const context = (overrides: Partial<PlanContext> = {}): PlanContext => ({
  now: new Date('2026-11-30T10:00:00.000Z'),
  maxPlanAgeHours: 72,
  account: ACCOUNT,
  region: REGION,
  ...overrides,
});

const { envStack, apiStack, bucket, queue, parameter } = sampleEntries();

/** The plan report of the sample inventory, made in this account and region at MADE_AT. */
function planOf(inventory: Inventory = inventoryOf(envStack, apiStack, bucket, queue, parameter), request = cleanupRequest({ mode: 'plan' })): Report {
  const report = buildReport(reportInput({ request, inventory, stackResults: [] }));
  return { ...report, execution: { name: 'plan-1', startedAt: MADE_AT, finishedAt: MADE_AT, account: ACCOUNT, region: REGION } };
}

const executeRequest = (overrides: Partial<CleanupRequest> = {}) => cleanupRequest({ mode: 'execute', plan: URI, ...overrides });

describe('planProblems', () => {
  it('accepts a fresh plan of the same target, account and region', () => {
    expect(planProblems(planOf(), executeRequest(), context())).toEqual([]);
  });

  it('refuses a plan older than maxPlanAgeHours, saying how old it is', () => {
    expect(planProblems(planOf(), executeRequest(), context({ now: new Date('2026-12-03T10:00:00.000Z') }))).toEqual([
      expect.stringMatching(/^it is 73 hours old \(made 2026-11-30T09:00:00.000Z\); plans older than 72 hours \(maxPlanAgeHours\) are refused/),
    ]);
  });

  it('counts whole hours: a plan made 72 hours and some minutes ago is still accepted (the schedule executes its notice plan so)', () => {
    expect(planProblems(planOf(), executeRequest(), context({ now: new Date('2026-12-03T09:45:00.000Z') }))).toEqual([]);
  });

  it('refuses a plan that says it was made after the run started (beyond clock skew)', () => {
    expect(planProblems(planOf(), executeRequest(), context({ now: new Date('2026-11-30T08:00:00.000Z') }))).toEqual([
      expect.stringContaining('after this run started'),
    ]);
  });

  it('refuses a plan made in another account or region, naming both', () => {
    const problems = planProblems(planOf(), executeRequest(), context({ account: '999988887777', region: 'eu-west-1' }));
    expect(problems).toEqual([
      `it was made for account ${ACCOUNT}, not this account 999988887777`,
      `it was made in region ${REGION}, not this region eu-west-1`,
    ]);
  });

  it('refuses a plan of another environment', () => {
    const byEnvironment = executeRequest({ connectionId: undefined, environment: { name: 'ledger-staging', managementAccountId: MANAGEMENT_ACCOUNT } });
    expect(planProblems(planOf(), byEnvironment, context())).toEqual([
      expect.stringMatching(/made for connection .* and this request names environment ledger-staging/),
    ]);
  });

  it('refuses other options than the plan was made with, and accepts none given', () => {
    const widened = executeRequest({ options: { retainFailedResources: false, deleteTypes: ['s3:bucket'], deleteConnectionRoles: false } });
    expect(planProblems(planOf(), widened, context())).toEqual([expect.stringContaining('give no options')]);
  });

  it('refuses the report of an execute run, and a failed plan run', () => {
    const executed = { ...planOf(), mode: 'execute' as const };
    const failed = { ...planOf(), status: 'failed' as const, failure: { error: 'NetworkError', message: 'reset' } };
    expect(planProblems(executed, executeRequest(), context())).toEqual([expect.stringContaining('not a plan')]);
    expect(planProblems(failed, executeRequest(), context())).toEqual([expect.stringContaining('the plan run plan-1 failed (NetworkError)')]);
  });

  it('refuses a plan that records no account (made before reports recorded it)', () => {
    const plan = planOf();
    const unrecorded = { ...plan, execution: { name: 'plan-1', startedAt: MADE_AT, finishedAt: MADE_AT } };
    expect(planProblems(unrecorded, executeRequest(), context())).toContain(`it was made for account (not recorded), not this account ${ACCOUNT}`);
  });
});

describe('acceptedRequest', () => {
  it("takes the plan's options and records what the run keeps of the plan", () => {
    const options = { retainFailedResources: true, deleteTypes: ['s3:bucket' as const], deleteConnectionRoles: true };
    const accepted = acceptedRequest(planOf(undefined, cleanupRequest({ mode: 'plan', options })), { ...executeRequest(), plan: URI }, '"etag-1"');
    expect(accepted.options).toEqual(options);
    expect(accepted.reviewedPlan).toEqual({ uri: URI, execution: 'plan-1', madeAt: MADE_AT, etag: '"etag-1"', deletesConnection: true });
  });

  it('deletes the connection only when the plan planned its deletion', () => {
    const plan = planOf();
    const notPlanned = { ...plan, connection: { ...plan.connection, outcome: 'not-attempted' as const } };
    expect(acceptedRequest(notPlanned, { ...executeRequest(), plan: URI }, '"etag-1"').reviewedPlan?.deletesConnection).toBe(false);
  });
});

describe('planLocationProblem', () => {
  it.each(['s3://reports-bucket/reports/plan-1.json', 's3://reports-bucket/plans/abc.json'])('accepts %s in the report bucket', (uri) => {
    expect(planLocationProblem(uri, 'reports-bucket')).toBeUndefined();
  });

  it.each(['s3://other-bucket/reports/plan-1.json', 's3://reports-bucket/executions/x/inventory.json'])(
    'refuses %s, outside the reports and plans of the report bucket',
    (uri) => {
      expect(planLocationProblem(uri, 'reports-bucket')).toContain("this deployment's report bucket only");
    },
  );
});

describe('restrictToPlan', () => {
  it('leaves the planned deletions as they are, and records the plan', () => {
    const inventory = inventoryOf(envStack, apiStack, bucket, queue, parameter);
    const restricted = restrictToPlan(inventory, planOf(inventory));
    expect(restricted.resources).toEqual(inventory.resources);
    expect(restricted.restrictedToPlan).toBe('plan-1');
  });

  it('retains a deletion the plan did not list, and what goes with it', () => {
    const restricted = restrictToPlan(inventoryOf(envStack, apiStack, bucket, queue), planOf(inventoryOf(envStack, bucket)));
    const byId = new Map(restricted.resources.map((r) => [r.id, r]));
    expect(byId.get(apiStack.id)).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/^not in the reviewed plan \(plan-1\): the plan did not list it/),
    });
    expect(byId.get(queue.id)).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^its stack is retained: not in the reviewed plan/) });
    expect(byId.get(envStack.id)?.action).toBe('delete-stack');
  });

  it('retains a stack that now holds a resource the plan did not show in it', () => {
    const restricted = restrictToPlan(inventoryOf(envStack, bucket), planOf(inventoryOf(envStack)));
    expect(restricted.resources.find((r) => r.id === envStack.id)).toMatchObject({
      action: 'retain',
      reason: expect.stringContaining(`it now holds what the plan did not show in it (${bucket.id})`),
    });
  });

  it('retains a resource the plan kept, whatever the inventory says now', () => {
    const kept = { ...envStack, action: 'retain' as const, reason: 'protected: termination protection is on' };
    const restricted = restrictToPlan(inventoryOf(envStack), planOf(inventoryOf(kept)));
    expect(restricted.resources[0]).toMatchObject({ action: 'retain', reason: expect.stringContaining('not in the reviewed plan') });
  });

  it('never widens: a resource the plan listed for deletion that is now retained stays retained', () => {
    const nowKept = { ...apiStack, action: 'retain' as const, reason: 'protected' };
    const restricted = restrictToPlan(inventoryOf(nowKept), planOf(inventoryOf(apiStack)));
    expect(restricted.resources[0]).toMatchObject({ action: 'retain', reason: 'protected' });
  });
});

describe('restrictToPlan: buckets to be emptied', () => {
  const exportsBucket = { ...parameter, id: 'arn:aws:s3:::exports', type: 's3:bucket', action: 'delete-resource' as const, reason: 'deleteTypes' };
  const holding = (versions: number, bounded = false) => ({ ...exportsBucket, contents: { versions, deleteMarkers: 0, bytes: versions * 10, bounded } });

  it('keeps a bucket that holds more data than the plan showed', () => {
    const [bucket] = restrictToPlan(inventoryOf(holding(120)), planOf(inventoryOf(holding(100)))).resources;
    expect(bucket).toMatchObject({ action: 'retain', reason: expect.stringContaining('it holds more data than the plan showed (now: 120 object version(s)') });
  });

  it('empties a bucket that holds what the plan showed, or less', () => {
    expect(restrictToPlan(inventoryOf(holding(80)), planOf(inventoryOf(holding(100)))).resources[0]?.action).toBe('delete-resource');
  });

  it('accepts a bucket whose count stopped at the bound in the plan and now (the reviewer accepted at least that much)', () => {
    expect(restrictToPlan(inventoryOf(holding(10_000, true)), planOf(inventoryOf(holding(10_000, true)))).resources[0]?.action).toBe('delete-resource');
  });
});

describe('restrictToPlan: stacks updated since the plan', () => {
  const updated = (at: string | undefined) => ({ ...envStack, ...(at ? { lastUpdatedTime: at } : {}) });

  it('keeps a planned stack updated since the plan saw it (an update may add what the plan could not show)', () => {
    const [stack] = restrictToPlan(inventoryOf(updated('2026-11-30T12:00:00.000Z')), planOf(inventoryOf(updated(undefined)))).resources;
    expect(stack).toMatchObject({
      action: 'retain',
      reason: expect.stringContaining('it was updated since the plan saw it (last updated 2026-11-30T12:00:00.000Z'),
    });
  });

  it('deletes a planned stack last updated when the plan saw it', () => {
    const at = '2026-11-01T00:00:00.000Z';
    expect(restrictToPlan(inventoryOf(updated(at)), planOf(inventoryOf(updated(at)))).resources[0]?.action).toBe('delete-stack');
  });
});
