import * as z from './runtime/zod.js';
import { InventorySchema } from './domain/inventory.js';
import { stacksToExplain, verify, type ResourceDeletionEvent } from './domain/verification.js';
import { resourceDeletionEvents } from './aws/cloudformation.js';
import { executionKey, getJson, ObjectRefSchema, putJson, type ObjectRef } from './aws/object-store.js';
import { resourcesTaggedFor } from './aws/tagging.js';
import { loadConfig, nonEmpty } from './runtime/config.js';
import { taskHandler } from './runtime/task-handler.js';

/** VerifyCleanup: inventories the environment again and explains whatever is still there. */
const config = loadConfig(z.object({ REPORT_BUCKET: nonEmpty }));

export interface VerifyResult {
  location: ObjectRef;
  remaining: number;
  appeared: number;
  /** What DeleteStandaloneResources goes through next (only types the request lists in deleteTypes). */
  standalone: { arn: string; type: string }[];
}

export const handler = taskHandler({
  task: 'VerifyCleanup',
  input: z.object({ inventory: z.object({ location: ObjectRefSchema }), deleteTypes: z.array(z.string()), executionName: z.string() }),
  logKeys: ({ executionName }) => ({ executionName }),
  run: async ({ inventory: { location }, deleteTypes, executionName }): Promise<VerifyResult> => {
    const inventory = await getJson(location, InventorySchema);
    const stillTagged = await resourcesTaggedFor(inventory.connection.environmentArn);
    const events = new Map<string, ResourceDeletionEvent[]>();
    for (const stackId of stacksToExplain(inventory, stillTagged)) {
      events.set(stackId, await resourceDeletionEvents(stackId));
    }
    const verification = verify(inventory, stillTagged, events, new Date().toISOString(), deleteTypes);
    const stored = await putJson({ bucket: config.REPORT_BUCKET, key: executionKey(executionName, 'verification.json') }, verification);
    return { location: stored, remaining: verification.remaining.length, appeared: verification.appeared.length, standalone: verification.standalone };
  },
});
