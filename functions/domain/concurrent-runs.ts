import { resolveRequest, type RequestSettings } from './request-resolution.js';

/**
 * One cleanup per connection at a time. Of two executions for the same connection, the one
 * that started later yields (ties broken by name), so exactly one goes on.
 */
export interface RunningExecution {
  name: string;
  startedAt: string;
  input: unknown;
}

export function connectionOf(input: unknown, settings: RequestSettings): string | undefined {
  try {
    return resolveRequest(input, settings).connectionId;
  } catch {
    return undefined; // a malformed input fails at its own ResolveRequest: it cleans nothing
  }
}

export function earlierCleanupOf(
  connectionId: string,
  self: { name: string; startedAt: string },
  running: readonly RunningExecution[],
  settings: RequestSettings,
): RunningExecution | undefined {
  const startedBefore = (other: RunningExecution) =>
    other.startedAt < self.startedAt || (other.startedAt === self.startedAt && other.name < self.name);
  return running.find((other) => other.name !== self.name && startedBefore(other) && connectionOf(other.input, settings) === connectionId);
}
