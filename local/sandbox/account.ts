import { randomUUID } from 'node:crypto';
import type { Clock } from '../../functions/runtime/clock.js';
import { BucketContents } from './bucket-contents.js';
import { DueQueue } from './due-queue.js';
import { arnFor } from './resource-arns.js';
import type { Scenario, StackSpec } from './scenario.js';

/**
 * The simulated environment account: what exists now. Built from a scenario; changed only
 * by the sandbox's service handlers, the way the real services would change it.
 */
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
}

export interface StackEventModel {
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
  tags: Record<string, string>;
  terminationProtection: boolean;
  roleArn?: string;
  exports: string[];
  imports: string[];
  resources: StackResourceModel[];
  /** Seconds CloudFormation takes to delete it. */
  deleteSeconds: number;
  /** While DELETE_IN_PROGRESS: when the deletion settles (epoch ms on the sandbox clock). */
  deleteDueAt?: number;
  /** Once DELETE_COMPLETE: when it settled (epoch ms on the sandbox clock). */
  deletedAt?: number;
  /** Newest first, as DescribeStackEvents answers. */
  events: StackEventModel[];
  /** Logical IDs a DeleteStack with RetainResources asked to keep. */
  retainOnDelete?: string[];
}

/** A resource that exists in the account, in a stack or stand-alone, whether or not the Tagging API sees it. */
export interface AccountResourceModel {
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
  const contents = type === 'AWS::S3::Bucket' ? BucketContents.withObjects(objects) : undefined;
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

export class SandboxAccount {
  readonly accountId: string;
  readonly region: string;
  readonly connections = new Map<string, ConnectionModel>();
  readonly stacks = new Map<string, StackModel>();
  /** What the Tagging API can see: resource ARN → tags. */
  readonly tagged = new Map<string, TaggedResourceModel>();
  /** What exists: resource ARN → resource, for every stack resource and stand-alone resource. */
  readonly resources = new Map<string, AccountResourceModel>();
  readonly objects = new Map<string, string>();
  readonly buckets = new Set<string>();
  readonly topics = new Map<string, { subject?: string; message: string }[]>();
  readonly events: { busName: string; source: string; detailType: string; detail: unknown; resources: string[] }[] = [];
  /** Executions of the state machine: started through the API (triggers), or run locally. */
  readonly executions: { stateMachineArn: string; name: string; input: unknown; status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'; startedAt: Date }[] = [];
  /** IAM roles by name: every role a connection names, once, each with one managed and one inline policy. */
  readonly roles = new Map<string, RoleModel>();
  /** Stacks being deleted, by when their deletion settles. */
  readonly deletions = new DueQueue<StackModel>();

  constructor(
    scenario: Scenario,
    /** The sandbox's time: what the services stamp and schedule by. */
    readonly clock: Clock,
  ) {
    this.accountId = scenario.accountId;
    this.region = scenario.region;
    for (const c of scenario.connections) {
      const mgmt = c.managementAccountId ?? scenario.managementAccountId;
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
        tags: c.tags,
      });
      for (const roleName of [c.roleName, c.componentRoleName, c.codebuildRoleName]) if (roleName) this.addRole(roleName);
    }
    for (const spec of scenario.stacks) this.addStack(spec, spec.managementAccountId ?? scenario.managementAccountId);
    for (const r of scenario.standaloneResources) {
      const arn = arnFor(r.type, r.name, this);
      this.resources.set(arn, accountResource(arn, r.type, r.name, r.objects));
      this.tagged.set(arn, { arn, tags: this.protonTags(r.environment, r.managementAccountId ?? scenario.managementAccountId) });
    }
  }

  /** The resource of this CloudFormation type with this physical name, if it exists. */
  resourceNamed(type: string, name: string): AccountResourceModel | undefined {
    return [...this.resources.values()].find((r) => r.type === type && r.name === name);
  }

  /** The resource is gone: it no longer exists, and the Tagging API no longer returns it. */
  removeResource(arn: string): void {
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

  private addStack(spec: StackSpec, mgmt: string): void {
    const stackId = `arn:aws:cloudformation:${this.region}:${this.accountId}:stack/${spec.name}/${randomUUID()}`;
    const proton = this.protonTags(spec.environment, mgmt, spec.owner);
    const onStack = spec.protonTags === 'stack' || spec.protonTags === 'both';
    const onResources = spec.protonTags === 'resources' || spec.protonTags === 'both';
    const stack: StackModel = {
      stackId,
      name: spec.name,
      status: spec.status,
      tags: onStack ? proton : {},
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
      const arn = stack.resources[i]?.arn ?? '';
      this.resources.set(arn, accountResource(arn, r.type, r.name, r.objects));
    });
    if (onStack) this.tagged.set(stackId, { arn: stackId, tags: { ...proton } });
    spec.resources.forEach((r, i) => {
      if (!r.taggable) return;
      const arn = stack.resources[i]?.arn ?? '';
      this.tagged.set(arn, {
        arn,
        tags: {
          ...(onResources ? proton : {}),
          'aws:cloudformation:stack-name': spec.name,
          'aws:cloudformation:stack-id': stackId,
          'aws:cloudformation:logical-id': r.logicalId,
        },
      });
    });
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
