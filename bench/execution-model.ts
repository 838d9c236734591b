import type { ExecutionEvent } from '../local/run-workflow.js';

/**
 * What an execution would cost and weigh in AWS, read from the local engine's events:
 * state transitions (billed), history events (limited to 25,000) and the largest state
 * input or output (limited to 256 KB). The history is a model: per state its Entered and
 * Exited events; per Lambda attempt Scheduled, Started and Succeeded/Failed; per Map its
 * Started/Succeeded and per iteration Started/Succeeded; the execution's Started and end.
 */
export interface ExecutionMeasures {
  transitions: number;
  historyEvents: number;
  maxPayloadBytes: number;
  /** The state whose input or output was largest. */
  maxPayloadState: string;
}

export class ExecutionMeter {
  private transitions = 0;
  private historyEvents = 2;
  private maxPayloadBytes = 0;
  private maxPayloadState = '';

  onEvent(event: ExecutionEvent): void {
    switch (event.type) {
      case 'StateEntered':
        this.transitions += 1;
        this.historyEvents += 1 + (event.state?.type === 'Task' ? 3 : 0) + (event.state?.type === 'Map' ? 2 : 0);
        this.weigh(event.state?.name ?? '', event.state?.input);
        return;
      case 'StateExited':
        this.historyEvents += 1;
        this.weigh(event.state?.name ?? '', event.state?.output);
        return;
      case 'StateRetried':
        // A retry is another billed transition and another Lambda attempt.
        this.transitions += 1;
        this.historyEvents += 3;
        return;
      case 'MapIterationStarted':
        this.historyEvents += 2;
        return;
      default:
        return;
    }
  }

  private weigh(state: string, payload: unknown): void {
    if (payload === undefined) return;
    const bytes = Buffer.byteLength(JSON.stringify(payload));
    if (bytes > this.maxPayloadBytes) {
      this.maxPayloadBytes = bytes;
      this.maxPayloadState = state;
    }
  }

  measures(): ExecutionMeasures {
    return { transitions: this.transitions, historyEvents: this.historyEvents, maxPayloadBytes: this.maxPayloadBytes, maxPayloadState: this.maxPayloadState };
  }
}
