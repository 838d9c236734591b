import type { Client } from '@smithy/core/client';
import type { Sandbox } from './sandbox.js';

/**
 * Answers SDK clients from the sandbox at the SDK boundary. The middleware sits in the
 * deserialize step, inside the SDK's retry and signing middleware, so retries, error
 * classification and paginators run as in AWS; only the HTTP exchange is replaced. Nothing
 * reaches the network: with no sandbox installed, every call fails.
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

export function answerFromSandbox(clients: readonly AnyClient[]): void {
  for (const client of clients) {
    if (client.middlewareStack.identify().some((entry) => entry.startsWith(MIDDLEWARE_NAME))) continue;
    const constructorName = client.constructor.name;
    client.middlewareStack.add(
      (_next, context) => async (args) => {
        if (!current) throw new Error('No sandbox is installed: the local run never calls AWS');
        const output = current.answer(context.clientName ?? constructorName, context.commandName ?? 'Unknown', args.input as Record<string, unknown>);
        return {
          output: { ...(output as object), $metadata: { httpStatusCode: 200, requestId: 'sandbox', attempts: 1, totalRetryDelay: 0 } },
          response: { statusCode: 200, headers: {} },
        };
      },
      { step: 'deserialize', priority: 'high', name: MIDDLEWARE_NAME },
    );
  }
}
