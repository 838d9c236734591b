import { parametersUnder } from './aws/decommission-dates.js';
import { executionKey, putJson } from './aws/object-store.js';
import { listConnections } from './aws/proton.js';
import { startNamedExecution } from './aws/step-functions.js';
import { resourcesWithTag } from './aws/tagging.js';
import { inTarget, roleSessionName, workingTarget } from './aws/target-session.js';
import { configuredTargets } from './cleanup/targets.js';
import { decommissionDates, todayUtc } from './domain/decommission-schedule.js';
import { TAG } from './domain/ownership.js';
import { type CleanupRequest, CleanupRequestSchema } from './domain/request.js';
import { decideSweep, environmentsFound, type SweepDecision, sweepChildName } from './domain/sweep.js';
import type { SweepFile, SweepResult, SweepSection, UnreachableTarget } from './domain/sweep-result.js';
import { isFleet, requestPlace, type Target } from './domain/target.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget } from './runtime/deployment.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * StartSweep: lists every environment tagged in this account and decides, for each, whether to
 * start a cleanup (see domain/sweep.ts): with Proton available, those no connection serves; with
 * Proton retired, those the request names or whose decommission date has come. A Proton error
 * fails the sweep before anything starts. Each child writes its own report.
 */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true, DECOMMISSION_PARAMETER_PATH: true }));

/** Where the sweep's sections are kept: one per environment found, so they travel by reference, never in the state. */
const SWEEP_FILE = 'sweep.json';

async function decide(input: {
  protonApi: 'available' | 'retired';
  environments?: { name: string; managementAccountId: string }[] | undefined;
}): Promise<SweepDecision[]> {
  const tagged = await resourcesWithTag(TAG.environment);
  const found = environmentsFound(tagged.map((r) => r.tags[TAG.environment] ?? ''));
  const common = { found, protonApi: input.protonApi, accountId: workingTarget().account, ...(input.environments ? { named: input.environments } : {}) };
  if (input.protonApi === 'available') return decideSweep({ ...common, connections: await listConnections() });
  const { dates } = decommissionDates(await parametersUnder(config.DECOMMISSION_PARAMETER_PATH), config.DECOMMISSION_PARAMETER_PATH);
  return decideSweep({ ...common, dates, today: todayUtc(new Date(clock.now())) });
}

/** One target's sections: every environment found there, started or skipped (its children clean up in that target). */
async function sweepTarget(request: CleanupRequest, target: Target, context: { stateMachineArn: string; executionName: string }): Promise<SweepSection[]> {
  const { mode, options, protonApi, environments } = request;
  const place = requestPlace(target, hubTarget());
  const sections: SweepSection[] = [];
  for (const { environment, action, reason } of await decide({ protonApi, environments })) {
    const section = {
      ...place,
      environmentName: environment.name,
      managementAccountId: environment.managementAccountId,
      environmentArn: environment.environmentArn,
      resources: environment.resources,
      reason,
    };
    if (action === 'skip') {
      sections.push({ ...section, outcome: 'skipped' });
      continue;
    }
    const execution = sweepChildName(context.executionName, environment, mode, place.account ? target : undefined);
    const child = { execution, report: `reports/${execution}.json` };
    // The child asks Proton when this sweep does (a request may ask for it on a retired deployment).
    const input = {
      environment: { name: environment.name, managementAccountId: environment.managementAccountId },
      ...place,
      mode,
      ...options,
      ...(protonApi === 'available' ? { protonApi } : {}),
      sweptBy: context.executionName,
    };
    try {
      sections.push({ ...section, ...child, outcome: await startNamedExecution(context.stateMachineArn, execution, input) });
    } catch (error) {
      sections.push({ ...section, ...child, outcome: 'failed-to-start', error: `${(error as Error).name}: ${(error as Error).message}` });
    }
  }
  return sections;
}

export const handler = taskHandler({
  task: 'StartSweep',
  input: z.object({ request: CleanupRequestSchema, stateMachineArn: z.string(), executionName: z.string() }),
  logKeys: ({ executionName }) => ({ executionName }),
  summarize: (result: SweepResult) => result.counts,
  run: async ({ request, stateMachineArn, executionName }): Promise<SweepResult> => {
    // A sweep that names no target covers every target the hub has (itself alone when none is configured).
    const targets = request.targets ?? (await configuredTargets());
    const fleet = isFleet(targets, hubTarget());
    const sections: SweepSection[] = [];
    const unreachable: UnreachableTarget[] = [];
    for (const target of targets) {
      try {
        sections.push(
          ...(await inTarget({ target, sessionName: roleSessionName(executionName) }, () => sweepTarget(request, target, { stateMachineArn, executionName }))),
        );
      } catch (error) {
        // One account's sweep, as ever: its error fails the sweep before anything starts (and the
        // state machine retries a transient one). In a fleet, a target that cannot be read after the
        // SDK's attempts is reported as not swept, and the others are swept: one account's outage
        // (or Proton gone there) must not hold back the fleet. Nothing is inferred from the error.
        if (!fleet) throw error;
        unreachable.push({ ...target, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    const location = await putJson({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, SWEEP_FILE) }, {
      environments: sections,
      ...(fleet ? { targets } : {}),
      ...(unreachable.length > 0 ? { unreachable } : {}),
    } satisfies SweepFile);
    const count = (...outcomes: SweepSection['outcome'][]) => sections.filter((s) => outcomes.includes(s.outcome)).length;
    return {
      location,
      counts: {
        environments: sections.length,
        started: count('started', 'already-started'),
        skipped: count('skipped'),
        failedToStart: count('failed-to-start'),
        ...(fleet ? { unreachableTargets: unreachable.length } : {}),
      },
    };
  },
});
