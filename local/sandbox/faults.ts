import type { FaultKind, FaultSpec } from './scenario.js';

export interface FaultPlanSnapshot {
  callsByOperation: Record<string, number>;
  hitsByFault: number[];
}

/** Decides, call by call, whether an injected fault hits. Deterministic: counts calls per operation. */
export class FaultPlan {
  private readonly callsByOperation = new Map<string, number>();
  private readonly hitsByFault = new Map<FaultSpec, number>();

  constructor(private readonly faults: readonly FaultSpec[]) {}

  /** Calls counted per operation and hits per fault (by its index in the scenario's list), for a snapshot. */
  snapshot(): FaultPlanSnapshot {
    return { callsByOperation: Object.fromEntries(this.callsByOperation), hitsByFault: this.faults.map((f) => this.hitsByFault.get(f) ?? 0) };
  }

  restore(snapshot: FaultPlanSnapshot): void {
    this.callsByOperation.clear();
    for (const [operation, calls] of Object.entries(snapshot.callsByOperation)) this.callsByOperation.set(operation, calls);
    this.hitsByFault.clear();
    this.faults.forEach((fault, i) => {
      const hits = snapshot.hitsByFault[i] ?? 0;
      if (hits > 0) this.hitsByFault.set(fault, hits);
    });
  }

  /** Counts this call and returns the fault that hits it, if any. */
  next(operation: string): FaultKind | undefined {
    const call = (this.callsByOperation.get(operation) ?? 0) + 1;
    this.callsByOperation.set(operation, call);
    for (const fault of this.faults) {
      if (fault.operation !== operation && fault.operation !== '*') continue;
      const hits = this.hitsByFault.get(fault) ?? 0;
      if (call <= fault.after || (fault.times !== undefined && hits >= fault.times)) continue;
      if ((call - fault.after - 1) % fault.every !== 0) continue;
      this.hitsByFault.set(fault, hits + 1);
      return fault.error;
    }
    return undefined;
  }
}
