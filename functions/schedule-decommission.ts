import { putParameter } from './aws/decommission-dates.js';
import { parameterNameOf, type ScheduledDecommission } from './domain/decommission-schedule.js';
import { CleanupRequestSchema } from './domain/request.js';
import { loadConfig } from './runtime/config.js';
import { InvalidStateInputError } from './runtime/errors.js';
import { settingsSchema } from './runtime/settings.js';
import { requestTarget, taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * ScheduleDecommission: `{"environment": …, "decommissionOn": "YYYY-MM-DD"}` writes the
 * environment's decommission date where the daily schedule reads it once Proton is retired (an
 * SSM parameter: tagging a stack would be a stack update). Nothing is deleted now.
 */
const config = loadConfig(settingsSchema({ DECOMMISSION_PARAMETER_PATH: true }));

export const handler = taskHandler({
  task: 'ScheduleDecommission',
  input: z.object({ request: CleanupRequestSchema, executionName: z.string() }),
  logKeys: ({ executionName }) => ({ executionName }),
  workIn: requestTarget,
  run: async ({ request }): Promise<ScheduledDecommission> => {
    const { environment, decommissionOn } = request;
    if (!environment || !decommissionOn) throw new InvalidStateInputError('ScheduleDecommission needs a request with "environment" and "decommissionOn"');
    const parameter = parameterNameOf(config.DECOMMISSION_PARAMETER_PATH, environment);
    await putParameter(parameter, decommissionOn);
    return { environmentName: environment.name, managementAccountId: environment.managementAccountId, decommissionOn, parameter };
  },
});
