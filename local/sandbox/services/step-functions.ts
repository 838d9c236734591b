import { ExecutionAlreadyExists, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { page, type Operations } from './operations.js';

const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** Step Functions' StartExecution as the triggers use it: one execution per name, ever. */
export const stepFunctionsOperations: Operations = {
  StartExecution: (account, input) => {
    const name = String(input.name);
    if (account.executions.some((e) => e.name === name)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } });
    }
    account.executions.push({ stateMachineArn: String(input.stateMachineArn), name, input: JSON.parse(String(input.input ?? '{}')), status: 'RUNNING', startedAt: new Date() });
    return { executionArn: executionArn(String(input.stateMachineArn), name), startDate: new Date() };
  },
  ListExecutions: (account, input) => {
    const matching = account.executions.filter(
      (e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter),
    );
    const { items, next } = page(matching, input.nextToken, Number(input.maxResults ?? 100));
    return {
      executions: items.map((e) => ({ executionArn: executionArn(e.stateMachineArn, e.name), stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: e.startedAt })),
      ...(next ? { nextToken: next } : {}),
    };
  },
  DescribeExecution: (account, input) => {
    const execution = account.executions.find((e) => executionArn(e.stateMachineArn, e.name) === input.executionArn);
    if (!execution) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${String(input.executionArn)}'`, $metadata: { httpStatusCode: 400 } });
    return { executionArn: input.executionArn, stateMachineArn: execution.stateMachineArn, name: execution.name, status: execution.status, startDate: execution.startedAt, input: JSON.stringify(execution.input) };
  },
};
