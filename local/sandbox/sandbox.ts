import { SandboxAccount } from './account.js';
import { FaultPlan } from './faults.js';
import { faultError, type ServiceName } from './service-errors.js';
import { accountBucketOperations, ecrOperations, logsOperations, ssmOperations } from './services/account-resources.js';
import { cloudFormationOperations } from './services/cloudformation.js';
import { iamOperations } from './services/iam.js';
import { eventBridgeOperations, s3Operations, snsOperations } from './services/messaging.js';
import type { Operations } from './services/operations.js';
import { protonOperations } from './services/proton.js';
import { stepFunctionsOperations } from './services/step-functions.js';
import { taggingOperations } from './services/tagging.js';
import type { Scenario } from './scenario.js';

/**
 * The embedded sandbox: a simulated environment account that answers AWS SDK commands.
 * Every call is recorded (operation, input, outcome), so tests can prove what was and was
 * not called, and injected faults answer with the service's own exceptions.
 */
export interface RecordedCall {
  service: ServiceName;
  operation: string;
  input: Record<string, unknown>;
  error?: string;
}

const SERVICE_BY_CLIENT: Record<string, ServiceName> = {
  ProtonClient: 'proton',
  CloudFormationClient: 'cloudformation',
  ResourceGroupsTaggingAPIClient: 'tagging',
  S3Client: 's3',
  SNSClient: 'sns',
  EventBridgeClient: 'eventbridge',
  SFNClient: 'stepfunctions',
  IAMClient: 'iam',
  CloudWatchLogsClient: 'logs',
  ECRClient: 'ecr',
  SSMClient: 'ssm',
};

const OPERATIONS: Record<ServiceName, Operations> = {
  proton: protonOperations,
  cloudformation: cloudFormationOperations,
  tagging: taggingOperations,
  s3: { ...s3Operations, ...accountBucketOperations },
  sns: snsOperations,
  eventbridge: eventBridgeOperations,
  stepfunctions: stepFunctionsOperations,
  iam: iamOperations,
  logs: logsOperations,
  ecr: ecrOperations,
  ssm: ssmOperations,
};

export interface SandboxResources {
  reportBucket: string;
  topicArn: string;
}

export class Sandbox {
  readonly account: SandboxAccount;
  readonly calls: RecordedCall[] = [];
  private faults: FaultPlan;

  constructor(
    readonly scenario: Scenario,
    resources: SandboxResources,
  ) {
    this.account = new SandboxAccount(scenario);
    this.account.buckets.add(resources.reportBucket);
    this.account.topics.set(resources.topicArn, []);
    this.faults = new FaultPlan(scenario.faults);
  }

  private readonly hooks: { operation: string; act: (account: SandboxAccount) => void }[] = [];

  /** Changes the account the first time an operation is called: someone acting while the cleanup runs. */
  onFirstCall(operation: string, act: (account: SandboxAccount) => void): void {
    this.hooks.push({ operation, act });
  }

  /** Answers one SDK command, as the named client's service would. */
  answer(clientName: string, commandName: string, input: Record<string, unknown>): unknown {
    const service = SERVICE_BY_CLIENT[clientName];
    if (!service) throw new Error(`The sandbox does not simulate ${clientName}`);
    const operation = commandName.replace(/Command$/, '');
    const call: RecordedCall = { service, operation, input: structuredClone(input) };
    this.calls.push(call);
    for (const hook of this.hooks.filter((h) => h.operation === operation)) {
      this.hooks.splice(this.hooks.indexOf(hook), 1);
      hook.act(this.account);
    }
    const fault = this.faults.next(operation);
    if (fault) {
      const error = faultError(service, fault, operation);
      call.error = error.name;
      throw error;
    }
    const run = OPERATIONS[service][operation];
    if (!run) throw new Error(`The sandbox does not simulate ${service} ${operation}`);
    try {
      return run(this.account, input);
    } catch (error) {
      call.error = (error as Error).name;
      throw error;
    }
  }

  /** From now on no fault is injected: the services answer normally (a re-run after the outage). */
  clearFaults(): void {
    this.faults = new FaultPlan([]);
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }
}
