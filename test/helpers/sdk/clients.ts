/** Mocking SDK clients, and what any client may see: paginated answers and network failures. */

import type { Client } from '@smithy/types';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';

/** Any AWS SDK v3 client class. */
// biome-ignore lint/suspicious/noExplicitAny: any SDK client class, whatever its service's types; `unknown` would accept none
type ClientClass = { prototype: Client<any, any, any> };

/**
 * Mocks `send` of each client class (every instance, the handlers' own included) and resets
 * each mock, behaviours and recorded calls, before every test. Call it once, at the top of a
 * test file: `const [s3, sns] = mockedClients(S3Client, SNSClient);`
 */
export function mockedClients<const C extends readonly ClientClass[]>(...clientClasses: C) {
  const mocks = clientClasses.map((clientClass) => mockClient(clientClass));
  beforeEach(() => {
    for (const mock of mocks) mock.reset();
  });
  return mocks as unknown as { -readonly [K in keyof C]: AwsClientStub<C[K]['prototype']> };
}

/**
 * A network failure as Node's HTTP stack hands it to the SDK (once its attempts are spent): a
 * system error with its code (ECONNRESET, ETIMEDOUT, ENOTFOUND, EAI_AGAIN…), or the SDK's own
 * TimeoutError when no connection was made in time.
 */
export const networkError = {
  code: (code: string, host = 'proton.us-east-1.amazonaws.com') =>
    Object.assign(new Error(code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `getaddrinfo ${code} ${host}` : `read ${code}`), {
      code,
      $metadata: { attempts: 3 },
    }),
  timeout: () =>
    Object.assign(new Error('Socket timed out without establishing a connection within 1000 ms'), { name: 'TimeoutError', $metadata: { attempts: 3 } }),
};

/**
 * Answers a paginated operation as the service does: each page only for its own token (the
 * first page for none). The SDK paginators reuse one input object for every page, so the
 * tokens actually sent are recorded here, at call time, in `tokensSent`.
 */
export function pagedByToken<P>(tokenField: string, pages: Record<string, P>) {
  const tokensSent: (string | undefined)[] = [];
  const answer = (input: Record<string, unknown>): P => {
    const token = input[tokenField] as string | undefined;
    tokensSent.push(token);
    if (tokensSent.length > 10) throw new Error(`runaway pagination: ${tokensSent.length} calls`);
    const page = pages[token ?? ''];
    if (!page) throw new Error(`no page for ${tokenField} "${token}"`);
    return page;
  };
  return { answer, tokensSent };
}
