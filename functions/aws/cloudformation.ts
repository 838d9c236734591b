import {
  DeleteStackCommand,
  DescribeAccountLimitsCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  paginateListImports,
  paginateListStacks,
} from '@aws-sdk/client-cloudformation';
import type { StackFacts } from '../domain/inventory.js';
import type { FailedResource, LiveStack } from '../domain/stack-deletion.js';
import type { ResourceDeletionEvent } from '../domain/verification.js';
import { cloudFormation } from './clients.js';
import { callAws, hasName, readThroughThrottling } from './error-mapping.js';
import { tagMap } from './tag-map.js';

/** CloudFormation. Stacks are always addressed by stack ID, never by name: a name can be reused once its stack is deleted, an ID names one stack for good. */

function exportsOf(outputs: readonly { ExportName?: string }[] | undefined): string[] {
  return (outputs ?? []).flatMap((o) => (o.ExportName ? [o.ExportName] : []));
}

/**
 * Every stack in the account and Region that is not deleted, with its tags (DescribeStacks, all
 * pages; a page the account throttles is read again: readThroughThrottling).
 */
export async function listStacks(): Promise<StackFacts[]> {
  return callAws('DescribeStacks (all stacks)', async () => {
    const stacks: StackFacts[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await readThroughThrottling(() => cloudFormation().send(new DescribeStacksCommand(token ? { NextToken: token } : {})));
      nextToken = page.NextToken;
      for (const stack of page.Stacks ?? []) {
        if (!stack.StackId || !stack.StackName || stack.StackStatus === 'DELETE_COMPLETE') continue;
        stacks.push({
          stackId: stack.StackId,
          stackName: stack.StackName,
          status: stack.StackStatus ?? 'UNKNOWN',
          tags: tagMap(stack.Tags),
          terminationProtection: stack.EnableTerminationProtection ?? false,
          ...(stack.LastUpdatedTime ? { lastUpdatedTime: stack.LastUpdatedTime.toISOString() } : {}),
          ...(stack.RootId ? { rootId: stack.RootId } : {}),
          ...(stack.RoleARN ? { roleArn: stack.RoleARN } : {}),
          ...(exportsOf(stack.Outputs).length ? { exports: exportsOf(stack.Outputs) } : {}),
        });
      }
    } while (nextToken);
    return stacks;
  });
}

export interface StackStatusFacts {
  status: string;
  statusReason?: string;
}

/**
 * The status of every stack being deleted or whose deletion failed, in a few calls (ListStacks,
 * filtered, all pages) instead of one DescribeStacks per stack. A stack that was deleting and is in
 * neither list any more has reached DELETE_COMPLETE, the only other way out of DELETE_IN_PROGRESS.
 */
export async function stacksBeingDeleted(): Promise<Map<string, StackStatusFacts>> {
  return callAws('ListStacks (deleting or failed to delete)', async () => {
    const stacks = new Map<string, StackStatusFacts>();
    const pages = paginateListStacks({ client: cloudFormation() }, { StackStatusFilter: ['DELETE_IN_PROGRESS', 'DELETE_FAILED'] });
    for await (const page of pages) {
      for (const summary of page.StackSummaries ?? []) {
        if (!summary.StackId || !summary.StackStatus) continue;
        stacks.set(summary.StackId, { status: summary.StackStatus, ...(summary.StackStatusReason ? { statusReason: summary.StackStatusReason } : {}) });
      }
    }
    return stacks;
  });
}

/** One stack by ID; undefined when CloudFormation says it does not exist. */
export async function describeStack(stackId: string): Promise<LiveStack | undefined> {
  try {
    const { Stacks } = await callAws(`DescribeStacks ${stackId}`, () => cloudFormation().send(new DescribeStacksCommand({ StackName: stackId })));
    const stack = Stacks?.[0];
    if (!stack) return undefined;
    return {
      stackName: stack.StackName ?? '',
      ...(stack.RoleARN ? { roleArn: stack.RoleARN } : {}),
      status: stack.StackStatus ?? 'UNKNOWN',
      ...(stack.StackStatusReason ? { statusReason: stack.StackStatusReason } : {}),
      terminationProtection: stack.EnableTerminationProtection ?? false,
      tags: tagMap(stack.Tags),
    };
  } catch (error) {
    if (hasName(error, 'ValidationError') && /does not exist/i.test((error as Error).message)) return undefined;
    throw error;
  }
}

/**
 * Starts the deletion. The token makes a retried call the same request, not a second one.
 * `roleArn` is the identity CloudFormation deletes the resources with (the deployment's deletion
 * role); `retainResources` (logical IDs; only for a stack in DELETE_FAILED) keeps those resources.
 */
export async function deleteStack(
  stackId: string,
  options: { clientRequestToken: string; roleArn: string; retainResources?: readonly string[] },
): Promise<void> {
  await callAws(`DeleteStack ${stackId}`, () =>
    cloudFormation().send(
      new DeleteStackCommand({
        StackName: stackId,
        ClientRequestToken: options.clientRequestToken,
        RoleARN: options.roleArn,
        ...(options.retainResources?.length ? { RetainResources: [...options.retainResources] } : {}),
      }),
    ),
  );
}

const EVENT_PAGES_READ = 3;

/**
 * The latest deletion event of each resource in the stack's most recent deletion: events are
 * read newest first and reading stops at the stack's own DELETE_IN_PROGRESS, so a reason left
 * by an earlier attempt is never reported as this one's. A few pages are enough.
 */
export async function resourceDeletionEvents(stackId: string): Promise<ResourceDeletionEvent[]> {
  return callAws(`DescribeStackEvents ${stackId}`, async () => {
    const latest = new Map<string, ResourceDeletionEvent>();
    let nextToken: string | undefined;
    for (let page = 0; page < EVENT_PAGES_READ; page += 1) {
      const out = await cloudFormation().send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }));
      for (const event of out.StackEvents ?? []) {
        if (event.PhysicalResourceId === stackId) {
          if (event.ResourceStatus === 'DELETE_IN_PROGRESS') return [...latest.values()];
          continue;
        }
        const logicalId = event.LogicalResourceId;
        if (!logicalId || latest.has(logicalId)) continue;
        if (!event.ResourceStatus?.startsWith('DELETE_')) continue;
        latest.set(logicalId, {
          logicalId,
          status: event.ResourceStatus,
          ...(event.ResourceStatusReason ? { reason: event.ResourceStatusReason } : {}),
          ...(event.PhysicalResourceId ? { physicalId: event.PhysicalResourceId } : {}),
          ...(event.ResourceType ? { type: event.ResourceType } : {}),
        });
      }
      nextToken = out.NextToken;
      if (!nextToken) break;
    }
    return [...latest.values()];
  });
}

/** The resources that made a stack's deletion fail, with CloudFormation's reasons. */
export async function failedResources(stackId: string): Promise<FailedResource[]> {
  const events = await resourceDeletionEvents(stackId);
  return events
    .filter((e) => e.status === 'DELETE_FAILED')
    .map((e) => ({
      logicalId: e.logicalId,
      reason: e.reason ?? 'no reason given',
      ...(e.physicalId ? { physicalId: e.physicalId } : {}),
      ...(e.type ? { type: e.type } : {}),
    }));
}

/**
 * The stacks (by name) importing an export: CloudFormation refuses to delete an export in use. An
 * export nothing imports answers ValidationError "… is not imported by any stack.": no importers.
 */
export async function importersOf(exportName: string): Promise<string[]> {
  try {
    return await callAws(`ListImports ${exportName}`, async () => {
      const names: string[] = [];
      for await (const page of paginateListImports({ client: cloudFormation() }, { ExportName: exportName })) names.push(...(page.Imports ?? []));
      return names;
    });
  } catch (error) {
    if (hasName(error, 'ValidationError') && /is not imported by any stack/i.test((error as Error).message)) return [];
    throw error;
  }
}

/** The stack's template body (as processed: transforms applied, e.g. a DeletionPolicy chosen by Fn::If), JSON or YAML as written. */
export async function stackTemplate(stackId: string): Promise<string> {
  const out = await callAws(`GetTemplate ${stackId}`, () => cloudFormation().send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Processed' })));
  return out.TemplateBody ?? '';
}

/**
 * The account's ConcurrentResourcesLimit (DescribeAccountLimits): how many resources may be
 * involved in stack operations at once in this account and Region. Undefined if the answer has none.
 */
export async function concurrentResourcesLimit(): Promise<number | undefined> {
  return callAws('DescribeAccountLimits', async () => {
    let nextToken: string | undefined;
    do {
      const page = await cloudFormation().send(new DescribeAccountLimitsCommand(nextToken ? { NextToken: nextToken } : {}));
      const limit = page.AccountLimits?.find((l) => l.Name === 'ConcurrentResourcesLimit')?.Value;
      if (limit !== undefined) return limit;
      nextToken = page.NextToken;
    } while (nextToken);
    return undefined;
  });
}
