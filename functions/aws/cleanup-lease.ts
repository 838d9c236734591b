import { holderMayStillDelete, judgeLease, type Lease, type LeaseRef, LeaseSchema } from '../domain/concurrent-runs.js';
import { InternalServerError } from '../runtime/errors.js';
import { getJsonWithEtag, type ObjectRef, putJsonIf } from './object-store.js';
import { executionStatus } from './step-functions.js';

export type { LeaseRef } from '../domain/concurrent-runs.js';

/**
 * The cleanup lease in S3 (domain/concurrent-runs.ts says why). At most a few calls per run,
 * whatever the number of executions: one conditional PutObject when the lease is free; when it
 * is not, one GetObject, at most one DescribeExecution of its holder, and one conditional
 * PutObject to take it over. Two runs racing for it cannot both win: S3 lets exactly one
 * conditional write succeed; the loser reads the winner's lease and yields to it.
 */
type LeaseOutcome = { held: LeaseRef } | { yieldTo: string };

const ATTEMPTS = 3;

export async function acquireLease(ref: ObjectRef, self: { executionName: string; target: string; stateMachineArn: string; now: Date }): Promise<LeaseOutcome> {
  const lease: Lease = { holder: self.executionName, target: self.target, takenAt: self.now.toISOString() };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const created = await putJsonIf(ref, lease, { ifNoneMatch: '*' });
    if (created.written) return { held: { ...ref, etag: created.etag } };

    const found = await getJsonWithEtag(ref, LeaseSchema);
    if (!found) continue; // gone between the two calls: try to create it again
    const finding = judgeLease(found.value, self.executionName);
    if (finding === 'ours') return { held: { ...ref, etag: found.etag } }; // an earlier attempt of this very task took it
    if (finding === 'ask-holder' && holderMayStillDelete(await executionStatus(self.stateMachineArn, found.value.holder))) {
      return { yieldTo: found.value.holder };
    }
    const taken = await putJsonIf(ref, lease, { ifMatch: found.etag });
    if (taken.written) return { held: { ...ref, etag: taken.etag } };
    // Another run took it over between our read and our write: read it again (and yield to it).
  }
  throw new InternalServerError(`${ref.key}: the cleanup lease changed hands ${ATTEMPTS} times while this run tried to take it`);
}

/**
 * Marks the lease released, only if it is still the one this run took (IfMatch on its ETag): a
 * lease someone else has taken over since is never touched. Returns whether it was released.
 */
export async function releaseLease(held: LeaseRef, executionName: string, now: Date): Promise<boolean> {
  const found = await getJsonWithEtag(held, LeaseSchema);
  if (!found || found.value.holder !== executionName || found.value.released) return false;
  const released = await putJsonIf(held, { ...found.value, released: true, releasedAt: now.toISOString() }, { ifMatch: found.etag });
  return released.written;
}
