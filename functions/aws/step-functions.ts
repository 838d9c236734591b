import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { sfn } from './clients.js';
import { callAws, hasName } from './error-mapping.js';

/**
 * Starts the workflow under a deterministic name. An execution already started under that
 * name (running with the same input, or closed: ExecutionAlreadyExists) means this trigger was
 * already handled: not an error.
 */
export async function startNamedExecution(stateMachineArn: string, name: string, input: unknown): Promise<'started' | 'already-started'> {
  try {
    await callAws(`StartExecution ${name}`, () => sfn().send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })));
    return 'started';
  } catch (error) {
    if (hasName(error, 'ExecutionAlreadyExists')) return 'already-started';
    throw error;
  }
}
