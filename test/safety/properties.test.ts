import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safetyCaseArbitrary } from './arbitraries.js';
import { unexplainedViolations } from './known-bugs.js';
import { outcomeOf, type InvariantName } from './run-case.js';

/**
 * The safety invariants over random accounts, triggers and fault schedules (the services' own
 * errors, Proton vanishing mid-run, Lambda timeouts before and after their effects). Each case
 * runs once, then again without faults on the account it left; every property reads the same
 * runs. A fixed seed keeps `npm test` repeatable; `npm run verify:safety` sweeps far more cases.
 */
const RUNS = { numRuns: 25, seed: 20261125 } as const;
const TIMEOUT = 180_000; // only a failing property takes long: fast-check shrinks it to a minimal case

const holds = (invariant: InvariantName) =>
  fc.asyncProperty(safetyCaseArbitrary, async (safetyCase) => {
    const outcome = await outcomeOf(safetyCase);
    expect(unexplainedViolations(safetyCase, outcome, invariant)).toEqual([]);
  });

describe('the safety model holds on random accounts with random faults', () => {
  it('no wrongful delete: only proven-owned stacks and the requested connection, nothing in plan mode', { timeout: TIMEOUT }, async () => {
    await fc.assert(holds('no-wrongful-delete'), RUNS);
  });

  it('no lost record: every inventoried resource reported once, counts add up, a failure always leaves a record', { timeout: TIMEOUT }, async () => {
    await fc.assert(holds('no-lost-record'), RUNS);
  });

  it('convergence: the same request, re-run without faults, succeeds and leaves no deletable owned stack', { timeout: TIMEOUT }, async () => {
    await fc.assert(holds('convergence'), RUNS);
  });

  it('connection ends deleted, unless Proton is unreachable, the error is permanent, or it is a plan', { timeout: TIMEOUT }, async () => {
    await fc.assert(holds('connection-ends-deleted'), RUNS);
  });

  it('no crash: the runner never throws, whatever fails', { timeout: TIMEOUT }, async () => {
    await fc.assert(holds('no-crash'), RUNS);
  });
});
