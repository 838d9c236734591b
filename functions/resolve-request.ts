import type { CleanupRequest } from './domain/request.js';
import { resolveRequest } from './domain/request-resolution.js';
import { loadConfig } from './runtime/config.js';
import { protonApiSetting } from './runtime/deployment.js';
import { SettingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** ResolveRequest: any trigger (console input, custom event, Proton event) → one CleanupRequest. */
protonApiSetting(); // a bad PROTON_API fails the cold start
const config = loadConfig(SettingsSchema.pick({ DEFAULT_MODE: true, REQUEST_EVENT_SOURCE: true, MAP_CONCURRENCY: true }));

export const handler = taskHandler({
  task: 'ResolveRequest',
  input: z.object({ input: z.unknown(), executionName: z.string() }),
  logKeys: (event) => ({ executionName: event.executionName }),
  run: async (event): Promise<{ request: CleanupRequest; settings: { mapConcurrency: number } }> => ({
    request: resolveRequest(event.input, { defaultMode: config.DEFAULT_MODE, requestEventSource: config.REQUEST_EVENT_SOURCE, protonApi: protonApiSetting() }),
    // Deployment settings the ASL reads (MaxConcurrencyPath), so the definition needs no substitution.
    settings: { mapConcurrency: config.MAP_CONCURRENCY },
  }),
});
