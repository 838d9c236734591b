import { describe, expect, it } from 'vitest';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { CONNECTION_ID, eventBridgeEvent, scenario } from '../helpers/scenarios.js';
import { deletingCalls, reportOf, run } from '../helpers/workflow.js';

/** Each case: the raw trigger, and the field its error must name. */
const cases: [string, unknown, RegExp][] = [
  ['a connection id that is not a UUID', { connectionId: 'conn-1', mode: 'execute' }, /connectionId: expected a UUID/],
  ['a missing connection id', { mode: 'execute' }, /connectionId/],
  ['an unknown mode', { connectionId: CONNECTION_ID, mode: 'destroy' }, /mode: expected "plan" or "execute"/],
  ['an unknown field', { connectionId: CONNECTION_ID, mode: 'execute', force: true }, /unknown field\(s\) "force"/],
  ['a malformed environment', { connectionId: CONNECTION_ID, environment: { name: 'x', managementAccountId: '12' } }, /environment\.managementAccountId/],
  ['an array', [CONNECTION_ID], /input: expected a JSON object/],
  ['a string', 'please delete', /input: expected a JSON object/],
  [
    'a custom event with a bad detail',
    eventBridgeEvent('proton-connection-cleanup', 'Proton Connection Decommission Requested', { connectionId: 42 }),
    /detail\.connectionId/,
  ],
  ['an event from an unexpected source', eventBridgeEvent('aws.ec2', 'EC2 Instance State-change Notification', {}), /source "aws\.ec2".*expected source/],
];

describe('a malformed trigger', () => {
  it.each(cases)('fails at ResolveRequest with InvalidRequest naming the problem: %s', async (_what, input, problem) => {
    const result = await run(scenario(), input);

    expect(result.status).toBe('failed');
    expect(result.error?.name).toBe('InvalidRequest');
    expect(reportOf(result).failure?.message).toMatch(problem);
  });

  it('deletes nothing and touches no resource', async () => {
    const result = await run(scenario(), { connectionId: 'not-a-uuid', mode: 'execute' });

    expect(deletingCalls(result)).toEqual([]);
    expect([...new Set(result.sandbox.calls.map((c) => c.operation))].sort()).toEqual(['GetObject', 'Publish', 'PutEvents', 'PutObject']);
    // S3 writes: the report and Notify's at-most-once markers, nothing else.
    const written = result.sandbox.calls.filter((c) => c.operation === 'PutObject').map((c) => String((c.input as { Key?: unknown }).Key));
    expect(written.every((key) => key.startsWith('reports/') || key.startsWith('notifications/'))).toBe(true);
  });

  it('is reported and notified as a failed run', async () => {
    const result = await run(scenario(), { connectionId: CONNECTION_ID, mode: 'destroy' });
    const report = reportOf(result);

    expect(report).toMatchObject({ status: 'failed', request: null, summary: { total: 0 } });
    expect(result.sandbox.account.events.map((e) => e.detailType)).toEqual([COMPLETION_DETAIL_TYPE.failed]);
  });
});

describe('a Proton connection status event', () => {
  it('decommissions a REJECTED connection in the default mode', async () => {
    const event = eventBridgeEvent('aws.proton', 'AWS Proton Environment Account Connection Status Change', {
      id: CONNECTION_ID,
      status: 'REJECTED',
      previousStatus: 'PENDING',
    });
    const result = await run(scenario(), event);

    expect(reportOf(result).request).toMatchObject({ connectionId: CONNECTION_ID, mode: 'plan', trigger: { type: 'event' } });
  });
});
