import { resourceDeletionEvents } from './aws/cloudformation.js';
import { executionKey, getJson, putJson } from './aws/object-store.js';
import { resourcesTaggedFor } from './aws/tagging.js';
import { checkEligibility } from './cleanup/eligibility-check.js';
import { InventoryReferenceSchema, InventorySchema } from './domain/inventory.js';
import { stoppedBecause } from './domain/serving.js';
import { TargetSchema } from './domain/target.js';
import { holdBackStandalone, type ResourceDeletionEvent, stacksToExplain, type VerifyResult, verify } from './domain/verification.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { settingsSchema } from './runtime/settings.js';
import { givenTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** VerifyCleanup: inventories the environment again, explains whatever is still there, and hands on (in S3, by count in the state) the stand-alone resources to delete. */
const config = loadConfig(settingsSchema({ REPORT_BUCKET: true }));

export const handler = taskHandler({
  task: 'VerifyCleanup',
  input: z.object({ target: TargetSchema, inventory: InventoryReferenceSchema, deleteTypes: z.array(z.string()), executionName: z.string() }),
  logKeys: ({ executionName }) => ({ executionName }),
  workIn: givenTarget,
  run: async ({ inventory: { location }, deleteTypes, executionName }): Promise<VerifyResult> => {
    const inventory = await getJson(location, InventorySchema);
    const stillTagged = await resourcesTaggedFor(inventory.connection.environmentArn);
    const events = new Map<string, ResourceDeletionEvent[]>();
    for (const stackId of stacksToExplain(inventory, stillTagged)) {
      events.set(stackId, await resourceDeletionEvents(stackId));
    }
    const verified = verify(inventory, stillTagged, events, clock.isoNow(), deleteTypes);
    // The serving rule again, before the stand-alone deletions that follow: nothing of a served environment goes.
    const verdict = verified.standalone.length > 0 ? await checkEligibility(inventory.connection) : { eligible: true as const };
    const verification = verdict.eligible ? verified : holdBackStandalone(verified, stoppedBecause(verdict.fact));
    const stored = await putJson({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, 'verification.json') }, verification);
    return { location: stored, remaining: verification.remaining.length, appeared: verification.appeared.length, standalone: verification.standalone.length };
  },
});
