import type { Report } from '../../functions/domain/report.js';
import type { LocalRunResult } from '../../local/run-workflow.js';
import { LOCAL_RESOURCES, runWorkflow } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';

/** Runs the real ASL on the sandbox and gives tests short ways to ask what happened. */
export async function run(scenario: ScenarioInput, input?: unknown): Promise<LocalRunResult> {
  return runWorkflow(scenario, input === undefined ? {} : { input });
}

/** Runs again on the account the earlier run left behind. */
export async function rerun(earlier: LocalRunResult, input: unknown): Promise<LocalRunResult> {
  return runWorkflow(earlier.sandbox.scenario, { input, sandbox: earlier.sandbox });
}

export function reportOf(result: LocalRunResult): Report {
  if (!result.report) throw new Error(`no report was written (execution ${result.status}: ${result.error?.name ?? ''} ${result.error?.cause ?? ''})`);
  return result.report;
}

/** Calls that delete something of the account, of any service: Delete*, Remove*, Detach*. The report bucket's own objects are not the account's. */
const DELETING = /^(Delete|Remove|Detach)/;

export function deletingCalls(result: LocalRunResult) {
  return result.sandbox.calls.filter((c) => DELETING.test(c.operation) && c.input.Bucket !== LOCAL_RESOURCES.reportBucket);
}

export function stackIdOf(result: LocalRunResult, name: string): string {
  const stack = result.sandbox.account.stackByName(name);
  if (!stack) throw new Error(`no stack named ${name} in the sandbox`);
  return stack.stackId;
}

export function entryFor(report: Report, id: string) {
  const entry = report.resources.find((r) => r.id === id);
  if (!entry) throw new Error(`the report has no entry for ${id}`);
  return entry;
}

/** Every call that named this stack, by ID or by name. */
export function callsTouching(result: LocalRunResult, stackId: string, stackName: string) {
  return result.sandbox.calls.filter((c) => c.input.StackName === stackId || c.input.StackName === stackName);
}
