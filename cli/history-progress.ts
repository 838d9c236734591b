import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionEvent } from '../local/run-workflow.js';

/**
 * An execution's history (GetExecutionHistory, deployed or on the sandbox) read back as the
 * events the local run's progress lines are made from (local/progress.ts), so `watch` prints the
 * same lines for either. A Lambda event belongs to the state its previousEventId chain leads back
 * to; a failed invocation scheduled again is a retry; a state that exits after a failure that was
 * not retried was caught. Pure; fed page by page, it keeps what it needs between pages.
 */
type Details = Record<string, unknown>;

const parse = (text: unknown): unknown => {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

function detailsOf(event: HistoryEvent): Details {
  for (const [key, value] of Object.entries(event)) if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) return value as Details;
  return {};
}

export class HistoryReader {
  /** The state each event belongs to (by event id). */
  private readonly stateOfEvent = new Map<number, { name: string; type: string }>();
  /** States whose last invocation failed, with how many times they have been retried. */
  private readonly failed = new Map<string, number>();
  private readonly retries = new Map<string, number>();
  private lastId = 0;

  /** The progress events of the history events not read yet (events are read once, by id). */
  read(events: readonly HistoryEvent[]): ExecutionEvent[] {
    const progress: ExecutionEvent[] = [];
    for (const event of events) {
      const id = event.id ?? 0;
      if (id <= this.lastId) continue;
      this.lastId = id;
      progress.push(...this.translate(event, id));
    }
    return progress;
  }

  private translate(event: HistoryEvent, id: number): ExecutionEvent[] {
    const type = event.type ?? '';
    const details = detailsOf(event);
    const timestamp = event.timestamp?.getTime() ?? 0;
    const entered = /^(\w+)StateEntered$/.exec(type);
    if (entered) {
      const state = { name: String(details.name), type: entered[1] ?? '' };
      this.stateOfEvent.set(id, state);
      this.failed.delete(state.name);
      this.retries.delete(state.name);
      return [];
    }
    if (type.startsWith('Execution')) return this.executionEvent(type, details, timestamp);
    const state = this.stateOfEvent.get(event.previousEventId ?? -1);
    if (state) this.stateOfEvent.set(id, state);
    const exited = /^(\w+)StateExited$/.exec(type);
    if (exited) {
      const name = String(details.name);
      const caught = this.failed.delete(name);
      const exit: ExecutionEvent = { type: 'StateExited', timestamp, state: { name, type: exited[1] ?? '', output: parse(details.output) } };
      return caught ? [{ type: 'StateCaught', timestamp, state: { name, type: exited[1] ?? '' } }, exit] : [exit];
    }
    if (!state) return [];
    if (/^(LambdaFunction|Task)Failed$/.test(type) || /^(LambdaFunction|Task)TimedOut$/.test(type)) {
      this.failed.set(state.name, 1);
      return [{ type: 'StateFailed', timestamp, state: { ...state }, Error: String(details.error ?? 'Error'), Cause: details.cause }];
    }
    if (/^(LambdaFunction|Task)Scheduled$/.test(type) && this.failed.delete(state.name)) {
      const attempt = (this.retries.get(state.name) ?? 0) + 1;
      this.retries.set(state.name, attempt);
      return [{ type: 'StateRetried', timestamp, state: { ...state }, retry: { attempt } }];
    }
    return [];
  }

  private executionEvent(type: string, details: Details, timestamp: number): ExecutionEvent[] {
    if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
      return [{ type: 'ExecutionFailed', timestamp, Error: String(details.error ?? type), Cause: details.cause ?? '' }];
    }
    return [];
  }
}
