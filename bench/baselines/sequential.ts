import type { AwsCli } from './cli.js';
import { deleteAndWait } from './waiter.js';

/**
 * The sequential script: one stack at a time, in phase order (components, service instances,
 * the environment), `delete-stack` then `wait stack-delete-complete`:
 *
 *   for id in $components $service_instances $environment; do
 *     aws cloudformation delete-stack --stack-name "$id" && aws cloudformation wait stack-delete-complete --stack-name "$id"
 *   done
 */
export async function runSequential(cli: AwsCli, phases: readonly (readonly string[])[]): Promise<void> {
  for (const stackId of phases.flat()) await deleteAndWait(cli, stackId);
}
