import { CloudWatchLogsClient, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteParameterCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteStandaloneResource } from '../../functions/standalone-types/aws.js';
import { MAX_PAGES_PER_CALL } from '../../functions/standalone-types/s3-bucket.aws.js';
import {
  ACCOUNT_ID,
  mockedClients,
  objectVersionRefs,
  objectVersionsPage,
  pagedByToken,
  standaloneArn,
  standaloneError,
  type VersionRef,
} from '../helpers/sdk-fixtures.js';

const [s3, logs, ecr, ssm] = mockedClients(S3Client, CloudWatchLogsClient, ECRClient, SSMClient);

const BUCKET = 'payments-prod-artifacts';
/** When the run's inventory saw the resources: the fixtures' versions were written before (2024-01-01, 2024-01-02). */
const INVENTORIED_AT = '2024-06-01T00:00:00.000Z';
const deleteBucket = () => deleteStandaloneResource(standaloneArn.bucket(BUCKET), 's3:bucket', INVENTORIED_AT);

/** What every DeleteObjects call asked to delete, call by call. */
const deleteObjectsBatches = () => s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects ?? []);
const deleteBucketCalls = () => s3.commandCalls(DeleteBucketCommand).map((call) => call.args[0].input);

/** The bucket holds these pages of versions and delete markers, each answered for its own KeyMarker. */
function givenTheBucketLists(pages: Record<string, ReturnType<typeof objectVersionsPage>>) {
  const listing = pagedByToken('KeyMarker', pages);
  s3.on(ListObjectVersionsCommand).callsFake(listing.answer);
  s3.on(DeleteObjectsCommand).resolves({});
  s3.on(DeleteBucketCommand).resolves({});
  return listing;
}

/** Three pages: versions and delete markers on each, the last one not truncated. */
function threePages() {
  const first = { versions: objectVersionRefs(2, 0), deleteMarkers: objectVersionRefs(1, 0, 'marker') };
  const second = { versions: objectVersionRefs(2, 2), deleteMarkers: objectVersionRefs(2, 2, 'marker') };
  const third = { deleteMarkers: objectVersionRefs(1, 4, 'marker') };
  const lastOf = (page: { versions?: VersionRef[]; deleteMarkers?: VersionRef[] }) => (page.deleteMarkers ?? page.versions ?? []).at(-1)!;
  return {
    first,
    second,
    third,
    pages: {
      '': objectVersionsPage({ ...first, next: lastOf(first) }),
      [lastOf(first).Key]: objectVersionsPage({ ...second, next: lastOf(second) }),
      [lastOf(second).Key]: objectVersionsPage(third),
    },
  };
}

describe('deleteStandaloneResource: an S3 bucket', () => {
  it('deletes every version and delete marker of every page, by key and version ID', async () => {
    const { first, second, third, pages } = threePages();
    givenTheBucketLists(pages);
    await deleteBucket();
    expect(deleteObjectsBatches()).toEqual([
      [...first.versions, ...first.deleteMarkers],
      [...second.versions, ...second.deleteMarkers],
      [...third.deleteMarkers],
    ]);
  });

  it('then deletes the bucket, and answers deleted', async () => {
    givenTheBucketLists(threePages().pages);
    await expect(deleteBucket()).resolves.toBe('deleted');
    expect(deleteBucketCalls()).toEqual([{ Bucket: BUCKET, ExpectedBucketOwner: ACCOUNT_ID }]);
  });

  it('names the account it expects to own the bucket on every call (a bucket re-created by another account is refused by S3)', async () => {
    givenTheBucketLists(threePages().pages);
    await deleteBucket();
    const owners = [
      ...s3.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input.ExpectedBucketOwner),
      ...s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.ExpectedBucketOwner),
      ...s3.commandCalls(DeleteBucketCommand).map((call) => call.args[0].input.ExpectedBucketOwner),
    ];
    expect(new Set(owners)).toEqual(new Set([ACCOUNT_ID]));
  });

  it('lists each page from the key and version ID markers of the page before', async () => {
    const { first, second, pages } = threePages();
    givenTheBucketLists(pages);
    await deleteBucket();
    const markers = s3.commandCalls(ListObjectVersionsCommand).map(({ args: [{ input }] }) => [input.KeyMarker, input.VersionIdMarker]);
    expect(markers).toEqual([
      [undefined, undefined],
      [first.deleteMarkers.at(-1)?.Key, first.deleteMarkers.at(-1)?.VersionId],
      [second.deleteMarkers.at(-1)?.Key, second.deleteMarkers.at(-1)?.VersionId],
    ]);
  });

  it('asks for quiet deletions, so that S3 answers only the keys it could not delete', async () => {
    givenTheBucketLists(threePages().pages);
    await deleteBucket();
    const quiet = s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Quiet);
    expect(quiet).toEqual([true, true, true]);
  });

  it('deletes a page of more than 1,000 entries in batches of at most 1,000', async () => {
    const versions = objectVersionRefs(1500, 0);
    const deleteMarkers = objectVersionRefs(700, 1500, 'marker');
    givenTheBucketLists({ '': objectVersionsPage({ versions, deleteMarkers }) });
    await deleteBucket();
    const batches = deleteObjectsBatches();
    expect(batches.map((batch) => batch.length)).toEqual([1000, 1000, 200]);
    expect(batches.flat()).toEqual([...versions, ...deleteMarkers]);
  });

  it('deletes an empty bucket without calling DeleteObjects', async () => {
    givenTheBucketLists({ '': objectVersionsPage({}) });
    await expect(deleteBucket()).resolves.toBe('deleted');
    expect(deleteObjectsBatches()).toEqual([]);
  });

  it(`answers in-progress after ${MAX_PAGES_PER_CALL} pages when more remain, and does not delete the bucket yet`, async () => {
    let page = 0;
    s3.on(ListObjectVersionsCommand).callsFake(() => {
      page += 1;
      const versions = objectVersionRefs(3, page * 3);
      return objectVersionsPage({ versions, next: versions.at(-1)! });
    });
    s3.on(DeleteObjectsCommand).resolves({});
    await expect(deleteBucket()).resolves.toBe('in-progress');
    expect(s3.commandCalls(ListObjectVersionsCommand)).toHaveLength(MAX_PAGES_PER_CALL);
    expect(deleteObjectsBatches()).toHaveLength(MAX_PAGES_PER_CALL);
    expect(deleteBucketCalls()).toEqual([]);
  });

  it('deletes the bucket when its last page is the last one a call may read', async () => {
    const pages: Record<string, ReturnType<typeof objectVersionsPage>> = {};
    let marker = '';
    for (let n = 0; n < MAX_PAGES_PER_CALL; n += 1) {
      const versions = objectVersionRefs(1, n);
      const last = n === MAX_PAGES_PER_CALL - 1;
      pages[marker] = objectVersionsPage({ versions, ...(last ? {} : { next: versions[0]! }) });
      marker = versions[0]!.Key;
    }
    givenTheBucketLists(pages);
    await expect(deleteBucket()).resolves.toBe('deleted');
  });

  it('answers already-absent when the bucket does not exist', async () => {
    s3.on(ListObjectVersionsCommand).rejects(standaloneError.noSuchBucket());
    await expect(deleteBucket()).resolves.toBe('already-absent');
    expect(deleteBucketCalls()).toEqual([]);
  });

  it('answers already-absent when the bucket disappears before DeleteBucket', async () => {
    givenTheBucketLists(threePages().pages);
    s3.on(DeleteBucketCommand).rejects(standaloneError.noSuchBucket());
    await expect(deleteBucket()).resolves.toBe('already-absent');
  });

  it('answers in-progress when objects were written after the listing (BucketNotEmpty)', async () => {
    givenTheBucketLists(threePages().pages);
    s3.on(DeleteBucketCommand).rejects(standaloneError.bucketNotEmpty());
    await expect(deleteBucket()).resolves.toBe('in-progress');
  });

  it('fails, naming the key and the reason, when DeleteObjects could not delete a version, and keeps the bucket', async () => {
    givenTheBucketLists(threePages().pages);
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: 'reports/000001.json', VersionId: 'v-000001-a', Code: 'AccessDenied', Message: 'Access Denied' }],
    });
    await expect(deleteBucket()).rejects.toThrow(/reports\/000001\.json.*AccessDenied/);
    expect(deleteBucketCalls()).toEqual([]);
  });

  it.each([
    ['ListObjectVersions', () => s3.on(ListObjectVersionsCommand).rejects(standaloneError.s3SlowDown())],
    ['DeleteObjects', () => s3.on(DeleteObjectsCommand).rejects(standaloneError.s3SlowDown())],
    ['DeleteBucket', () => s3.on(DeleteBucketCommand).rejects(standaloneError.s3SlowDown())],
  ] as const)('surfaces S3 SlowDown on %s as ThrottlingException', async (_operation, slowDown) => {
    givenTheBucketLists(threePages().pages);
    slowDown();
    await expect(deleteBucket()).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('deleteStandaloneResource: a CloudWatch Logs log group', () => {
  const LOG_GROUP = '/aws/lambda/payments-prod-worker';

  it('deletes the log group by the name in its ARN', async () => {
    logs.on(DeleteLogGroupCommand).resolves({});
    await expect(deleteStandaloneResource(standaloneArn.logGroup(LOG_GROUP), 'logs:log-group', INVENTORIED_AT)).resolves.toBe('deleted');
    expect(logs.commandCalls(DeleteLogGroupCommand).map((call) => call.args[0].input)).toEqual([{ logGroupName: LOG_GROUP }]);
  });

  it('deletes it by name when its ARN ends with ":*"', async () => {
    logs.on(DeleteLogGroupCommand).resolves({});
    await deleteStandaloneResource(`${standaloneArn.logGroup(LOG_GROUP)}:*`, 'logs:log-group', INVENTORIED_AT);
    expect(logs.commandCalls(DeleteLogGroupCommand)[0]?.args[0].input).toEqual({ logGroupName: LOG_GROUP });
  });

  it('answers already-absent when CloudWatch Logs does not know the log group', async () => {
    logs.on(DeleteLogGroupCommand).rejects(standaloneError.logGroupNotFound());
    await expect(deleteStandaloneResource(standaloneArn.logGroup(LOG_GROUP), 'logs:log-group', INVENTORIED_AT)).resolves.toBe('already-absent');
  });

  it('surfaces a CloudWatch Logs ThrottlingException as ThrottlingException', async () => {
    logs.on(DeleteLogGroupCommand).rejects(standaloneError.logsThrottling());
    await expect(deleteStandaloneResource(standaloneArn.logGroup(LOG_GROUP), 'logs:log-group', INVENTORIED_AT)).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: expect.stringContaining(LOG_GROUP),
    });
  });
});

describe('deleteStandaloneResource: an ECR repository', () => {
  it('deletes the repository, and its images with it (force), by the name in its ARN', async () => {
    ecr.on(DeleteRepositoryCommand).resolves({});
    await expect(deleteStandaloneResource(standaloneArn.repository('payments-api'), 'ecr:repository', INVENTORIED_AT)).resolves.toBe('deleted');
    expect(ecr.commandCalls(DeleteRepositoryCommand).map((call) => call.args[0].input)).toEqual([{ repositoryName: 'payments-api', force: true }]);
  });

  it('keeps the "/" of a namespaced repository name', async () => {
    ecr.on(DeleteRepositoryCommand).resolves({});
    await deleteStandaloneResource(standaloneArn.repository('payments/api/worker'), 'ecr:repository', INVENTORIED_AT);
    expect(ecr.commandCalls(DeleteRepositoryCommand)[0]?.args[0].input.repositoryName).toBe('payments/api/worker');
  });

  it('answers already-absent when ECR does not know the repository', async () => {
    ecr.on(DeleteRepositoryCommand).rejects(standaloneError.repositoryNotFound('payments-api'));
    await expect(deleteStandaloneResource(standaloneArn.repository('payments-api'), 'ecr:repository', INVENTORIED_AT)).resolves.toBe('already-absent');
  });

  it('surfaces ECR throttling as ThrottlingException', async () => {
    ecr.on(DeleteRepositoryCommand).rejects(standaloneError.ecrThrottling());
    await expect(deleteStandaloneResource(standaloneArn.repository('payments-api'), 'ecr:repository', INVENTORIED_AT)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });
});

describe('deleteStandaloneResource: an SSM parameter', () => {
  const deleteParameterNames = () => ssm.commandCalls(DeleteParameterCommand).map((call) => call.args[0].input.Name);
  // Its value was last written before the inventory, unless a test says otherwise.
  beforeEach(() => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: 'p', Value: 'v', LastModifiedDate: new Date('2024-01-01T00:00:00Z') } });
  });

  it('keeps a parameter whose value changed after the inventory (or the reviewed plan), deleting nothing', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: 'p', Value: 'v', LastModifiedDate: new Date('2024-07-01T00:00:00Z') } });
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).resolves.toEqual({
      writtenSince: 'its value, last changed 2024-07-01T00:00:00.000Z',
    });
    expect(deleteParameterNames()).toEqual([]);
  });

  it('answers already-absent when the parameter is gone before it is read', async () => {
    ssm.on(GetParameterCommand).rejects(standaloneError.parameterNotFound());
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).resolves.toBe('already-absent');
    expect(deleteParameterNames()).toEqual([]);
  });

  it('deletes a hierarchical parameter by its full name, leading "/" included', async () => {
    ssm.on(DeleteParameterCommand).resolves({});
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).resolves.toBe('deleted');
    expect(deleteParameterNames()).toEqual(['/payments-prod/db/url']);
  });

  it('deletes a flat parameter by its name, with no "/" added', async () => {
    ssm.on(DeleteParameterCommand).resolves({});
    await deleteStandaloneResource(standaloneArn.parameter('payments-prod-flags'), 'ssm:parameter', INVENTORIED_AT);
    expect(deleteParameterNames()).toEqual(['payments-prod-flags']);
  });

  it('answers already-absent when SSM does not know the parameter (ParameterNotFound)', async () => {
    ssm.on(DeleteParameterCommand).rejects(standaloneError.parameterNotFound());
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).resolves.toBe('already-absent');
  });

  it('surfaces an SSM ThrottlingException as ThrottlingException', async () => {
    ssm.on(DeleteParameterCommand).rejects(standaloneError.ssmThrottling());
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('lets an error with no workflow meaning through under its own name', async () => {
    ssm.on(DeleteParameterCommand).rejects(standaloneError.ssmAccessDenied());
    await expect(deleteStandaloneResource(standaloneArn.parameter('/payments-prod/db/url'), 'ssm:parameter', INVENTORIED_AT)).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });
});

describe('deleteStandaloneResource: an ARN that is not of the type given', () => {
  it('is refused with InvalidStateInput, and nothing is deleted', async () => {
    await expect(deleteStandaloneResource(standaloneArn.logGroup('/proton/payments-prod'), 's3:bucket', INVENTORIED_AT)).rejects.toMatchObject({
      name: 'InvalidStateInput',
    });
    expect([...s3.calls(), ...logs.calls(), ...ecr.calls(), ...ssm.calls()]).toEqual([]);
  });
});
