import { isDeepStrictEqual } from 'node:util';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ExecutionNameTakenError } from '../runtime/errors.js';
import { sfn } from './clients.js';
import { callAws, hasName } from './error-mapping.js';

/** `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:<execution>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/** DescribeExecution's status of an execution of the state machine; undefined when no such execution exists. */
export async function executionStatus(stateMachineArn: string, name: string): Promise<string | undefined> {
  try {
    const out = await callAws(`DescribeExecution ${name}`, () =>
      sfn().send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) })),
    );
    return out.status;
  } catch (error) {
    if (hasName(error, 'ExecutionDoesNotExist')) return undefined;
    throw error;
  }
}

function parsed(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? 'null');
  } catch {
    return text;
  }
}

/**
 * Starts the workflow under a deterministic name. An execution already started under that name
 * with the same input (StartExecution answers ExecutionAlreadyExists once it has closed) means
 * this trigger was already handled: not an error. The same name for a different request is an
 * error, never a silent success.
 */
export async function startNamedExecution(stateMachineArn: string, name: string, input: unknown): Promise<'started' | 'already-started'> {
  try {
    await callAws(`StartExecution ${name}`, () => sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })));
    return 'started';
  } catch (error) {
    if (!hasName(error, 'ExecutionAlreadyExists')) throw error;
    const existing = await callAws(`DescribeExecution ${name}`, () =>
      sfn().send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) })),
    );
    if (isDeepStrictEqual(parsed(existing.input), parsed(JSON.stringify(input)))) return 'already-started';
    throw new ExecutionNameTakenError(
      `Execution ${name} already exists with a different input: this request was not started (its name must be unique per request; ` +
        'if you meant to run it again, start it from the console or under another name)',
    );
  }
}
