import { describe, expect, it } from 'vitest';
import { buildReport, errorMessage, type Report, type ReportEntry, type ReportInput, ReportSchema, summarize } from '../../functions/domain/report.js';
import {
  arns,
  cleanupRequest,
  connectionFacts,
  inventoryOf,
  lambdaError,
  reportEntry,
  reportInput,
  retainedEntry,
  sampleEntries,
  stackEntry,
  stackResult,
  verificationOf,
} from '../helpers/domain-fixtures.js';

const { envStack, apiStack, bucket, queue, parameter } = sampleEntries();
const role = retainedEntry(arns.role('ProtonEnvironmentRole-payments'), { type: 'iam:role', owner: { kind: 'connection' }, reason: 'connection role: kept' });
const inventory = inventoryOf(envStack, apiStack, bucket, queue, parameter, role);
const appearedQueue = retainedEntry(arns.queue('api-prod-retries'), { owner: { kind: 'unproven' }, reason: 'appeared after the inventory was taken' });

function entry(report: Report, id: string): ReportEntry {
  const found = report.resources.filter((r) => r.id === id);
  expect(found, `entries for ${id}`).toHaveLength(1);
  return found[0]!;
}

/** A plan run: the workflow stops after the inventory. */
const planRun = (): ReportInput => reportInput({ request: cleanupRequest({ mode: 'plan' }), inventory });

/** An execute run that got all the way through. */
function executeRun(overrides: Partial<ReportInput> = {}): ReportInput {
  return reportInput({
    request: cleanupRequest({ mode: 'execute' }),
    inventory,
    deletion: { outcome: 'deleted', attempts: 2 },
    stackResults: [stackResult(envStack, 'deleted', { polls: 3 }), stackResult(apiStack, 'deleted', { polls: 1 })],
    verification: verificationOf(),
    ...overrides,
  });
}

/** The failure path after the inventory, before any stack was touched. */
const failedBeforeCleanup = (failure = lambdaError('ThrottlingException', 'Rate exceeded')): ReportInput =>
  reportInput({ request: cleanupRequest({ mode: 'execute' }), inventory, failure });

describe('errorMessage', () => {
  it('unwraps the errorMessage of a Lambda error cause', () => {
    expect(errorMessage(lambdaError('ConnectionNotFound', 'Environment account connection x was not found'))).toBe(
      'Environment account connection x was not found',
    );
  });

  it('keeps a plain-text cause as it is', () => {
    expect(errorMessage({ Error: 'States.Timeout', Cause: 'The task timed out after 300 seconds' })).toBe('The task timed out after 300 seconds');
  });

  it('keeps a JSON cause without an errorMessage as it is', () => {
    expect(errorMessage({ Error: 'States.Runtime', Cause: '{"reason":"bad path"}' })).toBe('{"reason":"bad path"}');
  });

  it('falls back to the error name when there is no cause', () => {
    expect(errorMessage({ Error: 'States.TaskFailed' })).toBe('States.TaskFailed');
  });
});

describe('summarize', () => {
  it('counts the entries by outcome', () => {
    const entries = [
      reportEntry('a', 'deleted'),
      reportEntry('b', 'deleted'),
      reportEntry('c', 'already-absent'),
      reportEntry('d', 'retained'),
      reportEntry('e', 'failed'),
      reportEntry('f', 'planned'),
    ];
    expect(summarize(entries)).toEqual({ total: 6, deleted: 2, alreadyAbsent: 1, retained: 1, failed: 1, planned: 1 });
  });

  it('counts nothing in an empty report', () => {
    expect(summarize([])).toEqual({ total: 0, deleted: 0, alreadyAbsent: 0, retained: 0, failed: 0, planned: 0 });
  });
});

describe('buildReport', () => {
  describe('in every mode', () => {
    const runs: [string, () => ReportInput][] = [
      ['plan', planRun],
      [
        'execute',
        () =>
          executeRun({
            verification: verificationOf(
              [{ id: bucket.id, outcome: 'retained', cause: 'deletion-policy', reason: 'kept by its DeletionPolicy' }],
              [appearedQueue],
            ),
          }),
      ],
      [
        'execute with failed stacks',
        () => executeRun({ stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED' })], verification: undefined }),
      ],
      ['failure before cleanup', () => failedBeforeCleanup()],
      [
        'invalid request',
        () => reportInput({ request: undefined, failure: lambdaError('InvalidRequest', 'Invalid request: mode: expected "plan" or "execute"') }),
      ],
    ];

    it.each(runs)('counts in its summary each outcome as often as the entries carry it (%s)', (_, run) => {
      const { summary, resources } = buildReport(run());
      const counted = (outcome: string) => resources.filter((r) => r.outcome === outcome).length;
      expect(summary).toEqual({
        total: resources.length,
        deleted: counted('deleted'),
        alreadyAbsent: counted('already-absent'),
        retained: counted('retained'),
        failed: counted('failed'),
        planned: counted('planned'),
      });
    });

    it.each(runs)('lists every inventoried resource exactly once (%s)', (_, run) => {
      const input = run();
      const expected = [...(input.inventory?.resources ?? []), ...(input.verification?.appeared ?? [])].map((r) => r.id);
      expect(
        buildReport(input)
          .resources.map((r) => r.id)
          .sort(),
      ).toEqual(expected.sort());
    });

    it.each(runs)('validates against the report schema (%s)', (_, run) => {
      expect(() => ReportSchema.parse(buildReport(run()))).not.toThrow();
    });
  });

  describe('plan mode', () => {
    it('plans the deletion of stacks and of the resources that go with them', () => {
      const report = buildReport(planRun());
      for (const planned of [envStack, apiStack, bucket, queue]) {
        expect(entry(report, planned.id)).toMatchObject({ plannedAction: planned.action, outcome: 'planned' });
      }
    });

    it('keeps retained resources retained, with their reason', () => {
      expect(entry(buildReport(planRun()), role.id)).toMatchObject({ plannedAction: 'retain', outcome: 'retained', reason: role.reason });
    });

    it('plans the connection deletion', () => {
      expect(buildReport(planRun()).connection).toMatchObject({ id: inventory.connection.id, outcome: 'planned' });
    });

    it('succeeds, in plan mode, with the request', () => {
      expect(buildReport(planRun())).toMatchObject({ status: 'succeeded', mode: 'plan', request: cleanupRequest({ mode: 'plan' }) });
    });
  });

  describe('execute mode: stacks', () => {
    it('reports a deleted stack deleted, with its polls', () => {
      expect(entry(buildReport(executeRun()), envStack.id)).toMatchObject({ outcome: 'deleted', polls: 3 });
    });

    it('reports a stack gone before its deletion already absent, with the reason', () => {
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'already-absent', { reason: 'the stack no longer exists' })] }));
      expect(entry(report, envStack.id)).toMatchObject({ outcome: 'already-absent', reason: 'the stack no longer exists' });
    });

    it('reports a stack retained at deletion time retained, with the reason', () => {
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'retained', { reason: 'termination protection is on' })] }));
      expect(entry(report, envStack.id)).toMatchObject({ outcome: 'retained', reason: 'termination protection is on' });
    });

    it('reports a failed stack deletion failed, with the reason and the failing resources', () => {
      const failedResources = [{ logicalId: 'ArtifactsBucket', reason: 'The bucket you tried to delete is not empty' }];
      const report = buildReport(
        executeRun({ stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED: ArtifactsBucket', failedResources, polls: 4 })] }),
      );
      expect(entry(report, envStack.id)).toMatchObject({ outcome: 'failed', error: 'DELETE_FAILED: ArtifactsBucket', failedResources, polls: 4 });
    });

    it("reports a stack whose task failed with the caught error, unwrapping Lambda's message", () => {
      const error = lambdaError('AccessDenied', 'not authorized to perform: cloudformation:DeleteStack');
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'failed', { error })] }));
      expect(entry(report, envStack.id)).toMatchObject({ outcome: 'failed', error: 'AccessDenied: not authorized to perform: cloudformation:DeleteStack' });
    });

    it('reports a stack whose deletion never finished failed', () => {
      expect(entry(buildReport(executeRun({ stackResults: [stackResult(envStack, 'deleting')] })), envStack.id).outcome).toBe('failed');
    });

    it("gives a failed stack the next step its failing resources call for, under the request's options", () => {
      const failedResources = [{ logicalId: 'ArtifactsBucket', physicalId: 'payments-prod-artifacts', reason: 'The bucket you tried to delete is not empty' }];
      const stuck = { stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED', failedResources })] };
      expect(entry(buildReport(executeRun(stuck)), envStack.id).nextStep).toContain('re-run with retainFailedResources to keep bucket payments-prod-artifacts');
      const withRetain = executeRun({
        ...stuck,
        request: cleanupRequest({ options: { retainFailedResources: true, deleteTypes: [], deleteConnectionRoles: false } }),
      });
      expect(entry(buildReport(withRetain), envStack.id).nextStep).not.toContain('re-run with retainFailedResources');
    });

    it('gives every failed or retained entry a next step, and no other', () => {
      const report = buildReport(
        executeRun({ stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED' }), stackResult(apiStack, 'deleted')] }),
      );
      for (const e of report.resources) expect(e.nextStep !== undefined, `${e.id} (${e.outcome})`).toBe(e.outcome === 'failed' || e.outcome === 'retained');
    });

    it("reports when a stack's deletion started and ended", () => {
      const times = { deletionStartedAt: '2025-11-25T10:01:00.000Z', deletionEndedAt: '2025-11-25T10:09:00.000Z' };
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'deleted', times)] }));
      expect(entry(report, envStack.id)).toMatchObject(times);
    });

    it('does not report the inventory reason of a stack as the reason for a failure', () => {
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED' })] }));
      expect(entry(report, envStack.id).reason).toBeUndefined();
    });
  });

  describe('execute mode: resources in stacks', () => {
    it('reports the resources of a deleted stack deleted', () => {
      expect(entry(buildReport(executeRun()), bucket.id)).toMatchObject({ plannedAction: 'delete-with-stack', outcome: 'deleted' });
    });

    it('reports a resource that verification found kept retained, with its reason', () => {
      const report = buildReport(
        executeRun({
          verification: verificationOf([{ id: bucket.id, outcome: 'retained', cause: 'deletion-policy', reason: 'kept by its DeletionPolicy (Retain)' }]),
        }),
      );
      expect(entry(report, bucket.id)).toMatchObject({ outcome: 'retained', reason: 'kept by its DeletionPolicy (Retain)' });
      expect(entry(report, queue.id).outcome).toBe('deleted');
    });

    it('reports a resource that verification found undeletable failed, with the error', () => {
      const report = buildReport(
        executeRun({
          verification: verificationOf([{ id: bucket.id, outcome: 'failed', cause: 'delete-failed', reason: 'CloudFormation could not delete it: not empty' }]),
        }),
      );
      expect(entry(report, bucket.id)).toMatchObject({ outcome: 'failed', error: 'CloudFormation could not delete it: not empty' });
    });

    it("explains a resource left in a stack that failed to delete by the stack's failure", () => {
      const report = buildReport(
        executeRun({
          stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED: Export x is in use' }), stackResult(apiStack, 'deleted')],
          verification: verificationOf([{ id: bucket.id, outcome: 'retained', cause: 'still-present', reason: 'still present' }]),
        }),
      );
      expect(entry(report, bucket.id)).toMatchObject({ outcome: 'retained', reason: 'its stack was not deleted: DELETE_FAILED: Export x is in use' });
    });

    it('reports the resources of a stack already gone already absent', () => {
      const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'already-absent'), stackResult(apiStack, 'deleted')] }));
      expect(entry(report, bucket.id).outcome).toBe('already-absent');
    });

    it('reports a resource of a failed stack that verification no longer found deleted', () => {
      const report = buildReport(
        executeRun({ stackResults: [stackResult(envStack, 'failed', { reason: 'DELETE_FAILED' }), stackResult(apiStack, 'deleted')] }),
      );
      expect(entry(report, bucket.id).outcome).toBe('deleted');
    });

    it('reports the resources of a stack that was not deleted retained when nothing verified them, with the reason', () => {
      const report = buildReport(
        executeRun({ stackResults: [stackResult(envStack, 'retained', { reason: 'termination protection is on' })], verification: undefined }),
      );
      expect(entry(report, bucket.id)).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('termination protection is on') });
    });

    it('keeps retained resources retained with their inventory reason', () => {
      expect(entry(buildReport(executeRun()), parameter.id)).toMatchObject({ outcome: 'retained', reason: parameter.reason });
    });
  });

  describe('execute mode: the connection and what appeared', () => {
    it('reports the connection deleted, with the attempts it took', () => {
      expect(buildReport(executeRun()).connection).toEqual({
        id: connectionFacts().id,
        arn: connectionFacts().arn,
        environmentName: connectionFacts().environmentName,
        environmentArn: connectionFacts().environmentArn,
        outcome: 'deleted',
        attempts: 2,
      });
    });

    it('reports a connection already gone already absent', () => {
      expect(buildReport(executeRun({ deletion: { outcome: 'already-absent', attempts: 1 } })).connection.outcome).toBe('already-absent');
    });

    it('adds the resources that appeared after the inventory once, retained', () => {
      const report = buildReport(executeRun({ verification: verificationOf([], [appearedQueue]) }));
      expect(entry(report, appearedQueue.id)).toMatchObject({ owner: { kind: 'unproven' }, plannedAction: 'retain', outcome: 'retained' });
      expect(report.summary.total).toBe(inventory.resources.length + 1);
    });

    it('says why the stand-alone deletions stopped when the environment was served again during them', () => {
      const served = 'stopped: connection 1234 serves this environment again';
      expect(buildReport(executeRun({ standaloneHeldBack: served })).heldBack).toBe(served);
    });

    it('succeeds without a failure section when nothing failed the run', () => {
      const report = buildReport(executeRun());
      expect(report.status).toBe('succeeded');
      expect(report.failure).toBeUndefined();
    });
  });

  describe('failure path', () => {
    it('retains what the run did not get to, saying it was not processed and why', () => {
      const report = buildReport(failedBeforeCleanup(lambdaError('ThrottlingException', 'Rate exceeded')));
      for (const untouched of [envStack, apiStack, bucket, queue]) {
        expect(entry(report, untouched.id)).toMatchObject({
          outcome: 'retained',
          reason: 'not processed: the run failed first (ThrottlingException: Rate exceeded)',
        });
      }
    });

    it('does not attempt the connection deletion', () => {
      expect(buildReport(failedBeforeCleanup()).connection).toMatchObject({ outcome: 'not-attempted', reason: expect.stringContaining('failed') });
    });

    it('fails the report with a failure section naming the error and its unwrapped message', () => {
      const report = buildReport(failedBeforeCleanup(lambdaError('ThrottlingException', 'Rate exceeded')));
      expect(report.status).toBe('failed');
      expect(report.failure).toEqual({ error: 'ThrottlingException', message: 'Rate exceeded' });
    });

    it('keeps a plain-text cause in the failure section', () => {
      const report = buildReport(failedBeforeCleanup({ Error: 'States.Timeout', Cause: 'The task timed out' }));
      expect(report.failure).toEqual({ error: 'States.Timeout', message: 'The task timed out' });
    });

    it('reports a failed connection deletion failed, with the error', () => {
      const caught = lambdaError('ConflictException', 'a deployment is in progress');
      const report = buildReport(reportInput({ request: cleanupRequest({ mode: 'execute' }), inventory, deletion: caught, failure: caught }));
      expect(report.connection).toMatchObject({ outcome: 'failed', error: 'ConflictException: a deployment is in progress' });
      expect(report.status).toBe('failed');
    });

    it('gives a failed connection deletion a next step', () => {
      const caught = lambdaError('ConflictException', 'a deployment is in progress');
      const report = buildReport(reportInput({ request: cleanupRequest({ mode: 'execute' }), inventory, deletion: caught, failure: caught }));
      expect(report.connection.nextStep).toMatch(/^Proton is still changing the connection/);
    });

    it('does not call the connection planned when a plan run failed', () => {
      const report = buildReport({ ...planRun(), failure: { Error: 'States.Runtime', Cause: 'boom' } });
      expect(report.connection.outcome).toBe('not-attempted');
    });

    it('reports a rejected request with no request, no mode and no resources', () => {
      const report = buildReport(reportInput({ request: undefined, failure: lambdaError('InvalidRequest', 'Invalid request: connectionId: expected a UUID') }));
      expect(report).toMatchObject({ status: 'failed', request: null, resources: [], connection: { outcome: 'not-attempted' } });
      expect(report.mode).toBeUndefined();
      expect(report.summary.total).toBe(0);
    });
  });
});

describe('buildReport, for what a retaining deletion kept', () => {
  it('lists a kept nested stack once: it is already in the inventory', () => {
    const nestedStack = {
      ...stackEntry('AWSProton-payments-prod-cloudformation--KQXVBRWH-Network-1'),
      action: 'delete-with-stack' as const,
      stackId: envStack.id,
    };
    const kept = [{ logicalId: 'Network', physicalId: nestedStack.id, reason: 'DELETE_FAILED' }];
    const report = buildReport(
      executeRun({
        inventory: inventoryOf(envStack, apiStack, nestedStack),
        stackResults: [stackResult(envStack, 'deleted', { retainedResources: kept }), stackResult(apiStack, 'deleted')],
      }),
    );

    expect(report.resources.filter((r) => r.id === nestedStack.id)).toHaveLength(1);
    expect(report.summary.total).toBe(3);
  });

  it('adds a kept resource the inventory never saw (untagged), retained, with its physical ID', () => {
    const kept = [{ logicalId: 'Untagged', physicalId: 'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-1', type: 'AWS::EC2::Subnet', reason: 'in use' }];
    const report = buildReport(executeRun({ stackResults: [stackResult(envStack, 'deleted', { retainedResources: kept }), stackResult(apiStack, 'deleted')] }));

    expect(report.resources.find((r) => r.id === kept[0]!.physicalId)).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/RetainResources/) });
  });
});

describe('who asked', () => {
  it('is the requester the request names', () => {
    const caller = 'arn:aws:sts::111122223333:assumed-role/platform/alice';
    expect(buildReport(reportInput({ request: cleanupRequest({ requestedBy: caller }) })).requestedBy).toBe(caller);
  });

  it('is "console" for a manual start that names no requester', () => {
    expect(buildReport(reportInput({ request: cleanupRequest({ trigger: { type: 'console' } }) })).requestedBy).toBe('console');
  });

  it('is the event source for an EventBridge trigger', () => {
    const trigger = { type: 'event' as const, source: 'aws.proton', detailType: 'AWS Proton Environment Status Change', eventId: 'e-1' };
    expect(buildReport(reportInput({ request: cleanupRequest({ trigger }) })).requestedBy).toBe('event aws.proton');
  });
});

describe('notes for the operator', () => {
  const byEnvironment = cleanupRequest({ connectionId: undefined, environment: { name: 'paymnets-prod', managementAccountId: '444455556666' } });

  it('says when nothing is tagged for the environment the request names (a likely typo)', () => {
    const report = buildReport(reportInput({ request: byEnvironment, inventory: inventoryOf() }));
    expect(report.notes).toEqual([
      expect.stringMatching(/^nothing in this account is tagged for environment paymnets-prod of management account 444455556666/),
    ]);
  });

  it('says when deleteConnectionRoles could delete nothing, knowing no role', () => {
    const options = { retainFailedResources: false, deleteTypes: [], deleteConnectionRoles: true };
    const inventory = { ...inventoryOf(), connection: connectionFacts({ roleArns: [] }) };
    const report = buildReport(reportInput({ request: cleanupRequest({ options }), connection: connectionFacts({ roleArns: [] }), inventory }));
    expect(report.notes).toEqual([expect.stringContaining('deleteConnectionRoles: this run knows no role of the connection')]);
  });

  it('has no notes for a run that found what it was asked about', () => {
    expect(buildReport(reportInput()).notes).toBeUndefined();
  });
});

describe('notes for the operator, when only unproven stacks were found', () => {
  it('still says nothing is tagged for the environment named (unproven AWSProton- stacks are examined for every one)', () => {
    const request = cleanupRequest({ connectionId: undefined, environment: { name: 'paymnets-prod', managementAccountId: '444455556666' } });
    const unproven = stackEntry('AWSProton-legacy-env-cloudformation--ZXCV', 'environment', {
      owner: { kind: 'unproven' },
      action: 'retain',
      reason: 'ownership not proven',
    });
    expect(buildReport(reportInput({ request, inventory: inventoryOf(unproven) })).notes?.[0]).toMatch(
      /^nothing in this account is tagged for environment paymnets-prod/,
    );
  });
});
