import { isDeepStrictEqual } from 'node:util';
import { ExecutionAlreadyExists, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import type { ExecutionModel, SandboxAccount } from '../account.js';
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
  // "Results are sorted by time, with the most recent execution first" (ListExecutions API reference).
  ListExecutions: (account, input) => {
    const matching = newestFirst(account.executions).filter(
      (e) => e.stateMachineArn === input.stateMachineArn && (!input.statusFilter || e.status === input.statusFilter),
    );
    const { items, next } = page(matching, input.nextToken, Number(input.maxResults ?? 100));
    return {
      executions: items.map((e) => ({
        executionArn: executionArn(e.stateMachineArn, e.name),
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startedAt,
        ...(e.stoppedAt ? { stopDate: e.stoppedAt } : {}),
      })),
      ...(next ? { nextToken: next } : {}),
    };
  },
  DescribeExecution: (account, input) => {
    const execution = executionOf(account, input.executionArn);
    return {
      executionArn: input.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startedAt,
      input: JSON.stringify(execution.input),
      ...(execution.stoppedAt ? { stopDate: execution.stoppedAt } : {}),
      ...(execution.error !== undefined ? { error: execution.error, cause: execution.cause ?? '' } : {}),
    };
  },
  /**
   * The events the local run recorded (local/execution-history.ts), oldest first unless
   * reverseOrder; pages of maxResults (default and maximum 1000), as the API reference says.
   */
  GetExecutionHistory: (account, input) => {
    const execution = executionOf(account, input.executionArn);
    const events = [...(execution.history ?? [])];
    if (input.reverseOrder === true) events.reverse();
    const { items, next } = page(events, input.nextToken, Math.min(1000, Number(input.maxResults ?? 1000) || 1000));
    return {
      events: items.map((e) => ({
        id: e.id,
        previousEventId: e.previousEventId,
        timestamp: new Date(e.timestamp),
        type: e.type,
        ...(e.details ? { [e.details.field]: e.details.value } : {}),
      })),
      ...(next ? { nextToken: next } : {}),
    };
  },
};

function executionOf(account: SandboxAccount, arn: unknown): ExecutionModel {
  const execution = account.executions.find((e) => executionArn(e.stateMachineArn, e.name) === arn);
  if (!execution) throw new ExecutionDoesNotExist({ message: `Execution Does Not Exist: '${String(arn)}'`, $metadata: { httpStatusCode: 400 } });
  return execution;
}

/** By start time, newest first; among executions started at the same instant, the one started last first. */
function newestFirst(executions: readonly ExecutionModel[]): ExecutionModel[] {
  return executions
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.startedAt.getTime() - a.e.startedAt.getTime() || b.i - a.i)
    .map(({ e }) => e);
}
