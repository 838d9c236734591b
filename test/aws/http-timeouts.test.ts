import { describe, expect, it } from 'vitest';
import { cloudFormation, s3 } from '../../functions/aws/clients.js';

/**
 * Every client gives up on a connection that does not open and an answer that does not come
 * (@smithy/node-http-handler: connectionTimeout, requestTimeout; throwOnRequestTimeout makes the
 * latter an error, not a warning, since 4.4.0), so that a hung endpoint is a retried TimeoutError.
 */
const settingsOf = async (client: { config: { requestHandler: unknown } }) =>
  (await (client.config.requestHandler as { configProvider: Promise<Record<string, unknown>> }).configProvider) ?? {};

describe('the SDK clients', () => {
  it.each([
    ['a client of the target', cloudFormation],
    ["a client of the hub's own", s3],
  ])('%s times out a connection after 5 s and an answer after 30 s, as an error', async (_, client) => {
    expect(await settingsOf(client())).toMatchObject({ connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true });
  });
});
