import { type LocalRunResult, openSandbox, type RunOptions, runWorkflow } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import type { SafetyCase } from './arbitraries.js';
import {
  connectionEndsDeleted,
  converged,
  holdDependentsBack,
  noCrossAccountDelete,
  noLostRecord,
  noWrongfulDelete,
  protonErrorsFailTheRun,
  type RunContext,
  refusedTargetTouchesNothing,
  reportScope,
  requestTarget,
  retiredNeverCallsProton,
  spokeFailureReported,
  sweepStartsOnlyOrphans,
  type Target,
} from './invariants.js';
import { parseScenario, placeScenario } from './world.js';

/**
 * Runs one safety case: the request on the faulty account, then the same request again on the
 * account it left, with every fault removed. Each invariant is checked right after the run it
 * is about, so it reads the account as that run left it.
 */
export const INVARIANTS = [
  'no-wrongful-delete',
  'hold-dependents-back',
  'sweep-starts-only-orphans',
  'retired-never-calls-proton',
  'no-lost-record',
  'report-scope',
  'convergence',
  'connection-ends-deleted',
  'proton-errors-fail-the-run',
  'no-cross-account-delete',
  'refused-target-touches-nothing',
  'spoke-failure-reported',
  'no-crash',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface CaseOutcome {
  violations: Record<InvariantName, string[]>;
  /** Injected faults that fired in the first run: calls answered with an error, and Lambda timeouts. */
  faultsFired: number;
  /** What the request asks for, read from the scenario (invariants.ts requestTarget). */
  target?: Target;
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

/** Every run-level check, for one run. */
function checkRun(ctx: RunContext, record: (invariant: InvariantName, found: string[]) => void, final: boolean): void {
  record('no-wrongful-delete', noWrongfulDelete(ctx));
  record('hold-dependents-back', holdDependentsBack(ctx));
  record('sweep-starts-only-orphans', sweepStartsOnlyOrphans(ctx));
  record('retired-never-calls-proton', retiredNeverCallsProton(ctx));
  record('no-lost-record', noLostRecord(ctx));
  record('report-scope', reportScope(ctx));
  record('proton-errors-fail-the-run', protonErrorsFailTheRun(ctx));
  record('connection-ends-deleted', connectionEndsDeleted(ctx, { final }));
  record('no-cross-account-delete', noCrossAccountDelete(ctx));
  record('refused-target-touches-nothing', refusedTargetTouchesNothing(ctx));
  record('spoke-failure-reported', spokeFailureReported(ctx));
  if (final) record('convergence', converged(ctx));
}

export async function runCase(safetyCase: SafetyCase): Promise<CaseOutcome> {
  const { scenario, lambdaFaults } = safetyCase;
  executions += 1;
  const name = `safety-${executions}`;
  const violations = Object.fromEntries(INVARIANTS.map((i) => [i, [] as string[]])) as CaseOutcome['violations'];
  const recorder = (run: string) => (invariant: InvariantName, found: string[]) => violations[invariant].push(...found.map((v) => `${run}: ${v}`));
  const parsed = parseScenario(scenario);
  const target = requestTarget(parsed, DEFAULT_MODE);
  // The per-account rules read the target account-Region; the fleet rules, the whole scenario.
  const local = placeScenario(parsed, target.place);

  let sandbox: Sandbox;
  try {
    sandbox = await openSandbox(scenario, { defaultMode: DEFAULT_MODE });
  } catch (error) {
    violations['no-crash'].push(`the sandbox refused the scenario: ${(error as Error).message}`);
    return { violations, faultsFired: 0, target };
  }
  // Changes happen `at` seconds after the sandbox opened.
  const openedAt = sandbox.clock.now();
  const first = await runWithoutCrash(scenario, { sandbox, executionName: `${name}-first`, lambdaFaults }, violations['no-crash']);
  if (!first) return { violations, faultsFired: 0, target };
  const faultsFired = first.sandbox.calls.filter((c) => c.error !== undefined && !c.throttled).length + first.lambdaFaultsFired.length;
  checkRun({ run: first, scenario: local, fleet: parsed, target, openedAt, since: 0 }, recorder('first run'), false);

  const since = first.sandbox.calls.length;
  first.sandbox.clearFaults();
  const withoutFaults = { ...scenario, faults: [] };
  const rerun = await runWithoutCrash(withoutFaults, { sandbox: first.sandbox, input: scenario.input, executionName: `${name}-rerun` }, violations['no-crash']);
  if (!rerun) return { violations, faultsFired, target, first };
  checkRun({ run: rerun, scenario: local, fleet: parsed, target, openedAt, since }, recorder('re-run'), true);
  return { violations, faultsFired, target, first, rerun };
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
