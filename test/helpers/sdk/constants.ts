/** The account, connection and environment every fixture describes: the values of test/setup-env.ts. */

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '111122223333';
export const MANAGEMENT_ACCOUNT_ID = '444455556666';
export const CONNECTION_ID = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
export const CONNECTION_ARN = `arn:aws:proton:${REGION}:${ACCOUNT_ID}:environment-account-connection/${CONNECTION_ID}`;
export const ENVIRONMENT_NAME = 'prod';
export const ENVIRONMENT_ARN = `arn:aws:proton:${REGION}:${MANAGEMENT_ACCOUNT_ID}:environment/${ENVIRONMENT_NAME}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/proton-environment-role`;
export const CODEBUILD_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/proton-codebuild-role`;
export const EXECUTION_NAME = 'decommission-run-1';
/** The hub's own account and Region, as a request's target. */
export const HUB_TARGET = { account: ACCOUNT_ID, region: REGION };
export const REPORT_BUCKET = 'proton-connection-cleanup-local-reports';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:proton-connection-cleanup-local`;

/** The $metadata an SDK exception carries. */
export const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'test-request' });
