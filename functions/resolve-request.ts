import type { CleanupRequest } from './domain/request.js';
import { resolveRequest } from './domain/request-resolution.js';
import { loadConfig, modeVariable, nonEmpty } from './runtime/config.js';
import { protonApiSetting } from './runtime/deployment.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** ResolveRequest: any trigger (console input, custom event, Proton event) → one CleanupRequest. */
protonApiSetting(); // a bad PROTON_API fails the cold start
const config = loadConfig(
  z.object({
    DEFAULT_MODE: modeVariable.default('plan'),
    REQUEST_EVENT_SOURCE: nonEmpty.default('proton-connection-cleanup'),
    MAP_CONCURRENCY: z.coerce.number().int().min(1).max(40).default(10),
  }),
);

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
