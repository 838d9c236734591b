import { describe, expect, it } from 'vitest';
import { planTarget, withPlanTarget } from '../../cli/plan-file.js';
import { UsageError } from '../../cli/usage-error.js';
import { reportFixture } from '../helpers/domain-fixtures.js';

/** `execute --plan FILE`: the local plan file looked at before anything starts. */
const CONNECTION = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const ENVIRONMENT = { name: 'payments-prod', managementAccountId: '444455556666' };
const plan = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ ...reportFixture({ mode: 'plan' }), request: { ...reportFixture().request, connectionId: CONNECTION, mode: 'plan' }, ...overrides });

describe('a local plan file', () => {
  it("gives the plan's target: its request's connectionId and environment, and the account and Region it was made for", () => {
    const where = reportFixture().request?.target;
    expect(planTarget(plan(), 'P.json')).toEqual({ connectionId: CONNECTION, where });
    expect(planTarget(plan({ request: { ...reportFixture().request, connectionId: undefined, environment: ENVIRONMENT } }), 'P.json')).toEqual({
      environment: ENVIRONMENT,
      where,
    });
  });

  it.each([
    ['{not json', /plan P\.json is not valid JSON/],
    ['{"connectionId": "x"}', /plan P\.json is not a report \(it has no reportVersion\)/],
    [plan({ mode: 'execute' }), /plan P\.json is the report of an execute mode, not of a plan/],
    [plan({ status: 'failed' }), /plan P\.json is the report of a plan that failed/],
  ])('that cannot be executed (%s) is a usage error saying why', (content, message) => {
    expect(() => planTarget(content, 'P.json')).toThrow(UsageError);
    expect(() => planTarget(content, 'P.json')).toThrow(message);
  });

  it('fills the target flags from the plan when none is given, and says what it took', () => {
    expect(withPlanTarget({ plan: 'P.json' }, { environment: ENVIRONMENT }, 'P.json')).toEqual({
      flags: { plan: 'P.json', environment: 'payments-prod', 'management-account': '444455556666' },
      fromPlan: 'environment payments-prod@444455556666',
    });
  });

  it("keeps target flags that are the plan's (the connection in any case)", () => {
    const flags = { plan: 'P.json', connection: CONNECTION.toUpperCase() };
    expect(withPlanTarget(flags, { connectionId: CONNECTION }, 'P.json')).toEqual({ flags });
  });

  it("refuses target flags that are not the plan's, naming both", () => {
    expect(() =>
      withPlanTarget({ plan: 'P.json', environment: 'other', 'management-account': '444455556666' }, { connectionId: CONNECTION }, 'P.json'),
    ).toThrow(`plan P.json is the plan of connection ${CONNECTION}, not of environment other@444455556666`);
  });
});
