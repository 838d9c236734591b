import { nameFromArn, type StandaloneTypeModule } from './module.js';

const type = 's3:bucket';

/** An S3 bucket, emptied (every version and delete marker written before the cutoff) then deleted: s3-bucket.aws.ts. */
export const s3Bucket: StandaloneTypeModule<typeof type> = {
  type,
  cloudFormationType: 'AWS::S3::Bucket',
  // arn:aws:s3:::<bucket>
  nameOf: nameFromArn(type, (resource) => resource, /^[^/:]+$/),
  // ListObjectVersions is authorized as s3:ListBucketVersions; DeleteObjects (with version ids) as s3:DeleteObjectVersion.
  iamActions: ['s3:ListBucketVersions', 's3:DeleteObjectVersion', 's3:DeleteBucket'],
};
