import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Sandbox } from '../local/sandbox/sandbox.js';
import { type Scenario, ScenarioSchema } from '../local/sandbox/scenario.js';
import type { SandboxSnapshot } from '../local/sandbox/snapshot.js';
import { type CleanupAccess, SdkAccess } from './access.js';
import { readJsonFile, TargetError, UsageError } from './usage-error.js';

/**
 * The embedded sandbox as the CLI's target: the simulated account of a scenario, answering the
 * same SDK clients the deployed target uses (local/sandbox/interceptor.ts), and running each
 * execution it starts, there and then, with the real ASL and handlers (local/run-workflow.ts),
 * a sweep's child executions after it. With a state file, the account (its stacks, connections,
 * reports, executions and their histories, and its virtual clock) is restored from it before the
 * command and saved to it after, so plan → execute → re-run works across separate commands;
 * without one, each command starts from the scenario.
 */
export const STATE_FILE_VERSION = 1;

interface StateFile {
  stateFileVersion: typeof STATE_FILE_VERSION;
  /** The scenario the account was built from: a state file is used only with the same scenario. */
  scenario: Scenario;
  sandbox: SandboxSnapshot;
}

interface SandboxTarget {
  scenario: string;
  state?: string | undefined;
}

/** The identity the sandbox's operator has: what a request started from the sandbox records in requestedBy. */
const sandboxCaller = (scenario: Scenario) => `arn:aws:iam::${scenario.accountId}:user/sandbox-operator`;

async function loadScenario(file: string): Promise<Scenario> {
  const parsed = ScenarioSchema.safeParse(await readJsonFile(file, 'scenario'));
  if (!parsed.success) {
    throw new UsageError(
      `scenario ${file} does not match schemas/scenario.schema.json:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return parsed.data;
}

async function loadState(file: string, scenario: Scenario): Promise<StateFile> {
  const state = (await readJsonFile(file, 'state file')) as Partial<StateFile> | null;
  if (typeof state !== 'object' || state === null || state.stateFileVersion !== STATE_FILE_VERSION || !state.sandbox || !state.scenario) {
    throw new TargetError(
      `state file ${file} is not a proton-cleanup sandbox state (version ${STATE_FILE_VERSION}): give another --state file, or delete it to start from the scenario`,
    );
  }
  if (!isDeepStrictEqual(state.scenario, JSON.parse(JSON.stringify(scenario)))) {
    throw new TargetError(
      `state file ${file} holds the account of scenario "${state.scenario.name}", not of this scenario (or the scenario file changed since): give its scenario, another --state file, or delete it to start anew`,
    );
  }
  return state as StateFile;
}

export async function sandboxAccess(target: SandboxTarget): Promise<CleanupAccess> {
  const scenario = await loadScenario(target.scenario);
  const saved = target.state && existsSync(target.state) ? await loadState(target.state, scenario) : undefined;
  // Imported late: the handlers read their configuration (set by openSandbox) when first loaded.
  const { openSandbox, localDeployment, spokeOption } = await import('../local/local-environment.js');
  const { LOCAL_RESOURCES, stateMachineArn, topicArn } = await import('../local/lambda-environment.js');
  const { restoreSandbox, snapshotSandbox } = await import('../local/sandbox/snapshot.js');
  const { answerFromSandbox } = await import('../local/sandbox/interceptor.js');
  const resources = { stateMachineArn: stateMachineArn(scenario), reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: topicArn(scenario) };

  let sandbox: Sandbox;
  if (saved) {
    const restored = restoreSandbox(
      scenario,
      { reportBucket: resources.reportBucket, topicArn: resources.topicArn },
      { deployment: await localDeployment(scenario), ...spokeOption() },
      saved.sandbox,
    );
    sandbox = await openSandbox(scenario, { sandbox: restored });
  } else {
    sandbox = await openSandbox(scenario);
  }

  const config = { region: scenario.region, credentials: { accessKeyId: 'SANDBOX', secretAccessKey: 'SANDBOX' } };
  const sfn = new SFNClient(config);
  const s3 = new S3Client(config);
  answerFromSandbox([sfn, s3]);
  const sdk = new SdkAccess({ sfn, s3 }, async () => resources);
  const save = async () => {
    if (!target.state) return;
    const state: StateFile = { stateFileVersion: STATE_FILE_VERSION, scenario, sandbox: snapshotSandbox(sandbox) };
    await mkdir(path.dirname(path.resolve(target.state)), { recursive: true });
    // Written whole, then renamed: an interrupted save never leaves half a state file.
    const partial = `${target.state}.${process.pid}.partial`;
    await writeFile(partial, `${JSON.stringify(state)}\n`);
    await rename(partial, target.state);
  };

  return {
    description: `sandbox scenario ${scenario.name}${target.state ? ` (state ${target.state})` : ''}`,
    resources: async () => resources,
    caller: async () => sandboxCaller(scenario),
    startExecution: async (name, input) => {
      const started = await sdk.startExecution(name, input);
      const { runWorkflow } = await import('../local/run-workflow.js');
      const { runSweepChildren } = await import('../local/sweep-children.js');
      const result = await runWorkflow(scenario, { sandbox, executionName: name, input });
      await runSweepChildren(scenario, result);
      // Saved as soon as the account changed, whatever happens to the rest of the command.
      await save();
      return started;
    },
    describeExecution: (name) => sdk.describeExecution(name),
    executionHistory: (name) => sdk.executionHistory(name),
    listExecutions: (max) => sdk.listExecutions(max),
    getObject: (key) => sdk.getObject(key),
    putObject: (key, body) => sdk.putObject(key, body),
    now: () => sandbox.clock.now(),
    // An execution the sandbox started has run to its end before startExecution returned.
    pause: async () => {},
    close: save,
  };
}
