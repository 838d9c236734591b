import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { ProtonClient } from '@aws-sdk/client-proton';
import type { STSClient } from '@aws-sdk/client-sts';
import { type Deployment, deploymentFrom } from '../../../local/iam/identities.js';
import { type Caller, functionCaller } from '../../../local/iam/index.js';
import { parseSpokeTemplate } from '../../../local/iam/spoke.js';
import type { Template } from '../../../local/iam/template.js';
import { LOCAL_RESOURCES } from '../../../local/local-environment.js';
import { answerFromSandbox } from '../../../local/sandbox/interceptor.js';
import { Sandbox } from '../../../local/sandbox/sandbox.js';
import { type ScenarioInput, ScenarioSchema } from '../../../local/sandbox/scenario.js';
import { scenario } from '../../helpers/scenarios.js';

/**
 * A fleet: the hub (111122223333, us-east-1) and its targets, each answered by the sandbox from
 * SDK clients the test builds as the product will (region and credentials per target), the hub's
 * functions' roles from a small hub template, the spoke roles from a fixture of the spoke
 * template's contract (spoke.fixture.yml).
 */
export const HUB = '111122223333';
export const HUB_REGION = 'us-east-1';
export const ACCOUNT_B = '222233334444';
export const ACCOUNT_C = '333344445555';
export const OUTSIDER = '999988887777';
export const ORGANIZATION = 'o-fleet00001';
export const ROOT = 'r-fl01';
export const UNIT = 'ou-fl01-workload1';
export const spokeRole = (account: string, suffix: string) => `arn:aws:iam::${account}:role/proton-cleanup-spoke-${suffix}`;

export const SPOKE_TEMPLATE: Template = parseSpokeTemplate(readFileSync(path.join(import.meta.dirname, 'spoke.fixture.yml'), 'utf8'));

/** A hub function's role as serverless.yml names it (`pcc-<stage>-<region>-<suffix>`), with these statements. */
function hubFunction(suffix: string, statements: unknown[]) {
  const logicalId = `${suffix.replace(/-/g, '')}Role`;
  return {
    [logicalId]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: `pcc-local-${HUB_REGION}-${suffix}`,
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [{ PolicyName: suffix, PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
      },
    },
    [`${logicalId}Function`]: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: `proton-connection-cleanup-local-${suffix}`, Role: { 'Fn::GetAtt': [logicalId, 'Arn'] } },
    },
  };
}

/** The hub function's grant of the contract: sts:AssumeRole on its spoke role in any account of the organization. */
const assumeSpoke = (suffix: string) => ({
  Effect: 'Allow',
  Action: 'sts:AssumeRole',
  Resource: `arn:aws:iam::*:role/proton-cleanup-spoke-${suffix}`,
  Condition: { StringEquals: { 'aws:ResourceOrgID': ORGANIZATION } },
});

/** sweep: as the contract grants; describe: a grant on every spoke role (to reach the trust policy); advance: no AssumeRole at all. */
export const HUB_TEMPLATE: Template = {
  Resources: {
    ...hubFunction('sweep', [
      assumeSpoke('sweep'),
      {
        Effect: 'Allow',
        Action: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent', 'cloudformation:ListStacks'],
        Resource: '*',
      },
    ]),
    ...hubFunction('describe', [{ ...assumeSpoke('*'), Resource: 'arn:aws:iam::*:role/proton-cleanup-spoke-*' }]),
    ...hubFunction('advance', [{ Effect: 'Allow', Action: 'cloudformation:ListStacks', Resource: '*' }]),
  },
} as Template;

export const HUB_DEPLOYMENT: Deployment = deploymentFrom(HUB_TEMPLATE, { accountId: HUB, region: HUB_REGION });
export const hubFunctionCaller = (suffix: string): Caller => functionCaller(HUB_DEPLOYMENT, suffix);

/** A fleet scenario: the hub, account B in two Regions, account C (overrides applied). */
export function fleetScenario(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  const untimed = { latencyMs: { '*': 0 }, callsPerSecond: {} };
  const accounts = (
    overrides.accounts ?? [
      { accountId: ACCOUNT_B, region: 'us-east-1' },
      { accountId: ACCOUNT_B, region: 'eu-west-1' },
      { accountId: ACCOUNT_C, region: 'eu-west-1' },
    ]
  ).map((a) => ({ timing: untimed, ...a }));
  // Account B, when the fleet has it, is in a unit; the others in the root.
  const unitAccounts = accounts.some((a) => a.accountId === ACCOUNT_B) ? [ACCOUNT_B] : [];
  return scenario({
    timing: untimed,
    organization: { id: ORGANIZATION, rootId: ROOT, units: [{ id: UNIT, name: 'workloads', parent: ROOT, accounts: unitAccounts }] },
    ...overrides,
    accounts,
  });
}

/** A sandbox of the fleet enforcing the hub template's IAM and the spoke fixture's (`iam: false`: nothing checked). */
export function fleetSandbox(overrides: Partial<ScenarioInput> = {}, options: { iam?: boolean } = {}): Sandbox {
  const parsed = ScenarioSchema.parse(fleetScenario(overrides));
  return new Sandbox(
    parsed,
    { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: `arn:aws:sns:${HUB_REGION}:${HUB}:${LOCAL_RESOURCES.topicName}` },
    options.iam === false ? { spokeTemplate: SPOKE_TEMPLATE } : { deployment: HUB_DEPLOYMENT, spokeTemplate: SPOKE_TEMPLATE },
  );
}

/** The hub's own credentials (local/lambda-environment.ts). */
export const HUB_CREDENTIALS = { accessKeyId: 'SANDBOX', secretAccessKey: 'SANDBOX', sessionToken: 'SANDBOX' };

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

type ClientClass = typeof CloudFormationClient | typeof ProtonClient | typeof STSClient | typeof OrganizationsClient;

/** A client as the product builds one for a target: its Region and credentials, no retries (each call is one answer), answered by the sandbox. */
export function clientFor<C extends ClientClass>(Client: C, region: string, credentials: Credentials = HUB_CREDENTIALS): InstanceType<C> {
  const client = new Client({ region, credentials, maxAttempts: 1 }) as InstanceType<C>;
  answerFromSandbox([client]);
  return client;
}
