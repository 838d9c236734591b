import { clock } from '../../functions/runtime/clock.js';
import type { AwsCli } from './cli.js';
import { deleteStack, listStacks, NOT_DELETED } from './commands.js';

/**
 * The pass loop: every 30 s (a sleep after each pass), list the stacks not yet deleted, then
 * delete, one `delete-stack` after another, every stack of the earliest phase that still has
 * stacks left that is not already DELETE_IN_PROGRESS (a DELETE_FAILED one is deleted again),
 * however many. It ends when every stack of the environment is DELETE_COMPLETE (none listed),
 * or gives up after `maxPasses` (default a day of passes), which counts as failure.
 *
 *   while :; do
 *     listed=$(aws cloudformation list-stacks --stack-status-filter <every status but DELETE_COMPLETE>)
 *     phase=<the first of components, service instances, environment with a stack in $listed>
 *     [ -z "$phase" ] && break
 *     for id in <its stacks in $listed not DELETE_IN_PROGRESS>; do aws cloudformation delete-stack --stack-name "$id"; done
 *     sleep 30
 *   done
 *
 * A listing that failed (after the CLI's retries) deletes nothing that pass.
 */
export const PASS_INTERVAL_MS = 30_000;
export const MAX_PASSES = 2_880;

export interface PassLoopEnd {
  passes: number;
  gaveUp: boolean;
}

export async function runPassLoop(cli: AwsCli, phases: readonly (readonly string[])[], maxPasses = MAX_PASSES): Promise<PassLoopEnd> {
  for (let pass = 1; pass <= maxPasses; pass += 1) {
    const listed = await listStacks(cli, NOT_DELETED);
    if (listed) {
      const status = new Map(listed.map((s) => [s.StackId, s.StackStatus]));
      const open = phases.find((stacks) => stacks.some((id) => status.has(id)));
      if (!open) return { passes: pass, gaveUp: false };
      for (const id of open) {
        const now = status.get(id);
        if (now !== undefined && now !== 'DELETE_IN_PROGRESS') await deleteStack(cli, id);
      }
    }
    await clock.sleep(PASS_INTERVAL_MS);
  }
  return { passes: maxPasses, gaveUp: true };
}
