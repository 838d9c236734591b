import type { Report } from '../functions/domain/report.js';
import { type LocalRunResult, type RunOptions, runWorkflow } from './run-workflow.js';
import type { Sandbox } from './sandbox/sandbox.js';
import type { Scenario } from './sandbox/scenario.js';

/**
 * A sweep on the sandbox, end to end: StartSweep starts one execution per environment through
 * the sandbox's Step Functions StartExecution, which only records it (RUNNING), as AWS would
 * before running it. Once the sweep has finished, this runs each execution it started, one after
 * the other, on the same sandbox and with the input it was started with.
 */
function startedChildren(report: Report | undefined, sandbox: Sandbox): { name: string; input: unknown }[] {
  const started = new Set((report?.sweep ?? []).flatMap((s) => (s.outcome === 'started' && s.execution ? [s.execution] : [])));
  return sandbox.account.executions.filter((e) => started.has(e.name) && e.status === 'RUNNING').map((e) => ({ name: e.name, input: e.input }));
}

export async function runSweepChildren(
  scenario: Scenario,
  parent: LocalRunResult,
  options: Pick<RunOptions, 'onEvent' | 'defaultMode'> & { onChildStart?: (name: string) => void } = {},
): Promise<LocalRunResult[]> {
  const results: LocalRunResult[] = [];
  for (const child of startedChildren(parent.report, parent.sandbox)) {
    options.onChildStart?.(child.name);
    results.push(
      await runWorkflow(scenario, {
        sandbox: parent.sandbox,
        executionName: child.name,
        input: child.input,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.defaultMode ? { defaultMode: options.defaultMode } : {}),
      }),
    );
  }
  return results;
}
