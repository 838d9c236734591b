import { listStacks } from './aws/cloudformation.js';
import { executionKey, putJson } from './aws/object-store.js';
import { resourcesInStacks, resourcesTaggedFor } from './aws/tagging.js';
import { workingKeyScope } from './aws/target-session.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import { readForeseenFacts } from './cleanup/foreseen-facts.js';
import { readAcceptedPlan } from './cleanup/plan-reader.js';
import { ConnectionFactsSchema } from './domain/connection.js';
import { memoryKeyOfConnection, memoryKeyOfEnvironment, rememberConnection } from './domain/connection-memory.js';
import { foreseeHolds, withForeseenFacts } from './domain/foresight.js';
import { buildInventory, countInventory, type Inventory, type InventoryResult, stacksToExamine } from './domain/inventory.js';
import { CleanupRequestSchema } from './domain/request.js';
import { restrictToPlan } from './domain/reviewed-plan.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { PlanRefusedError } from './runtime/errors.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { requestTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** Inventory: everything tied to the connection's environment, stored in S3; the state gets its reference and counts. */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true, PROTECT_TAG_KEY: true }));

/**
 * How long a plan spends reading templates (the function has 900 s; the listings take about 400 s
 * at 100,000 resources): about 900 templates at CloudFormation's 5 calls a second. Past it, a
 * resource's DeletionPolicy is reported unknown.
 */
const TEMPLATE_BUDGET_MS = 180_000;

async function restrictedToPlan(inventory: Inventory, uri: string, etag: string): Promise<Inventory> {
  const plan = await readAcceptedPlan(uri, config.REPORT_BUCKET, etag);
  const planned = plan.connection.environmentArn;
  if (planned !== undefined && planned !== inventory.connection.environmentArn) {
    throw new PlanRefusedError(uri, [`it was made for environment ${planned}, and this run cleans up ${inventory.connection.environmentArn}`]);
  }
  return restrictToPlan(inventory, plan);
}

export const handler = taskHandler({
  task: 'Inventory',
  input: z.object({ request: CleanupRequestSchema, connection: ConnectionFactsSchema, executionName: z.string() }),
  logKeys: ({ request, executionName }) => ({ executionName, connectionId: request.connectionId }),
  workIn: requestTarget,
  summarize: (result: InventoryResult) => result.counts,
  run: async ({ request, connection, executionName }): Promise<InventoryResult> => {
    const startedAt = clock.now();
    // The serving rule first: a Proton error fails the step before anything is read or stored.
    const verdict = await checkEligibility(connection);
    const environmentArn = connection.environmentArn;
    // The resources of the stacks their own tags (or name) point at are read while the environment's
    // resources are still being listed; those of stacks only that listing points at, after it.
    const [environmentResources, { stacks, examined, inExamined }] = await Promise.all([
      resourcesTaggedFor(environmentArn),
      listStacks().then(async (stacks) => {
        const examined = stacksToExamine(stacks, [], environmentArn);
        return { stacks, examined: new Set(examined), inExamined: await resourcesInStacks(examined, { persist: true }) };
      }),
    ]);
    const pointedAt = stacksToExamine(stacks, environmentResources, environmentArn).filter((id) => !examined.has(id));
    const inStacks = [...inExamined, ...(await resourcesInStacks(pointedAt, { persist: true }))];
    const taggedResources = [...new Map([...environmentResources, ...inStacks].map((r) => [r.arn, r])).values()];
    const found = buildInventory({
      connection,
      taggedResources,
      stacks,
      ...(verdict.eligible ? {} : { heldBack: verdict.reason }),
      takenAt: clock.isoNow(),
      protectTagKey: config.PROTECT_TAG_KEY,
      deleteTypes: request.options.deleteTypes,
      deleteConnectionRoles: request.options.deleteConnectionRoles,
    });
    // What the account says the cleanup will meet; then, with a reviewed plan, only what it listed as planned
    // deletions may go; then what the retained stacks will hold back.
    const templates = { read: request.mode === 'plan', until: startedAt + TEMPLATE_BUDGET_MS };
    const foreseen = withForeseenFacts(found, await readForeseenFacts(found, stacks, request.options, templates));
    const inventory = foreseeHolds(request.plan && request.reviewedPlan ? await restrictedToPlan(foreseen, request.plan, request.reviewedPlan.etag) : foreseen);
    const location = await putJson({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, 'inventory.json') }, inventory);
    const memory = rememberConnection(connection, executionName);
    if (memory) {
      // So that a re-run finds the environment once this run has deleted the connection.
      const environment = { name: memory.environmentName, managementAccountId: memory.managementAccountId };
      await Promise.all(
        [memoryKeyOfConnection(memory.connectionId, workingKeyScope()), memoryKeyOfEnvironment(environment, workingKeyScope())].map((key) =>
          putJson({ bucket: config.REPORT_BUCKET, key }, memory),
        ),
      );
    }
    const counts = countInventory(inventory);
    metrics.addMetric('ResourcesInventoried', MetricUnit.Count, counts.resources);
    return { location, counts };
  },
});
