import { isDeepStrictEqual } from 'node:util';
import { DescribeExecutionCommand, paginateListExecutions, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ExecutionNameTakenError } from '../runtime/errors.js';
import { sfn } from './clients.js';
import { callAws, hasName } from './error-mapping.js';

/** `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:<execution>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
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
    const existing = await callAws(`DescribeExecution ${name}`, () => sfn().send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, name) })));
    if (isDeepStrictEqual(parsed(existing.input), parsed(JSON.stringify(input)))) return 'already-started';
    throw new ExecutionNameTakenError(
      `Execution ${name} already exists with a different input: this request was not started (its name must be unique per request; ` +
        'if you meant to run it again, start it from the console or under another name)',
    );
  }
}

/** The running executions of a state machine, with their inputs (ListExecutions pages, then DescribeExecution each). */
export async function runningExecutions(stateMachineArn: string): Promise<{ name: string; startedAt: string; input: unknown }[]> {
  return callAws(`ListExecutions ${stateMachineArn}`, async () => {
    const running: { name: string; startedAt: string; input: unknown }[] = [];
    for await (const page of paginateListExecutions({ client: sfn(), pageSize: 100 }, { stateMachineArn, statusFilter: 'RUNNING' })) {
      for (const execution of page.executions ?? []) {
        if (!execution.executionArn || !execution.name) continue;
        const described = await sfn().send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
        running.push({ name: execution.name, startedAt: (execution.startDate ?? new Date(0)).toISOString(), input: JSON.parse(described.input ?? 'null') });
      }
    }
    return running;
  });
}
