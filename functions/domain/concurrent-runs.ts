import type { EnvironmentRef } from './request.js';
import { resolveRequest, type RequestSettings } from './request-resolution.js';

/**
 * One cleanup per connection at a time. Of two executions that would delete for the same
 * connection (named by id) or the same environment (named by name and management account), the
 * one that started later yields (ties broken by name), so exactly one goes on. Plan runs delete
 * nothing: nobody yields to them.
 */
export interface RunningExecution {
  name: string;
  startedAt: string;
  input: unknown;
}

export interface CleanupTarget {
  connectionId?: string;
  environment?: EnvironmentRef;
}

function deletingTargetOf(input: unknown, settings: RequestSettings): CleanupTarget | undefined {
  try {
    const request = resolveRequest(input, settings);
    return request.mode === 'execute' && !request.sweep ? request : undefined;
  } catch {
    return undefined; // a malformed input fails at its own ResolveRequest: it cleans nothing
  }
}

function sameTarget(a: CleanupTarget, b: CleanupTarget): boolean {
  if (a.connectionId && b.connectionId) return a.connectionId === b.connectionId;
  return Boolean(a.environment && b.environment && a.environment.name === b.environment.name && a.environment.managementAccountId === b.environment.managementAccountId);
}

export function earlierCleanupOf(
  target: CleanupTarget,
  self: { name: string; startedAt: string },
  running: readonly RunningExecution[],
  settings: RequestSettings,
): RunningExecution | undefined {
  const startedBefore = (other: RunningExecution) => {
    const [theirs, ours] = [Date.parse(other.startedAt), Date.parse(self.startedAt)];
    return theirs < ours || (theirs === ours && other.name < self.name);
  };
  return running.find((other) => {
    if (other.name === self.name || !startedBefore(other)) return false;
    const theirs = deletingTargetOf(other.input, settings);
    return theirs !== undefined && sameTarget(theirs, target);
  });
}
