import type { AwsCli } from './cli.js';
import { deleteAndWait } from './waiter.js';

/**
 * Per phase, `xargs -P <parallelism>`: for each phase in order, a pool of workers, each taking the
 * next stack of the phase and running its delete-stack then its waiter; the next phase starts
 * once every worker of this one is done. A failed command does not stop xargs.
 *
 *   for phase in components service_instances environment; do
 *     stacks_of "$phase" | xargs -P 10 -I{} sh -c 'aws cloudformation delete-stack --stack-name {} && aws cloudformation wait stack-delete-complete --stack-name {}'
 *   done
 */
export async function runXargs(cli: AwsCli, phases: readonly (readonly string[])[], parallelism: number): Promise<void> {
  for (const stacks of phases) {
    let next = 0;
    const worker = async () => {
      while (next < stacks.length) {
        const stackId = stacks[next] as string;
        next += 1;
        await deleteAndWait(cli, stackId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallelism, stacks.length) }, worker));
  }
}
