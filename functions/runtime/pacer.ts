import { clock } from './clock.js';

/**
 * Client-side pacing: one schedule per API, so that this function never calls an API faster
 * than its configured rate (calls per second), however many calls it has in flight. Each call
 * reserves the next free slot synchronously (a virtual-scheduling token bucket with no burst),
 * then sleeps until it; so concurrent callers queue fairly and the rate holds exactly.
 */
export class CallPacer {
  private nextSlotAt = 0;
  private intervalMs: number;

  constructor(readonly callsPerSecond: number) {
    if (!(callsPerSecond > 0)) throw new RangeError(`a call rate must be positive, got ${callsPerSecond}`);
    this.intervalMs = intervalAt(callsPerSecond);
  }

  /**
   * Paces at the rate divided among `callers` (each one's share of an account's limit): from the
   * next slot on, calls are that much further apart. 1: the whole rate again.
   */
  shareAmong(callers: number): void {
    checkCallers(callers);
    this.intervalMs = intervalAt(this.callsPerSecond / callers);
  }

  /** Calls per second this pacer lets through now (its share of the rate). */
  get currentRate(): number {
    return 1000 / this.intervalMs;
  }

  /** Waits for this call's slot. */
  async take(): Promise<void> {
    const now = clock.now();
    const slot = Math.max(now, this.nextSlotAt);
    this.nextSlotAt = slot + this.intervalMs;
    await clock.sleepUntil(slot);
  }

  /** The service throttled a call anyway (another caller shares the limit): leave it a full second. */
  backOff(): void {
    this.nextSlotAt = Math.max(this.nextSlotAt, clock.now() + 1000);
  }
}

function checkCallers(callers: number): void {
  if (!(Number.isInteger(callers) && callers >= 1)) throw new RangeError(`a rate is shared among a whole number of callers (at least 1), got ${callers}`);
}

/** Rounded up to the microsecond, so that float error never fits one call too many into a second. */
function intervalAt(callsPerSecond: number): number {
  return Math.ceil(1_000_000 / callsPerSecond) / 1000;
}

type ApiRates = ReadonlyMap<string, number>;

/**
 * `service=rate,service:Operation=rate,…` → rates. A service's rate applies to each of its
 * operations separately (CloudFormation and the Tagging API limit per API); an operation's own
 * entry wins over its service's.
 */
export function parseApiRates(text: string): ApiRates {
  const rates = new Map<string, number>();
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9-]+(?::[A-Za-z0-9]+)?)=(\d+(?:\.\d+)?)$/.exec(entry);
    const rate = match ? Number(match[2]) : Number.NaN;
    if (!match?.[1] || !(rate > 0)) {
      throw new RangeError(`"${entry}": expected service=callsPerSecond or service:Operation=callsPerSecond, e.g. cloudformation=5,tagging:GetResources=15`);
    }
    rates.set(match[1], rate);
  }
  return rates;
}

/** One pacer per API that has a rate; undefined for unpaced APIs. */
export class Pacers {
  private readonly pacers = new Map<string, CallPacer>();
  private callers = 1;
  /** APIs (service:Operation) that keep their whole rate when the others are shared. */
  private unshared = new Set<string>();

  constructor(private readonly rates: ApiRates) {}

  /**
   * Every API's rate divided among `callers` (the executions working in one account at once,
   * each with pacers of its own): so that together they keep to the account's limit. Applies to
   * the pacers made so far and to those made later; 1 gives each API its whole rate again.
   * `except`: APIs (service:Operation) one of them calls for all (they keep their whole rate).
   */
  shareAmong(callers: number, { except = [] }: { except?: readonly string[] } = {}): void {
    checkCallers(callers);
    this.callers = callers;
    this.unshared = new Set(except);
    for (const [api, pacer] of this.pacers) pacer.shareAmong(this.unshared.has(api) ? 1 : callers);
  }

  for(service: string, operation: string): CallPacer | undefined {
    const key = `${service}:${operation}`;
    const existing = this.pacers.get(key);
    if (existing) return existing;
    const rate = this.rates.get(key) ?? this.rates.get(service);
    if (rate === undefined) return undefined;
    const pacer = new CallPacer(rate);
    pacer.shareAmong(this.unshared.has(key) ? 1 : this.callers);
    this.pacers.set(key, pacer);
    return pacer;
  }
}
