import type { SandboxAccount, TaggedResourceModel } from './account.js';
import type { ChangeSpec } from './scenario.js';

/**
 * What others do in the account while a run goes on (a scenario's `changes`): each comes due at
 * its `at` seconds after the sandbox opened, on the sandbox clock, and is applied as a person or
 * another tool would apply it. Targets were checked when the scenario was loaded
 * (scenario-references.ts); one the run has deleted since is left alone, and the record says so,
 * as the person's own call would have failed.
 */
export interface AppliedChange {
  change: ChangeSpec;
  /** The instant it came due and was applied (epoch ms on the sandbox clock). */
  at: number;
  /** Set when it could not act: what it named is gone by then. */
  skipped?: string;
}

export class ChangeSchedule {
  /** Due order: by `at`, ties in the scenario's order. */
  private readonly pending: ChangeSpec[];

  constructor(
    changes: readonly ChangeSpec[],
    /** When the sandbox opened (epoch ms): `at` counts from here. */
    private readonly openedAt: number,
  ) {
    this.pending = changes
      .map((change, index) => ({ change, index }))
      .sort((a, b) => a.change.at - b.change.at || a.index - b.index)
      .map((c) => c.change);
  }

  /** The instant the next change comes due, if any is left. */
  nextDueAt(): number | undefined {
    const next = this.pending[0];
    return next === undefined ? undefined : this.instantOf(next.at);
  }

  /** The epoch ms of `seconds` after the sandbox opened. */
  instantOf(seconds: number): number {
    return this.openedAt + seconds * 1000;
  }

  /** Drops the first `count` changes in due order: a restored sandbox had applied them already. */
  skipApplied(count: number): void {
    this.pending.splice(0, count);
  }

  /** Applies the next change to the account; what was applied, when. */
  applyNext(account: SandboxAccount): AppliedChange | undefined {
    const change = this.pending.shift();
    if (!change) return undefined;
    const skipped = apply(account, change);
    return { change, at: this.instantOf(change.at), ...(skipped ? { skipped } : {}) };
  }
}

type TagTarget = Extract<ChangeSpec, { action: 'tag' }>['target'];

/** The tags the change acts on, or why there are none any more. */
function tagsOf(account: SandboxAccount, target: TagTarget): Record<string, string> | string {
  if ('standalone' in target) {
    const resource = [...account.resources.values()].find((r) => r.name === target.standalone && !stackResource(account, r.arn));
    const entry = resource && account.tagged.get(resource.arn);
    return entry ? entry.tags : `stand-alone resource ${target.standalone} no longer exists`;
  }
  const stack = account.stackByName(target.stack);
  if (!stack || stack.status === 'DELETE_COMPLETE') return `stack ${target.stack} no longer exists`;
  if (target.logicalId === undefined) {
    account.tagStack(stack);
    return stack.tags;
  }
  const resource = stack.resources.find((r) => r.logicalId === target.logicalId);
  const entry: TaggedResourceModel | undefined = resource && account.resources.has(resource.arn) ? account.tagged.get(resource.arn) : undefined;
  return entry ? entry.tags : `${target.logicalId} of stack ${target.stack} no longer exists`;
}

function stackResource(account: SandboxAccount, arn: string): boolean {
  for (const s of account.stacks.values()) if (s.resources.some((r) => r.arn === arn)) return true;
  return false;
}

/** Applies one change; returns why it could not, if it could not. */
function apply(account: SandboxAccount, change: ChangeSpec): string | undefined {
  switch (change.action) {
    case 'tag':
    case 'untag': {
      const tags = tagsOf(account, change.target);
      if (typeof tags === 'string') return tags;
      if (change.action === 'tag') Object.assign(tags, change.tags);
      // A resource whose last tag goes stays known to the Tagging API, with no tags.
      else for (const key of change.keys) delete tags[key];
      return undefined;
    }
    case 'termination-protection': {
      const stack = account.stackByName(change.stack);
      if (!stack || stack.status === 'DELETE_COMPLETE') return `stack ${change.stack} no longer exists`;
      stack.terminationProtection = change.enabled;
      return undefined;
    }
    case 'update-stack': {
      const stack = account.stackByName(change.stack);
      if (!stack || stack.status === 'DELETE_COMPLETE') return `stack ${change.stack} no longer exists`;
      stack.lastUpdatedAt = account.clock.now();
      return undefined;
    }
    case 'put-objects': {
      const bucket = account.resourceNamed('AWS::S3::Bucket', change.bucket);
      if (!bucket?.contents) return `bucket ${change.bucket} no longer exists`;
      bucket.contents.put(change.objects, account.clock.now());
      return undefined;
    }
    case 'create-connection':
      if (account.connections.has(change.connection.id)) return `connection ${change.connection.id} already exists`;
      account.addConnection(change.connection);
      return undefined;
    case 'delete-connection':
      if (!account.connections.delete(change.id)) return `connection ${change.id} no longer exists`;
      return undefined;
    case 'connection-status': {
      const connection = account.connections.get(change.id);
      if (!connection) return `connection ${change.id} no longer exists`;
      connection.status = change.status;
      return undefined;
    }
  }
}
