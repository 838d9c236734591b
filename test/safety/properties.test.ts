import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safetyCaseArbitrary } from './arbitraries.js';
import { unexplainedViolations } from './known-bugs.js';
import { INVARIANTS, type InvariantName, outcomeOf } from './run-case.js';

/**
 * The safety invariants over random accounts, triggers and fault schedules (the services' own
 * errors, Proton vanishing mid-run, Lambda timeouts before and after their effects). Each case
 * runs once, then again without faults on the account it left; every property reads the same
 * runs. A fixed seed keeps `npm test` repeatable; `npm run verify:safety` sweeps far more cases.
 */
const RUNS = { numRuns: 25, seed: 20261125, endOnFailure: true } as const;
const TIMEOUT = 180_000; // only a failing property takes long: fast-check shrinks it to a minimal case

const holds = (invariant: InvariantName) =>
  fc.asyncProperty(safetyCaseArbitrary, async (safetyCase) => {
    const outcome = await outcomeOf(safetyCase);
    expect(unexplainedViolations(safetyCase, outcome, invariant)).toEqual([]);
  });

const DESCRIPTIONS: Record<InvariantName, string> = {
  'no-wrongful-delete':
    'no wrongful delete: proven, unmixed, unprotected root stacks of an environment no other connection serves; only the requested connection; nothing in plan mode or by a sweep',
  'hold-dependents-back': 'hold dependents back: the environment stack waits for its components and service instances, an exporting stack for earlier phases',
  'sweep-starts-only-orphans': 'a sweep starts cleanups only for unserved environments of other accounts (retired: named or due), never after a failed listing',
  'retired-never-calls-proton': 'with Proton retired, no Proton call',
  'no-lost-record': 'no lost record: every inventoried resource reported once, counts add up, a failure always leaves a record',
  'report-scope': "reports list only this environment's resources and unproven AWSProton- stacks",
  convergence: 'convergence: the same request, re-run without faults, succeeds and leaves no deletable stack',
  'connection-ends-deleted': 'connection ends deleted (Proton available), or is reported unreachable (Proton retired)',
  'proton-errors-fail-the-run': 'Proton errors are errors: a run whose last Proton call failed does not succeed',
  'no-cross-account-delete': 'nothing is deleted in an account or Region other than the request target, by call or in what the others hold',
  'refused-target-touches-nothing': 'a request naming an account-Region that is not a target is refused and touches no account',
  'spoke-failure-reported': 'a target whose spoke is missing, lacks a permission or is outside the organization: the run reports the failure',
  'no-crash': 'no crash: the runner never throws, whatever fails',
};

describe('the safety model holds on random accounts with random faults', () => {
  for (const invariant of INVARIANTS) {
    it(DESCRIPTIONS[invariant], { timeout: TIMEOUT }, async () => {
      await fc.assert(holds(invariant), RUNS);
    });
  }
});
