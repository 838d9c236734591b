import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { targetS3 } from '../aws/clients.js';
import { callAws, hasName } from '../aws/error-mapping.js';
import { workingTarget } from '../aws/target-session.js';
import type { BucketContents } from '../domain/inventory.js';
import type { DeletableStandaloneType, StandaloneDeletion, WrittenSince } from './module.js';
import { s3Bucket } from './s3-bucket.js';

/** ListObjectVersions pages (up to 1,000 versions and delete markers each) emptied per call. */
export const MAX_PAGES_PER_CALL = 10;

/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_OBJECTS_BATCH = 1000;

/**
 * Bucket names are global: a bucket deleted and re-created under the same name by another account
 * is not this account's. Every call names the account it expects to own the bucket (the target's),
 * and S3 refuses it (403) for a bucket another account owns (S3 User Guide, "Verifying bucket
 * ownership with bucket owner condition").
 */
const owner = () => workingTarget().account;

/** Empties the bucket (every version and delete marker), then deletes it; 'in-progress' while objects remain. */
async function deleteBucket(bucket: string, writtenBefore: number): Promise<StandaloneDeletion> {
  try {
    const emptied = await emptyBucket(bucket, writtenBefore);
    if (typeof emptied === 'object') return emptied;
    if (!emptied) return 'in-progress';
    await callAws(`DeleteBucket ${bucket}`, () => targetS3().send(new DeleteBucketCommand({ Bucket: bucket, ExpectedBucketOwner: owner() })));
    return 'deleted';
  } catch (error) {
    if (hasName(error, 'NoSuchBucket')) return 'already-absent';
    // Something wrote to the bucket after it was listed: empty it again on the next call.
    if (hasName(error, 'BucketNotEmpty')) return 'in-progress';
    throw error;
  }
}

/**
 * Deletes up to MAX_PAGES_PER_CALL pages of versions and delete markers; true when the listing is
 * done. A page holding anything written after `writtenBefore` stops it, deleting nothing of that
 * page: data nobody inventoried or reviewed is never deleted.
 */
async function emptyBucket(bucket: string, writtenBefore: number): Promise<boolean | WrittenSince> {
  let pages = 0;
  for await (const out of versionPages(bucket)) {
    const listed = [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])];
    const newer = listed.filter((v) => v.LastModified === undefined || v.LastModified.getTime() > writtenBefore).length;
    if (newer > 0) return { writtenSince: `${newer} object version(s) or delete marker(s) on one listing page` };
    const objects: ObjectIdentifier[] = listed
      .filter((v): v is typeof v & { Key: string } => v.Key !== undefined)
      .map((v) => ({ Key: v.Key, ...(v.VersionId !== undefined ? { VersionId: v.VersionId } : {}) }));
    for (let start = 0; start < objects.length; start += DELETE_OBJECTS_BATCH) {
      await deleteObjects(bucket, objects.slice(start, start + DELETE_OBJECTS_BATCH));
    }
    if (!out.IsTruncated) return true;
    pages += 1;
    if (pages === MAX_PAGES_PER_CALL) return false;
  }
  return true;
}

/** The bucket's ListObjectVersions pages in order, following the markers; each page is read only when asked for. */
async function* versionPages(bucket: string): AsyncGenerator<ListObjectVersionsCommandOutput> {
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  for (;;) {
    const out = await callAws(`ListObjectVersions ${bucket}`, () =>
      targetS3().send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, ExpectedBucketOwner: owner() })),
    );
    yield out;
    if (!out.IsTruncated) return;
    keyMarker = out.NextKeyMarker;
    versionIdMarker = out.NextVersionIdMarker;
  }
}

async function deleteObjects(bucket: string, objects: ObjectIdentifier[]): Promise<void> {
  const action = `DeleteObjects ${bucket}`;
  const out = await callAws(action, () =>
    targetS3().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true }, ExpectedBucketOwner: owner() })),
  );
  const errors = out.Errors ?? [];
  if (errors.length === 0) return;
  const listed = errors
    .slice(0, 10)
    .map((e) => `${e.Key ?? '?'}${e.VersionId ? ` (version ${e.VersionId})` : ''}: ${e.Code ?? 'Error'} ${e.Message ?? ''}`.trim())
    .join('; ');
  const more = errors.length > 10 ? `; and ${errors.length - 10} more` : '';
  throw new Error(`${action}: ${errors.length} object version(s) could not be deleted: ${listed}${more}`);
}

/** Versions and delete markers a plan counts to say how much data a bucket holds; beyond, it says "≥". */
const SURVEY_LIMIT = 10_000;

/**
 * What a bucket holds, for the plan to say plainly what emptying it loses: object versions, delete
 * markers and their bytes, counted up to SURVEY_LIMIT entries (`bounded`: there is more). S3
 * may return fewer than MaxKeys per page, so the bound is on entries, not pages.
 */
export async function surveyBucket(bucket: string): Promise<BucketContents | undefined> {
  const contents: BucketContents = { versions: 0, deleteMarkers: 0, bytes: 0, bounded: false };
  try {
    for await (const out of versionPages(bucket)) {
      contents.versions += out.Versions?.length ?? 0;
      contents.deleteMarkers += out.DeleteMarkers?.length ?? 0;
      contents.bytes += (out.Versions ?? []).reduce((sum, v) => sum + (v.Size ?? 0), 0);
      if (!out.IsTruncated) return contents;
      // A truncated page with nothing in it would never end: stop, saying "≥".
      if ((out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0) === 0) break;
      if (contents.versions + contents.deleteMarkers >= SURVEY_LIMIT) break;
    }
  } catch (error) {
    if (hasName(error, 'NoSuchBucket')) return undefined;
    throw error;
  }
  return { ...contents, bounded: true };
}

/**
 * A bucket is emptied a bounded amount per call ('in-progress' until it is empty and deleted),
 * so the state machine calls again after a Wait instead of one Lambda running unboundedly.
 */
export const s3BucketModule: DeletableStandaloneType<typeof s3Bucket.type> = {
  ...s3Bucket,
  delete: (name, { writtenBefore }) => deleteBucket(name, Date.parse(writtenBefore)),
};
