import { type Deployment, deploymentFrom } from '../../local/iam/identities.js';
import { packagedTemplate } from '../../local/iam/template.js';

/** The packaged template (serverless package --stage local; cached on disk per serverless.yml hash) for the test account. */
export const PLACE = { region: 'us-east-1', accountId: '111122223333' } as const;
export const PACKAGING_TIMEOUT = 300_000;

export async function localDeployment(): Promise<Deployment> {
  return deploymentFrom(await packagedTemplate({ region: PLACE.region }), PLACE);
}
