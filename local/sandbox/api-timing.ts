import type { TimingSpec } from './scenario.js';

/**
 * How long each simulated call takes, and whether its API admits it: a token bucket per API
 * (service:Operation) holding one second of burst, refilled by the sandbox clock. Lookups
 * go from the operation's own entry to its service's to `*`; an API with no rate is unlimited.
 */
const TOKEN = 1 - 1e-9; // float slack: a caller paced at exactly the rate refills exactly one token

function lookup(table: Readonly<Record<string, number>>, service: string, operation: string): number | undefined {
  return table[`${service}:${operation}`] ?? table[service] ?? table['*'];
}

export interface TokenBucketSnapshot {
  tokens: number;
  updatedAt: number;
}

class TokenBucket {
  private tokens: number;
  private readonly capacity: number;

  constructor(
    private readonly callsPerSecond: number,
    private updatedAt: number,
  ) {
    // A rate under 1/s still admits one call: the bucket holds at least one token.
    this.capacity = Math.max(1, callsPerSecond);
    this.tokens = this.capacity;
  }

  snapshot(): TokenBucketSnapshot {
    return { tokens: this.tokens, updatedAt: this.updatedAt };
  }

  restore(snapshot: TokenBucketSnapshot): void {
    this.tokens = snapshot.tokens;
    this.updatedAt = snapshot.updatedAt;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.updatedAt) * this.callsPerSecond) / 1000);
    this.updatedAt = Math.max(this.updatedAt, now);
    if (this.tokens < TOKEN) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }
}

export class ApiTiming {
  private readonly buckets = new Map<string, TokenBucket | null>();

  constructor(private readonly timing: TimingSpec) {}

  /** Milliseconds the call takes on the sandbox clock. */
  latencyOf(service: string, operation: string): number {
    return lookup(this.timing.latencyMs, service, operation) ?? 0;
  }

  /** The API's rate limit, if it has one (calls per second). */
  rateOf(service: string, operation: string): number | undefined {
    return lookup(this.timing.callsPerSecond, service, operation);
  }

  /** Each API's token bucket as it stands (null: the API has no rate), for a snapshot. */
  snapshot(): Record<string, TokenBucketSnapshot | null> {
    return Object.fromEntries([...this.buckets].map(([key, bucket]) => [key, bucket?.snapshot() ?? null]));
  }

  restore(snapshot: Record<string, TokenBucketSnapshot | null>): void {
    this.buckets.clear();
    for (const [key, state] of Object.entries(snapshot)) {
      const [service = '', operation = ''] = key.split(':');
      const rate = this.rateOf(service, operation);
      if (state === null || rate === undefined) {
        this.buckets.set(key, null);
        continue;
      }
      const bucket = new TokenBucket(rate, state.updatedAt);
      bucket.restore(state);
      this.buckets.set(key, bucket);
    }
  }

  /** Whether the API admits a call arriving at `now`; an admitted call uses up a token. */
  admit(service: string, operation: string, now: number): boolean {
    const key = `${service}:${operation}`;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      const rate = this.rateOf(service, operation);
      bucket = rate === undefined ? null : new TokenBucket(rate, now);
      this.buckets.set(key, bucket);
    }
    return bucket === null || bucket.take(now);
  }
}
