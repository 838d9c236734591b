import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalInFreshNode, serverlessEsbuildOptions } from '../../bench/bundles.js';
import { PROJECT_ROOT } from '../../local/workflow-definition.js';
import { type Answer, type LocalEndpoint, localEndpoint, type ReceivedRequest } from '../helpers/local-endpoint.js';

/**
 * deployment/esbuild-plugins.cjs rewrites parts of the AWS SDK as it is bundled (literal keys in the
 * clients' schemas, SSM's, Organizations' and ECR's errors left unregistered, a static import of
 * @smithy/core's event streams). The same calls, bundled with
 * and without those plugins, must send the same requests and read the same answers: the SDK
 * bundled untouched is the reference. The endpoint answers as S3, CloudFormation and SSM do
 * (Amazon S3 API Reference: PutObject, GetObject, ListObjectsV2, Error responses; AWS
 * CloudFormation API Reference: DescribeStacks; AWS Systems Manager API Reference: GetParametersByPath,
 * GetParameter's ParameterNotFound; AWS Organizations API Reference: AWSOrganizationsNotInUseException).
 */

/** Headers that differ from one request to the next whatever the bundle: time, signature, ids. */
const VOLATILE_HEADERS = ['authorization', 'x-amz-date', 'amz-sdk-invocation-id', 'amz-sdk-request', 'user-agent', 'x-amz-user-agent', 'host'];

const PROBE = path.join(PROJECT_ROOT, 'test/deployment/fixtures/sdk-wire-probe.ts');
const OBJECT_BODY = '{"a":1}';
const ETAG = '"etag-1"';

const xml = (status: number, body: string): Answer => ({ status, headers: { 'content-type': 'text/xml' }, body });
const json = (status: number, body: unknown): Answer => ({ status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) });

/** What S3, CloudFormation or SSM would answer to this request of the probe. */
function answer(request: ReceivedRequest): Answer {
  const { body } = request;
  const url = new URL(request.url, 'http://probe');
  const target = request.headers['x-amz-target'];
  if (target === 'AmazonSSM.GetParametersByPath')
    return json(200, { Parameters: [{ Name: '/decommission/env-a', Value: '2026-12-01', Type: 'String', Version: 3 }] });
  if (target === 'AmazonSSM.GetParameter' && body.includes('/decommission/failing'))
    // A server fault that comes with a 4xx status: its schema, not the status, makes it a server fault.
    return json(400, { __type: 'InternalServerError', message: 'An error occurred on the server side.' });
  if (target === 'AmazonSSM.GetParameter') return json(400, { __type: 'ParameterNotFound', message: 'Parameter /decommission/missing not found.' });
  if (target === 'AWSOrganizationsV20161128.ListAccounts')
    return json(400, {
      __type: 'AWSOrganizationsNotInUseException',
      Message: 'Your account is not a member of an organization.',
      Reason: 'NOT_IN_ORGANIZATION',
    });
  if (new URLSearchParams(body).get('Action') === 'DescribeStacks')
    return xml(
      200,
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>
        <StackName>AWSProton-env</StackName><StackId>arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-env/1</StackId>
        <CreationTime>2024-01-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>
        <Outputs><member><OutputKey>VpcId</OutputKey><OutputValue>vpc-1</OutputValue><ExportName>env-vpc</ExportName></member></Outputs>
        <Tags><member><Key>aws:proton:environment</Key><Value>arn:aws:proton:us-east-1:111122223333:environment/env</Value></member></Tags>
      </member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  if (url.pathname.replace(/\/$/, '') === '/reports' && url.searchParams.get('list-type') === '2')
    return xml(
      200,
      `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>reports</Name><Prefix>run/</Prefix><KeyCount>1</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>false</IsTruncated>
        <Contents><Key>run/inventory.json</Key><LastModified>2026-12-01T00:00:00.000Z</LastModified><ETag>${ETAG}</ETag><Size>7</Size><StorageClass>STANDARD</StorageClass></Contents></ListBucketResult>`,
    );
  if (url.pathname === '/reports/run/inventory.json' && request.method === 'PUT') return { status: 200, headers: { etag: ETAG } };
  if (url.pathname === '/reports/run/inventory.json') {
    if (request.headers['if-none-match'] === ETAG) return { status: 304, headers: { etag: ETAG } };
    const headers = { 'content-type': 'application/json', etag: ETAG, 'x-amz-meta-owner': 'probe', 'last-modified': 'Tue, 01 Dec 2026 00:00:00 GMT' };
    return { status: 200, headers: { ...headers, 'content-length': `${OBJECT_BODY.length}` }, body: OBJECT_BODY };
  }
  return xml(404, '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>run/missing.json</Key></Error>');
}

/** The clients whose errors are left unregistered (deployment/esbuild-plugins.cjs). */
const { ERRORS_BY_NAME_ONLY } = createRequire(import.meta.url)('../../deployment/esbuild-plugins.cjs') as { ERRORS_BY_NAME_ONLY: Set<string> };
const clientFile = (client: string, file: string) => readFile(path.join(PROJECT_ROOT, 'node_modules/@aws-sdk', client, 'dist-es', file), 'utf8');

let outDir: string;
let endpoint: LocalEndpoint;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'pcc-esbuild-plugins-'));
  endpoint = await localEndpoint(answer);
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** The probe bundled as serverless.yml's custom.esbuild says, or with no plugin at all. */
async function bundleProbe(name: 'deployed' | 'untouched'): Promise<string> {
  const options = await serverlessEsbuildOptions();
  const outfile = path.join(outDir, `${name}.mjs`);
  await build({ ...options, ...(name === 'untouched' ? { plugins: [] } : {}), entryPoints: [PROBE], outfile, absWorkingDir: PROJECT_ROOT, logLevel: 'error' });
  return outfile;
}

/** Runs a bundled probe in a fresh Node process: the requests the endpoint received, and what the probe printed. */
async function runProbe(bundle: string): Promise<{ requests: ReceivedRequest[]; results: Record<string, unknown> }> {
  endpoint.received.length = 0;
  const stdout = await evalInFreshNode('await import(process.argv[1]);', [pathToFileURL(bundle).href, endpoint.url], {
    cwd: outDir,
    env: { PATH: process.env.PATH ?? '' },
  });
  const requests = endpoint.received.map((request) => ({
    ...request,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !VOLATILE_HEADERS.includes(name))),
  }));
  return { requests, results: JSON.parse(stdout) as Record<string, unknown> };
}

describe('the esbuild plugins', () => {
  let deployed: Awaited<ReturnType<typeof runProbe>>;
  let untouched: Awaited<ReturnType<typeof runProbe>>;
  let deployedBundle: string;
  let untouchedBundle: string;
  beforeAll(async () => {
    [deployedBundle, untouchedBundle] = await Promise.all([bundleProbe('deployed'), bundleProbe('untouched')]);
    deployed = await runProbe(deployedBundle);
    untouched = await runProbe(untouchedBundle);
  }, 60_000);

  it('send the same requests as the SDK bundled untouched', () => {
    expect(deployed.requests).toHaveLength(10);
    expect(deployed.requests).toEqual(untouched.requests);
  });

  it('read the same answers and errors as the SDK bundled untouched', () => {
    expect(deployed.results).toEqual(untouched.results);
  });

  it('still put each trait where the service expects it (headers, query, XML and JSON members)', () => {
    const put = deployed.requests[0];
    expect(put?.headers).toMatchObject({ 'if-none-match': '*', 'x-amz-meta-owner': 'probe', 'content-type': 'application/json' });
    expect(deployed.requests[2]?.headers['if-none-match']).toBe(ETAG);
    expect(new URL(deployed.requests[4]?.url ?? '', 'http://probe').searchParams.get('max-keys')).toBe('2');
    expect(deployed.results).toMatchObject({
      GetObject: { status: 200, output: { Body: OBJECT_BODY, ETag: ETAG, Metadata: { owner: 'probe' }, ContentType: 'application/json' } },
      'GetObject If-None-Match': { status: 304 },
      'GetObject missing': { error: 'NoSuchKey', status: 404 },
      ListObjectsV2: { output: { KeyCount: 1, Contents: [{ Key: 'run/inventory.json', Size: 7 }] } },
      DescribeStacks: { output: { Stacks: [{ StackName: 'AWSProton-env', Outputs: [{ ExportName: 'env-vpc' }], Tags: [{ Key: 'aws:proton:environment' }] }] } },
      GetParametersByPath: { output: { Parameters: [{ Name: '/decommission/env-a', Version: 3 }] } },
      'GetParameter missing': { error: 'ParameterNotFound', fault: 'client', status: 400 },
      'GetParameter failing': { error: 'InternalServerError', fault: 'server', status: 400 },
      'ListAccounts outside an organization': {
        error: 'AWSOrganizationsNotInUseException',
        message: 'Your account is not a member of an organization.',
        fields: { Reason: 'NOT_IN_ORGANIZATION' },
      },
    });
  });

  it('leave out the error classes of the clients whose errors the functions tell by name only (SSM, Organizations)', async () => {
    const [withPlugins, without] = await Promise.all([readFile(deployedBundle, 'utf8'), readFile(untouchedBundle, 'utf8')]);
    for (const errorClass of ['HierarchyLevelLimitExceededException', 'AccessDeniedForDependencyException']) {
      expect(without).toContain(errorClass);
      expect(withPlugins).not.toContain(errorClass);
    }
  });

  it.each([...ERRORS_BY_NAME_ONLY])('leave %s errors unregistered only as it speaks JSON, names errors by shape and marks none retryable', async (client) => {
    const runtimeConfig = await clientFile(client, 'runtimeConfig.shared.js');
    expect(runtimeConfig).toMatch(/protocol: config\?\.protocol \?\? AwsJson1_[01]Protocol/);
    // A query-compatible client names an error by the query code its header carries, which the class maps.
    expect(runtimeConfig).not.toContain('awsQueryCompatible');
    expect(await clientFile(client, 'models/errors.js')).not.toContain('$retryable');
  });

  it('leave out the schemas of S3 operations the bundle never calls (esbuild keeps them all otherwise)', async () => {
    const [withPlugins, without] = await Promise.all([readFile(deployedBundle, 'utf8'), readFile(untouchedBundle, 'utf8')]);
    expect(without).toContain('WriteGetObjectResponse');
    expect(withPlugins).not.toContain('WriteGetObjectResponse');
    expect(withPlugins).toContain('ListObjectsV2');
  });
});
