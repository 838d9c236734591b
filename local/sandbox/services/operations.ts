import type { SandboxAccount } from '../account.js';

/** A simulated API operation: the request's input in, the SDK command's output out (or the service's exception). */
export type Operation = (account: SandboxAccount, input: Record<string, unknown>) => unknown;
export type Operations = Record<string, Operation>;

/** Opaque page tokens over a list, the way the services paginate. */
export function page<T>(items: readonly T[], token: unknown, size: number): { items: T[]; next?: string } {
  const start = typeof token === 'string' && token.length > 0 ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64') } : {}) };
}
