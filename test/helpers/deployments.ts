import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Deployments the tests run against: serverless.yml as it is, and modified copies of it. The
 * vitest global setup (test/global-setup.ts) packages each once per test run (then cached on disk
 * by content), so no test worker waits for `serverless package`.
 */
export const TEST_REGION = 'us-east-1';
export const SERVERLESS_YML = path.resolve(import.meta.dirname, '..', '..', 'serverless.yml');

/**
 * serverless.yml with every `cloudformation:DeleteStack` it grants replaced by another action
 * (`cloudformation:UpdateStack`): the Done-when check "replacing cloudformation:DeleteStack in
 * serverless.yml by another action makes the local run delete no stack and say AccessDenied".
 */
export function withoutDeleteStack(serverlessYml = readFileSync(SERVERLESS_YML, 'utf8')): string {
  const replaced = serverlessYml.replace(/(Action:\s*|-\s*)cloudformation:DeleteStack[ \t]*$/gm, '$1cloudformation:UpdateStack');
  if (replaced === serverlessYml) throw new Error('serverless.yml grants no cloudformation:DeleteStack to replace');
  return replaced;
}

/** The modified deployments the tests package (beside serverless.yml itself). */
export const MODIFIED_DEPLOYMENTS: Record<string, () => string> = { withoutDeleteStack: () => withoutDeleteStack() };
