import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES, type LocalRunResult } from '../../local/run-workflow.js';
import { type RecordedCall, Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { consoleInput, environmentDeletedEvent, environmentStack, scenario, standaloneResource } from '../helpers/scenarios.js';
import { noCrossAccountDelete, type RunContext, refusedTargetTouchesNothing, requestTarget, spokeFailureReported, spokeRefusal } from './invariants.js';
import { parseScenario, placeScenario } from './world.js';

/**
 * The oracle's fleet rules on hand-built scenarios and hand-recorded calls (no workflow run): each
 * rule says yes once and no once. Where the rules come from: issue 12 ("nothing is ever deleted in an
 * account or Region other than the request's target"; a spoke missing, lacking an action or outside
 * the organization: "the run deletes nothing it was not allowed to and reports the failure"; "a
 * request naming an account that is not a target is refused and deletes nothing anywhere").
 */
const HUB = '111122223333';
const B = '222233334444';
const STRANGER = '555566667777';
const B_STACK = 'AWSProton-payments-prod-cloudformation--B0001';
const HUB_STACK = 'AWSProton-payments-prod-cloudformation--H0001';

const fleet = (input: unknown, b: Partial<NonNullable<ScenarioInput['accounts']>[number]> = {}) =>
  parseScenario(
    scenario({
      stacks: [environmentStack({ name: HUB_STACK })],
      accounts: [{ accountId: B, region: 'eu-west-1', stacks: [environmentStack({ name: B_STACK })], ...b }],
      input,
    }),
  );

const call = (operation: string, account: string, region: string, input: Record<string, unknown> = {}, service = 'cloudformation'): RecordedCall =>
  ({ service, operation, input, at: 0, account, region }) as RecordedCall;

/** A finished run over a sandbox of the scenario, with these calls recorded and this ending. */
function context(s: ReturnType<typeof fleet>, calls: RecordedCall[], ending: Partial<LocalRunResult> = { status: 'succeeded' }): RunContext {
  const sandbox = new Sandbox(s, { reportBucket: 'reports', topicArn: `arn:aws:sns:us-east-1:${HUB}:t` });
  sandbox.calls.push(...calls);
  const target = requestTarget(s, 'execute');
  const run = { executionName: 'x', status: 'succeeded', sandbox, invocations: new Map(), lambdaFaultsFired: [], lambdaTime: {}, simulatedMs: 0, ...ending };
  return { run: run as LocalRunResult, scenario: placeScenario(s, target.place), fleet: s, target, openedAt: sandbox.openedAt, since: 0 };
}

describe('the request names its target', () => {
  it('a request naming a configured account-Region targets it; one naming an account the hub does not target is refused (InvalidRequest)', () => {
    expect(requestTarget(fleet(consoleInput('execute', { account: B, region: 'eu-west-1' })), 'execute')).toMatchObject({
      kind: 'decommission',
      place: { account: B, region: 'eu-west-1' },
    });
    expect(requestTarget(fleet(consoleInput('execute', { account: STRANGER, region: 'us-east-1' })), 'execute')).toMatchObject({
      kind: 'invalid',
      notATarget: expect.stringMatching(/not one of the hub's targets/),
    });
  });

  it("the target's world holds the target's stacks, not the hub's", () => {
    const s = fleet(consoleInput('execute', { account: B, region: 'eu-west-1' }));
    const b = placeScenario(s, { account: B, region: 'eu-west-1' });
    expect(b.stacks.map((x) => x.name)).toEqual([B_STACK]);
    expect(b.accountId).toBe(B);
    expect(placeScenario(s, { account: HUB, region: 'us-east-1' }).stacks.map((x) => x.name)).toEqual([HUB_STACK]);
  });
});

describe('nothing is deleted outside the target', () => {
  it('a DeleteStack answered in another account is a violation; in the target it is not judged here', () => {
    const s = fleet(consoleInput('execute', { account: B, region: 'eu-west-1' }));
    expect(noCrossAccountDelete(context(s, [call('DeleteStack', HUB, 'us-east-1', { StackName: HUB_STACK })]))).toEqual([
      expect.stringMatching(/DeleteStack .* answered in 111122223333\/us-east-1, but the target is 222233334444\/eu-west-1/),
    ]);
    expect(noCrossAccountDelete(context(s, [call('DeleteStack', B, 'eu-west-1', { StackName: B_STACK })]))).toEqual([]);
  });

  it("the hub's own report bucket may be written and cleaned whatever the target", () => {
    const s = fleet(consoleInput('execute', { account: B, region: 'eu-west-1' }));
    expect(noCrossAccountDelete(context(s, [call('DeleteObject', HUB, 'us-east-1', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'k' }, 's3')]))).toEqual([]);
  });

  it('a stand-alone resource gone from an account that is not the target is a violation, however it went', () => {
    const s = parseScenario(
      scenario({
        accounts: [{ accountId: B, region: 'eu-west-1', standaloneResources: [standaloneResource('AWS::Logs::LogGroup', '/b/logs')] }],
        input: consoleInput('execute'),
      }),
    );
    const ctx = context(s, []);
    expect(noCrossAccountDelete(ctx)).toEqual([]);
    const b = ctx.run.sandbox.accountIn(B, 'eu-west-1');
    b.removeResource(b.resourceNamed('AWS::Logs::LogGroup', '/b/logs')?.arn ?? '');
    expect(noCrossAccountDelete(ctx)).toEqual([expect.stringMatching(/\/b\/logs in 222233334444\/eu-west-1 \(not the target\) is gone/)]);
  });

  it('a stack of another account left DELETE_IN_PROGRESS by the run is a violation', () => {
    const s = fleet(consoleInput('execute'));
    const ctx = context(s, []);
    expect(noCrossAccountDelete(ctx)).toEqual([]);
    const stack = ctx.run.sandbox.accountIn(B, 'eu-west-1').stackByName(B_STACK);
    if (stack) stack.status = 'DELETE_IN_PROGRESS';
    expect(noCrossAccountDelete(ctx)).toEqual([expect.stringMatching(/stack AWSProton-payments-prod-cloudformation--B0001 in 222233334444\/eu-west-1/)]);
  });
});

describe('a request naming a non-target touches nothing', () => {
  it('refused with InvalidRequest and no call outside the hub: fine; a call in a target account: a violation', () => {
    const s = fleet(consoleInput('execute', { account: STRANGER, region: 'us-east-1' }));
    const refused = { status: 'failed' as const, error: { name: 'InvalidRequest', cause: '' } };
    expect(refusedTargetTouchesNothing(context(s, [call('PutObject', HUB, 'us-east-1', { Bucket: LOCAL_RESOURCES.reportBucket }, 's3')], refused))).toEqual([]);
    expect(refusedTargetTouchesNothing(context(s, [call('DescribeStacks', B, 'eu-west-1')], refused))).toEqual([
      expect.stringMatching(/DescribeStacks answered in 222233334444\/eu-west-1 on a refused request/),
    ]);
  });

  it('a refused request that does not end InvalidRequest is a violation', () => {
    const s = fleet(consoleInput('execute', { account: STRANGER, region: 'us-east-1' }));
    expect(refusedTargetTouchesNothing(context(s, [], { status: 'succeeded' }))).toEqual([expect.stringMatching(/yet the run ended succeeded/)]);
  });
});

describe('a target the hub cannot work in', () => {
  const toB = consoleInput('execute', { account: B, region: 'eu-west-1' });

  it('a spoke not deployed, or an account outside the organization, refuses; a whole spoke does not', () => {
    expect(spokeRefusal(fleet(toB, { spoke: { deployed: false, withoutActions: [] } }), { account: B, region: 'eu-west-1' }, [])).toMatch(/not deployed/);
    expect(spokeRefusal(fleet(toB, { outsideOrganization: true }), { account: B, region: 'eu-west-1' }, [])).toMatch(/outside the organization/);
    expect(spokeRefusal(fleet(toB), { account: B, region: 'eu-west-1' }, [])).toBeUndefined();
  });

  it('a spoke lacking an action refuses only once the run calls that action in the target', () => {
    const s = fleet(toB, { spoke: { deployed: true, withoutActions: ['tag:GetResources'] } });
    const place = { account: B, region: 'eu-west-1' };
    expect(spokeRefusal(s, place, [call('DescribeStacks', B, 'eu-west-1')])).toBeUndefined();
    expect(spokeRefusal(s, place, [call('GetResources', B, 'eu-west-1', {}, 'tagging')])).toMatch(/lack tag:GetResources/);
    expect(spokeRefusal(s, place, [call('GetResources', HUB, 'us-east-1', {}, 'tagging')])).toBeUndefined();
  });

  it('the run must report the failure: a failed run does; a clean success does not', () => {
    const s = fleet(toB, { spoke: { deployed: false, withoutActions: [] } });
    expect(spokeFailureReported(context(s, [], { status: 'failed', error: { name: 'TargetUnreachable', cause: '' } }))).toEqual([]);
    expect(spokeFailureReported(context(s, [], { status: 'succeeded' }))).toEqual([expect.stringMatching(/not deployed .* no failure reported/)]);
  });
});

describe("Proton's environment-deleted event on a hub with targets", () => {
  const deleted = environmentDeletedEvent();
  const connection = (id: string) => ({ id, environmentName: 'payments-prod', roleName: 'ProtonEnvironmentRole-payments' });

  it('is cleaned up in the one account-Region holding a connection for the environment', () => {
    const s = parseScenario(
      scenario({
        connections: [],
        accounts: [{ accountId: B, region: 'eu-west-1', connections: [connection('5b2f0c1e-7a3d-4e8f-9c6b-1d2e3f4a5b6c')] }],
        input: deleted,
      }),
    );
    expect(requestTarget(s, 'execute')).toMatchObject({ place: { account: B, region: 'eu-west-1' } });
    expect(requestTarget(s, 'execute').unresolvable).toBeUndefined();
  });

  it('cannot be resolved when two account-Regions each hold one (the run must fail)', () => {
    const s = parseScenario(
      scenario({ accounts: [{ accountId: B, region: 'eu-west-1', connections: [connection('5b2f0c1e-7a3d-4e8f-9c6b-1d2e3f4a5b6c')] }], input: deleted }),
    );
    expect(requestTarget(s, 'execute').unresolvable).toContain('each hold a connection');
  });

  it('cannot be resolved when a target cannot be asked (its spoke is not deployed)', () => {
    const s = parseScenario(scenario({ accounts: [{ accountId: B, region: 'eu-west-1', spoke: { deployed: false, withoutActions: [] } }], input: deleted }));
    expect(requestTarget(s, 'execute').unresolvable).toContain(`cannot ask ${B}`);
  });
});
