import { roleSessionName } from './aws/target-session.js';
import { applyPlan } from './cleanup/plan-reader.js';
import { configuredRegions, requireConfiguredTargets, targetServing } from './cleanup/targets.js';
import type { CleanupRequest } from './domain/request.js';
import { PROTON_ENVIRONMENT_STATUS_CHANGE } from './domain/request.js';
import { resolveRequest } from './domain/request-resolution.js';
import { clock } from './runtime/clock.js';
import { loadConfig } from './runtime/config.js';
import { hubTarget, protonApiSetting } from './runtime/deployment.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/** ResolveRequest: any trigger (console input, custom event, Proton event) → one CleanupRequest; a reviewed plan it names is checked here. */
protonApiSetting(); // a bad PROTON_API fails the cold start
const config = loadConfig(
  settingsSchema({
    DEFAULT_MODE: true,
    REQUEST_EVENT_SOURCE: true,
    REPORT_BUCKET: true,
    MAX_PLAN_AGE_HOURS: true,
    AWS_REGION: true,
  }),
);

/** Proton's environment-deleted event: the one trigger that names no account. */
function isEnvironmentDeletedEvent(request: CleanupRequest): boolean {
  return request.trigger.type === 'event' && request.trigger.source === 'aws.proton' && request.trigger.detailType === PROTON_ENVIRONMENT_STATUS_CHANGE;
}

export const handler = taskHandler({
  task: 'ResolveRequest',
  input: z.object({ input: z.unknown(), executionName: z.string() }),
  logKeys: (event) => ({ executionName: event.executionName }),
  run: async (event): Promise<{ request: CleanupRequest }> => {
    const named = resolveRequest(event.input, {
      defaultMode: config.DEFAULT_MODE,
      requestEventSource: config.REQUEST_EVENT_SOURCE,
      protonApi: protonApiSetting(),
      hub: hubTarget(),
      regions: configuredRegions(),
    });
    const resolved =
      named.environment && isEnvironmentDeletedEvent(named) && named.protonApi === 'available'
        ? { ...named, target: await targetServing(named.environment, roleSessionName(event.executionName)) }
        : named;
    // Only an account and Region the deployment targets: refused here, before anything is read there.
    await requireConfiguredTargets([resolved.target, ...(resolved.targets ?? [])]);
    const request = await applyPlan(resolved, config.REPORT_BUCKET, {
      now: new Date(clock.now()),
      maxPlanAgeHours: config.MAX_PLAN_AGE_HOURS,
      account: resolved.target.account,
      region: resolved.target.region,
    });
    return { request };
  },
});
