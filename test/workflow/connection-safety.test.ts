import { describe, expect, it } from 'vitest';
import { openSandbox, runWorkflow } from '../../local/run-workflow.js';
import { asFunction } from '../helpers/functions.js';
import {
  CONNECTION_ID,
  componentStack,
  consoleInput,
  ENVIRONMENT,
  environmentDeletedEvent,
  environmentStack,
  MANAGEMENT_ACCOUNT,
  OTHER_CONNECTION_ID,
  OTHER_ENVIRONMENT,
  scenario,
  serviceInstanceStack,
} from '../helpers/scenarios.js';
import { deletingCalls, entryFor, reportOf, run, stackIdOf } from '../helpers/workflow.js';

/**
 * Never delete what a live connection still serves (issue #9), one case per way it went wrong,
 * each on the real ASL and the sandbox. Expected answers come from the rules: an environment a
 * CONNECTED or PENDING connection (other than the decommissioned one) serves is untouchable; a
 * PENDING or REJECTED connection is deleted alone; the proof is re-read right before DeleteStack.
 */
const environment = { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT };
const connectionOf = (id: string, status: 'CONNECTED' | 'PENDING' | 'REJECTED', roleName = `Role-${id.slice(0, 4)}`) => ({
  id,
  environmentName: ENVIRONMENT,
  roleName,
  status,
});
const stackDeletes = (result: Awaited<ReturnType<typeof run>>) => result.sandbox.callsTo('DeleteStack');

describe('1. ownership is per connection: an environment another connection serves is untouchable', () => {
  it('deletes nothing of an environment re-attached through a new connection, when the request names the old one (gone) and the environment', async () => {
    const result = await run(scenario({ connections: [connectionOf(OTHER_CONNECTION_ID, 'CONNECTED')], input: consoleInput('execute', { environment }) }));
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(stackDeletes(result)).toEqual([]);
    expect(report.heldBack).toContain(`still served by connection ${OTHER_CONNECTION_ID} (CONNECTED)`);
    expect(
      report.resources.filter((r) => r.type === 'cloudformation:stack').every((r) => r.outcome === 'retained' && r.reason?.includes(OTHER_CONNECTION_ID)),
    ).toBe(true);
  });

  it.each(['REJECTED', 'PENDING'] as const)('deletes only a %s connection while a CONNECTED one serves its environment', async (status) => {
    const result = await run(scenario({ connections: [connectionOf(CONNECTION_ID, status), connectionOf(OTHER_CONNECTION_ID, 'CONNECTED')] }));

    expect(deletingCalls(result).map((c) => c.operation)).toEqual(['DeleteEnvironmentAccountConnection']);
    expect(result.sandbox.account.connections.has(OTHER_CONNECTION_ID)).toBe(true);
  });

  it.each(['REJECTED', 'PENDING'] as const)('deletes only a %s connection even when nothing else serves its environment', async (status) => {
    const result = await run(scenario({ connections: [connectionOf(CONNECTION_ID, status)] }));
    const report = reportOf(result);

    expect(stackDeletes(result)).toEqual([]);
    expect(report.connection.outcome).toBe('deleted');
    expect(report.heldBack).toContain(`is ${status}`);
  });

  it('keeps a PENDING connection "connection only" on a re-run, once the connection is gone', async () => {
    const first = await run(scenario({ connections: [connectionOf(CONNECTION_ID, 'PENDING')] }));
    const again = await runWorkflow(first.sandbox.scenario, { sandbox: first.sandbox, input: consoleInput('execute') });

    expect(again.sandbox.callsTo('DeleteStack')).toEqual([]);
    expect(reportOf(again).heldBack).toContain('is PENDING');
  });

  it("applies the serving rule to Proton's environment-deleted event too", async () => {
    const result = await run(scenario({ connections: [connectionOf(CONNECTION_ID, 'REJECTED')], input: environmentDeletedEvent() }));

    expect(stackDeletes(result)).toEqual([]);
  });

  it('refuses to guess which connection an environment-deleted event means when the environment has several', async () => {
    const result = await run(
      scenario({ connections: [connectionOf(CONNECTION_ID, 'CONNECTED'), connectionOf(OTHER_CONNECTION_ID, 'PENDING')], input: environmentDeletedEvent() }),
      undefined,
    );

    expect(result.error?.name).toBe('SeveralConnections');
    expect(deletingCalls(result)).toEqual([]);
  });

  it('plans as it executes: a plan that names only the environment says no connection would be deleted', async () => {
    const result = await run(scenario({ input: consoleInput('plan', { connectionId: undefined, environment }) }));

    expect(reportOf(result).connection).toMatchObject({ outcome: 'not-attempted', reason: expect.stringContaining('never deletes a connection') });
  });

  it('never deletes a connection for a request that names only the environment, and deletes nothing while one serves it', async () => {
    const result = await run(scenario({ input: consoleInput('execute', { connectionId: undefined, environment }) }));

    expect(deletingCalls(result)).toEqual([]);
    expect(reportOf(result).connection.outcome).toBe('not-attempted');
  });

  it('stops starting deletions when a connection takes the environment over during the run', async () => {
    // The component imports the service instance's export: the service instance waits for it.
    const stacks = [componentStack('monitoring', { imports: ['api-Url'] }), serviceInstanceStack('api', { exports: ['api-Url'] }), environmentStack()];
    const newcomer = 'c0ffee00-1111-4222-8333-444455556666';
    const created = { at: 30, action: 'create-connection' as const, connection: connectionOf(newcomer, 'PENDING') };
    const result = await run(scenario({ stacks, changes: [created] }));
    const report = reportOf(result);

    expect(stackDeletes(result).map((c) => c.input.StackName)).toEqual([stackIdOf(result, stacks[0]!.name)]);
    expect(entryFor(report, stackIdOf(result, stacks[2]!.name))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(`${newcomer} (PENDING)`),
    });
  });
});

describe("3. the re-check before DeleteStack is the inventory's proof, again", () => {
  it('retains a stack whose resource was re-tagged for another environment after the inventory', async () => {
    const env = environmentStack({
      protonTags: 'resources',
      resources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-retag' },
        { logicalId: 'Logs', type: 'AWS::Logs::LogGroup', name: '/env/logs' },
      ],
    });
    const component = componentStack('monitoring', { deleteSeconds: 60 });
    const retag = {
      at: 20,
      action: 'tag' as const,
      target: { stack: env.name, logicalId: 'Logs' },
      tags: { 'proton:environment': `arn:aws:proton:us-east-1:${MANAGEMENT_ACCOUNT}:environment/${OTHER_ENVIRONMENT}` },
    };
    const result = await run(scenario({ stacks: [component, env], changes: [retag] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('mixed ownership') });
    expect(stackDeletes(result).map((c) => c.input.StackName)).not.toContain(stackIdOf(result, env.name));
  });

  it('never deletes a stack one of whose resources is tagged for another environment (mixed ownership), reporting why', async () => {
    const mixed = serviceInstanceStack('api', {
      protonTags: 'resources',
      resources: [
        { logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'api-ours' },
        { logicalId: 'Shared', type: 'AWS::SQS::Queue', name: 'api-theirs', environment: OTHER_ENVIRONMENT },
      ],
    });
    const result = await run(scenario({ stacks: [mixed] }));

    expect(entryFor(reportOf(result), stackIdOf(result, mixed.name))).toMatchObject({ outcome: 'retained', reason: expect.stringMatching(/^mixed ownership/) });
    expect(stackDeletes(result)).toEqual([]);
  });

  it('retains a stack whose resource was given the protect tag after the inventory', async () => {
    const env = environmentStack();
    const component = componentStack('monitoring', { deleteSeconds: 60 });
    const protect = { at: 20, action: 'tag' as const, target: { stack: env.name, logicalId: 'Vpc' }, tags: { 'proton-cleanup:protect': 'keep' } };
    const result = await run(scenario({ stacks: [component, env], changes: [protect] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({ outcome: 'retained', reason: expect.stringContaining('protect') });
  });
});

describe('4. distinct runs stay distinct', () => {
  it('runs an execute after a plan of the same event: the names carry the mode', async () => {
    const spec = scenario();
    const sandbox = await openSandbox(spec);
    const { handler } = await import('../../functions/start-from-event.js');
    const event = (mode: string) => ({
      ...environmentDeletedEvent(),
      source: 'proton-connection-cleanup',
      'detail-type': 'Proton Connection Decommission Requested',
      detail: consoleInput(mode as 'plan'),
    });
    const plan = await asFunction('startFromEvent', () => handler(event('plan')));
    const execute = await asFunction('startFromEvent', () => handler(event('execute')));

    expect(plan).toMatchObject({ outcome: 'started' });
    expect(execute).toMatchObject({ outcome: 'started' });
    expect(sandbox.account.executions.map((e) => e.name)).toEqual([plan.executionName, execute.executionName]);
  });
});

describe('5. dependents are held back', () => {
  it('never starts the environment stack while a service instance stack that imports from it timed out', async () => {
    const slow = serviceInstanceStack('api', { deleteSeconds: 4 * 3600 });
    const env = environmentStack();
    const result = await run(scenario({ stacks: [slow, env] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(`waits for ${slow.name} (failed: still DELETE_IN_PROGRESS`),
    });
    expect(stackDeletes(result).map((c) => c.input.StackName)).toEqual([stackIdOf(result, slow.name)]);
  });

  it('never starts the environment stack while a component stack is kept by termination protection', async () => {
    const kept = componentStack('monitoring', { terminationProtection: true });
    const env = environmentStack();
    const result = await run(scenario({ stacks: [kept, env] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(`waits for ${kept.name} (retained: termination protection`),
    });
    expect(stackDeletes(result)).toEqual([]);
  });
});

describe('5b. an export is never deleted while a live stack imports it (ListImports), whatever the tags say', () => {
  it("waits for a stack that imports its export though its tags make it look like the environment's own", async () => {
    const env = environmentStack({ exports: ['payments-prod-VpcId'] });
    // Only environment-level tags on its resources: nothing says it is a service instance.
    const importer = serviceInstanceStack('api', {
      protonTags: 'resources',
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'q-env-tags', environment: ENVIRONMENT }],
    });
    const result = await run(scenario({ stacks: [importer, env] }));
    const deletes = stackDeletes(result).map((c) => c.input.StackName);

    expect(deletes).toEqual([stackIdOf(result, importer.name), stackIdOf(result, env.name)]);
    expect(reportOf(result).summary.failed).toBe(0);
  });

  it('holds it back when a stack of another environment imports its export', async () => {
    const env = environmentStack({ exports: ['payments-prod-VpcId'] });
    const foreign = environmentStack({
      name: `AWSProton-${OTHER_ENVIRONMENT}-cloudformation--IMPORTS`,
      environment: OTHER_ENVIRONMENT,
      exports: [],
      imports: ['payments-prod-VpcId'],
    });
    const result = await run(scenario({ stacks: [env, foreign] }));

    expect(entryFor(reportOf(result), stackIdOf(result, env.name))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining(`stack ${foreign.name} imports its export payments-prod-VpcId`),
    });
    expect(stackDeletes(result)).toEqual([]);
  });
});

describe("6. reports list only this environment's resources and the unproven AWSProton- stacks", () => {
  it("neither lists nor touches a stack of another environment proven only by its resources' tags", async () => {
    const theirs = environmentStack({
      name: `AWSProton-${OTHER_ENVIRONMENT}-cloudformation--ONLYRES`,
      environment: OTHER_ENVIRONMENT,
      protonTags: 'resources',
      exports: [],
    });
    const result = await run(scenario({ stacks: [environmentStack(), theirs] }));

    expect(reportOf(result).resources.map((r) => r.id)).not.toContain(stackIdOf(result, theirs.name));
    expect(stackDeletes(result).map((c) => c.input.StackName)).not.toContain(stackIdOf(result, theirs.name));
  });
});

describe('the checks before each DeleteStack are fresh however long a round runs (review findings)', () => {
  // 20 service instance stacks of 4 nested stacks each: a batch takes many seconds at CloudFormation's pace.
  const manyStacks = () =>
    Array.from({ length: 20 }, (_, i) =>
      serviceInstanceStack(`svc${String(i).padStart(2, '0')}`, { name: `AWSProton-svc${String(i).padStart(2, '0')}-x--R`, imports: [] }),
    ).flatMap((root) => [
      root,
      ...[1, 2, 3, 4].map((n) => serviceInstanceStack('nested', { name: `${root.name}-N${n}`, parent: root.name, imports: [], resources: [] })),
    ]);
  const deleteTimes = (result: Awaited<ReturnType<typeof run>>) =>
    result.sandbox.calls
      .filter((c) => c.operation === 'DeleteStack')
      .map((c) => ({ name: String(c.input.StackName).split('/')[1], at: c.at - result.sandbox.openedAt }));

  it('never deletes a stack whose resource was protected after the batch started, but before its own DeleteStack', async () => {
    const stacks = manyStacks();
    const protect = {
      at: 10,
      action: 'tag' as const,
      target: { stack: 'AWSProton-svc19-x--R', logicalId: 'Queue' },
      tags: { 'proton-cleanup:protect': 'yes' },
    };
    const result = await run(scenario({ stacks: [...stacks, environmentStack()], changes: [protect] }));

    expect(deleteTimes(result).map((d) => d.name)).not.toContain('AWSProton-svc19-x--R');
    expect(entryFor(reportOf(result), stackIdOf(result, 'AWSProton-svc19-x--R'))).toMatchObject({
      outcome: 'retained',
      reason: expect.stringContaining('protect'),
    });
  });

  it('starts no deletion more than a moment after a connection takes the environment over mid-round, and says deletions stopped', async () => {
    const newcomer = 'c0ffee00-1111-4222-8333-444455556666';
    const created = { at: 5, action: 'create-connection' as const, connection: connectionOf(newcomer, 'CONNECTED') };
    const result = await run(scenario({ stacks: [...manyStacks(), environmentStack()], changes: [created] }));

    expect(deleteTimes(result).filter((d) => d.at > 7_000)).toEqual([]);
    expect(reportOf(result).heldBack).toMatch(
      new RegExp(
        `^found during the cleanup: environment payments-prod is still served by connection ${newcomer} \\(CONNECTED\\).*no further deletion was started`,
      ),
    );
  });
});
