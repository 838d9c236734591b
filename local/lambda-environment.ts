import { DEFAULT_ORGANIZATION } from './sandbox/scenario.js';
/**
 * The environment variables the functions get when they run outside Lambda: in the local run and
 * in the tests and benchmark, built from this one list so the two never drift apart. Fake
 * credentials and a closed endpoint: every call is answered by the sandbox or a test's mock, never
 * by AWS. (Kept free of the sandbox's imports so the tests' setup loads it cheaply.)
 */
export const LOCAL_RESOURCES = {
  reportBucket: 'proton-connection-cleanup-local-reports',
  topicName: 'proton-connection-cleanup-local',
  stateMachineName: 'proton-connection-cleanup-local',
} as const;

interface LocalAccount {
  region: string;
  accountId: string;
  /** A fleet scenario's target account-Regions besides the hub. */
  accounts?: readonly { accountId: string; region: string }[];
  /** Its organization (a fleet scenario's default: DEFAULT_ORGANIZATION). */
  organization?: { id: string } | undefined;
}

/**
 * Where the functions clean up: TARGET_ACCOUNTS, the distinct account ids (the hub's first, then
 * the scenario's accounts), and TARGET_REGIONS, the distinct Regions (the hub's first).
 */
export function targetEnvironment(account: LocalAccount): { TARGET_ACCOUNTS: string; TARGET_REGIONS: string; ORGANIZATION_ID: string } {
  const places = [account, ...(account.accounts ?? [])];
  const fleet = (account.accounts?.length ?? 0) > 0;
  return {
    TARGET_ACCOUNTS: [...new Set(places.map((p) => p.accountId))].join(','),
    TARGET_REGIONS: [...new Set(places.map((p) => p.region))].join(','),
    // As the fleet's packaged template is given it (local-environment.ts, localDeployment).
    ORGANIZATION_ID: fleet ? (account.organization?.id ?? DEFAULT_ORGANIZATION.id) : '',
  };
}

export function stateMachineArn(account: LocalAccount): string {
  return `arn:aws:states:${account.region}:${account.accountId}:stateMachine:${LOCAL_RESOURCES.stateMachineName}`;
}

export function topicArn(account: LocalAccount): string {
  return `arn:aws:sns:${account.region}:${account.accountId}:${LOCAL_RESOURCES.topicName}`;
}

export function lambdaEnvironment(account: LocalAccount, options: { defaultMode: string; deletionRoleArn: string; logLevel: string }): Record<string, string> {
  return {
    AWS_REGION: account.region,
    ACCOUNT_ID: account.accountId,
    AWS_ACCESS_KEY_ID: 'SANDBOX',
    AWS_SECRET_ACCESS_KEY: 'SANDBOX',
    AWS_SESSION_TOKEN: 'SANDBOX',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    // Retries are still made (and counted), without real-time waits.
    SDK_RETRY_BASE_MS: '0',
    DEFAULT_MODE: options.defaultMode,
    REQUEST_EVENT_SOURCE: 'proton-connection-cleanup',
    MAP_CONCURRENCY: '10',
    STATE_MACHINE_ARN: stateMachineArn(account),
    DECOMMISSION_TAG_KEY: 'proton-cleanup:decommission-on',
    SCHEDULE_MODE: 'execute',
    REPORT_BUCKET: LOCAL_RESOURCES.reportBucket,
    DELETION_ROLE_ARN: options.deletionRoleArn,
    TOPIC_ARN: topicArn(account),
    EVENT_BUS_NAME: 'default',
    EVENT_SOURCE: 'proton-connection-cleanup',
    POWERTOOLS_LOG_LEVEL: options.logLevel,
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    ...targetEnvironment(account),
  };
}
