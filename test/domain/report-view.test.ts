import { describe, expect, it } from 'vitest';
import { summarize } from '../../functions/domain/report.js';
import { displayName, formatDuration, timeline, verdictOf } from '../../functions/domain/report-view.js';
import { arns, reportEntry, reportFixture, timedStackEntry } from '../helpers/domain-fixtures.js';

const minutes = (n: number) => Date.parse('2025-11-25T10:00:00.000Z') + n * 60_000;

describe('timeline', () => {
  const report = reportFixture({
    resources: [
      timedStackEntry('api', 'deleted', 1, 6),
      timedStackEntry('web', 'failed', 2, 9),
      timedStackEntry('env', 'retained', undefined, 9, { reason: 'not started: waits for web' }),
      reportEntry(arns.queue('q'), 'deleted'),
    ],
  });

  it('counts the stacks pending, deleting, deleted, and failed or kept at each instant one changed, from the start to the end of the run', () => {
    expect(timeline(report)).toEqual([
      { at: minutes(0), counts: { pending: 3, deleting: 0, deleted: 0, 'failed or kept': 0 } },
      { at: minutes(1), counts: { pending: 2, deleting: 1, deleted: 0, 'failed or kept': 0 } },
      { at: minutes(2), counts: { pending: 1, deleting: 2, deleted: 0, 'failed or kept': 0 } },
      { at: minutes(6), counts: { pending: 1, deleting: 1, deleted: 1, 'failed or kept': 0 } },
      { at: minutes(9), counts: { pending: 0, deleting: 0, deleted: 1, 'failed or kept': 2 } },
      { at: minutes(31), counts: { pending: 0, deleting: 0, deleted: 1, 'failed or kept': 2 } },
    ]);
  });

  it('is empty when no stack has a time: there were no stack deletions', () => {
    expect(timeline(reportFixture({ resources: [timedStackEntry('api', 'retained', undefined, undefined)] }))).toEqual([]);
  });
});

describe('displayName', () => {
  it.each([
    ['AWSProton-x', reportEntry('arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-x/6d1c', 'deleted', { type: 'cloudformation:stack' })],
    ['uploads', reportEntry(arns.bucket('uploads'), 'deleted', { type: 's3:bucket' })],
    ['parameter/payments/db-url', reportEntry(arns.parameter('payments/db-url'), 'deleted', { type: 'ssm:parameter' })],
    ['log-group:/proton/x', reportEntry(arns.logGroup('/proton/x'), 'deleted', { type: 'logs:log-group' })],
  ])('names a resource by what a person recognises: %s', (name, entry) => {
    expect(displayName(entry)).toBe(name);
  });
});

describe('formatDuration', () => {
  it.each([
    [4_400, '4 s'],
    [125_000, '2 min 5 s'],
    [3_780_000, '1 h 3 min'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('verdictOf', () => {
  const withOutcomes = (...outcomes: ('deleted' | 'failed' | 'retained')[]) => {
    const resources = outcomes.map((outcome, i) => reportEntry(arns.queue(`q${i}`), outcome));
    return reportFixture({ resources, summary: summarize(resources) });
  };

  it('is "succeeded" when nothing failed, kept resources included', () => {
    expect(verdictOf(withOutcomes('deleted', 'retained')).text).toBe('succeeded');
  });

  it('says how many failed when the run completed with failures', () => {
    expect(verdictOf(withOutcomes('deleted', 'failed', 'failed'))).toEqual({ kind: 'failures', text: 'completed with 2 failure(s)' });
  });

  it('counts a failed connection deletion as a failure', () => {
    const report = withOutcomes('deleted');
    expect(verdictOf({ ...report, connection: { ...report.connection, outcome: 'failed' } }).text).toBe('completed with 1 failure(s)');
  });

  it('is "failed" when the execution failed', () => {
    expect(verdictOf({ ...withOutcomes(), status: 'failed' }).kind).toBe('failed');
  });
});
