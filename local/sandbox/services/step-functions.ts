import { ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import type { Operations } from './operations.js';

/** Step Functions' StartExecution as the triggers use it: one execution per name, ever. */
export const stepFunctionsOperations: Operations = {
  StartExecution: (account, input) => {
    const name = String(input.name);
    if (account.executions.some((e) => e.name === name)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${name}'`, $metadata: { httpStatusCode: 400 } });
    }
    account.executions.push({ stateMachineArn: String(input.stateMachineArn), name, input: JSON.parse(String(input.input ?? '{}')), status: 'RUNNING' });
    return { executionArn: `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`, startDate: new Date() };
  },
};
