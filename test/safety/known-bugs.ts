import type { SafetyCase } from './arbitraries.js';
import type { CaseOutcome, InvariantName } from './run-case.js';

/**
 * Product bugs the properties found that are not fixed yet. Each is reproduced, minimally, in
 * test/safety/regressions.test.ts. The property tests set aside exactly the cases a known bug
 * explains (so they stay useful for finding new ones); `npm run verify:safety` counts them all.
 * Remove an entry when its bug is fixed.
 */
export interface KnownBug {
  id: string;
  summary: string;
  invariant: InvariantName;
  explains: (safetyCase: SafetyCase, outcome: CaseOutcome) => boolean;
}

export const KNOWN_BUGS: readonly KnownBug[] = [];

export function knownBugsOf(safetyCase: SafetyCase, outcome: CaseOutcome, invariant: InvariantName): KnownBug[] {
  return KNOWN_BUGS.filter((bug) => bug.invariant === invariant && outcome.violations[invariant].length > 0 && bug.explains(safetyCase, outcome));
}

/** The violations of an invariant that no known bug explains. */
export function unexplainedViolations(safetyCase: SafetyCase, outcome: CaseOutcome, invariant: InvariantName): string[] {
  return knownBugsOf(safetyCase, outcome, invariant).length > 0 ? [] : outcome.violations[invariant];
}
