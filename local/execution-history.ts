import type { ExecutionEvent } from './run-workflow.js';

/**
 * The local run's execution events written as Step Functions records them in an execution's
 * history (GetExecutionHistory), so the sandbox can answer that call for a local execution the way
 * AWS answers it for a deployed one: `<Type>StateEntered`/`<Type>StateExited` with the state's name,
 * input and output; each Lambda invocation as LambdaFunctionScheduled → LambdaFunctionStarted →
 * LambdaFunctionSucceeded or LambdaFunctionFailed (a retry schedules it again); MapIteration*;
 * ExecutionStarted/Succeeded/Failed. Each event's previousEventId is the event before it in the same
 * state (AWS links them so); timestamps are the sandbox clock's. Pure apart from the clock it is given.
 */
export interface HistoryEventRecord {
  id: number;
  previousEventId: number;
  /** Epoch ms on the sandbox clock. */
  timestamp: number;
  type: string;
  /** The event's details field, named as the SDK names it (e.g. stateExitedEventDetails). */
  details?: { field: string; value: Record<string, unknown> };
}

type LocalEvent = ExecutionEvent & { input?: unknown; output?: unknown; parentState?: { name: string; type?: string } };

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const lowerFirst = (name: string) => `${name.charAt(0).toLowerCase()}${name.slice(1)}`;

export class HistoryRecorder {
  readonly events: HistoryEventRecord[] = [];
  /** The last event of each running state instance (name and Map index), for previousEventId. */
  private readonly lastOfState = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    /** The Lambda function each Task state invokes (LambdaFunctionScheduled's resource). */
    private readonly resourceOf: (state: string) => string,
  ) {}

  private add(key: string | undefined, type: string, details?: Record<string, unknown>): void {
    const previous = (key === undefined ? undefined : this.lastOfState.get(key)) ?? this.events.length;
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: previous,
      timestamp: this.now(),
      type,
      ...(details ? { details: { field: `${lowerFirst(type)}EventDetails`, value: details } } : {}),
    });
    if (key) this.lastOfState.set(key, id);
  }

  private scheduled(key: string, name: string): void {
    this.add(key, 'LambdaFunctionScheduled', { resource: this.resourceOf(name), input: '{}' });
    this.add(key, 'LambdaFunctionStarted');
  }

  record(event: LocalEvent): void {
    const name = event.state?.name ?? '';
    const type = event.state?.type ?? '';
    const key = `${name}#${event.index ?? ''}`;
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(undefined, 'ExecutionStarted', { input: text(event.input) });
        return;
      case 'ExecutionSucceeded':
        this.add(undefined, 'ExecutionSucceeded', { output: text(event.output) });
        return;
      case 'ExecutionFailed':
        this.add(undefined, 'ExecutionFailed', { error: event.Error ?? 'Error', cause: text(event.Cause) });
        return;
      case 'StateEntered':
        this.lastOfState.delete(key);
        this.add(key, `${type}StateEntered`, { name, input: text(event.state?.input) });
        if (type === 'Task') this.scheduled(key, name);
        return;
      case 'StateFailed':
        if (type === 'Task') this.add(key, 'LambdaFunctionFailed', { error: event.Error ?? 'Error', cause: text(event.Cause) });
        return;
      case 'StateRetried':
        if (type === 'Task') this.scheduled(key, name);
        return;
      case 'StateExited': {
        const last = this.events[(this.lastOfState.get(key) ?? 0) - 1];
        if (type === 'Task' && last?.type === 'LambdaFunctionStarted') this.add(key, 'LambdaFunctionSucceeded', { output: text(event.state?.output) });
        this.add(key, `${type}StateExited`, { name, output: text(event.state?.output) });
        this.lastOfState.delete(key);
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(undefined, event.type, { name: event.parentState?.name ?? '', index: event.index ?? 0 });
        return;
      default:
        return;
    }
  }
}
