/** Step Functions: StartExecution answers and errors. */

import { ExecutionAlreadyExists, type SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT_ID, REGION } from './constants.js';

/** StartExecution answers every name with a new execution of the local state machine, started now. */
export function answerStartExecution(sfn: AwsClientStub<SFNClient>): void {
  sfn.on(StartExecutionCommand).callsFake((input: { name?: string }) => ({
    executionArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:proton-connection-cleanup-local:${input.name}`,
    startDate: new Date(),
  }));
}

/** The state machine the triggers start (STATE_MACHINE_ARN in test/setup-env.ts). */
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:proton-connection-cleanup-local';

export const sfnError = {
  alreadyExists: (name: string) =>
    new ExecutionAlreadyExists({ message: `Execution Already Exists: '${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}'`, $metadata: {} }),
  throttling: () => new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' }),
};
