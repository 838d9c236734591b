import { describe, expect, it } from 'vitest';
import {
  endStandaloneWithoutFinishing,
  nextBatchAt,
  type StandaloneItem,
  type StandaloneProgress,
  standaloneResults,
  startStandaloneProgress,
} from '../../functions/domain/standalone-deletion.js';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');
const bucket = (name: string, overrides: Partial<StandaloneItem> = {}): StandaloneItem => ({
  arn: `arn:aws:s3:::${name}`,
  type: 's3:bucket',
  writtenBefore: '2026-11-25T09:00:00.000Z',
  outcome: 'pending',
  calls: 0,
  ...overrides,
});
const progressOf = (...items: StandaloneItem[]): StandaloneProgress => ({ version: 1, batch: 4, items });

describe('the stand-alone progress', () => {
  it('starts with every resource VerifyCleanup handed on pending, in its order', () => {
    const candidates = ['a', 'b'].map((name) => ({ arn: `arn:aws:s3:::${name}`, type: 's3:bucket', writtenBefore: '2026-11-25T09:00:00.000Z' }));
    expect(startStandaloneProgress(candidates).items.map((i) => [i.arn, i.outcome, i.calls])).toEqual([
      ['arn:aws:s3:::a', 'pending', 0],
      ['arn:aws:s3:::b', 'pending', 0],
    ]);
  });

  it('is due again at once when a resource is due now, else when the earliest one is', () => {
    expect(nextBatchAt(progressOf(bucket('a', { outcome: 'in-progress', dueAt: NOW + 5_000 }), bucket('b')), NOW)).toBe(NOW);
    expect(nextBatchAt(progressOf(bucket('a', { outcome: 'in-progress', dueAt: NOW + 5_000 }), bucket('b', { dueAt: NOW + 8_000 })), NOW)).toBe(NOW + 5_000);
  });
});

describe('endStandaloneWithoutFinishing (the history budget is spent)', () => {
  const ended = endStandaloneWithoutFinishing(
    progressOf(
      bucket('never-started'),
      bucket('emptying', { outcome: 'in-progress', calls: 88, dueAt: NOW }),
      bucket('throttled', { transientErrors: 2, lastError: 'ThrottlingException: Rate exceeded', dueAt: NOW }),
      bucket('done', { outcome: 'deleted', calls: 1, reason: 'deleted (deleteTypes lists s3:bucket)' }),
    ),
    88,
  );
  const byName = (name: string) => ended.items.find((i) => i.arn.endsWith(`:::${name}`));

  it('leaves a resource never started, saying a re-run continues', () => {
    expect(byName('never-started')).toMatchObject({
      outcome: 'retained',
      reason: expect.stringMatching(/^not started: .*limit of 88 invocations.*re-run to continue$/),
    });
  });

  it('fails a bucket still being emptied, saying how far it got and that a re-run goes on', () => {
    expect(byName('emptying')).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^still emptying after 88 calls when .*: re-run to go on$/) });
  });

  it('fails a resource whose calls kept failing transiently, with its last error', () => {
    expect(byName('throttled')).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^ThrottlingException: Rate exceeded \(after 2 attempt\(s\)\);/),
    });
  });

  it('keeps what was settled, and drops the bookkeeping of what it settles', () => {
    expect(byName('done')).toEqual(bucket('done', { outcome: 'deleted', calls: 1, reason: 'deleted (deleteTypes lists s3:bucket)' }));
    expect(ended.items.every((i) => i.dueAt === undefined && i.lastError === undefined)).toBe(true);
  });
});

describe('standaloneResults (what the report reads)', () => {
  it('gives each settled resource its outcome, reason and error, without the bookkeeping', () => {
    expect(
      standaloneResults(
        progressOf(bucket('a', { outcome: 'already-absent', calls: 1 }), bucket('b', { outcome: 'failed', calls: 1, error: 'AccessDenied: no' })),
      ),
    ).toEqual([
      { id: 'arn:aws:s3:::a', outcome: 'already-absent' },
      { id: 'arn:aws:s3:::b', outcome: 'failed', error: 'AccessDenied: no' },
    ]);
  });

  it('reports, when the run stopped in the middle, what it was doing as failed, and leaves out what it never tried', () => {
    const results = standaloneResults(
      progressOf(bucket('emptying', { outcome: 'in-progress', calls: 3 }), bucket('called', { deleteCalled: true }), bucket('never-tried')),
    );
    expect(results).toEqual([
      { id: 'arn:aws:s3:::emptying', outcome: 'failed', error: 'still emptying after 3 calls when the run stopped: re-run to go on' },
      { id: 'arn:aws:s3:::called', outcome: 'failed', error: 'its deletion was being made when the run stopped: re-run to go on' },
    ]);
  });
});
