import { type CoverageRecord, currentCaller, type Deployment, SandboxIam } from '../iam/index.js';
import { SERVICE_BY_CLIENT } from '../iam/requests.js';
import { SandboxAccount } from './account.js';
import { ApiTiming, type TokenBucketSnapshot } from './api-timing.js';
import { type AppliedChange, ChangeSchedule } from './changes.js';
import { enforceDeletionIdentity } from './deletion-identity.js';
import { FaultPlan, type FaultPlanSnapshot } from './faults.js';
import type { SANDBOX_SERVICES, Scenario } from './scenario.js';
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

export interface SandboxOptions {
  /**
   * The deployment whose IAM the sandbox enforces (local/iam): every call made by a caller (a
   * function's handler, local/lambda-binding.ts) is authorized against that function's role, and
   * CloudFormation deletes each stack's resources as its deletion identity. Without it, or for a
   * call with no caller (a test driving the sandbox directly), calls are not checked.
   */
  deployment?: Deployment;
  /** Where allowed authorizations are recorded (least-privilege coverage); a new record if not given. */
  coverage?: CoverageRecord;
  /** When the sandbox opens on its clock (epoch ms): a restored sandbox opens when the saved one did. */
  openAt?: number;
}

/** What the sandbox keeps besides the account: how far its faults, rate limits and changes have got (local/sandbox/snapshot.ts). */
export interface SandboxProgress {
  faults: FaultPlanSnapshot;
  timing: Record<string, TokenBucketSnapshot | null>;
  appliedChanges: AppliedChange[];
}

export class Sandbox {
  /** The sandbox's time; the local run installs it as the functions' clock (openSandbox). */
  readonly clock: VirtualClock;
  readonly account: SandboxAccount;
  readonly calls: RecordedCall[] = [];
  private faults: FaultPlan;
  private readonly timing: ApiTiming;
  private readonly changes: ChangeSchedule;
  /** When the sandbox opened (epoch ms on its clock): a change's `at` counts from here. */
  readonly openedAt: number;
  /** The scenario's changes applied so far, in the order they were applied. */
  readonly appliedChanges: AppliedChange[] = [];
  /** The IAM the sandbox enforces (SandboxOptions.deployment), if any. */
  readonly iam: SandboxIam | undefined;

  constructor(
    readonly scenario: Scenario,
    resources: SandboxResources,
    options: SandboxOptions = {},
  ) {
    this.clock = new VirtualClock(options.openAt);
    this.openedAt = this.clock.now();
    this.account = new SandboxAccount(scenario, this.clock);
    this.changes = new ChangeSchedule(scenario.changes, this.openedAt);
    this.timing = new ApiTiming(scenario.timing);
    this.account.buckets.add(resources.reportBucket);
    this.account.topics.set(resources.topicArn, []);
    this.faults = new FaultPlan(scenario.faults);
    if (options.deployment) {
      const account = this.account;
      this.iam = new SandboxIam(options.deployment, {
        lookup: { stackArn: (name) => account.stackByIdOrName(name)?.stackId },
        ...(options.coverage ? { coverage: options.coverage } : {}),
      });
      enforceDeletionIdentity(account, this.iam);
    } else {
      this.iam = undefined;
    }
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
      // IAM first: a call its caller's role does not allow answers the service's AccessDenied.
      const caller = currentCaller();
      const denied = this.authorize(caller, clientName, commandName, input);
      if (denied) {
        call.error = denied.name;
        throw denied;
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
      } catch (thrown) {
        const error = this.missingObjectError(caller, service, operation, input, thrown as Error);
        call.error = error.name;
        throw error;
      }
    } finally {
      // The answer comes back after the API's latency, whatever it is.
      this.clock.advance(this.timing.latencyOf(service, operation));
    }
  }

  /** The AccessDenied exception for a call the caller may not make (no caller, or no IAM: never). */
  private authorize(caller: ReturnType<typeof currentCaller>, clientName: string, commandName: string, input: Record<string, unknown>): Error | undefined {
    if (!this.iam || !caller) return undefined;
    return this.iam.check(caller, clientName, commandName, input);
  }

  /**
   * S3 answers a missing key with NoSuchKey only to a caller that may list the bucket
   * (s3:ListBucket), else with AccessDenied, so as not to reveal whether the key exists
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions").
   */
  private missingObjectError(
    caller: ReturnType<typeof currentCaller>,
    service: ServiceName,
    operation: string,
    input: Record<string, unknown>,
    error: Error,
  ): Error {
    if (service !== 's3' || (operation !== 'GetObject' && operation !== 'HeadObject') || !/^(NoSuchKey|NotFound)$/.test(error.name)) return error;
    return this.authorize(caller, 'S3Client', 'ListObjectsV2Command', { Bucket: input.Bucket }) ?? error;
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

  progress(): SandboxProgress {
    return { faults: this.faults.snapshot(), timing: this.timing.snapshot(), appliedChanges: structuredClone(this.appliedChanges) };
  }

  /** Picks up where a saved sandbox of the same scenario had got to (its account is restored separately). */
  resume(progress: SandboxProgress): void {
    this.faults.restore(progress.faults);
    this.timing.restore(progress.timing);
    this.appliedChanges.splice(0, this.appliedChanges.length, ...structuredClone(progress.appliedChanges));
    this.changes.skipApplied(progress.appliedChanges.length);
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
