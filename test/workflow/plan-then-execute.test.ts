import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report, ReportEntry } from '../../functions/domain/report.js';
import { LOCAL_RESOURCES, type LocalRunResult, runWorkflow } from '../../local/run-workflow.js';
import { type Scenario, ScenarioSchema } from '../../local/sandbox/scenario.js';
import { PROJECT_ROOT } from '../../local/workflow-definition.js';

/**
 * Plan, then execute that plan, on every shipped scenario (issue 11): what was done differs from
 * what was planned only where the scenario's injected faults or scheduled changes explain it, and
 * nothing the plan did not list is ever deleted. A sweep's plan is not executable (one cleanup per
 * plan): each environment its plan would clean up is planned and executed on its own.
 */
const SCENARIOS = path.join(PROJECT_ROOT, 'scenarios');

function shipped(): [string, Scenario][] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, ScenarioSchema.parse(JSON.parse(readFileSync(path.join(SCENARIOS, f), 'utf8')))]);
}

type Target = Record<string, unknown>;

/** The request's target (connection and/or environment), without its mode. */
function targetOf(input: unknown): Target {
  const { mode: _mode, ...target } = input as Record<string, unknown>;
  return target;
}

const planUri = (plan: LocalRunResult) => `s3://${LOCAL_RESOURCES.reportBucket}/reports/${plan.executionName}.json`;

function reportOf(result: LocalRunResult): Report {
  if (!result.report) throw new Error(`no report (${result.status}: ${result.error?.name} ${result.error?.cause})`);
  return result.report;
}

/** How long CloudFormation may take before a stack is reported failed (maxStackDeletionMinutes' default). */
const MAX_DELETION_SECONDS = 60 * 60;

/**
 * Whether the scenario's injected faults or scheduled changes explain a difference for this entry:
 * it names (or is in, or waits for) a stack or resource that fails to delete, takes longer than
 * maxStackDeletionMinutes, or that a change touches; or an injected fault stopped the run.
 */
function explainedBy(scenario: Scenario): (entry: ReportEntry) => boolean {
  const names = new Set<string>();
  for (const stack of scenario.stacks) {
    if (stack.resources.some((r) => r.failsToDelete) || (stack.deleteSeconds ?? 0) > MAX_DELETION_SECONDS) names.add(stack.name);
    for (const r of stack.resources) if (r.failsToDelete) names.add(r.name);
  }
  for (const change of scenario.changes) {
    if ('target' in change) names.add('stack' in change.target ? change.target.stack : change.target.standalone);
    if ('stack' in change) names.add(change.stack);
    if ('bucket' in change) names.add(change.bucket);
  }
  return (entry) => {
    if ((entry.reason ?? entry.error ?? '').includes('sandbox fault injected')) return true;
    const said = `${entry.id} ${entry.stackId ?? ''} ${entry.reason ?? ''} ${entry.error ?? ''}`;
    return [...names].some((name) => said.includes(name));
  };
}

const DONE = ['deleted', 'already-absent'];

/** What was done that the plan did not say: unexplained entries, one line each. */
function differences(plan: Report, done: Report, explained: (entry: ReportEntry) => boolean): string[] {
  const planned = new Map(plan.resources.map((r) => [r.id, r]));
  const lines: string[] = [];
  for (const entry of done.resources) {
    const before = planned.get(entry.id);
    if (entry.outcome === 'deleted' && before?.outcome !== 'planned')
      lines.push(`DELETED WITHOUT A PLAN: ${entry.id} (planned: ${before?.outcome ?? 'absent'})`);
    if (before?.outcome === 'planned' && !DONE.includes(entry.outcome) && !explained(entry)) {
      lines.push(`planned, then ${entry.outcome}: ${entry.id}: ${entry.error ?? entry.reason ?? ''}`);
    }
    if (before && before.outcome !== 'planned' && entry.outcome !== before.outcome && !explained(entry)) {
      lines.push(`planned ${before.outcome}, then ${entry.outcome}: ${entry.id}`);
    }
  }
  for (const [id, before] of planned) {
    if (before.outcome === 'planned' && !done.resources.some((r) => r.id === id)) lines.push(`planned, then missing from the report: ${id}`);
  }
  return lines;
}

async function planAndExecute(scenario: Scenario, target: Target, sandbox?: LocalRunResult['sandbox']) {
  const plan = await runWorkflow(scenario, { input: { ...target, mode: 'plan' }, ...(sandbox ? { sandbox } : {}) });
  const executed = await runWorkflow(scenario, { input: { ...target, plan: planUri(plan) }, sandbox: plan.sandbox });
  return { plan, executed };
}

describe('plan, then execute that plan, on every shipped scenario', () => {
  it.each(shipped())('%s: does what the plan said, except where its faults or changes explain it', async (_, scenario) => {
    const targets: Target[] = [];
    let sandbox: LocalRunResult['sandbox'] | undefined;
    if ((scenario.input as Record<string, unknown>).sweep) {
      const sweepPlan = await runWorkflow(scenario, { input: { sweep: true, mode: 'plan' } });
      sandbox = sweepPlan.sandbox;
      for (const section of reportOf(sweepPlan).sweep ?? []) {
        if (section.outcome === 'skipped') continue;
        targets.push({ environment: { name: section.environmentName, managementAccountId: section.managementAccountId } });
      }
      expect(targets.length).toBeGreaterThan(0);
    } else targets.push(targetOf(scenario.input));

    for (const target of targets) {
      const { plan, executed } = await planAndExecute(scenario, target, sandbox);
      sandbox = executed.sandbox;
      const planReport = reportOf(plan);
      // The run's times are on one clock: a report never ends before it starts.
      for (const report of [planReport, reportOf(executed)])
        expect(Date.parse(report.execution.finishedAt)).toBeGreaterThanOrEqual(Date.parse(report.execution.startedAt));
      if (planReport.status === 'failed') {
        // No plan to execute: the execute run refuses it, deleting nothing.
        expect(reportOf(executed).failure?.error).toBe('PlanRefused');
        continue;
      }
      expect(executed.error?.name).not.toBe('PlanRefused');
      expect(differences(planReport, reportOf(executed), explainedBy(scenario))).toEqual([]);
    }
  });
});
