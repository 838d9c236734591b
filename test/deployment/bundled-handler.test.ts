import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuiltBundle, buildBundles, bundleEnvironment, evalInFreshNode } from '../../bench/bundles.js';
import { CONNECTION_ID, cleanupRequest, connectionFacts } from '../helpers/domain-fixtures.js';
import { type LocalEndpoint, localEndpoint, type ReceivedRequest } from '../helpers/local-endpoint.js';

/**
 * A function as deployed: its bundle, built as `serverless package` builds it (the esbuild plugins of
 * deployment/esbuild-plugins.cjs included), run by Node with provider.environment,
 * calling a local HTTP endpoint in place of AWS. The handler tests run the TypeScript sources; this
 * shows that what is shipped loads and speaks to AWS the same way.
 */

let outDir: string;
let bundle: BuiltBundle;
let endpoint: LocalEndpoint;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pcc-bundled-handler-'));
  [bundle] = (await buildBundles({ outDir, functions: ['deleteConnection'] })) as [BuiltBundle];
  // Proton's JSON protocol answers a DeleteEnvironmentAccountConnection with the connection; every output member is optional.
  endpoint = await localEndpoint(() => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' }));
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Imports the bundle in a fresh Node process and calls its handler once with `event`; its answer, as JSON. */
async function invokeBundle(event: unknown): Promise<unknown> {
  const script = `
    const { handler } = await import(process.argv[1]);
    const result = await handler(JSON.parse(process.argv[2]), { functionName: 'deleteConnection', awsRequestId: 'local', invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:deleteConnection', memoryLimitInMB: '256' });
    process.stdout.write(JSON.stringify(result));
  `;
  const stdout = await evalInFreshNode(script, [pathToFileURL(bundle.outputFile).href, JSON.stringify(event)], {
    cwd: path.dirname(bundle.outputFile),
    env: { ...(await bundleEnvironment()), AWS_ENDPOINT_URL: endpoint.url },
  });
  return JSON.parse(stdout);
}

describe('the deleteConnection bundle, as deployed', () => {
  it('deletes the connection through a signed Proton request and reports it deleted', async () => {
    const protonClient = JSON.parse(await readFile(path.join('node_modules', '@aws-sdk', 'client-proton', 'package.json'), 'utf8')) as { version: string };

    const result = await invokeBundle({ connection: connectionFacts(), request: cleanupRequest(), retryCount: 0, executionName: 'decommission-run-1' });

    expect(result).toEqual({ outcome: 'deleted', attempts: 1 });
    expect(endpoint.received).toHaveLength(1);
    const [request] = endpoint.received as [ReceivedRequest];
    expect(request.method).toBe('POST');
    // awsJson1_0: the operation in X-Amz-Target, the input as the body (Proton's service model, AwsProton20200720).
    expect(request.headers['x-amz-target']).toBe('AwsProton20200720.DeleteEnvironmentAccountConnection');
    expect(JSON.parse(request.body)).toEqual({ id: CONNECTION_ID });
    expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=SANDBOX\/\d{8}\/us-east-1\/proton\/aws4_request/);
    // The client's version still reaches the user agent (the bundle keeps name and version of its package.json).
    expect(request.headers['user-agent']).toContain(`api/proton#${protonClient.version}`);
  }, 60_000);
});
