import { DescribeExecutionCommand, paginateListExecutions, StartExecutionCommand } from '@aws-sdk/client-sfn';
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
