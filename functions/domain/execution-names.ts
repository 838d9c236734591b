import { createHash } from 'node:crypto';

/**
 * Deterministic execution names: the same trigger always gets the same name, so Step
 * Functions refuses a second execution for a redelivered event or a repeated schedule run
 * (StartExecution answers ExecutionAlreadyExists, or returns the running one). Names are at
 * most 80 characters of [A-Za-z0-9-_].
 */
const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/**
 * One name per EventBridge event and mode: redelivery carries the same id, and a plan never takes
 * the name of the execute that follows it.
 */
export function eventExecutionName(event: { source: string; id: string; detailType: string }, mode: string): string {
  const kind = event.detailType
    .toLowerCase()
    .replace(/^aws proton /, 'proton-')
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 32)
    .replace(/-$/, '');
  return `event-${mode}-${kind}-${hash(`${event.source}\n${event.id}`, 24)}`;
}

/** One name per connection, mode and day: the daily schedule starts at most one run a day for each due connection. */
export function scheduledExecutionName(connectionId: string, day: string, mode: string): string {
  return `scheduled-${mode}-${connectionId}-${day.replaceAll('-', '')}`;
}

/**
 * The same for an environment whose decommission date (an SSM parameter) has come, with Proton
 * retired. `where`: another target's account and Region (the same environment may be dated in
 * two accounts); the hub's own keep the names they had.
 */
export function scheduledEnvironmentExecutionName(
  environment: { name: string; managementAccountId: string },
  day: string,
  mode: string,
  where?: { account: string; region: string },
): string {
  const name = environment.name.replace(/[^A-Za-z0-9-_]/g, '-').slice(0, 24);
  const key = `${environment.managementAccountId}/${environment.name}${where ? `@${where.account}/${where.region}` : ''}`;
  return `scheduled-${mode}-${environment.managementAccountId}-${name}-${hash(key, 8)}-${day.replaceAll('-', '')}`;
}

/** The mode an event's run will have: its detail's (the custom event), else the deployment's default (Proton's events name none). */
export function modeOfEvent(event: { source: string; detail: unknown }, settings: { defaultMode: string; requestEventSource: string }): string {
  const detail =
    event.source === settings.requestEventSource && typeof event.detail === 'object' && event.detail !== null ? (event.detail as { mode?: unknown }) : {};
  return detail.mode === 'plan' || detail.mode === 'execute' ? detail.mode : settings.defaultMode;
}

/**
 * Any name Step Functions accepts for an execution: 1-80 characters, none of them whitespace,
 * control characters or < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / (StartExecution API reference, "name").
 */
export const EXECUTION_NAME = /^[^\s\p{Cc}<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/u;
