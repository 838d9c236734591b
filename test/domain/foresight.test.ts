import { describe, expect, it } from 'vitest';
import { describeContents, type ForeseenFacts, foreseeHolds, withForeseenFacts } from '../../functions/domain/foresight.js';
import { inStackEntry, inventoryOf, stackEntry } from '../helpers/domain-fixtures.js';

const envStack = stackEntry('AWSProton-payments-prod-cloudformation--ENV');
const vpc = inStackEntry('arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1', envStack, 'Vpc');
const apiStack = stackEntry('AWSProton-api-prod-cloudformation--API', 'service-instances');
const keptApi = { ...apiStack, action: 'retain' as const, reason: 'mixed ownership' };

describe('foreseeHolds', () => {
  it('retains the environment stack while a service instance stack is retained, saying what it waits for', () => {
    const [, env] = foreseeHolds(inventoryOf(keptApi, envStack, vpc)).resources;
    expect(env).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/^not started: waits for AWSProton-api-prod-cloudformation--API \(retained: mixed ownership\)/),
    });
  });

  it('retains what goes with a held stack, with the reason', () => {
    const [, , inside] = foreseeHolds(inventoryOf(keptApi, envStack, vpc)).resources;
    expect(inside).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^its stack is retained: not started: waits for/) });
  });

  it('changes nothing when every earlier stack is to be deleted', () => {
    const inventory = inventoryOf(apiStack, envStack, vpc);
    expect(foreseeHolds(inventory)).toEqual(inventory);
  });
});

describe('withForeseenFacts', () => {
  const bucket = { ...envStack, id: 'arn:aws:s3:::exports', type: 's3:bucket', action: 'delete-resource' as const, reason: 'deleteTypes lists s3:bucket' };
  const facts = (overrides: Partial<ForeseenFacts> = {}): ForeseenFacts => ({
    failedStacks: new Map(),
    bucketContents: new Map(),
    deletionPolicies: new Map(),
    retainFailedResources: false,
    ...overrides,
  });

  it('lists what failed to delete in a stack already DELETE_FAILED, and says deleting it again fails the same way', () => {
    const failed = [{ logicalId: 'Uploads', reason: 'The bucket you tried to delete is not empty' }];
    const [stack] = withForeseenFacts(inventoryOf(envStack), facts({ failedStacks: new Map([[envStack.id, failed]]) })).resources;
    expect(stack).toMatchObject({
      failedResources: failed,
      reason: expect.stringContaining('already DELETE_FAILED (Uploads: The bucket you tried to delete is not empty): deleting it again fails'),
    });
  });

  it('says retainFailedResources deletes it once more, keeping them, when the request sets it', () => {
    const failed = [{ logicalId: 'Uploads', reason: 'not empty' }];
    const [stack] = withForeseenFacts(inventoryOf(envStack), facts({ failedStacks: new Map([[envStack.id, failed]]), retainFailedResources: true })).resources;
    expect(stack?.reason).toContain('retainFailedResources deletes it once more, keeping them');
  });

  it('says plainly what data emptying a bucket loses', () => {
    const contents = { versions: 3, deleteMarkers: 1, bytes: 2048, bounded: false };
    const [entry] = withForeseenFacts(inventoryOf(bucket), facts({ bucketContents: new Map([[bucket.id, contents]]) })).resources;
    expect(entry).toMatchObject({
      contents,
      reason: expect.stringContaining('3 object version(s) and 1 delete marker(s), 2.0 KB will be deleted: this data will be lost'),
    });
  });
});

describe('describeContents', () => {
  it('says "≥" of counts that stopped at their bound', () => {
    expect(describeContents({ versions: 9000, deleteMarkers: 1000, bytes: 5 * 1024 ** 3, bounded: true })).toBe(
      '≥ 9,000 object version(s) and ≥ 1,000 delete marker(s), ≥ 5.0 GB',
    );
  });

  it('says an empty bucket is empty', () => {
    expect(describeContents({ versions: 0, deleteMarkers: 0, bytes: 0, bounded: false })).toBe('it is empty');
  });
});
