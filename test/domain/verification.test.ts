import { describe, expect, it } from 'vitest';
import type { TaggedResource } from '../../functions/domain/inventory.js';
import { type ResourceDeletionEvent, stacksToExplain, VerificationSchema, verify } from '../../functions/domain/verification.js';
import { arns, deletionEvent, inventoryOf, protonTags, retainedEntry, sampleEntries, stackIdOf, taggedResource } from '../helpers/domain-fixtures.js';

const { envStack, apiStack, bucket, logs, queue, parameter } = sampleEntries();
const role = retainedEntry(arns.role('ProtonEnvironmentRole-payments'), { type: 'iam:role', owner: { kind: 'connection' } });
const inventory = inventoryOf(envStack, apiStack, bucket, logs, queue, parameter, role);

/** What the Tagging API returns for a resource still there after the cleanup. */
function stillThere(id: string): TaggedResource {
  return taggedResource(id, protonTags());
}

function eventsOf(stackId: string, ...events: ResourceDeletionEvent[]): Map<string, ResourceDeletionEvent[]> {
  return new Map([[stackId, events]]);
}

describe('verify', () => {
  it('explains a resource kept by its DeletionPolicy (DELETE_SKIPPED) as retained on purpose', () => {
    const verification = verify(inventory, [stillThere(bucket.id)], eventsOf(envStack.id, deletionEvent('ArtifactsBucket', 'DELETE_SKIPPED')), 'now');
    expect(verification.remaining).toEqual([
      { id: bucket.id, outcome: 'retained', cause: 'deletion-policy', reason: expect.stringContaining('DeletionPolicy') },
    ]);
  });

  it("reports a resource CloudFormation failed to delete as failed, with CloudFormation's reason", () => {
    const events = eventsOf(envStack.id, deletionEvent('ArtifactsBucket', 'DELETE_FAILED', 'The bucket you tried to delete is not empty'));
    expect(verify(inventory, [stillThere(bucket.id)], events, 'now').remaining).toEqual([
      { id: bucket.id, outcome: 'failed', cause: 'delete-failed', reason: expect.stringContaining('The bucket you tried to delete is not empty') },
    ]);
  });

  it('reports a DELETE_FAILED resource without a reason as failed all the same', () => {
    const events = eventsOf(envStack.id, deletionEvent('ArtifactsBucket', 'DELETE_FAILED'));
    expect(verify(inventory, [stillThere(bucket.id)], events, 'now').remaining).toEqual([
      { id: bucket.id, outcome: 'failed', cause: 'delete-failed', reason: expect.stringContaining('no reason given') },
    ]);
  });

  it('reports a resource with no deletion event as still present', () => {
    expect(verify(inventory, [stillThere(queue.id)], new Map(), 'now').remaining).toEqual([
      { id: queue.id, outcome: 'retained', cause: 'still-present', reason: expect.stringContaining('still present') },
    ]);
  });

  it("explains each resource by its own event, not by another resource's", () => {
    const events = eventsOf(envStack.id, deletionEvent('ArtifactsBucket', 'DELETE_SKIPPED'));
    expect(verify(inventory, [stillThere(logs.id)], events, 'now').remaining).toEqual([
      { id: logs.id, outcome: 'retained', cause: 'still-present', reason: expect.stringContaining('still present') },
    ]);
  });

  it('reports tagged resources missing from the inventory as appeared, retained and not touched', () => {
    const newcomer = taggedResource(arns.queue('api-prod-retries'), {
      ...protonTags(),
      'aws:cloudformation:stack-id': apiStack.id,
      'aws:cloudformation:logical-id': 'RetryQueue',
    });
    const verification = verify(inventory, [newcomer], new Map(), 'now');
    expect(verification.remaining).toEqual([]);
    expect(verification.appeared).toEqual([
      {
        id: newcomer.arn,
        type: 'sqs:queue',
        owner: { kind: 'unproven' },
        action: 'retain',
        reason: expect.stringContaining('appeared after the inventory'),
        stackId: apiStack.id,
      },
    ]);
  });

  it('does not report resources retained on purpose as remaining', () => {
    const verification = verify(inventory, [stillThere(parameter.id), stillThere(role.id)], new Map(), 'now');
    expect(verification.remaining).toEqual([]);
    expect(verification.appeared).toEqual([]);
  });

  it('leaves a stack still tagged to the result of its own deletion', () => {
    expect(verify(inventory, [stillThere(envStack.id)], new Map(), 'now').remaining).toEqual([]);
  });

  it('reports nothing when everything to delete is gone', () => {
    expect(verify(inventory, [], new Map(), '2025-11-25T10:30:00.000Z')).toEqual({
      version: 1,
      checkedAt: '2025-11-25T10:30:00.000Z',
      remaining: [],
      appeared: [],
      standalone: [],
    });
  });

  it('produces a verification that matches its schema', () => {
    const newcomer = taggedResource(arns.queue('api-prod-retries'), protonTags());
    const verification = verify(inventory, [stillThere(bucket.id), newcomer], eventsOf(envStack.id, deletionEvent('ArtifactsBucket', 'DELETE_SKIPPED')), 'now');
    expect(() => VerificationSchema.parse(verification)).not.toThrow();
  });
});

describe('stand-alone resources, however many', () => {
  const buckets = Array.from({ length: 1_000 }, (_, i) => retainedEntry(`arn:aws:s3:::standalone-${i}`, { type: 's3:bucket', action: 'delete-resource' }));
  const verification = verify(
    inventoryOf(...buckets),
    buckets.map((b) => taggedResource(b.id, protonTags())),
    new Map(),
    'now',
    ['s3:bucket'],
  );

  it("hands every one on to this run's deletion, in the inventory's order: none is left for another run", () => {
    expect(verification.standalone.map((s) => s.arn)).toEqual(buckets.map((b) => b.id));
  });
});

describe('stacksToExplain', () => {
  it('returns only the stacks that still have resources, each once', () => {
    expect(stacksToExplain(inventory, [stillThere(bucket.id), stillThere(logs.id)])).toEqual([envStack.id]);
  });

  it('returns every stack with leftovers', () => {
    expect(stacksToExplain(inventory, [stillThere(bucket.id), stillThere(queue.id)]).sort()).toEqual([envStack.id, apiStack.id].sort());
  });

  it('ignores retained resources, stacks and resources that appeared after the inventory', () => {
    const newcomer = taggedResource(arns.queue('api-prod-retries'), { ...protonTags(), 'aws:cloudformation:stack-id': stackIdOf('AWSProton-new--X') });
    expect(stacksToExplain(inventory, [stillThere(parameter.id), stillThere(envStack.id), newcomer])).toEqual([]);
  });
});
