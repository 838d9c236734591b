import type { ExecutionEvent } from './run-workflow.js';

/**
 * Turns execution events into one readable line per step: states as they finish, cleanup rounds
 * that changed something, retries with the error that caused them. Pure: returns lines, prints nothing.
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
    const environment = asRecord(r.environment);
    const target = r.sweep
      ? 'sweep'
      : r.connectionId
        ? `connection ${String(r.connectionId)}`
        : `environment ${String(environment.name)}@${String(environment.managementAccountId)}`;
    return `${target}, ${String(r.mode)} mode${r.protonApi === 'retired' ? ' (protonApi=retired: Proton is not called)' : ''}, from ${trigger.type === 'event' ? `event ${String(trigger.detailType)}` : 'console input'}`;
  },
  DescribeConnection: (o) => {
    const c = asRecord(o.connection);
    const roles = Array.isArray(c.roleArns) ? c.roleArns.length : 0;
    if (c.source === 'none') return `no connection serves environment ${String(c.environmentName)} here: nothing to do`;
    if (c.source === 'proton') return `environment ${String(c.environmentName)} (${String(c.status)}), ${roles} role(s)`;
    if (c.protonApi === 'retired') return `environment ${String(c.environmentName)} from the request (Proton is not asked)`;
    return c.id
      ? `connection already gone; cleaning environment ${String(c.environmentName)} from the request`
      : `environment ${String(c.environmentName)}: its leftovers, no connection is deleted`;
  },
  CheckForRunningCleanup: (o) => {
    const running = asRecord(o.concurrency).runningCleanup;
    return running
      ? `another cleanup of this environment is running (${String(running)}): this run changes nothing`
      : 'no other cleanup of this environment is running';
  },
  StartSweep: (o) => {
    const n = asRecord(asRecord(o.sweep).counts);
    return `${String(n.environments)} environment(s) found or named; ${String(n.started)} cleaned up by their own execution, ${String(n.skipped)} left alone${n.failedToStart ? `, ${String(n.failedToStart)} failed to start` : ''}`;
  },
  ScheduleDecommission: (o) => {
    const scheduled = asRecord(o.scheduled);
    return `decommission of ${String(scheduled.environmentName)} scheduled for ${String(scheduled.decommissionOn)} (${String(scheduled.parameter)}); nothing deleted now`;
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
    if (!d.outcome) return undefined;
    // Nothing was called (Proton retired, or no connection named): say why, not "after 0 attempts".
    if (d.attempts === 0) return `${String(d.outcome)}, not called: ${String(d.reason ?? '').split(/[:;]/)[0]}`;
    return `${String(d.outcome)} after ${String(d.attempts)} attempt(s)`;
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

/** The counts of a loop's state, those above zero: "2 deleting, 1 deleted". */
function countsText(counts: State, deleting = 'deleting'): string {
  return ['pending', 'deleting', 'deleted', 'alreadyAbsent', 'retained', 'failed']
    .filter((key) => Number(counts[key] ?? 0) > 0)
    .map((key) => `${String(counts[key])} ${key === 'alreadyAbsent' ? 'already gone' : key === 'deleting' ? deleting : key}`)
    .join(', ');
}

/** One line per round of the cleanup loop whose counts changed: "round 3: 2 deleting, 1 deleted". */
function roundLine(cleanup: State): string {
  return `round ${String(cleanup.round)}: ${countsText(asRecord(cleanup.counts)) || 'no stacks to delete'}${cleanup.done === true ? ' (done)' : ''}`;
}

/** One line per invocation of the stand-alone deletion loop whose counts changed: "batch 1: 3 deleted, 1 emptying". */
function batchLine(standalone: State): string {
  return `batch ${String(standalone.batch)}: ${countsText(asRecord(standalone.counts), 'emptying') || 'nothing to delete'}${standalone.done === true ? ' (done)' : ''}`;
}

export class ProgressPrinter {
  private readonly lastError = new Map<string, string>();
  private lastRound = '';
  private lastBatch = '';
  private readonly caught = new Set<string>();

  constructor(private readonly write: (line: string) => void) {}

  onEvent(event: ExecutionEvent): void {
    const name = event.state?.name ?? '';
    const output = asRecord(event.state?.output);
    switch (event.type) {
      case 'StateFailed':
        this.lastError.set(name, `${event.Error ?? 'Error'}: ${causeMessage(event.Cause)}`);
        return;
      case 'StateRetried':
        this.write(`  ↻ ${name.padEnd(24)} retry ${event.retry?.attempt ?? '?'} after ${this.lastError.get(name) ?? 'an error'}`);
        return;
      case 'StateCaught':
        this.write(`  ✗ ${name.padEnd(24)} ${this.lastError.get(name) ?? 'failed'}`);
        this.caught.add(name);
        return;
      case 'StateExited': {
        // A caught state still exits (into its Catch): its failure line said it all.
        if (this.caught.delete(name)) return;
        if (name === 'AdvanceCleanup') {
          const line = roundLine(asRecord(output.cleanup));
          // Rounds that changed nothing are waits: not worth a line.
          if (line.replace(/^round \d+/, '') !== this.lastRound) this.write(`  ✓ ${name.padEnd(24)} ${line}`);
          this.lastRound = line.replace(/^round \d+/, '');
          return;
        }
        if (name === 'DeleteStandaloneResources') {
          const line = batchLine(asRecord(output.standaloneCleanup));
          // Invocations that changed nothing (a bucket between emptying calls) are not worth a line.
          if (line.replace(/^batch \d+/, '') !== this.lastBatch) this.write(`  ✓ ${name.padEnd(24)} ${line}`);
          this.lastBatch = line.replace(/^batch \d+/, '');
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
