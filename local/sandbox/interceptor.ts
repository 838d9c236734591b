import type { Client } from '@smithy/core/client';
import type { CallVia, Sandbox } from './sandbox.js';

/**
 * Answers SDK clients from the sandbox at the SDK boundary. The middleware sits in the
 * deserialize step, inside the SDK's retry and signing middleware, so retries, error
 * classification and paginators run as in AWS; only the HTTP exchange is replaced. Nothing
 * reaches the network: with no sandbox installed, every call fails. Each call carries its
 * client's Region and the access key id of its credentials: the sandbox answers it from that
 * account-Region (credentials STS issued are a target account's; any other, the hub's).
 */
let current: Sandbox | undefined;

export function useSandbox(sandbox: Sandbox | undefined): void {
  current = sandbox;
}

/** The sandbox answering the SDK clients now, if any. */
export function installedSandbox(): Sandbox | undefined {
  return current;
}

const MIDDLEWARE_NAME = 'protonCleanupSandbox';

// biome-ignore lint/suspicious/noExplicitAny: any SDK client, whatever its service's input, output and config types; `unknown` would accept none
type AnyClient = Client<any, any, any, any>;

/** A resolved config value: a provider function (as the SDK resolves region and credentials) or the value itself. */
async function resolved<T>(value: unknown): Promise<T | undefined> {
  return (typeof value === 'function' ? await (value as () => Promise<T> | T)() : value) as T | undefined;
}

/** The client's Region and the access key id of its credentials, as the SDK resolves them for a call. */
async function callVia(client: AnyClient): Promise<CallVia> {
  const config = client.config as { region?: unknown; credentials?: unknown };
  const region = await resolved<string>(config.region);
  const credentials = await resolved<{ accessKeyId?: string }>(config.credentials);
  return { ...(region ? { region } : {}), ...(credentials?.accessKeyId ? { accessKeyId: credentials.accessKeyId } : {}) };
}

export function answerFromSandbox(clients: readonly AnyClient[]): void {
  for (const client of clients) {
    if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE_NAME))) continue;
    const constructorName = client.constructor.name;
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        if (!current) throw new Error('No sandbox is installed: the local run never calls AWS');
        const via = await callVia(client);
        const sandbox = current;
        const call = [context.clientName ?? constructorName, context.commandName ?? 'Unknown', args.input as Record<string, unknown>, via] as const;
        const output = sandbox.overlapLatencies ? await sandbox.answerAfterLatency(...call) : sandbox.answer(...call);
        return {
          output: { ...(output as object), $metadata: { httpStatusCode: 200, requestId: 'sandbox', attempts: 1, totalRetryDelay: 0 } },
          response: { statusCode: 200, headers: {} },
        };
      },
      { step: 'deserialize', priority: 'high', name: MIDDLEWARE_NAME },
    );
  }
}
