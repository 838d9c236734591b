import type { SandboxAccount } from '../account.js';
import type { BucketContents, ObjectVersionModel } from '../bucket-contents.js';
import { bucketNotEmpty, bucketOwnerMismatch, logGroupNotFound, malformedXml, noSuchBucket, repositoryNotFound } from '../service-errors.js';
import type { Operations } from './operations.js';

/**
 * The account's own resources, as the services that own them delete them: S3 buckets
 * (emptied version by version, then deleted), CloudWatch Logs log groups and ECR repositories
 * (SSM parameters: services/parameters.ts). A deleted resource no longer exists, and the Tagging API no longer
 * returns it. The report bucket is not an account resource: it is answered by
 * s3Operations (services/messaging.ts).
 */
const LAST_MODIFIED = new Date('2024-03-01T10:00:00Z');

/**
 * S3 may return fewer keys than MaxKeys; the sandbox returns at most this many per page, so
 * that buckets of scenario size take several calls to empty, as large buckets do in AWS.
 */
const SANDBOX_VERSIONS_PER_PAGE = 100;

function accountBucket(account: SandboxAccount, input: Record<string, unknown>, operation: string): { arn: string; contents: BucketContents } {
  const bucket = String(input.Bucket);
  if (account.buckets.has(bucket)) throw new Error(`The sandbox does not simulate ${operation} on the report bucket ${bucket}`);
  const resource = account.resourceNamed('AWS::S3::Bucket', bucket);
  if (!resource?.contents) throw noSuchBucket(bucket);
  // "If the bucket is owned by a different account, the request fails with the HTTP status code 403
  // Forbidden (access denied)" (S3 User Guide, bucket owner condition).
  if (typeof input.ExpectedBucketOwner === 'string' && input.ExpectedBucketOwner !== account.accountId) throw bucketOwnerMismatch();
  return { arn: resource.arn, contents: resource.contents };
}

function versionEntry(e: ObjectVersionModel) {
  const lastModified = e.lastModified === undefined ? LAST_MODIFIED : new Date(e.lastModified);
  return e.isDeleteMarker
    ? { Key: e.key, VersionId: e.versionId, IsLatest: e.isLatest, LastModified: lastModified }
    : { Key: e.key, VersionId: e.versionId, IsLatest: e.isLatest, LastModified: lastModified, ETag: '"sandbox"', Size: 2, StorageClass: 'STANDARD' };
}

interface DeleteObjectsInput {
  Objects?: { Key?: string; VersionId?: string }[];
  Quiet?: boolean;
}

export const accountBucketOperations: Operations = {
  ListObjectVersions: (account, input) => {
    const { contents } = accountBucket(account, input, 'ListObjectVersions');
    const maxKeys = typeof input.MaxKeys === 'number' ? Math.min(input.MaxKeys, 1000) : 1000;
    const keyMarker = typeof input.KeyMarker === 'string' ? input.KeyMarker : undefined;
    const versionIdMarker = typeof input.VersionIdMarker === 'string' ? input.VersionIdMarker : undefined;
    const { entries, truncated } = contents.list(keyMarker, versionIdMarker, Math.min(maxKeys, SANDBOX_VERSIONS_PER_PAGE));
    const last = entries.at(-1);
    const versions = entries.filter((e) => !e.isDeleteMarker).map(versionEntry);
    const markers = entries.filter((e) => e.isDeleteMarker).map(versionEntry);
    return {
      Name: String(input.Bucket),
      MaxKeys: maxKeys,
      IsTruncated: truncated,
      ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
      ...(versionIdMarker !== undefined ? { VersionIdMarker: versionIdMarker } : {}),
      ...(truncated && last ? { NextKeyMarker: last.key, NextVersionIdMarker: last.versionId } : {}),
      ...(versions.length > 0 ? { Versions: versions } : {}),
      ...(markers.length > 0 ? { DeleteMarkers: markers } : {}),
    };
  },
  DeleteObjects: (account, input) => {
    const { contents } = accountBucket(account, input, 'DeleteObjects');
    const { Objects: objects = [], Quiet: quiet = false } = (input.Delete ?? {}) as DeleteObjectsInput;
    if (objects.length === 0 || objects.length > 1000) throw malformedXml(`${objects.length} keys (1 to 1000 allowed)`);
    const deleted = objects.map(({ Key: key, VersionId: versionId }) => {
      if (key === undefined || versionId === undefined) {
        throw new Error('The sandbox simulates DeleteObjects of object versions only (Key and VersionId)');
      }
      contents.remove(key, versionId);
      return { Key: key, VersionId: versionId };
    });
    return quiet ? {} : { Deleted: deleted };
  },
  DeleteBucket: (account, input) => {
    const bucket = accountBucket(account, input, 'DeleteBucket');
    if (bucket.contents.size > 0) throw bucketNotEmpty(String(input.Bucket));
    account.removeResource(bucket.arn);
    return {};
  },
};

export const logsOperations: Operations = {
  DeleteLogGroup: (account, input) => {
    const logGroup = account.resourceNamed('AWS::Logs::LogGroup', String(input.logGroupName));
    if (!logGroup) throw logGroupNotFound();
    account.removeResource(logGroup.arn);
    return {};
  },
};

export const ecrOperations: Operations = {
  DeleteRepository: (account, input) => {
    const name = String(input.repositoryName);
    const registryId = typeof input.registryId === 'string' ? input.registryId : account.accountId;
    const repository = registryId === account.accountId ? account.resourceNamed('AWS::ECR::Repository', name) : undefined;
    if (!repository) throw repositoryNotFound(name, registryId);
    account.removeResource(repository.arn);
    return {
      repository: {
        repositoryArn: repository.arn,
        registryId,
        repositoryName: name,
        repositoryUri: `${registryId}.dkr.ecr.${account.region}.amazonaws.com/${name}`,
        createdAt: LAST_MODIFIED,
      },
    };
  },
};
