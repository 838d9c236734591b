import type { SandboxAccount, StackModel } from '../account.js';
import { deletionAuthority } from '../deletion-identity.js';
import { cloudFormationValidation, stackDoesNotExist } from '../service-errors.js';
import { beginDeletion } from '../stack-deletion.js';
import { type Operations, page } from './operations.js';

/**
 * CloudFormation as the cleanup sees it. DeleteStack starts a deletion that takes the stack's
 * `deleteSeconds` on the sandbox clock; how it settles is stack-deletion.ts. Deleted stacks stay
 * listed by ListStacks and described by stack ID; nested stacks report ParentId and RootId.
 */
const CREATION_TIME = new Date('2024-03-01T10:00:00Z');
const LIST_STACKS_PAGE = 100;
const DESCRIBE_STACKS_PAGE = 100;
/** StackOutputsLimit: the CloudFormation quotas page's maximum number of outputs a template declares (200). */
const STACK_OUTPUTS_LIMIT = 200;

/** What ListStacks says of a stack; DescribeStacks says this and more. */
function summary(stack: StackModel) {
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    StackStatus: stack.status,
    ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
    CreationTime: CREATION_TIME,
    ...(stack.lastUpdatedAt !== undefined ? { LastUpdatedTime: new Date(stack.lastUpdatedAt) } : {}),
    ...(stack.parentId ? { ParentId: stack.parentId } : {}),
    ...(stack.rootId ? { RootId: stack.rootId } : {}),
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

interface ListStacksInput {
  StackStatusFilter?: string[];
  NextToken?: string;
}

/**
 * ListStacks' and DescribeStacks' token is a position in the account's stacks (in order of
 * creation), not in the list answered, so that a stack changing status between pages is neither
 * skipped nor listed twice, and a page reads from there on, not every stack before it.
 */
function listPosition(token: unknown): number {
  if (token === undefined || token === '') return 0;
  const position = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : Number.NaN;
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
      // Every stack not deleted, in pages of 100; the token is the position of the next one.
      const stacks = account.stacks.ordered();
      const live: StackModel[] = [];
      let position = listPosition(input.NextToken);
      for (; position < stacks.length && live.length < DESCRIBE_STACKS_PAGE; position += 1) {
        const stack = stacks[position] as StackModel;
        if (stack.status !== 'DELETE_COMPLETE') live.push(stack);
      }
      while (position < stacks.length && stacks[position]?.status === 'DELETE_COMPLETE') position += 1;
      return { Stacks: live.map(describe), ...(position < stacks.length ? { NextToken: Buffer.from(String(position)).toString('base64') } : {}) };
    }
    return { Stacks: [describe(stackOrThrow(account, input.StackName))] };
  },
  ListStacks: (account, raw) => {
    const input = raw as ListStacksInput;
    const wanted = input.StackStatusFilter?.length ? new Set(input.StackStatusFilter) : undefined;
    const stacks = account.stacks.ordered();
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
  /**
   * The stacks importing an export, by name (all live ones: a page is enough at scenario sizes),
   * from the account's index of importers. An export no stack imports answers ValidationError
   * "Export '…' is not imported by any stack." (what the API answers, though its reference does not
   * say so: an assumption, docs/sandbox.md).
   */
  ListImports: (account, input) => {
    const exportName = String(input.ExportName ?? '');
    const importers = account.stacks.liveImporters(exportName).map((s) => s.name);
    if (importers.length === 0) throw cloudFormationValidation(`Export '${exportName}' is not imported by any stack.`);
    return { Imports: importers };
  },
  /**
   * The account's CloudFormation limits, in the order AWS's `describe-account-limits` example lists
   * them: StackLimit, StackOutputsLimit, ConcurrentResourcesLimit (all fit on one page: no NextToken).
   */
  DescribeAccountLimits: (account) => ({
    AccountLimits: [
      { Name: 'StackLimit', Value: account.stackLimit },
      { Name: 'StackOutputsLimit', Value: STACK_OUTPUTS_LIMIT },
      { Name: 'ConcurrentResourcesLimit', Value: account.concurrentResourcesLimit },
    ],
  }),
  DeleteStack: (account, input) => {
    const stack = stackOrThrow(account, input.StackName);
    // The same ClientRequestToken is the same request: answered again, never run twice.
    const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
    if (token && stack.clientRequestTokens?.includes(token)) return {};
    if (stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS') return {};
    if (stack.terminationProtection) {
      throw cloudFormationValidation(`Stack [${stack.name}] cannot be deleted while TerminationProtection is enabled`);
    }
    const retain = (input.RetainResources as string[] | undefined) ?? [];
    if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
      throw cloudFormationValidation('Invalid operation on stack: RetainResources can only be specified when the stack is in the DELETE_FAILED state');
    }
    // A role passed becomes the stack's role and stays; who deletes the resources is captured now.
    const roleArn = typeof input.RoleARN === 'string' ? input.RoleARN : undefined;
    deletionAuthority(account)?.deleteStackRequested(stack, roleArn);
    if (roleArn) stack.roleArn = roleArn;
    if (token) stack.clientRequestTokens = [...(stack.clientRequestTokens ?? []), token];
    beginDeletion(account, stack, account.clock.now(), retain);
    return {};
  },
  // The template as JSON, its resources with their types and DeletionPolicy (what a plan reads); a
  // stack created from YAML answers YAML in AWS (the product reads both: template-policies.ts).
  GetTemplate: (account, input) => {
    const stack = stackOrThrow(account, input.StackName);
    const resources = Object.fromEntries(
      stack.resources.map((r) => [r.logicalId, { Type: r.type, ...(r.deletionPolicy === 'Retain' ? { DeletionPolicy: 'Retain' } : {}) }]),
    );
    return {
      TemplateBody: JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2),
      StagesAvailable: ['Original', 'Processed'],
    };
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
