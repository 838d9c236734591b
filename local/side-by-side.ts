import { type LocalRunResult, openSandbox, type RunOptions, runPreparedInOrder, runWorkflow } from './run-workflow.js';
import type { SandboxAccount } from './sandbox/account.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Scenario, ScenarioInput } from './sandbox/scenario.js';

/**
 * Executions side by side on one sandbox, as a sweep's children or a fleet's run in AWS: started
 * together, each its own execution of the state machine on the same account and the same virtual
 * clock. Their tasks' sleeps (pacers, the loop's waits) wake in time order whoever sleeps, so the
 * executions interleave as they would in real time. Each one's calls are paced by pacers of its
 * own (functions/aws/clients.ts keys them by execution), as its own Lambda instances would pace
 * them; nothing else in memory is shared between executions that AWS would not share (the
 * progress, the leases and the cleanup board are in the sandbox's S3).
 *
 * The sandbox answers a call at once and moves its clock by the call's latency: the latencies
 * of calls made at the same time add up, whichever executions make them (docs/sandbox.md). Side
 * by side, that makes simulated durations a little pessimistic, as it already is for one
 * execution's own concurrent calls.
 */
export interface SideBySideRun {
  executionName: string;
  input: unknown;
}

export async function runSideBySide(
  scenario: ScenarioInput | Scenario,
  runs: readonly SideBySideRun[],
  options: Pick<RunOptions, 'defaultMode' | 'sandbox' | 'onEvent'> & { overlapLatencies?: boolean } = {},
): Promise<{ sandbox: Sandbox; results: LocalRunResult[] }> {
  const sandbox = options.sandbox ?? (await openSandbox(scenario, options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}));
  sandbox.overlapLatencies = options.overlapLatencies ?? true;
  const runOptions = (run: SideBySideRun): RunOptions => ({
    sandbox,
    executionName: run.executionName,
    input: run.input,
    ...(options.defaultMode !== undefined ? { defaultMode: options.defaultMode } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const results = await runPreparedInOrder(scenario, runs, runOptions, (_, options, prepared) => runWorkflow(scenario, options, prepared));
  return { sandbox, results };
}

/** What an account's stack deletions take of its concurrent-resources limit at one moment. */
export interface DeletionLoad {
  at: number;
  /** The weight of the deletions running. */
  running: number;
  /** The weight of the deletions accepted that wait for the limit (CloudFormation's queue). */
  waiting: number;
  waitingStacks: number;
}

function loadOf(account: SandboxAccount, at: number): DeletionLoad {
  const queued = account.waitingDeletions.ordered();
  return { at, running: account.deletionWeightInFlight, waiting: queued.reduce((sum, s) => sum + (s.deletionWeight ?? 1), 0), waitingStacks: queued.length };
}

/**
 * Watches the deletion load of one account-Region of the sandbox (the hub's by default): the
 * load changes only while the sandbox answers a call (a DeleteStack accepted, deletions settled and
 * admitted before it), so the load after each answer is every load there was. Returns the peak (the
 * weight running plus waiting: what the executions have asked CloudFormation to delete at once).
 */
export function watchDeletionLoad(sandbox: Sandbox, place?: { accountId: string; region: string }) {
  const account = place ? sandbox.accountIn(place.accountId, place.region) : sandbox.account;
  let peak: DeletionLoad = loadOf(account, sandbox.clock.now());
  let peakWaiting = peak;
  sandbox.afterEachCall.push(() => {
    const load = loadOf(account, sandbox.clock.now());
    if (load.running + load.waiting > peak.running + peak.waiting) peak = load;
    if (load.waiting > peakWaiting.waiting) peakWaiting = load;
  });
  return {
    /** The moment the weight running plus waiting was highest. */
    peak: () => peak,
    /** The moment the most weight waited in CloudFormation's queue. */
    peakWaiting: () => peakWaiting,
    limit: account.concurrentResourcesLimit,
  };
}
