import { isDeepStrictEqual } from 'node:util';
import { ExecutionAlreadyExists, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { type Operations, page } from './operations.js';

const executionArn = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Step Functions' StartExecution as the triggers use it: one execution per name, ever. "If
 * StartExecution is called with the same name and input as a running execution, the call succeeds
 * and return the same response as the original request. If the execution is closed or if the input
 * is different, it returns a 400 ExecutionAlreadyExists error." (StartExecution API reference.)
 */
export const stepFunctionsOperations: Operations = {
  StartExecution: (account, input) => {
    const name = String(input.name);
    const given = JSON.parse(String(input.input ?? '{}')) as unknown;
    const existing = account.executions.find((e) => e.name === name);
    if (existing && existing.status === 'RUNNING' && isDeepStrictEqual(existing.input, given)) {
      return { executionArn: executionArn(existing.stateMachineArn, name), startDate: existing.startedAt };
    }
    if (existing) throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } });
    const startedAt = new Date(account.clock.now());
    account.executions.push({ stateMachineArn: String(input.stateMachineArn), name, input: given, status: 'RUNNING', startedAt });
    return { executionArn: executionArn(String(input.stateMachineArn), name), startDate: startedAt };
  },
  ListExecutions: (account, input) => {
    const matching = account.executions.filter((e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter));
    const { items, next } = page(matching, input.nextToken, Number(input.maxResults ?? 100));
    return {
      executions: items.map((e) => ({
        executionArn: executionArn(e.stateMachineArn, e.name),
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startedAt,
      })),
      ...(next ? { nextToken: next } : {}),
    };
  },
  DescribeExecution: (account, input) => {
    const execution = account.executions.find((e) => executionArn(e.stateMachineArn, e.name) === input.executionArn);
    if (!execution)
      throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${String(input.executionArn)}'`, $metadata: { httpStatusCode: 400 } });
    return {
      executionArn: input.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startedAt,
      input: JSON.stringify(execution.input),
    };
  },
};
