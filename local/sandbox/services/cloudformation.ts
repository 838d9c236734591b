import type { SandboxAccount, StackModel, StackResourceModel } from '../account.js';
import { cloudFormationValidation, stackDoesNotExist } from '../service-errors.js';
import { page, type Operations } from './operations.js';

/**
 * CloudFormation as the cleanup sees it. DeleteStack starts a deletion; each DescribeStacks
 * of that stack is one poll, and after `deletePolls` polls the deletion settles as AWS would:
 * refused while another stack imports one of its exports, DELETE_FAILED when a resource
 * cannot be deleted (a bucket with objects left cannot), otherwise DELETE_COMPLETE with
 * Retain resources skipped and left behind.
 */
function describe(stack: StackModel) {
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    StackStatus: stack.status,
    ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
    CreationTime: new Date('2024-03-01T10:00:00Z'),
    EnableTerminationProtection: stack.terminationProtection,
    ...(stack.roleArn ? { RoleARN: stack.roleArn } : {}),
    Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
    Outputs: stack.exports.map((name) => ({ OutputKey: name.replace(/[^A-Za-z0-9]/g, ''), OutputValue: `value-of-${name}`, ExportName: name })),
  };
}

function event(stack: StackModel, logicalId: string, physicalId: string, type: string, status: string, reason?: string) {
  stack.events.unshift({ logicalId, physicalId, type, status, ...(reason ? { reason } : {}), timestamp: new Date() });
}

function importersOf(account: SandboxAccount, stack: StackModel): { exportName: string; importer: StackModel }[] {
  const live = [...account.stacks.values()].filter((s) => s !== stack && s.status !== 'DELETE_COMPLETE');
  return stack.exports.flatMap((exportName) => live.filter((s) => s.imports.includes(exportName)).map((importer) => ({ exportName, importer })));
}

/** Why CloudFormation cannot delete the resource, if it cannot: the scenario says so, or it is a bucket with objects left. */
function deletionFailure(account: SandboxAccount, r: StackResourceModel): string | undefined {
  if (r.failsToDelete) return r.failsToDelete;
  if (account.resources.get(r.arn)?.contents?.size) {
    return 'Resource handler returned message: "The bucket you tried to delete is not empty (Service: S3, Status Code: 409, Request ID: sandbox)"';
  }
  return undefined;
}

function settleDeletion(account: SandboxAccount, stack: StackModel): void {
  const inUse = importersOf(account, stack)[0];
  if (inUse) {
    stack.status = 'DELETE_FAILED';
    stack.statusReason = `Export ${inUse.exportName} cannot be deleted as it is in use by ${inUse.importer.name}`;
    event(stack, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', stack.statusReason);
    return;
  }
  const failing: StackResourceModel[] = [];
  for (const r of stack.resources) {
    const kept = r.deletionPolicy === 'Retain' || (stack.retainOnDelete ?? []).includes(r.logicalId);
    const failure = kept ? undefined : deletionFailure(account, r);
    if (kept) {
      event(stack, r.logicalId, r.arn, r.type, 'DELETE_SKIPPED');
    } else if (failure) {
      event(stack, r.logicalId, r.arn, r.type, 'DELETE_FAILED', failure);
      failing.push(r);
    } else {
      event(stack, r.logicalId, r.arn, r.type, 'DELETE_COMPLETE');
      account.removeResource(r.arn);
    }
  }
  stack.resources = failing;
  if (failing.length > 0) {
    stack.status = 'DELETE_FAILED';
    stack.statusReason = `The following resource(s) failed to delete: [${failing.map((r) => r.logicalId).join(', ')}].`;
    event(stack, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_FAILED', stack.statusReason);
    return;
  }
  stack.status = 'DELETE_COMPLETE';
  delete stack.statusReason;
  account.tagged.delete(stack.stackId);
  event(stack, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_COMPLETE');
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
    const stack = stackOrThrow(account, input.StackName);
    if (stack.status === 'DELETE_IN_PROGRESS') {
      stack.pollsLeft -= 1;
      if (stack.pollsLeft <= 0) settleDeletion(account, stack);
    }
    return { Stacks: [describe(stack)] };
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
    stack.retainOnDelete = retain;
    stack.status = 'DELETE_IN_PROGRESS';
    stack.statusReason = 'User Initiated';
    stack.pollsLeft = stack.deletePolls;
    event(stack, stack.name, stack.stackId, 'AWS::CloudFormation::Stack', 'DELETE_IN_PROGRESS', 'User Initiated');
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
