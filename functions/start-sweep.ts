import * as z from './runtime/zod.js';
import { todayUtc } from './domain/decommission-schedule.js';
import { CleanupOptionsSchema, MODES } from './domain/request.js';
import { orphanedEnvironments, sweepExecutionName } from './domain/sweep.js';
import { callAws, unreachableBecause } from './aws/error-mapping.js';
import { listConnections } from './aws/proton.js';
import { startNamedExecution } from './aws/step-functions.js';
import { resourcesWithTag } from './aws/tagging.js';
import { TAG } from './domain/inventory.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * StartSweep: finds every environment tagged in this account that no connection serves any
 * more, and starts one cleanup execution for each (named per environment and day, so a
 * repeated sweep starts nothing twice). Each execution writes its own report.
 */
export interface SweepSection {
  environmentName: string;
  managementAccountId: string;
  environmentArn: string;
  execution: string;
  outcome: 'started' | 'already-started' | 'failed-to-start';
  error?: string;
  report: string;
}

async function connectionsOrNone() {
  try {
    return await callAws('ListEnvironmentAccountConnections', () => listConnections());
  } catch (error) {
    // Proton gone (endpoint or operation): no connection serves anything any more. A denial is
    // not proof of that (an SCP, an IAM mistake): it fails the sweep rather than orphan every environment.
    if (unreachableBecause(error)) return [];
    throw error;
  }
}

export const handler = taskHandler({
  task: 'StartSweep',
  input: z.object({ mode: z.enum(MODES), options: CleanupOptionsSchema, stateMachineArn: z.string(), executionName: z.string() }),
  logKeys: ({ executionName }) => ({ executionName }),
  run: async ({ mode, options, stateMachineArn }): Promise<{ environments: SweepSection[] }> => {
    const tagged = await resourcesWithTag(TAG.environment);
    const orphans = orphanedEnvironments(tagged.map((r) => r.tags[TAG.environment] ?? ''), await connectionsOrNone());
    const day = todayUtc(new Date());
    const environments: SweepSection[] = [];
    for (const environment of orphans) {
      const execution = sweepExecutionName(environment, day);
      const section = { environmentName: environment.name, managementAccountId: environment.managementAccountId, environmentArn: environment.environmentArn, execution, report: `reports/${execution}.json` };
      const input = { environment: { name: environment.name, managementAccountId: environment.managementAccountId }, mode, ...options };
      try {
        environments.push({ ...section, outcome: await startNamedExecution(stateMachineArn, execution, input) });
      } catch (error) {
        environments.push({ ...section, outcome: 'failed-to-start', error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return { environments };
  },
});
