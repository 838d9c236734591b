import { DeleteStackCommand, DescribeStacksCommand, ListStacksCommand, type Stack, StackStatus, type StackSummary } from '@aws-sdk/client-cloudformation';
import { DeleteEnvironmentAccountConnectionCommand } from '@aws-sdk/client-proton';
import type { AwsCli, CliCommand } from './cli.js';

/**
 * The `aws` commands the scripts run, each a process of its own (AwsCli.command). A listing
 * (`describe-stacks`, `list-stacks`) pages through everything, as the CLI's auto-pagination does,
 * each page a call retried on its own; a page that still fails fails the command, which prints
 * nothing (undefined).
 */

/** `aws proton delete-environment-account-connection --id ID` */
export async function deleteConnection(cli: AwsCli, id: string): Promise<boolean> {
  const command = cli.command();
  const { error } = await command.call('proton:DeleteEnvironmentAccountConnection', () =>
    command.clients.proton.send(new DeleteEnvironmentAccountConnectionCommand({ id })),
  );
  return error === undefined;
}

/** `aws cloudformation delete-stack --stack-name ID` */
export async function deleteStack(cli: AwsCli, stackId: string): Promise<boolean> {
  const command = cli.command();
  const { error } = await command.call('cloudformation:DeleteStack', () => command.clients.cloudFormation.send(new DeleteStackCommand({ StackName: stackId })));
  return error === undefined;
}

/** Every page of a paginated call, in one command; undefined if a page still failed after its retries. */
async function allPages<T>(
  command: CliCommand,
  api: string,
  page: (token: string | undefined) => Promise<{ items: T[]; next?: string }>,
): Promise<T[] | undefined> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const { output, error } = await command.call(api, () => page(token));
    if (error) return undefined;
    items.push(...output.items);
    token = output.next;
  } while (token);
  return items;
}

/** `aws cloudformation describe-stacks` (every live stack, with its tags). */
export async function describeStacks(cli: AwsCli): Promise<Stack[] | undefined> {
  const command = cli.command();
  return allPages(command, 'cloudformation:DescribeStacks', async (NextToken) => {
    const output = await command.clients.cloudFormation.send(new DescribeStacksCommand({ ...(NextToken ? { NextToken } : {}) }));
    return { items: output.Stacks ?? [], ...(output.NextToken ? { next: output.NextToken } : {}) };
  });
}

/** Every stack status but DELETE_COMPLETE: `--stack-status-filter` listing every stack not yet deleted. */
export const NOT_DELETED = Object.values(StackStatus).filter((s) => s !== StackStatus.DELETE_COMPLETE);

/** `aws cloudformation list-stacks --stack-status-filter …` */
export async function listStacks(cli: AwsCli, statusFilter: readonly string[]): Promise<StackSummary[] | undefined> {
  const command = cli.command();
  return allPages(command, 'cloudformation:ListStacks', async (NextToken) => {
    const output = await command.clients.cloudFormation.send(
      new ListStacksCommand({ StackStatusFilter: [...statusFilter] as StackStatus[], ...(NextToken ? { NextToken } : {}) }),
    );
    return { items: output.StackSummaries ?? [], ...(output.NextToken ? { next: output.NextToken } : {}) };
  });
}
