import { notifyOnce } from './aws/notifications.js';
import { getJson } from './aws/object-store.js';
import { composeBareFailure, composeNotification } from './domain/notification.js';
import { CaughtErrorSchema, ReportResultSchema, ReportSchema } from './domain/report.js';
import { loadConfig } from './runtime/config.js';
import { logger } from './runtime/powertools.js';
import { settingsSchema } from './runtime/settings.js';
import { taskHandler } from './runtime/task-handler.js';
import * as z from './runtime/zod.js';

/**
 * Notify / NotifyFailure: an SNS message for people and an EventBridge event for machines, each
 * at most once per execution however often the state is retried (aws/publish-once.ts).
 */
const config = loadConfig(settingsSchema({ TOPIC_ARN: true, REPORT_BUCKET: true, EVENT_BUS_NAME: true, EVENT_SOURCE: true, AWS_REGION: true }));

const channels = { bucket: config.REPORT_BUCKET, topicArn: config.TOPIC_ARN, busName: config.EVENT_BUS_NAME, source: config.EVENT_SOURCE };

/** WriteReport's result: the JSON report, and the Markdown and HTML reports beside it (absent from an execution started by an earlier version). */
const WrittenReport = ReportResultSchema.pick({ location: true, markdown: true, html: true }).partial({ markdown: true, html: true });
/** On the failure path, WriteFailureReport's own error when even the report could not be written. */
const UnwrittenReport = CaughtErrorSchema;

export const handler = taskHandler({
  task: 'Notify',
  input: z.object({ executionName: z.string(), report: z.union([WrittenReport, UnwrittenReport]) }),
  logKeys: ({ executionName }) => ({ executionName }),
  run: async ({ executionName, report }) => {
    const notification =
      'location' in report
        ? composeNotification(
            await getJson(report.location, ReportSchema),
            report.location,
            report.markdown && report.html ? { markdown: report.markdown, html: report.html, region: config.AWS_REGION } : undefined,
          )
        : composeBareFailure(executionName, report);
    const { sns, events } = await notifyOnce(channels, executionName, notification);
    for (const channel of [sns, events]) {
      if (channel.outcome === 'unknown')
        logger.error('notification not sent: outcome of an earlier attempt unknown', { channel: channel.channel, reason: channel.reason });
      if (channel.outcome === 'published-unguarded')
        logger.warn('notification sent without its at-most-once marker (the report bucket refused it)', { channel: channel.channel, reason: channel.reason });
    }
    return {
      messageId: 'id' in sns ? sns.id : undefined,
      eventId: 'id' in events ? events.id : undefined,
      channels: { sns: sns.outcome, events: events.outcome },
    };
  },
});
