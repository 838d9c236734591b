import type { HistoryEventRecord } from '../execution-history.js';
import {
  type ConnectionModel,
  type ExecutionModel,
  type ParameterModel,
  type RoleModel,
  resourceModel,
  type SandboxAccount,
  type StackModel,
} from './account.js';
import { BucketContents, type BucketContentsSnapshot } from './bucket-contents.js';
import { type DeletionRequestSnapshot, deletionAuthority } from './deletion-identity.js';
import type { SpokeSession } from './fleet.js';
import { Sandbox, type SandboxOptions, type SandboxProgress, type SandboxResources } from './sandbox.js';
import type { Scenario } from './scenario.js';
import { restoreWrittenEtags, writtenEtags } from './services/messaging.js';

/**
 * The sandbox as JSON, and back: what the account holds (connections, stacks with their events,
 * tags, resources and bucket contents, objects in S3 with their ETags, messages, events,
 * executions with their histories, roles, parameters, deletions in flight and those waiting for the
 * concurrent-resources limit, with the weight the running ones hold), how far its faults,
 * rate limits and scheduled changes have got, and its virtual clock. So the operator CLI's
 * `--state FILE` carries the simulated account from one command to the next.
 *
 * Explicit codecs, one per model: Dates become epoch ms; a stack's tags and its Tagging API entry
 * stay one object (they are one set of tags in AWS); a bucket's contents keep their listing order.
 * Who asked for each stack's deletion is kept by the caller's role and session, so a deletion
 * still in flight settles with the same IAM checks after a restore. Not kept: the record of calls
 * answered (a process's log, not the account) and hooks a test installed.
 */
export const SNAPSHOT_VERSION = 1;

type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]: number };

interface StackSnapshot extends Omit<StackModel, 'events'> {
  events: Dated<StackModel['events'][number], 'timestamp'>[];
}

interface ExecutionSnapshot extends Omit<ExecutionModel, 'startedAt' | 'stoppedAt' | 'history'> {
  startedAt: number;
  stoppedAt?: number;
  history?: HistoryEventRecord[];
}

export interface SandboxSnapshot {
  version: typeof SNAPSHOT_VERSION;
  clock: { openedAt: number; now: number };
  progress: SandboxProgress;
  account: AccountSnapshot;
  /** The target account-Regions (a fleet scenario), each with how far its faults, rate limits and changes have got. */
  targets?: { accountId: string; region: string; account: AccountSnapshot; progress: SandboxProgress }[];
  /** Credentials STS issued (still accepted after a restore). */
  sessions?: SpokeSession[];
}

interface AccountSnapshot {
  connections: ConnectionModel[];
  stacks: StackSnapshot[];
  /** What the Tagging API sees; `stack`: the entry is the stack's own tags (the same object). */
  tagged: ({ arn: string; tags: Record<string, string> } | { arn: string; stack: true })[];
  resources: { arn: string; type: string; name: string; contents?: BucketContentsSnapshot }[];
  objects: [string, string][];
  etags: [string, { body: string; etag: string }][];
  buckets: string[];
  topics: [string, { subject?: string; message: string }[]][];
  events: SandboxAccount['events'];
  executions: ExecutionSnapshot[];
  roles: RoleModel[];
  /** Stacks being deleted, in the order their deletions settle. */
  deletions: string[];
  /**
   * Deletions waiting for the concurrent-resources limit, in their turn, and the weight the running
   * ones hold (absent from a snapshot taken before the limit was modelled: none waits, none holds).
   */
  waitingDeletions?: string[];
  deletionWeightInFlight?: number;
  /** Who asked for each stack's deletion (the sandbox enforces IAM): CloudFormation deletes its resources as that caller. */
  deletionRequests: [string, DeletionRequestSnapshot][];
  parameters: Dated<ParameterModel, 'lastModified'>[];
}

const copy = <T>(value: T): T => structuredClone(value);

function encodeStack(stack: StackModel): StackSnapshot {
  return { ...copy(stack), events: stack.events.map((e) => ({ ...copy(e), timestamp: e.timestamp.getTime() })) };
}

function decodeStack(stack: StackSnapshot): StackModel {
  return { ...copy(stack), events: stack.events.map((e) => ({ ...copy(e), timestamp: new Date(e.timestamp) })) };
}

function encodeExecution(e: ExecutionModel): ExecutionSnapshot {
  const { startedAt, stoppedAt, ...rest } = e;
  return { ...copy(rest), startedAt: startedAt.getTime(), ...(stoppedAt ? { stoppedAt: stoppedAt.getTime() } : {}) };
}

function decodeExecution(e: ExecutionSnapshot): ExecutionModel {
  const { startedAt, stoppedAt, ...rest } = e;
  return { ...copy(rest), startedAt: new Date(startedAt), ...(stoppedAt !== undefined ? { stoppedAt: new Date(stoppedAt) } : {}) };
}

export function snapshotSandbox(sandbox: Sandbox): SandboxSnapshot {
  const [, ...targets] = sandbox.allPlaces();
  return {
    version: SNAPSHOT_VERSION,
    clock: { openedAt: sandbox.openedAt, now: sandbox.clock.now() },
    progress: sandbox.progress(),
    account: encodeAccount(sandbox.account),
    ...(targets.length > 0
      ? {
          targets: targets.map((p) => ({
            accountId: p.account.accountId,
            region: p.account.region,
            account: encodeAccount(p.account),
            progress: p.progress(),
          })),
        }
      : {}),
    ...(sandbox.fleet.sessions.size > 0 ? { sessions: copy([...sandbox.fleet.sessions.values()]) } : {}),
  };
}

function encodeAccount(a: SandboxAccount): AccountSnapshot {
  return {
    connections: copy([...a.connections.values()]),
    stacks: [...a.stacks.values()].map(encodeStack),
    tagged: [...a.tagged.values()].map((t) =>
      a.stacks.get(t.arn)?.tags === t.tags ? { arn: t.arn, stack: true as const } : { arn: t.arn, tags: { ...t.tags } },
    ),
    resources: [...a.resources.values()].map((r) => ({ arn: r.arn, type: r.type, name: r.name, ...(r.contents ? { contents: r.contents.snapshot() } : {}) })),
    objects: [...a.objects],
    etags: writtenEtags(a),
    buckets: [...a.buckets],
    topics: copy([...a.topics]),
    events: copy(a.events),
    executions: a.executions.map(encodeExecution),
    roles: copy([...a.roles.values()]),
    deletionRequests: [...a.stacks.values()].flatMap((stack) => {
      const request = deletionAuthority(a)?.requestOf(stack);
      return request ? [[stack.stackId, request] as [string, DeletionRequestSnapshot]] : [];
    }),
    deletions: a.deletions.ordered().flatMap(({ item, dueAt }) => (item.status === 'DELETE_IN_PROGRESS' && item.deleteDueAt === dueAt ? [item.stackId] : [])),
    waitingDeletions: a.waitingDeletions.ordered().map((stack) => stack.stackId),
    deletionWeightInFlight: a.deletionWeightInFlight,
    parameters: [...a.parameters.values()].map((p) => ({ ...p, lastModified: p.lastModified.getTime() })),
  };
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/**
 * A sandbox of the scenario the snapshot was taken from, holding what the snapshot holds, its
 * clock where the snapshot's was. (Built from the scenario first, for its configuration: faults,
 * timing, changes and IAM; then its account is replaced by the snapshot's.)
 */
export function restoreSandbox(scenario: Scenario, resources: SandboxResources, options: SandboxOptions, snapshot: SandboxSnapshot): Sandbox {
  if (snapshot.version !== SNAPSHOT_VERSION)
    throw new SnapshotError(`expected a sandbox snapshot of version ${SNAPSHOT_VERSION}, not ${String(snapshot.version)}`);
  const sandbox = new Sandbox(scenario, resources, { ...options, openAt: snapshot.clock.openedAt });
  decodeAccount(sandbox.account, snapshot.account);
  for (const target of snapshot.targets ?? []) {
    const place = sandbox.placeOf(target.accountId, target.region);
    decodeAccount(place.account, target.account);
    place.resume(target.progress);
  }
  for (const session of snapshot.sessions ?? []) sandbox.fleet.sessions.set(session.accessKeyId, copy(session));
  sandbox.resume(snapshot.progress);
  // The account is as it was at `now`: nothing to settle on the way there.
  sandbox.clock.advanceTo(snapshot.clock.now);
  return sandbox;
}

/** The account holds what the snapshot of it holds (built from the scenario first: its configuration). */
function decodeAccount(a: SandboxAccount, s: AccountSnapshot): void {
  a.deletions.clear();
  a.waitingDeletions.clear();
  a.connections.clear();
  for (const c of s.connections) a.connections.set(c.id, copy(c));
  a.stacks.clear();
  for (const stack of s.stacks) a.stacks.set(stack.stackId, decodeStack(stack));
  a.tagged.clear();
  for (const t of s.tagged) {
    const tags = 'stack' in t ? a.stacks.get(t.arn)?.tags : { ...t.tags };
    if (!tags) throw new SnapshotError(`the snapshot tags stack ${t.arn}, which it does not hold`);
    a.tagged.set(t.arn, { arn: t.arn, tags });
  }
  a.resources.clear();
  for (const r of s.resources) a.resources.set(r.arn, resourceModel(r.arn, r.type, r.name, r.contents ? BucketContents.restore(r.contents) : undefined));
  a.objects.clear();
  for (const [key, body] of s.objects) a.objects.set(key, body);
  restoreWrittenEtags(a, s.etags);
  a.buckets.clear();
  for (const b of s.buckets) a.buckets.add(b);
  a.topics.clear();
  for (const [arn, messages] of s.topics) a.topics.set(arn, copy(messages));
  a.events.splice(0, a.events.length, ...copy(s.events));
  a.executions.splice(0, a.executions.length, ...s.executions.map(decodeExecution));
  a.roles.clear();
  for (const r of s.roles) a.roles.set(r.name, copy(r));
  for (const stackId of s.deletions) {
    const stack = a.stacks.get(stackId);
    if (stack?.deleteDueAt === undefined) throw new SnapshotError(`the snapshot deletes stack ${stackId}, which it does not hold as deleting`);
    a.deletions.add(stack, stack.deleteDueAt);
  }
  for (const stackId of s.waitingDeletions ?? []) {
    const stack = a.stacks.get(stackId);
    if (stack?.status !== 'DELETE_IN_PROGRESS' || stack.deleteDueAt !== undefined || stack.deletionWeight === undefined)
      throw new SnapshotError(`the snapshot has stack ${stackId} wait for the concurrent-resources limit, which it does not hold as waiting`);
    a.waitingDeletions.push(stack);
  }
  a.deletionWeightInFlight = s.deletionWeightInFlight ?? 0;
  for (const [stackId, request] of s.deletionRequests) {
    const stack = a.stacks.get(stackId);
    const authority = deletionAuthority(a);
    if (!stack) throw new SnapshotError(`the snapshot records who deletes stack ${stackId}, which it does not hold`);
    if (!authority) throw new SnapshotError('the snapshot was taken of a sandbox enforcing IAM: restore it with the deployment (SandboxOptions.deployment)');
    authority.restoreRequest(stack, request);
  }
  a.parameters.clear();
  for (const p of s.parameters) a.parameters.set(p.name, { ...p, lastModified: new Date(p.lastModified) });
}
