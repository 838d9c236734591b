import type { SandboxAccount, StackModel, StackResourceModel } from '../account.js';
import { cloudFormationValidation, stackDoesNotExist } from '../service-errors.js';
import { page, type Operations } from './operations.js';

/**
 * CloudFormation as the cleanup sees it. DeleteStack starts a deletion that takes the stack's
 * `deleteSeconds` on the sandbox clock; before answering any call the sandbox settles every
 * deletion that is due (settleDueDeletions), in order of due time, as AWS would: refused while
 * another live stack imports one of its exports, DELETE_FAILED when a resource cannot be
 * deleted (a bucket with objects left cannot), otherwise DELETE_COMPLETE with Retain resources
 * skipped and left behind. Deleted stacks stay listed by ListStacks and described by stack ID.
 */
const CREATION_TIME = new Date('2024-03-01T10:00:00Z');
const LIST_STACKS_PAGE = 100;

/** What ListStacks says of a stack; DescribeStacks says this and more. */
function summary(stack: StackModel) {
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    StackStatus: stack.status,
    ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
    CreationTime: CREATION_TIME,
    ...(stack.deletedAt !== undefined ? { DeletionTime: new Date(stack.deletedAt) } : {}),
  };
}

function describe(stack: StackModel) {
  return {
    ...summary(stack),
    EnableTerminationProtection: stack.terminationProtection,
    ...(stack.roleArn ? { RoleARN: stack.roleArn } : {}),
    Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
    Outputs: stack.exports.map((name) => ({ OutputKey: name.replace(/[^A-Za-z0-9]/g, ''), OutputValue: `value-of-${name}`, ExportName: name })),
  };
}

function event(stack: StackModel, at: number, logicalId: string, physicalId: string, type: string, status: string, reason?: string) {
  stack.events.unshift({ logicalId, physicalId, type, status, ...(reason ? { reason } : {}), timestamp: new Date(at) });
}

/** The first live stack importing one of the stack's exports, if any. */
function importerOf(account: SandboxAccount, stack: StackModel): { exportName: string; importer: StackModel } | undefined {
  for (const exportName of stack.exports) {
    for (const importer of account.stacks.values()) {
      if (importer !== stack && importer.status !== 'DELETE_COMPLETE' && importer.imports.includes(exportName)) return { exportName, importer };
    }
  }
  return undefined;
}

/** Why CloudFormation cannot delete the resource, if it cannot: the scenario says so, or it is a bucket with objects left. */
function deletionFailure(account: SandboxAccount, r: StackResourceModel): string | undefined {
  if (r.failsToDelete) return r.failsToDelete;
  if (account.resources.get(r.arn)?.contents?.size) {
    return 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: sandbox)"';
  }
  return undefined;
}

/** The deletion ends at `at`: how, CloudFormation decides now, from what the account holds. */
function settleDeletion(account: SandboxAccount, stack: StackModel, at: number): void {
  delete stack.deleteDueAt;
  const inUse = importerOf(account, stack);
  if (inUse) {
    stack.status = 'DELETE_FAILED';
    stack.statusReason = `Export ${inUse.exportName} cannot be deleted as it is in use by ${inUse.importer.name}`;
    event(stack, at, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', stack.statusReason);
    return;
  }
  const failing: StackResourceModel[] = [];
  for (const r of stack.resources) {
    const kept = r.deletionPolicy === 'Retain' || (stack.retainOnDelete ?? []).includes(r.logicalId);
    const failure = kept ? undefined : deletionFailure(account, r);
    if (kept) {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_SKIPPED');
    } else if (failure) {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_FAILED', failure);
      failing.push(r);
    } else {
      event(stack, at, r.logicalId, r.arn, r.type, 'DELETE_COMPLETE');
      account.removeResource(r.arn);
    }
  }
  stack.resources = failing;
  if (failing.length > 0) {
    stack.status = 'DELETE_FAILED';
    stack.statusReason = `The following resource(s) failed to delete: [${failing.map((r) => r.logicalId).join(', ')}].`;
    event(stack, at, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', stack.statusReason);
    return;
  }
  stack.status = 'DELETE_COMPLETE';
  stack.deletedAt = at;
  delete stack.statusReason;
  account.tagged.delete(stack.stackId);
  event(stack, at, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE');
}

/**
 * Settles, in order of due time, every deletion due at or before `now`. Each settles at its
 * own due time, so one that completes first frees the exports another's deletion needed.
 */
export function settleDueDeletions(account: SandboxAccount, now: number): void {
  for (let due = account.deletions.takeDue(now); due; due = account.deletions.takeDue(now)) {
    const stack = due.item;
    // Skip an entry the stack no longer waits on (changed by hand in a test, say).
    if (stack.status === 'DELETE_IN_PROGRESS' && stack.deleteDueAt === due.dueAt) settleDeletion(account, stack, due.dueAt);
  }
}

interface ListStacksInput {
  StackStatusFilter?: string[];
  NextToken?: string;
}

/**
 * The token is a position in the account's stacks (in order of creation), not in the filtered
 * list, so that a stack changing status between pages is neither skipped nor listed twice.
 */
function listPosition(token: unknown): number {
  if (token === undefined || token === '') return 0;
  const position = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
  if (!Number.isInteger(position) || position < 0) throw cloudFormationValidation('Invalid NextToken');
  return position;
}

function stackOrThrow(account: SandboxAccount, name: unknown): StackModel {
  const stack = typeof name === 'string' ? account.stackByIdOrName(name) : undefined;
  if (!stack) throw stackDoesNotExist(String(name));
  return stack;
}

export const cloudFormationOperations: Operations = {
  DescribeStacks: (account, input) => {
    if (input.StackName === undefined) {
      const live = [...account.stacks.values()].filter((s) => s.status !== 'DELETE_COMPLETE');
      const { items, next } = page(live, input.NextToken, 100);
      return { Stacks: items.map(describe), ...(next ? { NextToken: next } : {}) };
    }
    return { Stacks: [describe(stackOrThrow(account, input.StackName))] };
  },
  ListStacks: (account, raw) => {
    const input = raw as ListStacksInput;
    const wanted = input.StackStatusFilter?.length ? new Set(input.StackStatusFilter) : undefined;
    const stacks = [...account.stacks.values()];
    const listed: StackModel[] = [];
    let position = listPosition(input.NextToken);
    for (; position < stacks.length && listed.length < LIST_STACKS_PAGE; position += 1) {
      const stack = stacks[position] as StackModel;
      if (!wanted || wanted.has(stack.status)) listed.push(stack);
    }
    return {
      StackSummaries: listed.map(summary),
      ...(position < stacks.length ? { NextToken: Buffer.from(String(position)).toString('base64') } : {}),
    };
  },
  DeleteStack: (account, input) => {
    const stack = stackOrThrow(account, input.StackName);
    if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
    if (stack.terminationProtection) {
      throw cloudFormationValidation(`Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    }
    const retain = (input.RetainResources as string[] | undefined) ?? [];
    if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
      throw cloudFormationValidation('Invalid operation on stack: RetainResources can only be specified when the stack is in the DELETE_FAILED state');
    }
    const now = account.clock.now();
    stack.retainOnDelete = retain;
    stack.status = 'DELETE_IN_PROGRESS';
    stack.statusReason = 'User Initiated';
    stack.deleteDueAt = now + stack.deleteSeconds * 1000;
    account.deletions.add(stack, stack.deleteDueAt);
    event(stack, now, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated');
    return {};
  },
  DescribeStackEvents: (account, input) => {
    const stack = stackOrThrow(account, input.StackName);
    const { items, next } = page(stack.events, input.NextToken, 100);
    return {
      StackEvents: items.map((e, i) => ({
        StackId: stack.stackId,
        StackName: stack.name,
        EventId: `${e.logicalId}-${i}`,
        LogicalResourceId: e.logicalId,
        PhysicalResourceId: e.physicalId,
        ResourceType: e.type,
        ResourceStatus: e.status,
        ...(e.reason ? { ResourceStatusReason: e.reason } : {}),
        Timestamp: e.timestamp,
      })),
      ...(next ? { NextToken: next } : {}),
    };
  },
};
