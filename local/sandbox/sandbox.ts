import { SandboxAccount } from './account.js';
import { ApiTiming } from './api-timing.js';
import { ChangeSchedule, type AppliedChange } from './changes.js';
import { FaultPlan } from './faults.js';
import { faultError, type ServiceName } from './service-errors.js';
import { accountBucketOperations, ecrOperations, logsOperations } from './services/account-resources.js';
import { cloudFormationOperations } from './services/cloudformation.js';
import { iamOperations } from './services/iam.js';
import { eventBridgeOperations, s3Operations, snsOperations } from './services/messaging.js';
import type { Operations } from './services/operations.js';
import { ssmOperations } from './services/parameters.js';
import { protonOperations } from './services/proton.js';
import { stepFunctionsOperations } from './services/step-functions.js';
import { taggingOperations } from './services/tagging.js';
import type { SANDBOX_SERVICES, Scenario } from './scenario.js';
import { settleDueDeletions } from './stack-deletion.js';
import { VirtualClock } from './virtual-clock.js';

/**
 * The embedded sandbox: a simulated environment account that answers AWS SDK commands, on
 * its own virtual clock. Every call is recorded (operation, input, when, outcome), so tests
 * can prove what was and was not called; each call takes its API's latency on the clock; a
 * call over its API's rate limit, and an injected fault, answer with the service's own
 * exceptions.
 */
export interface RecordedCall {
  service: ServiceName;
  operation: string;
  input: Record<string, unknown>;
  /** When it arrived, epoch ms on the sandbox clock. */
  at: number;
  error?: string;
  /** Refused by the API's rate limit (not an injected fault). */
  throttled?: true;
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

// Keyed by the services `timing` may name: the compiler keeps the two lists the same.
const OPERATIONS: Record<(typeof SANDBOX_SERVICES)[number], Operations> = {
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
  /** The sandbox's time; the local run installs it as the functions' clock (openSandbox). */
  readonly clock = new VirtualClock();
  readonly account: SandboxAccount;
  readonly calls: RecordedCall[] = [];
  private faults: FaultPlan;
  private readonly timing: ApiTiming;
  private readonly changes: ChangeSchedule;
  /** When the sandbox opened (epoch ms on its clock): a change's `at` counts from here. */
  readonly openedAt: number;
  /** The scenario's changes applied so far, in the order they were applied. */
  readonly appliedChanges: AppliedChange[] = [];

  constructor(
    readonly scenario: Scenario,
    resources: SandboxResources,
  ) {
    this.openedAt = this.clock.now();
    this.account = new SandboxAccount(scenario, this.clock);
    this.changes = new ChangeSchedule(scenario.changes, this.openedAt);
    this.timing = new ApiTiming(scenario.timing);
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
    const at = this.clock.now();
    const call: RecordedCall = { service, operation, input: structuredClone(input), at };
    this.calls.push(call);
    this.settleDue();
    try {
      for (const hook of this.hooks.filter((h) => h.operation === operation)) {
        this.hooks.splice(this.hooks.indexOf(hook), 1);
        hook.act(this.account);
      }
      // A throttled call never reaches the service: injected faults count the calls it answers.
      if (!this.timing.admit(service, operation, at)) {
        const error = faultError(service, 'throttle', operation);
        error.message = `Rate exceeded (sandbox: over ${this.timing.rateOf(service, operation)} ${service} ${operation} calls per second)`;
        call.throttled = true;
        call.error = error.name;
        throw error;
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
    } finally {
      // The answer comes back after the API's latency, whatever it is.
      this.clock.advance(this.timing.latencyOf(service, operation));
    }
  }

  /**
   * Brings the account up to now on the sandbox clock (done before each call): applies every
   * change that has come due and settles every stack deletion due, all in time order. A deletion
   * due at the same instant as a change settles first: it was decided before the change.
   */
  settleDue(): void {
    const now = this.clock.now();
    for (let dueAt = this.changes.nextDueAt(); dueAt !== undefined && dueAt <= now; dueAt = this.changes.nextDueAt()) {
      settleDueDeletions(this.account, dueAt);
      const applied = this.changes.applyNext(this.account);
      if (applied) this.appliedChanges.push(applied);
    }
    settleDueDeletions(this.account, now);
  }

  /** Moves the sandbox clock to `instant` (epoch ms; never back) and brings the account up to it. */
  advanceTo(instant: number): void {
    this.clock.advanceTo(instant);
    this.settleDue();
  }

  /** The epoch ms of `seconds` after the sandbox opened (a change's `at`). */
  instantOf(seconds: number): number {
    return this.changes.instantOf(seconds);
  }

  /** From now on no fault is injected: the services answer normally (a re-run after the outage). */
  clearFaults(): void {
    this.faults = new FaultPlan([]);
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Calls refused by their API's rate limit (injected throttling faults are not among them). */
  throttledCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.throttled);
  }
}
