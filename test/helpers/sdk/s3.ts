/** S3: the report bucket's objects, object versions and S3 errors. */

import { Readable } from 'node:stream';
import {
  type DeleteMarkerEntry,
  GetObjectCommand,
  type ListObjectVersionsOutput,
  NoSuchKey,
  type ObjectVersion,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { metadata, REPORT_BUCKET } from './constants.js';

/** A GetObject body holding `value` as JSON. A stream is read once: build one per response. */
export function s3JsonBody(value: unknown) {
  return sdkStreamMixin(Readable.from([Buffer.from(JSON.stringify(value))]));
}

/** Answers GetObject for the given keys of REPORT_BUCKET (a fresh body per call); NoSuchKey otherwise. */
export function serveObjects(s3: AwsClientStub<S3Client>, objects: Record<string, unknown>): void {
  s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
    const key = input.Key ?? '';
    if (input.Bucket !== REPORT_BUCKET || !(key in objects)) {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: metadata(404) });
    }
    return { Body: s3JsonBody(objects[key]) };
  });
}

/** The JSON a handler wrote with PutObject to `key`. */
export function writtenObject(s3: AwsClientStub<S3Client>, key: string): unknown {
  const put = s3.commandCalls(PutObjectCommand).findLast((call) => call.args[0].input.Key === key);
  if (!put) throw new Error(`nothing was written to ${key}`);
  return JSON.parse(String(put.args[0].input.Body));
}

/** One version of an object, or one delete marker: what DeleteObjects is given back. */
export interface VersionRef {
  Key: string;
  VersionId: string;
}

/** `count` versions of distinct objects, numbered from `from`: reports/000000.json@v-000000-<tag>, … */
export function objectVersionRefs(count: number, from = 0, tag = 'a'): VersionRef[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(from + i).padStart(6, '0');
    return { Key: `reports/${n}.json`, VersionId: `v-${n}-${tag}` };
  });
}

export interface VersionsPageSpec {
  versions?: VersionRef[];
  deleteMarkers?: VersionRef[];
  /** Where the next page starts (NextKeyMarker, NextVersionIdMarker): the page is truncated. */
  next?: VersionRef;
}

/** One ListObjectVersions page. */
export function objectVersionsPage(spec: VersionsPageSpec): ListObjectVersionsOutput {
  const versions: ObjectVersion[] = (spec.versions ?? []).map((v) => ({
    ...v,
    IsLatest: true,
    Size: 2,
    ETag: '"etag"',
    LastModified: new Date('2024-01-01T00:00:00Z'),
  }));
  const markers: DeleteMarkerEntry[] = (spec.deleteMarkers ?? []).map((m) => ({ ...m, IsLatest: true, LastModified: new Date('2024-01-02T00:00:00Z') }));
  return {
    Name: 'bucket',
    MaxKeys: 1000,
    IsTruncated: spec.next !== undefined,
    ...(spec.next ? { NextKeyMarker: spec.next.Key, NextVersionIdMarker: spec.next.VersionId } : {}),
    ...(versions.length > 0 ? { Versions: versions } : {}),
    ...(markers.length > 0 ? { DeleteMarkers: markers } : {}),
  };
}

/** An S3 error the SDK does not model as its own class, named by its code. */
export function s3Error(name: string, message: string, httpStatusCode: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: metadata(httpStatusCode), message });
}

/** S3's answer to a conditional write whose condition does not hold: 412 Precondition Failed (S3 User Guide, conditional writes). */
export function preconditionFailed(): S3ServiceException {
  return s3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
}
