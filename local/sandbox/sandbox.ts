import { type Caller, type CallTarget, type CoverageRecord, currentCaller, type Deployment, SandboxIam } from '../iam/index.js';
import { SERVICE_BY_CLIENT } from '../iam/requests.js';
import type { Template } from '../iam/template.js';
import { SandboxAccount } from './account.js';
import { ApiTiming, type TokenBucketSnapshot } from './api-timing.js';
import { type AppliedChange, ChangeSchedule } from './changes.js';
import { enforceDeletionIdentity } from './deletion-identity.js';
import { FaultPlan, type FaultPlanSnapshot } from './faults.js';
import { type CallIdentity, Fleet, type SpokeSession } from './fleet.js';
import { AccountContentSchema, type SANDBOX_SERVICES, type Scenario } from './scenario.js';
import { faultError, type ServiceName } from './service-errors.js';
import { accountBucketOperations, ecrOperations, logsOperations } from './services/account-resources.js';
import { cloudFormationOperations } from './services/cloudformation.js';
import { organizationsOperations, registerFleet, stsOperations } from './services/fleet.js';
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
  /** The account and Region that answered it: the hub's, or a target's reached with credentials STS issued. */
  account: string;
  region: string;
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
  sts: stsOperations,
  organizations: organizationsOperations,
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
  /** The spoke template (deployment/spoke.yml, local/iam/spoke.ts): the roles the hub assumes in each target account. */
  spokeTemplate?: Template;
}

/** How a call reached the sandbox: the Region of its client and the access key id of its credentials (local/sandbox/interceptor.ts). */
export interface CallVia {
  region?: string;
  accessKeyId?: string;
}

/**
 * One account in one Region: what it holds, and how its APIs behave there (its own faults, rate
 * limits and scheduled changes). The hub's is `sandbox.account`; a target's `sandbox.accountIn`.
 */
export class SandboxPlace {
  faults: FaultPlan;
  readonly timing: ApiTiming;
  readonly changes: ChangeSchedule;
  readonly appliedChanges: AppliedChange[] = [];

  constructor(
    readonly account: SandboxAccount,
    content: Pick<Scenario, 'faults' | 'timing' | 'changes'>,
    openedAt: number,
    /** Proton's endpoint is gone here: every Proton call fails as the network does. */
    readonly protonRetired: boolean,
  ) {
    this.faults = new FaultPlan(content.faults);
    this.timing = new ApiTiming(content.timing);
    this.changes = new ChangeSchedule(content.changes, openedAt);
  }

  clearFaults(): void {
    this.faults = new FaultPlan([]);
  }

  progress(): SandboxProgress {
    return { faults: this.faults.snapshot(), timing: this.timing.snapshot(), appliedChanges: structuredClone(this.appliedChanges) };
  }

  resume(progress: SandboxProgress): void {
    this.faults.restore(progress.faults);
    this.timing.restore(progress.timing);
    this.appliedChanges.splice(0, this.appliedChanges.length, ...structuredClone(progress.appliedChanges));
    this.changes.skipApplied(progress.appliedChanges.length);
  }
}

const placeKey = (accountId: string, region: string) => `${accountId}/${region}`;

/** What the sandbox keeps besides the account: how far its faults, rate limits and changes have got (local/sandbox/snapshot.ts). */
export interface SandboxProgress {
  faults: FaultPlanSnapshot;
  timing: Record<string, TokenBucketSnapshot | null>;
  appliedChanges: AppliedChange[];
}

/** A body longer than this is recorded by its size only: the record is of calls, and a long run's progress objects would fill memory. */
const RECORDED_BODY_CHARACTERS = 1024;

/** The call's input as recorded: a copy (the caller may change its own), large bodies summarized. */
function recordable(input: Record<string, unknown>): Record<string, unknown> {
  const { Body: body, ...rest } = input;
  const copy = structuredClone(rest);
  if (body === undefined) return copy;
  const text = typeof body === 'string' ? body : undefined;
  return {
    ...copy,
    Body: text !== undefined && text.length <= RECORDED_BODY_CHARACTERS ? text : `<body of ${text?.length ?? 'unknown'} characters, not recorded>`,
  };
}

export class Sandbox {
  /** The sandbox's time; the local run installs it as the functions' clock (openSandbox). */
  readonly clock: VirtualClock;
  /** The hub's account (the scenario's top level). */
  readonly account: SandboxAccount;
  readonly calls: RecordedCall[] = [];
  /** When the sandbox opened (epoch ms on its clock): a change's `at` counts from here. */
  readonly openedAt: number;
  /** The hub's scenario changes applied so far, in the order they were applied (a target's: `placeOf(...).appliedChanges`). */
  readonly appliedChanges: AppliedChange[];
  /** The IAM the sandbox enforces (SandboxOptions.deployment), if any. */
  readonly iam: SandboxIam | undefined;
  /** STS sessions, spoke roles and the organization: the accounts together. */
  readonly fleet: Fleet;
  /**
   * How a call's latency passes. false (the default): the answer moves the clock by it at once, so
   * the latencies of calls made at the same time add up (slightly pessimistic for one execution's
   * concurrent calls). true: the caller sleeps it (answerAfterLatency), so calls made at the same
   * time overlap their latencies as concurrent HTTP requests do: for executions side by side
   * (local/side-by-side.ts), whose calls would otherwise each slow every other execution down.
   */
  overlapLatencies = false;
  /** Called after each call is answered (or refused), before its latency passes: watchers of the account's state (local/side-by-side.ts). */
  readonly afterEachCall: (() => void)[] = [];
  private readonly places = new Map<string, SandboxPlace>();
  private readonly hub: SandboxPlace;
  /** IAM roles by account: IAM is global, so every Region of an account sees the same roles. */
  private readonly rolesByAccount = new Map<string, SandboxAccount['roles']>();
  /** Who makes the call being answered (set while the sandbox answers it). */
  private answering: CallIdentity = { caller: undefined, session: undefined };

  constructor(
    readonly scenario: Scenario,
    resources: SandboxResources,
    options: SandboxOptions = {},
  ) {
    this.clock = new VirtualClock(options.openAt);
    this.openedAt = this.clock.now();
    this.fleet = new Fleet(scenario, this.clock, {
      spokeTemplate: options.spokeTemplate,
      enforced: options.deployment !== undefined,
      current: () => this.answering,
    });
    if (options.deployment) {
      this.iam = new SandboxIam(options.deployment, options.coverage ? { coverage: options.coverage } : {});
    } else {
      this.iam = undefined;
    }
    // The hub's protonApi is the deployment's parameter (the product's choice), not Proton's endpoint.
    this.hub = this.addPlace(scenario, false);
    this.account = this.hub.account;
    this.appliedChanges = this.hub.appliedChanges;
    this.account.buckets.add(resources.reportBucket);
    this.account.topics.set(resources.topicArn, []);
    for (const target of scenario.accounts) this.addPlace({ ...scenario, ...target }, target.protonApi === 'retired');
  }

  /** An account-Region of the sandbox built from its part of the scenario (the IAM roles of its account shared with its other Regions). */
  private addPlace(content: Scenario, protonRetired: boolean): SandboxPlace {
    let roles = this.rolesByAccount.get(content.accountId);
    if (!roles) {
      roles = new Map();
      this.rolesByAccount.set(content.accountId, roles);
    }
    const account = new SandboxAccount(content, this.clock, roles);
    const place = new SandboxPlace(account, content, this.openedAt, protonRetired);
    this.places.set(placeKey(content.accountId, content.region), place);
    registerFleet(account, this.fleet);
    if (this.iam) {
      const isHubAccount = content.accountId === this.scenario.accountId;
      const iam = this.iam;
      enforceDeletionIdentity(account, iam, {
        roleOfArn: (arn) => (isHubAccount ? iam.deployment.identityOfRoleArn(arn) : undefined) ?? this.fleet.roleOf(arn),
        caller: () => this.answering.caller,
      });
    }
    return place;
  }

  /** The account-Region the sandbox answers for (`accountId` in `region`), an empty one on first use if the scenario does not describe it. */
  placeOf(accountId: string, region: string): SandboxPlace {
    const place = this.places.get(placeKey(accountId, region));
    if (place) return place;
    const empty = AccountContentSchema.parse({});
    return this.addPlace({ ...this.scenario, ...empty, accountId, region }, false);
  }

  /** What `accountId` holds in `region` (see placeOf). */
  accountIn(accountId: string, region: string): SandboxAccount {
    return this.placeOf(accountId, region).account;
  }

  /** Every account-Region of the sandbox, the hub's first. */
  allPlaces(): SandboxPlace[] {
    return [...this.places.values()];
  }

  /** The credentials STS issued, by access key id. */
  sessionOf(accessKeyId: string | undefined): SpokeSession | undefined {
    return accessKeyId === undefined ? undefined : this.fleet.sessions.get(accessKeyId);
  }

  private readonly hooks: { operation: string; act: (account: SandboxAccount) => void }[] = [];

  private lookups = new WeakMap<SandboxPlace, CallTarget>();

  /** Where a call is authorized: the place's account and Region, and what the sandbox knows there. */
  private targetOf(place: SandboxPlace): CallTarget {
    let target = this.lookups.get(place);
    if (!target) {
      target = {
        accountId: place.account.accountId,
        region: place.account.region,
        lookup: {
          stackArn: (name) => place.account.stackByIdOrName(name)?.stackId,
          organizationOf: (accountId) => this.fleet.organizationOf(accountId),
          organizationParentArn: (parentId) => this.fleet.organizationParentArn(parentId),
        },
      };
      this.lookups.set(place, target);
    }
    return target;
  }

  /** Changes the account the first time an operation is called: someone acting while the cleanup runs. */
  onFirstCall(operation: string, act: (account: SandboxAccount) => void): void {
    this.hooks.push({ operation, act });
  }

  /**
   * Answers one SDK command, as the named client's service would. `via`: the client's Region and
   * credentials; credentials STS issued route the call to their session's account, any other to
   * the hub's account; the Region is the client's (default: the hub's).
   */
  answer(clientName: string, commandName: string, input: Record<string, unknown>, via: CallVia = {}): unknown {
    // The answer comes back after the API's latency, whatever it is.
    return this.respond(clientName, commandName, input, via, (ms) => this.clock.advance(ms));
  }

  /**
   * The same answer (given as the call arrives), handed back once the call's latency has passed as
   * the caller's own sleep on the clock: calls made at the same time overlap their latencies.
   */
  async answerAfterLatency(clientName: string, commandName: string, input: Record<string, unknown>, via: CallVia = {}): Promise<unknown> {
    let latency = 0;
    try {
      return this.respond(clientName, commandName, input, via, (ms) => {
        latency = ms;
      });
    } finally {
      await this.clock.sleep(latency);
    }
  }

  private respond(clientName: string, commandName: string, input: Record<string, unknown>, via: CallVia, takeLatency: (ms: number) => void): unknown {
    const service = SERVICE_BY_CLIENT[clientName];
    if (!service) throw new Error(`The sandbox does not simulate ${clientName}`);
    const operation = commandName.replace(/Command$/, '');
    const session = this.sessionOf(via.accessKeyId);
    if (!session && via.accessKeyId?.startsWith('ASIA')) {
      // Temporary credentials this sandbox's STS never issued (another sandbox's, kept by a client):
      // AWS refuses them ("The security token included in the request is invalid"), never routes them.
      const error = new Error('The security token included in the request is invalid.');
      error.name = 'InvalidClientTokenId';
      throw error;
    }
    const place = this.placeOf(session?.accountId ?? this.scenario.accountId, via.region ?? this.scenario.region);
    const at = this.clock.now();
    const call: RecordedCall = { service, operation, input: recordable(input), at, account: place.account.accountId, region: place.account.region };
    this.calls.push(call);
    this.settleDue();
    const caller: Caller | undefined = session ? this.fleet.callerOf(session) : currentCaller();
    this.answering = { caller, session };
    try {
      for (const hook of this.hooks.filter((h) => h.operation === operation)) {
        this.hooks.splice(this.hooks.indexOf(hook), 1);
        hook.act(place.account);
      }
      // Proton retired in this account-Region: its endpoint no longer answers (nothing reaches IAM).
      if (service === 'proton' && place.protonRetired) {
        const error = faultError(service, 'unreachable', operation);
        call.error = error.name;
        throw error;
      }
      // IAM first: a call its caller's role does not allow answers the service's AccessDenied.
      const denied = this.authorize(caller, clientName, commandName, input, place);
      if (denied) {
        call.error = denied.name;
        throw denied;
      }
      // A throttled call never reaches the service: injected faults count the calls it answers.
      if (!place.timing.admit(service, operation, at)) {
        const error = faultError(service, 'throttle', operation);
        error.message = `Rate exceeded (sandbox: over ${place.timing.rateOf(service, operation)} ${service} ${operation} calls per second)`;
        call.throttled = true;
        call.error = error.name;
        throw error;
      }
      const fault = place.faults.next(operation);
      if (fault) {
        const error = faultError(service, fault, operation);
        call.error = error.name;
        throw error;
      }
      const run = OPERATIONS[service][operation];
      if (!run) throw new Error(`The sandbox does not simulate ${service} ${operation}`);
      try {
        return run(place.account, input);
      } catch (thrown) {
        const error = this.missingObjectError(caller, service, operation, input, thrown as Error, place);
        call.error = error.name;
        throw error;
      }
    } finally {
      this.answering = { caller: undefined, session: undefined };
      for (const watcher of this.afterEachCall) watcher();
      takeLatency(place.timing.latencyOf(service, operation));
    }
  }

  /** The AccessDenied exception for a call the caller may not make (no caller, or no IAM: never). */
  private authorize(
    caller: Caller | undefined,
    clientName: string,
    commandName: string,
    input: Record<string, unknown>,
    place: SandboxPlace = this.hub,
  ): Error | undefined {
    if (!this.iam || !caller) return undefined;
    return this.iam.check(caller, clientName, commandName, input, this.targetOf(place));
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
    place: SandboxPlace,
  ): Error {
    if (service !== 's3' || (operation !== 'GetObject' && operation !== 'HeadObject') || !/^(NoSuchKey|NotFound)$/.test(error.name)) return error;
    return this.authorize(caller, 'S3Client', 'ListObjectsV2Command', { Bucket: input.Bucket }, place) ?? error;
  }

  /**
   * Brings the account up to now on the sandbox clock (done before each call): applies every
   * change that has come due and settles every stack deletion due, all in time order. A deletion
   * due at the same instant as a change settles first: it was decided before the change.
   */
  settleDue(): void {
    const now = this.clock.now();
    for (const place of this.places.values()) {
      for (let dueAt = place.changes.nextDueAt(); dueAt !== undefined && dueAt <= now; dueAt = place.changes.nextDueAt()) {
        settleDueDeletions(place.account, dueAt);
        const applied = place.changes.applyNext(place.account);
        if (applied) place.appliedChanges.push(applied);
      }
      settleDueDeletions(place.account, now);
    }
  }

  /** Moves the sandbox clock to `instant` (epoch ms; never back) and brings the account up to it. */
  advanceTo(instant: number): void {
    this.clock.advanceTo(instant);
    this.settleDue();
  }

  /** The epoch ms of `seconds` after the sandbox opened (a change's `at`). */
  instantOf(seconds: number): number {
    return this.hub.changes.instantOf(seconds);
  }

  /** How far the hub's faults, rate limits and changes have got (a target's: `placeOf(...).progress()`). */
  progress(): SandboxProgress {
    return this.hub.progress();
  }

  /** Picks up where a saved sandbox of the same scenario had got to in the hub (its account is restored separately). */
  resume(progress: SandboxProgress): void {
    this.hub.resume(progress);
  }

  /** From now on no fault is injected, in any account: the services answer normally (a re-run after the outage). */
  clearFaults(): void {
    for (const place of this.places.values()) place.clearFaults();
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  /** Calls refused by their API's rate limit (injected throttling faults are not among them). */
  throttledCalls(): RecordedCall[] {
    return this.calls.filter((c) => c.throttled);
  }
}
