import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SweepSection } from '../../functions/domain/report.js';
import type { CleanupRequest } from '../../functions/domain/request.js';
import { handler } from '../../functions/start-sweep.js';
import { clockAt } from '../helpers/clock.js';
import {
  ACCOUNT_ID,
  cleanupRequest,
  connectionIdOf,
  connectionSummary,
  givenConnections as givenProtonConnections,
  MANAGEMENT_ACCOUNT_ID,
  mockedClients,
  networkError,
  STATE_MACHINE_ARN,
  sfnError,
  tagMapping,
  writtenObject,
} from '../helpers/sdk-fixtures.js';

const [tagging, proton, sfn, ssm, s3] = mockedClients(ResourceGroupsTaggingAPIClient, ProtonClient, SFNClient, SSMClient, S3Client);

const SWEEP_EXECUTION = 'sweep-run-1';
const envArn = (name: string, account = MANAGEMENT_ACCOUNT_ID) => `arn:aws:proton:us-east-1:${account}:environment/${name}`;
const PATH = '/proton-cleanup/decommission';

/** What this account holds, tagged proton:environment: prod (2 resources) and dev (1), both of the management account. */
function givenTaggedEnvironments(counts: Record<string, number> = { [envArn('prod')]: 2, [envArn('dev')]: 1 }): void {
  const mappings = Object.entries(counts).flatMap(([arn, n]) =>
    Array.from({ length: n }, (_, i) => tagMapping(`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:${arn.split('/')[1]}-${i}`, { 'proton:environment': arn })),
  );
  tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: mappings, PaginationToken: '' });
}

/** The account's connections, as Proton lists them. */
const givenConnections = (...summaries: ReturnType<typeof connectionSummary>[]) => givenProtonConnections(proton, ...summaries);

clockAt('2026-11-25T06:00:00Z');

beforeEach(() => {
  givenTaggedEnvironments();
  givenConnections();
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
  s3.on(PutObjectCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { name?: string }) => ({
    executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date(),
  }));
});

const sweepRequest = (overrides: Partial<CleanupRequest> = {}) => cleanupRequest({ connectionId: undefined, sweep: true, mode: 'execute', ...overrides });
/** Runs the sweep; its sections, as stored for the report (one per environment, by reference, never in the state). */
async function startSweep(request = sweepRequest(), executionName = SWEEP_EXECUTION): Promise<SweepSection[]> {
  await handler({ request, stateMachineArn: STATE_MACHINE_ARN, executionName });
  return (writtenObject(s3, `executions/${executionName}/sweep.json`) as { environments: SweepSection[] }).environments;
}
const sectionFor = (sections: SweepSection[], name: string) => sections.find((s) => s.environmentName === name);
const started = () =>
  sfn.commandCalls(StartExecutionCommand).map((c) => ({ name: c.args[0].input.name ?? '', input: JSON.parse(c.args[0].input.input ?? 'null') }));

describe('StartSweep handler', () => {
  describe("with Proton available: Proton's own list decides", () => {
    it('lists every environment found, with how many resources are tagged for it', async () => {
      const sections = await startSweep();
      expect(sections.map((s) => [s.environmentName, s.managementAccountId, s.environmentArn, s.resources])).toEqual([
        ['dev', MANAGEMENT_ACCOUNT_ID, envArn('dev'), 1],
        ['prod', MANAGEMENT_ACCOUNT_ID, envArn('prod'), 2],
      ]);
    });

    it("starts a cleanup of each environment no connection of this account serves, with the request's mode and options", async () => {
      await startSweep();
      expect(started().map((s) => s.input)).toEqual([
        expect.objectContaining({ environment: { name: 'dev', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'execute', protonApi: 'available' }),
        expect.objectContaining({ environment: { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'execute', protonApi: 'available' }),
      ]);
    });

    it.each(['CONNECTED', 'PENDING'] as const)('skips an environment a %s connection serves, saying which', async (status) => {
      const serving = connectionIdOf(7);
      givenConnections(connectionSummary(serving, { environmentName: 'prod', status }));
      const sections = await startSweep();
      expect(sectionFor(sections, 'prod')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining(`${serving} (${status})`) });
      expect(started().map((s) => s.input.environment.name)).toEqual(['dev']);
    });

    it('cleans up an environment whose only connection is REJECTED: it serves nothing', async () => {
      givenConnections(connectionSummary(connectionIdOf(7), { environmentName: 'prod', status: 'REJECTED' }));
      const sections = await startSweep();
      expect(sectionFor(sections, 'prod')).toMatchObject({ outcome: 'started' });
    });

    it('never takes an environment managed from this very account for an orphan', async () => {
      givenTaggedEnvironments({ [envArn('internal', ACCOUNT_ID)]: 3 });
      const sections = await startSweep();
      expect(sections).toEqual([
        expect.objectContaining({ environmentName: 'internal', outcome: 'skipped', reason: expect.stringContaining('this very account') }),
      ]);
      expect(started()).toEqual([]);
    });

    it('fails, starting nothing, when Proton cannot list the connections: silence is never taken for orphanhood', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ECONNRESET'));
      await expect(startSweep()).rejects.toMatchObject({ name: 'NetworkError' });
      expect(started()).toEqual([]);
    });

    it('with "environments", starts only those, and says why the others were skipped', async () => {
      const sections = await startSweep(sweepRequest({ environments: [{ name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }] }));
      expect(sectionFor(sections, 'prod')).toMatchObject({ outcome: 'started' });
      expect(sectionFor(sections, 'dev')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('"environments"') });
    });

    it('lists a named environment with nothing tagged for it here as skipped, saying so', async () => {
      const sections = await startSweep(sweepRequest({ environments: [{ name: 'gone', managementAccountId: MANAGEMENT_ACCOUNT_ID }] }));
      expect(sectionFor(sections, 'gone')).toMatchObject({
        outcome: 'skipped',
        resources: 0,
        reason: expect.stringContaining('nothing in this account is tagged'),
      });
    });
  });

  describe('naming the children', () => {
    it("records each child's execution and where it writes its report", async () => {
      const sections = await startSweep();
      const [first] = started();
      expect(sectionFor(sections, 'dev')).toMatchObject({ outcome: 'started', execution: first?.name, report: `reports/${first?.name}.json` });
    });

    it('names a child after its mode and environment, in at most 80 characters of [A-Za-z0-9-_]', async () => {
      await startSweep();
      for (const { name, input } of started()) {
        expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
        expect(name).toContain('-execute-');
        expect(name).toContain(input.environment.name);
      }
    });

    it('gives the children of the same sweep execution (retried or redelivered) the same names', async () => {
      await startSweep();
      await startSweep();
      const names = started().map((s) => s.name);
      expect(names.slice(2)).toEqual(names.slice(0, 2));
    });

    it('gives the children of two distinct sweeps, or of a plan and an execute, different names', async () => {
      await startSweep(sweepRequest({ mode: 'plan' }), SWEEP_EXECUTION);
      await startSweep(sweepRequest({ mode: 'execute' }), SWEEP_EXECUTION);
      await startSweep(sweepRequest({ mode: 'execute' }), 'sweep-run-2');
      expect(new Set(started().map((s) => s.name)).size).toBe(6);
    });

    it('reports a child already started with the same input as already-started', async () => {
      await startSweep();
      const [first] = started();
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists(first?.name ?? ''));
      sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(first?.input) });
      const sections = await startSweep();
      expect(sectionFor(sections, 'dev')).toMatchObject({ outcome: 'already-started', execution: first?.name });
    });

    it('reports a child whose name is taken by a different request as failed-to-start, never as started', async () => {
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists('x'));
      sfn
        .on(DescribeExecutionCommand)
        .resolves({ input: JSON.stringify({ environment: { name: 'other', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'plan' }) });
      const sections = await startSweep();
      expect(sections.map((s) => s.outcome)).toEqual(['failed-to-start', 'failed-to-start']);
      expect(sectionFor(sections, 'dev')?.error).toContain('ExecutionNameTaken');
    });
  });

  describe('with protonApi=retired: only named environments, or those whose decommission date has come', () => {
    const retired = (overrides: Partial<CleanupRequest> = {}) => sweepRequest({ protonApi: 'retired', ...overrides });
    const dateFor = (name: string, value: string) => ({ Name: `${PATH}/${MANAGEMENT_ACCOUNT_ID}/${name}`, Value: value, Type: 'String' as const });

    it('asks Proton nothing, and starts nothing for an environment neither named nor due, saying how to ask for it', async () => {
      const sections = await startSweep(retired());
      expect(proton.calls()).toEqual([]);
      expect(started()).toEqual([]);
      expect(sections.map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
      expect(sectionFor(sections, 'prod')?.reason).toContain('"environments"');
    });

    it('starts the environments the request names, with inputs that leave protonApi to the deployment', async () => {
      const sections = await startSweep(retired({ environments: [{ name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }] }));
      expect(sectionFor(sections, 'prod')).toMatchObject({ outcome: 'started' });
      expect(started().map((s) => s.input)).toEqual([
        { environment: { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID }, mode: 'execute', ...cleanupRequest().options, sweptBy: SWEEP_EXECUTION },
      ]);
    });

    it('reads the decommission dates under DECOMMISSION_PARAMETER_PATH, and starts an environment whose date has come', async () => {
      ssm.on(GetParametersByPathCommand).resolves({ Parameters: [dateFor('dev', '2026-11-25')] });
      const sections = await startSweep(retired());
      expect(ssm.commandCalls(GetParametersByPathCommand)[0]?.args[0].input).toMatchObject({ Path: PATH, Recursive: true });
      expect(sectionFor(sections, 'dev')).toMatchObject({ outcome: 'started', reason: expect.stringContaining('2026-11-25') });
      expect(sectionFor(sections, 'prod')).toMatchObject({ outcome: 'skipped' });
    });

    it('skips an environment whose date is still to come', async () => {
      ssm.on(GetParametersByPathCommand).resolves({ Parameters: [dateFor('dev', '2026-11-26')] });
      expect(sectionFor(await startSweep(retired()), 'dev')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('not come yet') });
    });

    it('skips an environment whose date is malformed, saying so: never a reason to delete', async () => {
      ssm.on(GetParametersByPathCommand).resolves({ Parameters: [dateFor('dev', 'next week')] });
      expect(sectionFor(await startSweep(retired()), 'dev')).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('malformed') });
      expect(started()).toEqual([]);
    });
  });
});

describe('StartSweep state output', () => {
  it('carries only a reference to the sections and counts, whatever the number of environments', async () => {
    givenTaggedEnvironments(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [envArn(`env-${i}`), 1])));
    const result = await handler({ request: sweepRequest({ mode: 'plan' }), stateMachineArn: STATE_MACHINE_ARN, executionName: SWEEP_EXECUTION });

    expect(result.counts).toEqual({ environments: 500, started: 500, skipped: 0, failedToStart: 0 });
    expect(JSON.stringify(result).length).toBeLessThan(1_000);
  });
});
