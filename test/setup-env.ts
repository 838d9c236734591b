/**
 * Handlers validate their environment at import (cold start). Tests get the values the
 * local run uses; no test can reach AWS: credentials are fake and the endpoint is closed.
 */
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'TEST',
  AWS_SECRET_ACCESS_KEY: 'TEST',
  AWS_SESSION_TOKEN: 'TEST',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  SDK_RETRY_BASE_MS: '0',
  REPORT_BUCKET: 'proton-connection-cleanup-local-reports',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:proton-connection-cleanup-local',
  EVENT_BUS_NAME: 'default',
  EVENT_SOURCE: 'proton-connection-cleanup',
  DEFAULT_MODE: 'plan',
  REQUEST_EVENT_SOURCE: 'proton-connection-cleanup',
  MAP_CONCURRENCY: '10',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:111122223333:stateMachine:proton-connection-cleanup-local',
  DECOMMISSION_TAG_KEY: 'proton-cleanup:decommission-on',
  SCHEDULE_MODE: 'execute',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
});
