import { DescribeStacksCommand, type DescribeStacksOutput } from '@aws-sdk/client-cloudformation';
import { clock } from '../../functions/runtime/clock.js';
import type { AwsCli } from './cli.js';
import { deleteStack } from './commands.js';

/**
 * `aws cloudformation wait stack-delete-complete --stack-name ID`, exactly: botocore's Waiter.wait
 * (botocore/waiter.py) with the StackDeleteComplete waiter of
 * botocore/data/cloudformation/2010-05-15/waiters-2.json. One command (one retry quota): a
 * DescribeStacks at once, then one every 30 s after the previous answer, at most 120. The first
 * acceptor that matches decides: every Stacks[].StackStatus DELETE_COMPLETE → success; the error
 * ValidationError (any message: "Stack with id … does not exist") → success; any StackStatus
 * DELETE_FAILED, CREATE_FAILED, ROLLBACK_FAILED, UPDATE_ROLLBACK_FAILED or
 * UPDATE_ROLLBACK_IN_PROGRESS → failure. No acceptor matching: an error (after the CLI's retries)
 * → failure; a status → wait and check again; after the 120th check → failure.
 */
export const WAITER_DELAY_MS = 30_000;
export const WAITER_MAX_ATTEMPTS = 120;
const FAILURE_STATES: ReadonlySet<string> = new Set([
  'DELETE_FAILED',
  'CREATE_FAILED',
  'ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
]);

export type WaiterOutcome = { state: 'success' } | { state: 'failure'; reason: string };

function accepted(output: DescribeStacksOutput): 'success' | 'failure' | undefined {
  const statuses = (output.Stacks ?? []).map((s) => s.StackStatus);
  if (statuses.length > 0 && statuses.every((s) => s === 'DELETE_COMPLETE')) return 'success';
  if (statuses.some((s) => s !== undefined && FAILURE_STATES.has(s))) return 'failure';
  return undefined;
}

export async function waitStackDeleteComplete(cli: AwsCli, stackId: string): Promise<WaiterOutcome> {
  const outcome = await waitFor(cli, stackId);
  if (outcome.state === 'failure') cli.tally.waitersFailed += 1;
  return outcome;
}

async function waitFor(cli: AwsCli, stackId: string): Promise<WaiterOutcome> {
  const command = cli.command();
  const isValidationError = (error: Error) => error.name === 'ValidationError';
  for (let attempt = 1; ; attempt += 1) {
    const { output, error } = await command.call(
      'cloudformation:DescribeStacks',
      () => command.clients.cloudFormation.send(new DescribeStacksCommand({ StackName: stackId })),
      { expected: isValidationError },
    );
    if (error) return isValidationError(error) ? { state: 'success' } : { state: 'failure', reason: `An error occurred (${error.name}): ${error.message}` };
    const state = accepted(output);
    if (state === 'success') return { state };
    if (state === 'failure') return { state, reason: `Waiter encountered a terminal failure state: ${output.Stacks?.[0]?.StackStatus}` };
    if (attempt >= WAITER_MAX_ATTEMPTS) return { state: 'failure', reason: 'Max attempts exceeded' };
    await clock.sleep(WAITER_DELAY_MS);
  }
}

/**
 * `aws cloudformation delete-stack --stack-name ID && aws cloudformation wait stack-delete-complete --stack-name ID`:
 * one stack's job in the sequential and xargs scripts; a delete-stack that failed is not waited for.
 */
export async function deleteAndWait(cli: AwsCli, stackId: string): Promise<boolean> {
  if (!(await deleteStack(cli, stackId))) return false;
  return (await waitStackDeleteComplete(cli, stackId)).state === 'success';
}
