import { lambdaEnvironment } from '../local/lambda-environment.js';

/** The environment every handler validates at import, as the tests and the benchmark give it: the local run's. */
export const TEST_ENVIRONMENT: Record<string, string> = lambdaEnvironment(
  { region: 'us-east-1', accountId: '111122223333' },
  { defaultMode: 'plan', deletionRoleArn: 'arn:aws:iam::111122223333:role/pcc-local-us-east-1-cfn-delete', logLevel: 'SILENT' },
);
