import { randomUUID } from 'node:crypto';
import type { Clock } from '../../functions/runtime/clock.js';
import type { HistoryEventRecord } from '../execution-history.js';
import { BucketContents } from './bucket-contents.js';
import { DueQueue } from './due-queue.js';
import { FifoQueue } from './fifo-queue.js';
import { arnFor } from './resource-arns.js';
import type { ConnectionSpec, Scenario, StackSpec } from './scenario.js';
import { beginDeletion } from './stack-deletion.js';
import { StackMap } from './stack-map.js';
import { TaggedResources } from './tagged-resources.js';

/**
 * The simulated environment account: what exists now. Built from a scenario; changed only
 * by the sandbox's service handlers, the way the real services would change it.
 */
/** When the scenario's parameters were last written: before the sandbox opened (as its buckets' objects were). */
const BEFORE_THE_SANDBOX = Date.parse('2024-03-01T10:00:00Z');

/** CloudFormation's default StackLimit per account and Region (the CloudFormation quotas page: 2,000 stacks). */
const DEFAULT_STACK_LIMIT = 2000;

export interface ConnectionModel {
  id: string;
  arn: string;
  environmentName: string;
  managementAccountId: string;
  environmentAccountId: string;
  status: string;
  roleArn: string;
  componentRoleArn?: string;
  codebuildRoleArn?: string;
  tags: Record<string, string>;
}

export interface StackResourceModel {
  logicalId: string;
  type: string;
  arn: string;
  deletionPolicy: 'Delete' | 'Retain';
  failsToDelete?: string;
  /** AWS::CloudFormation::Stack: the nested stack's ID (also its physical ID, `arn`). */
  nestedStackId?: string;
}

interface StackEventModel {
  logicalId: string;
  physicalId: string;
  type: string;
  status: string;
  reason?: string;
  timestamp: Date;
}

export interface StackModel {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  /**
   * What DescribeStacks answers in Tags, and (the same object) what the Tagging API returns for
   * the stack's ARN once it has had a tag: a stack's tags are one set, however they are read.
   */
  tags: Record<string, string>;
  /** Nested stacks: the stack ID of the direct parent, and of the top-most one (AWS's ParentId, RootId). */
  parentId?: string;
  rootId?: string;
  terminationProtection: boolean;
  roleArn?: string;
  exports: string[];
  /** Change them through `SandboxAccount.stacks.setImports`, which keeps the index of importers. */
  imports: readonly string[];
  resources: StackResourceModel[];
  /** Seconds CloudFormation takes to delete it. */
  deleteSeconds: number;
  /**
   * While DELETE_IN_PROGRESS: when the deletion settles (epoch ms on the sandbox clock); unset while
   * it waits for the concurrent-resources limit (stack-deletion.ts).
   */
  deleteDueAt?: number;
  /**
   * While its deletion runs or waits for the concurrent-resources limit: the resources it involves
   * (its own and its nested stacks', at least 1), taken from the limit while it runs.
   */
  deletionWeight?: number;
  /** Once DELETE_COMPLETE: when it settled (epoch ms on the sandbox clock). */
  deletedAt?: number;
  /** When someone last updated it (epoch ms on the sandbox clock; unset: never, since its creation). */
  lastUpdatedAt?: number;
  /** Newest first, as DescribeStackEvents answers. */
  events: StackEventModel[];
  /** Logical IDs a DeleteStack with RetainResources asked to keep. */
  retainOnDelete?: string[];
  /** Its status when its deletion began: where a refused deletion (export in use) leaves it. */
  statusBeforeDeletion?: string;
  /** The ClientRequestTokens of the DeleteStack calls that started its deletions. */
  clientRequestTokens?: string[];
}

/** A resource that exists in the account, in a stack or stand-alone, whether or not the Tagging API sees it. */
interface AccountResourceModel {
  readonly arn: string;
  /** CloudFormation resource type, e.g. AWS::S3::Bucket. */
  readonly type: string;
  /** The physical name its service knows it by (bucket, log group, repository or parameter name). */
  readonly name: string;
  /** S3 buckets: objects left in the bucket (0 for other types). */
  readonly objects: number;
  /** S3 buckets: the versions and delete markers the bucket holds. */
  readonly contents?: BucketContents;
}

function accountResource(arn: string, type: string, name: string, objects: number): AccountResourceModel {
  return resourceModel(arn, type, name, type === 'AWS::S3::Bucket' ? BucketContents.withObjects(objects) : undefined);
}

/** A resource holding these contents (a bucket), or none. */
export function resourceModel(arn: string, type: string, name: string, contents: BucketContents | undefined): AccountResourceModel {
  return {
    arn,
    type,
    name,
    get objects() {
      return contents?.objects ?? 0;
    },
    ...(contents ? { contents } : {}),
  };
}

/** An SSM parameter (String): from the scenario's `parameters`, an AWS::SSM::Parameter resource, or PutParameter. */
export interface ParameterModel {
  name: string;
  value: string;
  version: number;
  lastModified: Date;
}

export interface TaggedResourceModel {
  arn: string;
  tags: Record<string, string>;
}

/** An IAM role, keyed by its name (unique in the account), with what must go before it can be deleted. */
export interface RoleModel {
  arn: string;
  name: string;
  /** ARNs of the attached managed policies. */
  attached: string[];
  /** Names of the inline policies. */
  inline: string[];
  /** Names of the instance profiles it is in. */
  instanceProfiles: string[];
}

/** An execution of the state machine, as Step Functions' DescribeExecution and GetExecutionHistory know it. */
export interface ExecutionModel {
  stateMachineArn: string;
  name: string;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: Date;
  stoppedAt?: Date;
  /** A failed execution's error and cause. */
  error?: string;
  cause?: string;
  /** A local run's events, as Step Functions records them (local/execution-history.ts). */
  history?: HistoryEventRecord[];
}

export class SandboxAccount {
  readonly accountId: string;
  readonly region: string;
  readonly connections = new Map<string, ConnectionModel>();
  /** By stack ID, in order of creation, indexed for CloudFormation's calls (stack-map.ts). */
  readonly stacks = new StackMap();
  /** What the Tagging API can see: resource ARN → tags (indexed for GetResources: tagged-resources.ts). */
  readonly tagged = new TaggedResources();
  /** What exists: resource ARN → resource, for every stack resource and stand-alone resource. */
  readonly resources = new Map<string, AccountResourceModel>();
  readonly objects = new Map<string, string>();
  readonly buckets = new Set<string>();
  readonly topics = new Map<string, { subject?: string; message: string }[]>();
  readonly events: { busName: string; source: string; detailType: string; detail: unknown; resources: string[] }[] = [];
  /** Executions of the state machine: started through the API (triggers), or run locally. */
  readonly executions: ExecutionModel[] = [];
  /**
   * IAM roles by name: every role a connection names, once, each with one managed and one inline
   * policy. IAM is global: the account's Regions share one map (given by the sandbox).
   */
  readonly roles: Map<string, RoleModel>;
  /** Stacks being deleted, by when their deletion settles. */
  readonly deletions = new DueQueue<StackModel>();
  /** The resources the deletions running now involve (their weights), counted against concurrentResourcesLimit. */
  deletionWeightInFlight = 0;
  /** Deletions CloudFormation accepted that wait for the concurrent-resources limit, first come first served. */
  readonly waitingDeletions = new FifoQueue<StackModel>();
  /** SSM Parameter Store, by parameter name. */
  readonly parameters = new Map<string, ParameterModel>();
  /** CloudFormation's ConcurrentResourcesLimit here: the scenario's (DescribeAccountLimits; docs/sandbox.md, Concurrent resources). */
  readonly concurrentResourcesLimit: number;
  /**
   * CloudFormation's StackLimit here: its default quota, or a quota raised to hold every stack of
   * the scenario when it has more.
   */
  readonly stackLimit: number;
  private readonly defaultManagementAccountId: string;

  constructor(
    scenario: Scenario,
    /** The sandbox's time: what the services stamp and schedule by. */
    readonly clock: Clock,
    roles: Map<string, RoleModel> = new Map(),
  ) {
    this.roles = roles;
    this.accountId = scenario.accountId;
    this.region = scenario.region;
    this.defaultManagementAccountId = scenario.managementAccountId;
    this.concurrentResourcesLimit = scenario.concurrentResourcesLimit;
    this.stackLimit = Math.max(DEFAULT_STACK_LIMIT, scenario.stacks.length);
    for (const c of scenario.connections) this.addConnection(c);
    const specs = new Map(scenario.stacks.map((spec) => [spec.name, spec]));
    const built = new Map(scenario.stacks.map((spec) => [spec.name, this.addStack(spec, spec.managementAccountId ?? scenario.managementAccountId)]));
    const builtStack = (name: string): StackModel => {
      const stack = built.get(name);
      if (!stack) throw new Error(`The scenario has no stack named ${name}`);
      return stack;
    };
    for (const spec of scenario.stacks) if (spec.parent !== undefined) this.nest(builtStack(spec.name), builtStack(spec.parent));
    for (const r of scenario.standaloneResources) {
      const arn = arnFor(r.type, r.name, this);
      this.addResource(arn, r.type, r.name, r.objects);
      this.tagged.set(arn, { arn, tags: this.protonTags(r.environment, r.managementAccountId ?? scenario.managementAccountId) });
    }
    for (const [name, value] of Object.entries(scenario.parameters))
      this.parameters.set(name, { name, value, version: 1, lastModified: new Date(BEFORE_THE_SANDBOX) });
    // Someone else started these deletions as the sandbox opened; a nested stack goes with its root's.
    const deleting = (name: string | undefined): boolean =>
      name !== undefined && (specs.get(name)?.status === 'DELETE_IN_PROGRESS' || deleting(specs.get(name)?.parent));
    for (const spec of scenario.stacks) {
      if (spec.status === 'DELETE_IN_PROGRESS' && !deleting(spec.parent)) beginDeletion(this, builtStack(spec.name), clock.now(), []);
    }
  }

  /** A connection of the account, with the roles it names (a role several connections name exists once). */
  addConnection(c: ConnectionSpec): void {
    const mgmt = c.managementAccountId ?? this.defaultManagementAccountId;
    this.connections.set(c.id, {
      id: c.id,
      arn: `arn:aws:proton:${this.region}:${this.accountId}:environment-account-connection/${c.id}`,
      environmentName: c.environmentName,
      managementAccountId: mgmt,
      environmentAccountId: this.accountId,
      status: c.status,
      roleArn: this.roleArn(c.roleName),
      ...(c.componentRoleName ? { componentRoleArn: this.roleArn(c.componentRoleName) } : {}),
      ...(c.codebuildRoleName ? { codebuildRoleArn: this.roleArn(c.codebuildRoleName) } : {}),
      tags: { ...c.tags },
    });
    for (const roleName of [c.roleName, c.componentRoleName, c.codebuildRoleName]) if (roleName) this.addRole(roleName);
  }

  /** A resource exists; an SSM parameter is also in Parameter Store (its value is not modeled unless `parameters` gives it). */
  private addResource(arn: string, type: string, name: string, objects: number): void {
    this.resources.set(arn, accountResource(arn, type, name, objects));
    if (type === 'AWS::SSM::Parameter' && !this.parameters.has(name)) {
      this.parameters.set(name, { name, value: `sandbox value of ${name}`, version: 1, lastModified: new Date(BEFORE_THE_SANDBOX) });
    }
  }

  /**
   * The stack becomes a nested stack of `parent`: it reports ParentId and RootId, and the parent
   * holds it as an AWS::CloudFormation::Stack resource whose physical ID is the nested stack's ID.
   */
  private nest(stack: StackModel, parent: StackModel): void {
    stack.parentId = parent.stackId;
    stack.rootId = parent.rootId ?? parent.stackId;
    for (const s of this.stacks.values()) if (s.rootId === stack.stackId) s.rootId = stack.rootId;
    parent.resources.push({
      logicalId: stack.name.replace(/[^A-Za-z0-9]/g, ''),
      type: 'AWS::CloudFormation::Stack',
      arn: stack.stackId,
      deletionPolicy: 'Delete',
      nestedStackId: stack.stackId,
    });
  }

  /** The resource of this CloudFormation type with this physical name, if it exists (by the ARN the sandbox gives it: resources are kept by ARN). */
  resourceNamed(type: string, name: string): AccountResourceModel | undefined {
    const resource = this.resources.get(arnFor(type, name, this));
    return resource?.type === type && resource.name === name ? resource : undefined;
  }

  /** The resource is gone: it no longer exists, and the Tagging API no longer returns it. */
  removeResource(arn: string): void {
    const resource = this.resources.get(arn);
    if (resource?.type === 'AWS::SSM::Parameter') this.parameters.delete(resource.name);
    this.resources.delete(arn);
    this.tagged.delete(arn);
  }

  private addRole(name: string): void {
    if (this.roles.has(name)) return;
    this.roles.set(name, {
      arn: this.roleArn(name),
      name,
      attached: [`arn:aws:iam::${this.accountId}:policy/${name}-provisioning`],
      inline: [`${name}-inline`],
      instanceProfiles: [],
    });
  }

  roleArn(name: string): string {
    return `arn:aws:iam::${this.accountId}:role/${name}`;
  }

  environmentArn(environment: string, managementAccountId: string): string {
    return `arn:aws:proton:${this.region}:${managementAccountId}:environment/${environment}`;
  }

  private protonTags(environment: string, mgmt: string, owner?: StackSpec['owner']): Record<string, string> {
    const base = `arn:aws:proton:${this.region}:${mgmt}`;
    const tags: Record<string, string> = { 'proton:environment': this.environmentArn(environment, mgmt), 'proton:account': mgmt };
    if (owner?.kind === 'service-instance') {
      tags['proton:service'] = `${base}:service/${owner.service}`;
      tags['proton:service-instance'] = `${base}:service/${owner.service}/service-instance/${owner.instance}`;
    }
    if (owner?.kind === 'component') tags['proton:component'] = `${base}:component/${owner.component}`;
    return tags;
  }

  private addStack(spec: StackSpec, mgmt: string): StackModel {
    const stackId = `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${spec.name}/${randomUUID()}`;
    const proton = this.protonTags(spec.environment, mgmt, spec.owner);
    const onStack = spec.protonTags === 'stack' || spec.protonTags === 'both';
    const onResources = spec.protonTags === 'resources' || spec.protonTags === 'both';
    const stack: StackModel = {
      stackId,
      name: spec.name,
      status: spec.status,
      tags: { ...(onStack ? proton : {}), ...spec.tags },
      terminationProtection: spec.terminationProtection,
      ...(spec.serviceRole ? { roleArn: this.roleArn(spec.serviceRole) } : {}),
      exports: spec.exports,
      imports: spec.imports,
      resources: spec.resources.map((r) => ({
        logicalId: r.logicalId,
        type: r.type,
        arn: arnFor(r.type, r.name, this),
        deletionPolicy: r.deletionPolicy,
        ...(r.failsToDelete ? { failsToDelete: r.failsToDelete } : {}),
      })),
      deleteSeconds: spec.deleteSeconds,
      events: [],
    };
    this.stacks.set(stackId, stack);
    spec.resources.forEach((r, i) => {
      this.addResource(stack.resources[i]?.arn ?? '', r.type, r.name, r.objects);
    });
    if (Object.keys(stack.tags).length > 0) this.tagStack(stack);
    spec.resources.forEach((r, i) => {
      if (!r.taggable) return;
      const arn = stack.resources[i]?.arn ?? '';
      // A resource tagged for another environment carries that environment's tags, whatever its stack's protonTags.
      const own = r.environment !== undefined ? this.protonTags(r.environment, r.managementAccountId ?? mgmt) : onResources ? proton : {};
      this.tagged.set(arn, {
        arn,
        tags: {
          ...own,
          'aws:cloudformation:stack-name': spec.name,
          'aws:cloudformation:stack-id': stackId,
          'aws:cloudformation:logical-id': r.logicalId,
          ...r.tags,
        },
      });
    });
    return stack;
  }

  /** The Tagging API returns the stack from now on, with its tags (the same object DescribeStacks reads). */
  tagStack(stack: StackModel): void {
    if (!this.tagged.has(stack.stackId)) this.tagged.set(stack.stackId, { arn: stack.stackId, tags: stack.tags });
  }

  stackByIdOrName(idOrName: string): StackModel | undefined {
    const byId = this.stacks.get(idOrName);
    if (byId) return byId;
    // By name, CloudFormation knows only the live stack.
    for (const s of this.stacks.values()) if (s.name === idOrName && s.status !== 'DELETE_COMPLETE') return s;
    return undefined;
  }

  stackByName(name: string): StackModel | undefined {
    return [...this.stacks.values()].find((s) => s.name === name);
  }
}
