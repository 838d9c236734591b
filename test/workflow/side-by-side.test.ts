import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../local/run-workflow.js';
import { scaleEnvironments, scaleRequest, scaleScenario } from '../../local/scale-scenario.js';
import { runSideBySide, watchDeletionLoad } from '../../local/side-by-side.js';

/**
 * Executions cleaning up environments of one account at once (a sweep's children), side by side
 * on one sandbox and one clock, each paced as its own Lambda would be: together they keep to the
 * account's CloudFormation ConcurrentResourcesLimit and API rates, and read the account's
 * deleting stacks about as often whatever their number.
 */
const RESOURCES_PER_ENVIRONMENT = 100;
/** Small enough that the environments' stacks (about 4 resources each) cannot all delete at once. */
const LIMIT = 40;

async function sideBySide(environments: number) {
  const scenario = {
    ...scaleScenario({ resources: RESOURCES_PER_ENVIRONMENT * environments, seed: 11, environments }),
    concurrentResourcesLimit: LIMIT,
  };
  const sandbox = await openSandbox(scenario, { defaultMode: 'execute' });
  const load = watchDeletionLoad(sandbox);
  const runs = scaleEnvironments(environments).map((e, i) => ({ executionName: `side-by-side-${environments}-${i + 1}`, input: scaleRequest(e.connectionId) }));
  const { results } = await runSideBySide(scenario, runs, { sandbox, defaultMode: 'execute' });
  const heaviestStack = Math.max(...scenario.stacks.map((s) => Math.max(1, s.resources.length)));
  return { environments, scenario, sandbox, results, load, heaviestStack, listStacks: sandbox.calls.filter((c) => c.operation === 'ListStacks').length };
}

describe('4 environments of one account cleaned up side by side, the account allowing 40 resources in deletions at once', async () => {
  const four = await sideBySide(4);
  const two = await sideBySide(2);

  it('cleans up every environment: every execution succeeds, no resource failed', () => {
    expect(four.results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(four.results.flatMap((r) => r.report?.resources.filter((x) => x.outcome === 'failed') ?? [])).toEqual([]);
    expect(four.scenario.stacks.filter((s) => four.sandbox.account.stackByName(s.name)?.status !== 'DELETE_COMPLETE')).toEqual([]);
  });

  it('fails no resource by throttling', () => {
    const byThrottling = four.results.flatMap(
      (r) => r.report?.resources.filter((x) => x.outcome === 'failed' && /thrott|rate exceeded/i.test(`${x.error ?? ''} ${x.reason ?? ''}`)) ?? [],
    );
    expect(byThrottling).toEqual([]);
  });

  it('never has more weight in stack deletions (running and waiting in CloudFormation) than the limit and one stack', () => {
    const { running, waiting } = four.load.peak();
    expect(running + waiting).toBeLessThanOrEqual(LIMIT + four.heaviestStack);
  });

  it('uses the limit: at some moment the deletions running weigh more than half of it', () => {
    expect(four.load.peak().running).toBeGreaterThan(LIMIT / 2);
  });

  it('reads the deleting stacks (ListStacks) at most linearly more often with 4 executions than with 2, not quadratically', () => {
    expect(two.results.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    // Each environment brings its own resources and the limit stays the same: with twice the executions
    // the account has twice the work, so the run lasts about twice as long. One listing shared per
    // round interval grows with that alone (×2, linear); each execution listing on its own grows with
    // both (×4, quadratic). ×2 itself is the ideal, with no room for the rounds two executions happen
    // to start at the same instant: the bound is halfway between the two (geometric mean, ×2.83).
    const scale = four.environments / two.environments;
    expect(four.listStacks).toBeLessThan(two.listStacks * scale ** 1.5);
  });
}, 120_000);
