import type { ExecutionEvent } from './run-workflow.js';

/**
 * Turns execution events into one readable line per step: states as they finish, stacks as
 * they advance, retries with the error that caused them. Pure: returns lines, prints nothing.
 */
type State = Record<string, unknown>;

const asRecord = (value: unknown): State => (typeof value === 'object' && value !== null ? (value as State) : {});

export function stackName(stackId: string): string {
  return stackId.split(':stack/')[1]?.split('/')[0] ?? stackId;
}

function causeMessage(cause: unknown): string {
  const text = typeof cause === 'string' ? cause : JSON.stringify(cause);
  try {
    const parsed = asRecord(JSON.parse(text));
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // plain text
  }
  return text;
}

const describeExit: Record<string, (output: State) => string | undefined> = {
  ResolveRequest: (o) => {
    const r = asRecord(o.request);
    const trigger = asRecord(r.trigger);
    return `connection ${String(r.connectionId)}, ${String(r.mode)} mode, from ${trigger.type === 'event' ? `event ${String(trigger.detailType)}` : 'console input'}`;
  },
  DescribeConnection: (o) => {
    const c = asRecord(o.connection);
    const roles = Array.isArray(c.roleArns) ? c.roleArns.length : 0;
    if (c.source === 'none') return `no connection serves environment ${String(c.environmentName)} here: nothing to do`;
    return c.source === 'request'
      ? `connection already gone; cleaning environment ${String(c.environmentName)} from the request`
      : `environment ${String(c.environmentName)} (${String(c.status)}), ${roles} role(s)`;
  },
  CheckForRunningCleanup: (o) => {
    const running = asRecord(o.concurrency).runningCleanup;
    return running ? `another cleanup of this connection is running (${String(running)}): this run changes nothing` : 'no other cleanup of this connection is running';
  },
  StartSweep: (o) => {
    const environments = Array.isArray(asRecord(o.sweep).environments) ? (asRecord(o.sweep).environments as unknown[]) : [];
    return `${environments.length} environment(s) without a connection: one cleanup execution each`;
  },
  DeleteConnectionRoles: (o) => {
    const roles = Array.isArray(o.roleCleanup) ? (o.roleCleanup as State[]) : [];
    return roles.map((r) => `${String(r.id).split('/').pop()}: ${String(r.outcome)}`).join(', ') || 'no roles';
  },
  Inventory: (o) => {
    const n = asRecord(asRecord(o.inventory).counts);
    return `${String(n.resources)} resources: ${String(n.stacksToDelete)} stacks to delete, ${String(n.deletedWithStacks)} go with them, ${String(n.retained)} retained`;
  },
  DeleteConnection: (o) => {
    const d = asRecord(o.deletion);
    return d.outcome ? `${String(d.outcome)} after ${String(d.attempts)} attempt(s)` : undefined;
  },
  VerifyCleanup: (o) => {
    const v = asRecord(o.verification);
    return `${String(v.remaining)} resource(s) still there, ${String(v.appeared)} appeared since the inventory`;
  },
  WriteReport: (o) => `report at ${String(asRecord(o.report).uri)}`,
  WriteFailureReport: (o) => {
    const r = asRecord(o.report);
    return r.uri ? `failure report at ${String(r.uri)}` : `the report could not be written: ${String(r.Error)}`;
  },
  Notify: () => 'SNS message and EventBridge event sent',
  NotifyFailure: () => 'failure notified (SNS and EventBridge)',
};

function stackLine(progress: State): string | undefined {
  const name = stackName(String(progress.stackId));
  switch (progress.outcome) {
    case 'deleting':
      return Number(progress.polls ?? 0) === 0 ? `    … ${name}: deletion started` : undefined;
    case 'deleted':
      return `    ✓ ${name}: deleted (${String(progress.polls)} poll(s))`;
    case 'already-absent':
      return `    ✓ ${name}: already gone`;
    case 'retained':
      return `    ■ ${name}: retained: ${String(progress.reason)}`;
    default: {
      const error = asRecord(progress.error);
      return `    ✗ ${name}: ${progress.reason ? String(progress.reason) : `${String(error.Error)}: ${causeMessage(error.Cause)}`}`;
    }
  }
}

export class ProgressPrinter {
  private readonly lastError = new Map<string, string>();

  constructor(private readonly write: (line: string) => void) {}

  onEvent(event: ExecutionEvent): void {
    const name = event.state?.name ?? '';
    const output = asRecord(event.state?.output);
    switch (event.type) {
      case 'StateEntered':
        if (name === 'DeletePhaseStacks') {
          const phase = asRecord(asRecord(event.state?.input).phase);
          const stacks = Array.isArray(phase.stacks) ? phase.stacks.length : 0;
          this.write(`  ▸ phase ${String(phase.phase)}: ${stacks} stack(s)`);
        }
        return;
      case 'StateFailed':
        this.lastError.set(name, `${event.Error ?? 'Error'}: ${causeMessage(event.Cause)}`);
        return;
      case 'StateRetried':
        this.write(`  ↻ ${name.padEnd(24)} retry ${event.retry?.attempt ?? '?'} after ${this.lastError.get(name) ?? 'an error'}`);
        return;
      case 'StateCaught':
        if (name === 'DeleteStack' || name === 'DescribeStack') return;
        this.write(`  ✗ ${name.padEnd(24)} ${this.lastError.get(name) ?? 'failed'}`);
        return;
      case 'StateExited': {
        if (name === 'DeleteStack' || name === 'DescribeStack') {
          const line = stackLine(asRecord(output.progress));
          if (line) this.write(line);
          return;
        }
        if (name === 'DeleteStandaloneResource') {
          const result = asRecord(output.result);
          if (result.outcome !== 'in-progress') this.write(`    ${result.outcome === 'deleted' || result.outcome === 'already-absent' ? '✓' : '■'} ${String(result.id)}: ${String(result.outcome)}${result.reason && result.outcome !== 'deleted' ? `: ${String(result.reason)}` : ''}`);
          return;
        }
        if (name === 'StackDeletionErrored') {
          const line = stackLine(asRecord(output.progress));
          if (line) this.write(line);
          return;
        }
        const describe = describeExit[name];
        const text = describe?.(output);
        if (text) this.write(`  ✓ ${name.padEnd(24)} ${text}`);
        return;
      }
      case 'ExecutionFailed':
        this.write(`  ✗ execution failed: ${event.Error ?? 'Error'}: ${causeMessage(event.Cause)}`);
        return;
      default:
        return;
    }
  }
}
