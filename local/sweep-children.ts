import type { Report } from '../functions/domain/report.js';
import { asTheFunction } from './lambda-binding.js';
import { type LocalRunResult, type PreparedRun, type RunOptions, runPreparedInOrder, runWorkflow } from './run-workflow.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Scenario } from './sandbox/scenario.js';

/**
 * A sweep on the sandbox, end to end: StartSweep starts one execution per environment through
 * the sandbox's Step Functions StartExecution, which only records it (RUNNING), as AWS would
 * before running it. Once the sweep has finished, this runs each execution it started, one after
 * the other (or side by side: `sideBySide`), on the same sandbox and with the input it was started with.
 */
function startedChildren(report: Report | undefined, sandbox: Sandbox): { name: string; input: unknown }[] {
  const started = new Set((report?.sweep ?? []).flatMap((s) => (s.outcome === 'started' && s.execution ? [s.execution] : [])));
  return sandbox.account.executions.filter((e) => started.has(e.name) && e.status === 'RUNNING').map((e) => ({ name: e.name, input: e.input }));
}

/**
 * What AWS does when an execution ends: Step Functions sends its "Execution Status Change" event,
 * and the deployment's rule on it (SweepChildEndedRule) invokes CollectFleet, which writes the
 * fleet report once the sweep's last child has ended. The sandbox has no event bus routing, so the
 * local run delivers that event itself, to the same handler, as its function.
 */
export async function deliverEndOf(child: { name: string; input: unknown }, result: LocalRunResult): Promise<void> {
  const { handler } = await import('../functions/collect-fleet.js');
  const event = {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    detail: { name: child.name, status: result.status === 'succeeded' ? 'SUCCEEDED' : 'FAILED', input: JSON.stringify(child.input) },
  };
  await asTheFunction(result.sandbox.iam?.deployment, 'collectFleet', () => handler(event));
}

export async function runSweepChildren(
  scenario: Scenario,
  parent: LocalRunResult,
  options: Pick<RunOptions, 'onEvent' | 'defaultMode'> & {
    onChildStart?: (name: string) => void;
    /** Run the children side by side, as Step Functions would (local/side-by-side.ts), instead of one after the other. */
    sideBySide?: boolean;
  } = {},
): Promise<LocalRunResult[]> {
  const childOptions = (child: { name: string; input: unknown }): RunOptions => ({
    sandbox: parent.sandbox,
    executionName: child.name,
    input: child.input,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.defaultMode ? { defaultMode: options.defaultMode } : {}),
  });
  const runChild = async (child: { name: string; input: unknown }, runOptions = childOptions(child), prepared?: PreparedRun) => {
    options.onChildStart?.(child.name);
    const result = await runWorkflow(scenario, runOptions, prepared);
    await deliverEndOf(child, result);
    return result;
  };
  const children = startedChildren(parent.report, parent.sandbox);
  if (options.sideBySide) return runPreparedInOrder(scenario, children, childOptions, runChild);
  const results: LocalRunResult[] = [];
  for (const child of children) results.push(await runChild(child));
  return results;
}
