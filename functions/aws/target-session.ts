import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { keyScope, sameTarget, type Target } from '../domain/target.js';
import { hubTarget } from '../runtime/deployment.js';

/**
 * The target the code running now works in, and the session name its spoke role is assumed
 * under (the execution's name, so CloudTrail in the target account says which run called).
 * Set by the task wrapper around a handler (runtime/task-handler.ts) from its validated input;
 * read by aws/clients.ts, which builds the target's clients. Outside any target, or in the
 * hub's own account and Region, the clients are the function's own.
 */
export interface TargetSession {
  target: Target;
  sessionName: string;
}

const sessions = new AsyncLocalStorage<TargetSession>();

export function inTarget<T>(session: TargetSession, work: () => T): T {
  return sessions.run(session, work);
}

export function currentTargetSession(): TargetSession | undefined {
  return sessions.getStore();
}

/**
 * An STS role session name: 2-64 characters of [\w+=,.@-] (STS AssumeRole API reference). An
 * execution name is up to 80: a longer one keeps its start and a hash of the whole, so two
 * executions never share a session name in CloudTrail.
 */
export function roleSessionName(executionName: string): string {
  const cleaned = executionName.replace(/[^\w+=,.@-]/g, '-');
  if (cleaned.length < 2) return 'proton-cleanup';
  if (cleaned.length <= 64) return cleaned;
  return `${cleaned.slice(0, 55)}-${createHash('sha256').update(executionName).digest('hex').slice(0, 8)}`;
}

/** The account and Region the code running now cleans up: its session's target, else the hub's own. */
export function workingTarget(): Target {
  return currentTargetSession()?.target ?? hubTarget();
}

/** Whether the code running now works in another account or Region than the hub's (then its clients are the spoke's). */
export function spokeSession(): TargetSession | undefined {
  const session = currentTargetSession();
  return session && !sameTarget(session.target, hubTarget()) ? session : undefined;
}

/** The key scope of the target the code running now works in (domain/target.ts keyScope). */
export function workingKeyScope(): string {
  return keyScope(workingTarget(), hubTarget());
}
