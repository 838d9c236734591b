import { runWorkflow, type LocalRunResult, type RunOptions } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import type { SafetyCase } from './arbitraries.js';
import { connectionEndsDeleted, converged, noLostRecord, noWrongfulDelete } from './invariants.js';

/**
 * Runs one safety case: the request on the faulty account, then the same request again on the
 * account it left, with every fault removed. Each invariant is checked right after the run it
 * is about, so it reads the account as that run left it.
 */
export const INVARIANTS = ['no-wrongful-delete', 'no-lost-record', 'convergence', 'connection-ends-deleted', 'no-crash'] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface CaseOutcome {
  violations: Record<InvariantName, string[]>;
  /** Injected faults that fired in the first run: calls answered with an error, and Lambda timeouts. */
  faultsFired: number;
  first?: LocalRunResult;
  rerun?: LocalRunResult;
}

/** Both runs run in the `execute` default mode, so Proton's events (which name no mode) delete too. */
export const DEFAULT_MODE = 'execute';

let executions = 0;

/** An execution may fail; the runner itself must never throw. */
async function runWithoutCrash(scenario: ScenarioInput, options: RunOptions, crashes: string[]): Promise<LocalRunResult | undefined> {
  try {
    return await runWorkflow(scenario, { defaultMode: DEFAULT_MODE, ...options });
  } catch (error) {
    const where = error instanceof Error ? (error.stack ?? '').split('\n').slice(0, 3).join(' | ') : String(error);
    crashes.push(`the runner threw during ${options.executionName ?? 'a run'}: ${where}`);
    return undefined;
  }
}

export async function runCase(safetyCase: SafetyCase): Promise<CaseOutcome> {
  const { scenario, lambdaFaults } = safetyCase;
  const name = `safety-${(executions += 1)}`;
  const violations = Object.fromEntries(INVARIANTS.map((i) => [i, [] as string[]])) as CaseOutcome['violations'];
  const record = (invariant: InvariantName, run: string, found: string[]) => violations[invariant].push(...found.map((v) => `${run}: ${v}`));

  const first = await runWithoutCrash(scenario, { executionName: `${name}-first`, lambdaFaults }, violations['no-crash']);
  if (!first) return { violations, faultsFired: 0 };
  const faultsFired = first.sandbox.calls.filter((c) => c.error !== undefined).length + first.lambdaFaultsFired.length;
  record('no-wrongful-delete', 'first run', noWrongfulDelete(first, scenario));
  record('no-lost-record', 'first run', noLostRecord(first, scenario));
  record('connection-ends-deleted', 'first run', connectionEndsDeleted(first, scenario));

  const since = first.sandbox.calls.length;
  first.sandbox.clearFaults();
  const withoutFaults = { ...scenario, faults: [] };
  const rerun = await runWithoutCrash(
    withoutFaults,
    { sandbox: first.sandbox, input: scenario.input, executionName: `${name}-rerun` },
    violations['no-crash'],
  );
  if (!rerun) return { violations, faultsFired, first };
  record('no-wrongful-delete', 're-run', noWrongfulDelete(rerun, scenario, since));
  record('no-lost-record', 're-run', noLostRecord(rerun, scenario, since));
  record('convergence', 're-run', converged(rerun, scenario));
  record('connection-ends-deleted', 're-run', connectionEndsDeleted(rerun, scenario, { since, final: true }));
  return { violations, faultsFired, first, rerun };
}

/** The property tests check one invariant each over the same cases: each case runs once. */
const outcomes = new Map<string, Promise<CaseOutcome>>();

export function outcomeOf(safetyCase: SafetyCase): Promise<CaseOutcome> {
  const key = JSON.stringify(safetyCase);
  let outcome = outcomes.get(key);
  if (!outcome) {
    outcome = runCase(safetyCase);
    outcomes.set(key, outcome);
  }
  return outcome;
}
