import { CloudFormationClient, DeleteStackCommand, DescribeStacksCommand, paginateDescribeStacks } from '@aws-sdk/client-cloudformation';
import { DeleteEnvironmentAccountConnectionCommand, ProtonClient } from '@aws-sdk/client-proton';
import { clock } from '../functions/runtime/clock.js';
import { answerFromSandbox } from '../local/sandbox/interceptor.js';
import type { Sandbox } from '../local/sandbox/sandbox.js';

/**
 * The script a platform engineer would otherwise write, run on the same sandbox: delete the
 * connection, list the environment's stacks, then delete them one at a time in dependency
 * order (components, service instances, environment), each followed by
 * `aws cloudformation wait stack-delete-complete` (a DescribeStacks every 30 s, at most 120).
 * It is given the dependency order for free, which makes it faster than most real ones.
 */
const WAITER_DELAY_MS = 30_000;
const WAITER_MAX_ATTEMPTS = 120;
const ORDER = ['proton:component', 'proton:service-instance', 'proton:environment'];

function orderOf(tags: { Key?: string }[] | undefined): number {
  const keys = new Set((tags ?? []).map((t) => t.Key));
  return ORDER.findIndex((key) => keys.has(key));
}

export async function runBaselineScript(sandbox: Sandbox, connectionId: string, environmentArn: string): Promise<{ simulatedMs: number; failed: number }> {
  const region = sandbox.scenario.region;
  const credentials = { accessKeyId: 'SANDBOX', secretAccessKey: 'SANDBOX' };
  const cloudFormation = new CloudFormationClient({ region, credentials });
  const proton = new ProtonClient({ region, credentials });
  answerFromSandbox([cloudFormation, proton]);
  const startedAt = clock.now();

  await proton.send(new DeleteEnvironmentAccountConnectionCommand({ id: connectionId }));
  const stacks: { id: string; order: number }[] = [];
  for await (const page of paginateDescribeStacks({ client: cloudFormation }, {})) {
    for (const stack of page.Stacks ?? []) {
      const ours = stack.Tags?.some((t) => t.Key === 'proton:environment' && t.Value === environmentArn);
      if (ours && stack.StackId && stack.StackName?.startsWith('AWSProton-')) stacks.push({ id: stack.StackId, order: orderOf(stack.Tags) });
    }
  }
  // Components first (they have the proton:component tag), then service instances, then the environment.
  stacks.sort((a, b) => (a.order === -1 ? 2 : a.order) - (b.order === -1 ? 2 : b.order));

  let failed = 0;
  for (const stack of stacks) {
    await cloudFormation.send(new DeleteStackCommand({ StackName: stack.id }));
    let status = 'DELETE_IN_PROGRESS';
    for (let attempt = 0; attempt < WAITER_MAX_ATTEMPTS && status === 'DELETE_IN_PROGRESS'; attempt += 1) {
      await clock.sleep(WAITER_DELAY_MS);
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack.id }));
      status = Stacks?.[0]?.StackStatus ?? 'DELETE_COMPLETE';
    }
    if (status !== 'DELETE_COMPLETE') failed += 1;
  }
  return { simulatedMs: clock.now() - startedAt, failed };
}
