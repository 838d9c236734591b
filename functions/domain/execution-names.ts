import { createHash } from 'node:crypto';

/**
 * Deterministic execution names: the same trigger always gets the same name, so Step
 * Functions refuses a second execution for a redelivered event or a repeated schedule run
 * (StartExecution answers ExecutionAlreadyExists, or returns the running one). Names are at
 * most 80 characters of [A-Za-z0-9-_].
 */
const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** One name per EventBridge event: redelivery carries the same id. */
export function eventExecutionName(event: { source: string; id: string; detailType: string }): string {
  const kind = event.detailType.toLowerCase().replace(/^aws proton /, 'proton-').replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/-$/, '');
  return `event-${kind}-${hash(`${event.source}\n${event.id}`, 24)}`;
}

/** One name per connection per day: the daily sweep starts at most one run a day for each due connection. */
export function scheduledExecutionName(connectionId: string, day: string): string {
  return `scheduled-${connectionId}-${day.replaceAll('-', '')}`;
}
