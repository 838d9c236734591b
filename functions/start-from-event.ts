import { startNamedExecution } from './aws/step-functions.js';
import { eventExecutionName, modeOfEvent } from './domain/execution-names.js';
import { EventBridgeEventSchema } from './domain/request-resolution.js';
import { loadConfig } from './runtime/config.js';
import { MetricUnit, metrics } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';

/**
 * The EventBridge rules' target: starts the workflow with the whole event as input, under a
 * name derived from the event, so a redelivered event never starts a second cleanup.
 * (A rule cannot name the executions it starts; this is the only reason this Lambda exists.)
 * The event's content is judged by ResolveRequest, where a bad one is reported and notified.
 */
const config = loadConfig(settingsSchema({ STATE_MACHINE_ARN: true, DEFAULT_MODE: true, REQUEST_EVENT_SOURCE: true }));

export const handler = taskHandler({
  task: 'StartFromEvent',
  input: EventBridgeEventSchema,
  logKeys: (event) => ({ eventId: event.id, detailType: event['detail-type'] }),
  run: async (event) => {
    const mode = modeOfEvent(event, { defaultMode: config.DEFAULT_MODE, requestEventSource: config.REQUEST_EVENT_SOURCE });
    const executionName = eventExecutionName({ source: event.source, id: event.id, detailType: event['detail-type'] }, mode);
    const outcome = await startNamedExecution(config.STATE_MACHINE_ARN, executionName, event);
    metrics.addMetric(outcome === 'started' ? 'ExecutionsStarted' : 'DuplicateTriggers', MetricUnit.Count, 1);
    return { executionName, outcome };
  },
});
