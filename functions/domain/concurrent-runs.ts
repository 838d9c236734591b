import * as z from '../runtime/zod.js';
import { ObjectRefSchema } from './object-ref.js';
import type { EnvironmentRef } from './request.js';

/**
 * One cleanup per connection at a time, by a lease rather than a scan: every execute run takes the
 * lease of the environment it cleans up (a connection serves exactly one environment; the
 * connection id names the lease only when the environment is unknown) before it deletes
 * anything. A lease is an S3 object written with a conditional write: taken when there is none
 * (`IfNoneMatch: '*'`), or taken over (`IfMatch` on its ETag) when it is released or its holder
 * is no longer running (one DescribeExecution). A run that finds the lease held by a running
 * execution yields. Plan runs delete nothing: they neither take nor yield to a lease.
 */
interface CleanupTarget {
  connectionId?: string;
  environment?: EnvironmentRef;
}

export const LeaseSchema = z.object({
  holder: z.string(),
  target: z.string(),
  takenAt: z.string(),
  released: z.boolean().optional(),
});
export type Lease = z.infer<typeof LeaseSchema>;

/** The lease a run holds: where it is, and the ETag its conditional writes match. */
export const LeaseRefSchema = ObjectRefSchema.extend({ etag: z.string() });
export type LeaseRef = z.infer<typeof LeaseRefSchema>;

/** CheckForRunningCleanup's output ($.concurrency): the execution this run yields to, or the lease it took (WriteReport releases it). */
export const ConcurrencyCheckSchema = z.object({ runningCleanup: z.string().nullable(), lease: LeaseRefSchema.nullable() });
export type ConcurrencyCheck = z.infer<typeof ConcurrencyCheckSchema>;

/** `scope`: the target account's key scope (domain/target.ts keyScope; empty for the hub's own account). */
export function leaseKey(target: CleanupTarget, scope = ''): string {
  const part = encodeURIComponent;
  if (target.environment?.name && target.environment.managementAccountId) {
    return `leases/${scope}environment/${part(target.environment.managementAccountId)}/${part(target.environment.name)}.json`;
  }
  if (target.connectionId) return `leases/${scope}connection/${part(target.connectionId)}.json`;
  throw new Error('a cleanup target names an environment or a connection');
}

/** What the run does about a lease it found (after its `IfNoneMatch` write was refused). */
type LeaseFinding = 'ours' | 'free' | 'ask-holder';

export function judgeLease(lease: Lease, self: string): LeaseFinding {
  if (lease.released) return 'free';
  return lease.holder === self ? 'ours' : 'ask-holder';
}

/**
 * Step Functions execution statuses (DescribeExecution `status`): RUNNING and PENDING_REDRIVE
 * may still delete; SUCCEEDED, FAILED, TIMED_OUT and ABORTED are closed. An execution that no
 * longer exists (ExecutionDoesNotExist: closed executions are kept 90 days) is closed too.
 */
export function holderMayStillDelete(status: string | undefined): boolean {
  return status === 'RUNNING' || status === 'PENDING_REDRIVE';
}
