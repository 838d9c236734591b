import { useClock } from '../functions/runtime/clock.js';
import { type CoverageRecord, type Deployment, functionEnvironment, loadDeployment } from './iam/index.js';
import { projectSpokeTemplate } from './iam/spoke.js';
import { LOCAL_RESOURCES, lambdaEnvironment, targetEnvironment, topicArn } from './lambda-environment.js';
import { answerFromSandbox, useSandbox } from './sandbox/interceptor.js';
import { Sandbox } from './sandbox/sandbox.js';
import { DEFAULT_ORGANIZATION, type Scenario, type ScenarioInput, ScenarioSchema } from './sandbox/scenario.js';

export { LOCAL_RESOURCES, stateMachineArn } from './lambda-environment.js';

let environment: { region: string; accountId: string } | undefined;
let clientsHooked = false;

/**
 * This process as the functions' Lambda environment: the configuration they validate at cold
 * start (lambdaEnvironment), and every SDK client answered by a sandbox. The handlers read their
 * configuration once, at import: it is set once per process, as Lambda would.
 */
function prepareEnvironment(scenario: Scenario, defaultMode: string, deployment: Deployment): void {
  if (environment) {
    if (environment.region !== scenario.region || environment.accountId !== scenario.accountId) {
      throw new Error('One process runs scenarios of one account and Region (the handlers are already configured)');
    }
    return;
  }
  // The deletion role as the packaged serverless.yml gives it to advanceCleanup (CloudFormationDeletionRole).
  const deletionRoleArn = functionEnvironment(deployment, 'advanceCleanup').DELETION_ROLE_ARN;
  if (!deletionRoleArn) throw new Error('serverless.yml gives advanceCleanup no DELETION_ROLE_ARN: the local run needs the deletion role it deploys');
  environment = { region: scenario.region, accountId: scenario.accountId };
  Object.assign(
    process.env,
    lambdaEnvironment(scenario, {
      defaultMode,
      deletionRoleArn,
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
    }),
  );
}

interface OpenOptions {
  defaultMode?: string;
  /** Re-runs: the account an earlier run left (with the IAM it enforces). */
  sandbox?: Sandbox;
  /** The deployment whose IAM the sandbox enforces; default: serverless.yml as packaged now (loadDeployment). */
  deployment?: Deployment;
  /** Package this content instead of serverless.yml (a modified deployment, in a test). */
  serverlessYml?: string;
  /** Where the sandbox records the permissions used (least-privilege coverage across runs). */
  coverage?: CoverageRecord;
}

const PACKAGING_MESSAGE = 'Packaging serverless.yml (serverless package --stage local) to enforce its IAM roles locally; cached until it changes...\n';

/** The spoke roles the sandbox's target accounts hold: deployment/spoke.yml as the project has it (a restored sandbox needs them too). */
export function spokeOption(): { spokeTemplate?: NonNullable<ReturnType<typeof projectSpokeTemplate>> } {
  const spokeTemplate = projectSpokeTemplate();
  return spokeTemplate ? { spokeTemplate } : {};
}

/**
 * The deployment the local run enforces: serverless.yml packaged for the stage "local" (on first
 * use; then cached). A fleet scenario (with `accounts`) packages it with its organization's id as
 * the `organizationId` parameter, which scopes the hub's sts:AssumeRole (aws:ResourceOrgID).
 */
export function localDeployment(
  scenario: Pick<Scenario, 'region' | 'accountId'> & Partial<Pick<Scenario, 'accounts' | 'organization'>>,
  serverlessYml?: string,
): Promise<Deployment> {
  const fleet = (scenario.accounts?.length ?? 0) > 0;
  return loadDeployment({
    region: scenario.region,
    accountId: scenario.accountId,
    ...(fleet ? { params: { organizationId: scenario.organization?.id ?? DEFAULT_ORGANIZATION.id } } : {}),
    ...(serverlessYml !== undefined ? { serverlessYml } : {}),
    onPackage: () => process.stderr.write(PACKAGING_MESSAGE),
  });
}

/**
 * Configures this process as the functions' Lambda environment and answers every AWS SDK
 * client from a new sandbox built from the scenario (or from the sandbox given: re-runs).
 * The functions' clock becomes the sandbox's virtual clock, so paced calls and waits move
 * simulated time only. The sandbox enforces the deployment's IAM: each function's calls are
 * authorized against its role in serverless.yml (local/lambda-binding.ts names the caller).
 */
export async function openSandbox(scenarioInput: ScenarioInput | Scenario, options: OpenOptions = {}): Promise<Sandbox> {
  const scenario = ScenarioSchema.parse(scenarioInput);
  const deployment = options.sandbox?.iam?.deployment ?? options.deployment ?? (await localDeployment(scenario, options.serverlessYml));
  prepareEnvironment(scenario, options.defaultMode ?? 'plan', deployment);
  // The deployment's protonApi is read on each use: each scenario plays its own deployment's choice.
  process.env.PROTON_API = scenario.protonApi;
  // So are the targets: each scenario names its own fleet.
  Object.assign(process.env, targetEnvironment(scenario));
  const { allClients, forgetTargetSessions, onClientCreated } = await import('../functions/aws/clients.js');
  // A new sandbox is a new deployment: no client of it holds another sandbox's credentials.
  if (!options.sandbox) forgetTargetSessions();
  answerFromSandbox(allClients());
  if (!clientsHooked) {
    // Clients built later (per target account-Region, with a spoke role's credentials) are answered too.
    onClientCreated((client) => answerFromSandbox([client as Parameters<typeof answerFromSandbox>[0][number]]));
    clientsHooked = true;
  }
  const sandbox =
    options.sandbox ??
    new Sandbox(
      scenario,
      { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: topicArn(scenario) },
      { deployment, ...(options.coverage ? { coverage: options.coverage } : {}), ...spokeOption() },
    );
  useSandbox(sandbox);
  useClock(sandbox.clock);
  return sandbox;
}
