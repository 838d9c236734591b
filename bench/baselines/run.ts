import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ProtonClient } from '@aws-sdk/client-proton';
import { clock, useClock } from '../../functions/runtime/clock.js';
import { LOCAL_RESOURCES, topicArn } from '../../local/lambda-environment.js';
import { answerFromSandbox, useSandbox } from '../../local/sandbox/interceptor.js';
import { Sandbox } from '../../local/sandbox/sandbox.js';
import type { Scenario } from '../../local/sandbox/scenario.js';
import { mulberry32 } from '../../local/scale-scenario.js';
import { callsByApi } from '../sandbox-calls.js';
import { AwsCli } from './cli.js';
import { deleteConnection } from './commands.js';
import { type PassLoopEnd, runPassLoop } from './pass-loop.js';
import { runSequential } from './sequential.js';
import { environmentStacks } from './stacks.js';
import { runXargs } from './xargs.js';

/**
 * The scripts a platform engineer would write instead of the product, run on the sandbox the
 * product runs on (installed as the SDK's answerer and the clock: openSandbox, or a test's
 * useSandbox and useClock). Each deletes the connection (as the product does), finds the
 * environment's stacks once (stacks.ts), then deletes them its way; every call is an `aws`
 * command retried by the CLI's standard retry mode (cli.ts), nothing else retries.
 */
export const BASELINE_KINDS = ['seq', 'xargs10', 'xargs50', 'passloop'] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];

/** A script: given the command line and the environment's stacks by phase, deletes them; the pass loop says how it ended. */
export type Script = (cli: AwsCli, phases: string[][]) => Promise<PassLoopEnd | undefined>;

export const BASELINES: Record<BaselineKind, Script> = {
  seq: async (cli, phases) => void (await runSequential(cli, phases)),
  xargs10: async (cli, phases) => void (await runXargs(cli, phases, 10)),
  xargs50: async (cli, phases) => void (await runXargs(cli, phases, 50)),
  passloop: async (cli, phases) => runPassLoop(cli, phases),
};

export interface BaselineOptions {
  connectionId: string;
  environmentArn: string;
  /** The seed of the PRNG the CLI's backoff draws from (default 1). */
  seed?: number;
}

export interface ScriptRun {
  /** Sandbox-clock milliseconds from the first command to the script's end. */
  simulatedMs: number;
  /** The environment's stacks the script found (0 if describe-stacks failed). */
  stacksFound: number;
  /** The environment's stacks not DELETE_COMPLETE at the end (read from the account). */
  undeleted: number;
  /** Every attempt the sandbox answered, by API, throttled ones included. */
  callsByApi: Record<string, number>;
  throttledCalls: number;
  /** Calls that still failed after the CLI's retries (a ValidationError a waiter accepts is not one). */
  failedCalls: number;
  failedCallsByApi: Record<string, number>;
  retries: number;
  quotaRefusals: number;
  waitersFailed: number;
  /** The pass loop: its passes, and whether it gave up at its cap. */
  passes?: number;
  gaveUp?: boolean;
}

/**
 * A sandbox of the scenario, installed as the SDK's answerer and as the clock: the sandbox
 * openSandbox opens, without the functions' Lambda environment (the scripts are no function) and
 * without the deployment's IAM, which would not check the scripts' calls anyway (a call with no
 * function as its caller is not checked, nor is the deletion its DeleteStack starts). It leaves
 * out the product's SDK clients, whose X-Ray instrumentation (cls-hooked's async hooks) about
 * doubles the cost of every SDK call in the process.
 */
export function openScriptSandbox(scenario: Scenario): Sandbox {
  const sandbox = new Sandbox(scenario, { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: topicArn(scenario) });
  useSandbox(sandbox);
  useClock(sandbox.clock);
  return sandbox;
}

function environmentStacksLeft(sandbox: Sandbox, environmentArn: string): number {
  let left = 0;
  for (const stack of sandbox.account.stacks.values()) {
    if (stack.tags['proton:environment'] === environmentArn && stack.name.startsWith('AWSProton-') && stack.status !== 'DELETE_COMPLETE') left += 1;
  }
  return left;
}

/** Runs the script on the sandbox installed (openScriptSandbox): what it took and what it left. */
export async function runScript(sandbox: Sandbox, script: Script, options: BaselineOptions): Promise<ScriptRun> {
  const region = sandbox.scenario.region;
  const credentials = { accessKeyId: 'SANDBOX', secretAccessKey: 'SANDBOX' };
  // No retries of the SDK's own: the CLI's standard mode (cli.ts) is the only retry.
  const clients = {
    cloudFormation: new CloudFormationClient({ region, credentials, maxAttempts: 1 }),
    proton: new ProtonClient({ region, credentials, maxAttempts: 1 }),
  };
  answerFromSandbox([clients.cloudFormation, clients.proton]);
  // Nor SigV4 signing: the request never leaves the process and the sandbox reads no signature,
  // while signing is about 40% of a call's CPU (the sequential script at N = 10,000: 10.5 s of wall
  // time signed, 6.6 s unsigned, the same simulated run). Everything else of the clients runs.
  for (const client of [clients.cloudFormation, clients.proton]) client.middlewareStack.remove('httpSigningMiddleware');
  const cli = new AwsCli(clients, mulberry32(options.seed ?? 1));
  const firstCall = sandbox.calls.length;
  const startedAt = clock.now();

  await deleteConnection(cli, options.connectionId);
  const phases = await environmentStacks(cli, options.environmentArn);
  const end = phases ? await script(cli, phases) : undefined;

  const simulatedMs = clock.now() - startedAt;
  const calls = sandbox.calls.slice(firstCall);
  return {
    simulatedMs,
    stacksFound: phases?.flat().length ?? 0,
    undeleted: environmentStacksLeft(sandbox, options.environmentArn),
    callsByApi: callsByApi(calls),
    throttledCalls: calls.filter((c) => c.throttled).length,
    failedCalls: cli.tally.failed,
    failedCallsByApi: { ...cli.tally.failedByApi },
    retries: cli.tally.retries,
    quotaRefusals: cli.tally.quotaRefusals,
    waitersFailed: cli.tally.waitersFailed,
    ...(end ? { passes: end.passes, gaveUp: end.gaveUp } : {}),
  };
}

export async function runBaseline(sandbox: Sandbox, kind: BaselineKind, options: BaselineOptions): Promise<ScriptRun & { kind: BaselineKind }> {
  return { kind, ...(await runScript(sandbox, BASELINES[kind], options)) };
}
