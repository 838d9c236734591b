import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { grantsOfUnknownActions } from '../../local/iam/coverage.js';
import { DELETE_PERMISSIONS } from '../../local/iam/deletion.js';
import type { Deployment } from '../../local/iam/identities.js';
import { actionExists, referenceAction } from '../../local/iam/reference.js';
import { authorizationsFor, OPERATION_MAPPINGS, SERVICE_BY_CLIENT, UnmappedOperation } from '../../local/iam/requests.js';
import { localDeployment, PACKAGING_TIMEOUT, PLACE } from './deployment.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const at = (service: string, operation: string, input: Record<string, unknown>, lookup = {}) => authorizationsFor(service, operation, input, PLACE, lookup);
const only = (service: string, operation: string, input: Record<string, unknown>, lookup = {}) =>
  at(service, operation, input, lookup).map(({ action, resource }) => ({ action, resource }));

/** The operations the sandbox answers: its OPERATIONS table in local/sandbox/sandbox.ts, resolved to the services modules' exports. */
async function sandboxOperations(): Promise<[string, string][]> {
  const source = await readFile(path.join(ROOT, 'local/sandbox/sandbox.ts'), 'utf8');
  const table = source.slice(source.indexOf('const OPERATIONS'), source.indexOf('};', source.indexOf('const OPERATIONS')));
  const exports: Record<string, Record<string, unknown>> = {};
  for (const file of await readdir(path.join(ROOT, 'local/sandbox/services'))) {
    Object.assign(exports, await import(path.join(ROOT, 'local/sandbox/services', file)));
  }
  const pairs: [string, string][] = [];
  for (const [, service, value] of table.matchAll(/^\s+(\w+): (.+),$/gm)) {
    for (const [name] of (value as string).matchAll(/\w+Operations/g)) {
      for (const operation of Object.keys(exports[name] ?? {})) pairs.push([service as string, operation]);
    }
  }
  return pairs;
}

describe('every call the sandbox answers is authorized as AWS authorizes it', () => {
  it('the sandbox answers at least the services of the issue, and every client it names has a service here', async () => {
    const pairs = await sandboxOperations();
    expect(new Set(pairs.map(([s]) => s))).toEqual(new Set(Object.values(SERVICE_BY_CLIENT)));
  });
  it('every (service, operation) the sandbox answers has a mapping', async () => {
    const unmapped = (await sandboxOperations()).filter(([service, operation]) => !OPERATION_MAPPINGS[service]?.[operation]);
    expect(unmapped).toEqual([]);
  });
  it('every action a mapping names exists in the Service Authorization Reference', () => {
    const probe = {
      StackName: 's',
      RoleARN: 'arn:aws:iam::111122223333:role/r',
      Bucket: 'b',
      Key: 'k',
      Delete: { Objects: [{ Key: 'a' }, { Key: 'b', VersionId: 'v' }] },
      Entries: [{}],
      TopicArn: 't',
    };
    for (const [service, operations] of Object.entries(OPERATION_MAPPINGS)) {
      for (const operation of Object.keys(operations)) {
        for (const request of at(service, operation, probe, { encryptionKeyOf: () => 'arn:aws:kms:us-east-1:111122223333:key/k' }))
          expect(actionExists(request.action), request.action).toBe(true);
      }
    }
  });
  it('an operation with no mapping is refused, never allowed', () => {
    expect(() => at('s3', 'PutBucketPolicy', { Bucket: 'b' })).toThrow(UnmappedOperation);
  });
  it('SDK client class and command names are accepted', () => {
    expect(only('SNSClient', 'PublishCommand', { TopicArn: 'arn:aws:sns:us-east-1:111122223333:t' })).toEqual([
      { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:111122223333:t' },
    ]);
  });
});

describe('operations whose action or resource is not the obvious one (each row cites its source)', () => {
  it('S3 ListObjectsV2 is s3:ListBucket on the bucket, carrying s3:prefix', () => {
    const [request] = at('s3', 'ListObjectsV2', { Bucket: 'reports', Prefix: 'memory/' });
    expect(request).toMatchObject({ action: 's3:ListBucket', resource: 'arn:aws:s3:::reports', context: { 's3:prefix': 'memory/' } });
  });
  it('S3 HeadObject is s3:GetObject on the object', () => {
    expect(only('s3', 'HeadObject', { Bucket: 'reports', Key: 'a/b.json' })).toEqual([{ action: 's3:GetObject', resource: 'arn:aws:s3:::reports/a/b.json' }]);
  });
  it('S3 DeleteObjects is s3:DeleteObject per key, s3:DeleteObjectVersion per versioned key', () => {
    expect(only('s3', 'DeleteObjects', { Bucket: 'b', Delete: { Objects: [{ Key: 'x' }, { Key: 'y', VersionId: '1' }] } })).toEqual([
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/x' },
      { action: 's3:DeleteObjectVersion', resource: 'arn:aws:s3:::b/y' },
    ]);
  });
  it('S3 ListObjectVersions is s3:ListBucketVersions on the bucket', () => {
    expect(only('s3', 'ListObjectVersions', { Bucket: 'b' })).toEqual([{ action: 's3:ListBucketVersions', resource: 'arn:aws:s3:::b' }]);
  });
  it('Tagging GetResources is tag:GetResources, which has no resource type', () => {
    expect(only('tagging', 'GetResources', {})).toEqual([{ action: 'tag:GetResources', resource: '*' }]);
    expect(referenceAction('tag:GetResources')?.resourceTypes).toEqual([]);
  });
  it("EventBridge PutEvents is events:PutEvents on each entry's bus (default when unnamed)", () => {
    expect(at('eventbridge', 'PutEvents', { Entries: [{ Source: 'proton-connection-cleanup', DetailType: 'x' }] })[0]).toMatchObject({
      action: 'events:PutEvents',
      resource: 'arn:aws:events:us-east-1:111122223333:event-bus/default',
      context: { 'events:source': 'proton-connection-cleanup', 'events:detail-type': 'x' },
    });
  });
  it('CloudFormation DeleteStack with a RoleARN carries cloudformation:RoleArn and needs iam:PassRole to CloudFormation', () => {
    const role = 'arn:aws:iam::111122223333:role/AWSProtonStackRole';
    const [deletion, pass] = at(
      'cloudformation',
      'DeleteStack',
      { StackName: 'AWSProton-x', RoleARN: role },
      { stackArn: () => 'arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-x/1' },
    );
    expect(deletion).toMatchObject({
      action: 'cloudformation:DeleteStack',
      resource: 'arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-x/1',
      context: { 'cloudformation:RoleArn': role },
    });
    expect(pass).toMatchObject({ action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } });
  });
  it('CloudFormation DeleteStack without a RoleARN passes no role', () => {
    expect(at('cloudformation', 'DeleteStack', { StackName: 'arn:aws:cloudformation:us-east-1:111122223333:stack/s/1' }).map((r) => r.action)).toEqual([
      'cloudformation:DeleteStack',
    ]);
  });
  it('CloudFormation ListImports has no resource type in the reference: authorized on *', () => {
    expect(referenceAction('cloudformation:ListImports')?.resourceTypes).toEqual([]);
    expect(only('cloudformation', 'ListImports', { ExportName: 'payments-prod-VpcId' })).toEqual([{ action: 'cloudformation:ListImports', resource: '*' }]);
  });
  it('CloudFormation DescribeAccountLimits has no resource type in the reference: authorized on *', () => {
    expect(referenceAction('cloudformation:DescribeAccountLimits')?.resourceTypes).toEqual([]);
    expect(only('cloudformation', 'DescribeAccountLimits', {})).toEqual([{ action: 'cloudformation:DescribeAccountLimits', resource: '*' }]);
  });
  it('DescribeStacks without a stack name is authorized on *', () => {
    expect(only('cloudformation', 'DescribeStacks', {})).toEqual([{ action: 'cloudformation:DescribeStacks', resource: '*' }]);
  });
  it("IAM RemoveRoleFromInstanceProfile is authorized on the instance profile (the reference's only resource type for it)", () => {
    expect(referenceAction('iam:RemoveRoleFromInstanceProfile')?.resourceTypes.map((r) => r.name)).toEqual(['instance-profile']);
    expect(only('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: 'p', RoleName: 'r' })).toEqual([
      { action: 'iam:RemoveRoleFromInstanceProfile', resource: 'arn:aws:iam::111122223333:instance-profile/p' },
    ]);
  });
  it('SSM parameter ARNs drop the leading slash', () => {
    expect(only('ssm', 'DeleteParameter', { Name: '/env/x' })).toEqual([
      { action: 'ssm:DeleteParameter', resource: 'arn:aws:ssm:us-east-1:111122223333:parameter/env/x' },
    ]);
  });
  it('SSM GetParametersByPath is authorized on the path as a parameter ARN', () => {
    expect(only('ssm', 'GetParametersByPath', { Path: '/proton/env/' })).toEqual([
      { action: 'ssm:GetParametersByPath', resource: 'arn:aws:ssm:us-east-1:111122223333:parameter/proton/env' },
    ]);
  });
  it('writing to an SSE-KMS bucket needs kms:GenerateDataKey on its key via S3; reading needs kms:Decrypt', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k';
    const lookup = { encryptionKeyOf: () => key };
    expect(at('s3', 'PutObject', { Bucket: 'b', Key: 'k' }, lookup)[1]).toMatchObject({
      action: 'kms:GenerateDataKey',
      resource: key,
      context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
    });
    expect(at('s3', 'GetObject', { Bucket: 'b', Key: 'k' }, lookup)[1]).toMatchObject({ action: 'kms:Decrypt', resource: key });
  });
  it('publishing to an encrypted topic needs kms:GenerateDataKey and kms:Decrypt on its key', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k';
    expect(at('sns', 'Publish', { TopicArn: 't' }, { encryptionKeyOf: () => key }).map((r) => r.action)).toEqual([
      'sns:Publish',
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
  });
  it('every request carries aws:SecureTransport (the SDK speaks HTTPS)', () => {
    expect(at('sns', 'Publish', { TopicArn: 't' })[0]?.context['aws:SecureTransport']).toBe(true);
  });
});

describe('the template names only actions that exist', () => {
  let deployment: Deployment;
  beforeAll(async () => {
    deployment = await localDeployment();
  }, PACKAGING_TIMEOUT);

  it('every action the template grants exists in the Service Authorization Reference', () => {
    expect(grantsOfUnknownActions(deployment).map((g) => `${g.identity}: ${g.action}`)).toEqual([]);
  });
  it('a typo such as cloudformation:DeleteStacks would be caught', () => {
    expect(actionExists('cloudformation:DeleteStacks')).toBe(false);
    expect(actionExists('cloudformation:DeleteStack')).toBe(true);
  });
  it('every action of the deletion table exists in the reference', () => {
    for (const [type, row] of Object.entries(DELETE_PERMISSIONS))
      for (const action of row.actions) expect(actionExists(action), `${type} ${action}`).toBe(true);
  });
});
