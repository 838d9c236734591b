import { packagedTemplate } from '../local/iam/template.js';
import { MODIFIED_DEPLOYMENTS, TEST_REGION } from './helpers/deployments.js';

/**
 * Once per test run, before any worker starts: the templates the local runs enforce IAM from
 * (`serverless package --stage local`, local/iam/template.ts), serverless.yml as it is and the
 * modified copies some tests run against. Each is packaged only if its inputs changed since the
 * last run (cached on disk in out/iam-package/ by a hash of them); the packagings run at once.
 */
export default async function setup(): Promise<void> {
  const started = Date.now();
  let packaged = 0;
  const onPackage = () => {
    packaged += 1;
  };
  await Promise.all([
    packagedTemplate({ region: TEST_REGION, onPackage }),
    ...Object.values(MODIFIED_DEPLOYMENTS).map((content) => packagedTemplate({ region: TEST_REGION, serverlessYml: content(), onPackage })),
  ]);
  if (packaged > 0)
    process.stdout.write(`global setup: packaged ${packaged} template(s) for the local IAM in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
