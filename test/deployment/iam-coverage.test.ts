import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CoverageRecord, type GrantedPermission, platformExercised, unexercisedPermissions } from '../../local/iam/coverage.js';
import type { Deployment } from '../../local/iam/identities.js';
import { localDeployment } from '../../local/local-environment.js';
import { LOCAL_RESOURCES, type LocalRunResult, openSandbox, runWorkflow, stateMachineArn } from '../../local/run-workflow.js';
import type { Sandbox } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { deliverEndOf } from '../../local/sweep-children.js';
import { asFunction } from '../helpers/functions.js';
import {
  CONNECTION_ID,
  connectionWithRoles,
  consoleInput,
  ENVIRONMENT,
  environmentStack,
  MANAGEMENT_ACCOUNT,
  OTHER_CONNECTION_ID,
  OTHER_ENVIRONMENT,
  scenario,
  serviceInstanceStack,
  standaloneResource,
} from '../helpers/scenarios.js';
import { ALL_FUNCTIONS } from './packaged-template.js';

/**
 * Least privilege stays least: a representative set of local runs, in one process, records every
 * permission the sandbox authorized (each function's SDK calls, CloudFormation's deletions as the
 * deletion role, and what Lambda and Step Functions do with the roles); every permission
 * serverless.yml grants must be used by one of them, except the few listed below, each with its
 * reason. A grant nothing uses is removed from serverless.yml, or, if it must stay, listed here.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The functions that work in target accounts (serverless.yml: those with a SPOKE_ROLE_NAME). */
const SPOKE_FUNCTIONS = [
  'ResolveRequest',
  'StartSweep',
  'ScheduleDecommission',
  'DescribeConnection',
  'Inventory',
  'DeleteConnection',
  'AdvanceCleanup',
  'VerifyCleanup',
  'DeleteStandaloneResource',
  'DeleteConnectionRoles',
  'FindDueConnections',
];

interface Exception {
  identity: string;
  action: string;
  /** The grant's resource pattern, as the packaged template resolves it (`*` if it has none). */
  resource?: RegExp;
  why: string;
}

/**
 * Granted, never exercised by a local run, and kept on purpose. Keep this list small: each entry
 * is a permission the local runs cannot show is needed.
 */
const EXCEPTIONS: Exception[] = [
  {
    identity: 'CloudFormationDeletionRole',
    action: '*',
    why:
      "The deletion role's delete, detach, deregister and describe verbs cover the resource types of AWS Proton's sample templates (serverless.yml); the " +
      'sandbox models a few of them (local/iam/deletion.ts). Its breadth is confined by its trust policy and the conditioned PassRole, not by use.',
  },
  {
    identity: 'DecommissionStateMachineRole',
    action: 'lambda:InvokeFunction',
    resource: /:function:[^:]+:\*$/,
    why: "serverless-step-functions grants each function's qualified ARNs (versions, aliases) beside the function; the workflow invokes the unqualified ARN.",
  },
  ...[
    'CreateLogDelivery',
    'GetLogDelivery',
    'UpdateLogDelivery',
    'DeleteLogDelivery',
    'ListLogDeliveries',
    'PutResourcePolicy',
    'DescribeResourcePolicies',
    'DescribeLogGroups',
  ].map((verb) => ({
    identity: 'DecommissionStateMachineRole',
    action: `logs:${verb}`,
    why: "Log delivery: what Step Functions needs to send the state machine's logs to CloudWatch Logs (loggingConfig; Step Functions Developer Guide, logging), granted by serverless-step-functions; the local run has no log delivery.",
  })),
  // Many accounts: each function that works in target accounts assumes its own spoke role there
  // (deployment/spoke.yml); the single-account local runs never leave the hub's account.
  ...SPOKE_FUNCTIONS.map((fn) => ({
    identity: `${fn}IamRoleLambdaExecution`,
    action: 'sts:AssumeRole',
    resource: /:role\/proton-cleanup-spoke-[a-z-]+$/,
    why: 'exercised by the multi-account sandbox (issue 12)',
  })),
  // Many accounts: targets named by OU or root are resolved to their accounts through Organizations.
  ...['ResolveRequest', 'StartSweep', 'FindDueConnections'].flatMap((fn) =>
    ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'].map((action) => ({
      identity: `${fn}IamRoleLambdaExecution`,
      action,
      why: 'exercised by the multi-account sandbox (issue 12)',
    })),
  ),
  ...ALL_FUNCTIONS.map((fn) => ({
    identity: `${fn}IamRoleLambdaExecution`,
    action: 'logs:CreateLogGroup',
    why: 'The framework gives every function role logs:CreateLogGroup for its own log group; Lambda creates a missing one, and the template creates them all (logRetentionInDays).',
  })),
];

const excepted = (grant: GrantedPermission) =>
  EXCEPTIONS.some((e) => e.identity === grant.identity && (e.action === '*' || e.action === grant.action) && (!e.resource || e.resource.test(grant.resource)));

const bucketArn = (name: string) => `arn:aws:s3:::${name}`;
const shipped = readdirSync(path.join(ROOT, 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .sort();
const scenarioFile = (file: string) => JSON.parse(readFileSync(path.join(ROOT, 'scenarios', file), 'utf8')) as ScenarioInput;

let executions = 0;
const name = (what: string) => {
  executions += 1;
  return `coverage-${executions}-${what}`;
};

/** Runs every execution the triggers started on the account, in order. */
async function runStarted(spec: ScenarioInput, sandbox: Sandbox, coverage: CoverageRecord): Promise<LocalRunResult[]> {
  const results = [];
  for (const execution of [...sandbox.account.executions].filter((e) => e.status === 'RUNNING')) {
    const child = await runWorkflow(spec, { sandbox, input: execution.input, executionName: execution.name, coverage });
    results.push(child);
    // Its end, as Step Functions' status-change event delivers it to CollectFleet.
    await deliverEndOf({ name: execution.name, input: execution.input }, child);
  }
  return results;
}

describe('every permission serverless.yml grants is used by a local run', () => {
  const coverage = new CoverageRecord();
  const results: { what: string; result: LocalRunResult }[] = [];
  let deployment: Deployment;

  beforeAll(async () => {
    const record = (what: string, result: LocalRunResult) => results.push({ what, result });
    const runOne = async (what: string, spec: ScenarioInput, input?: unknown, options: Parameters<typeof runWorkflow>[1] = {}) =>
      record(what, await runWorkflow(spec, { ...(input === undefined ? {} : { input }), executionName: name(what), coverage, ...options }));

    // Every shipped scenario, as `npm start -- --scenario` runs it.
    for (const file of shipped) {
      const spec = scenarioFile(file);
      const sandbox = await openSandbox(spec, { coverage });
      record(file, await runWorkflow(spec, { sandbox, executionName: name(file), coverage }));
      if (spec.input && typeof spec.input === 'object' && 'sweep' in spec.input)
        for (const child of await runStarted(spec, sandbox, coverage)) record(`${file} child`, child);
    }

    // A fleet sweep in execute mode: each function's spoke role assumed in the other accounts.
    const fleet = scenarioFile('fleet.json');
    const fleetSandbox = await openSandbox(fleet, { coverage });
    record('fleet', await runWorkflow(fleet, { sandbox: fleetSandbox, input: { sweep: true, mode: 'execute' }, executionName: name('fleet'), coverage }));
    const fleetChildren = await runStarted(fleet, fleetSandbox, coverage);
    for (const child of fleetChildren) record('fleet child', child);
    // EventBridge delivers at least once: the last child's end, again (the fleet report is not notified twice).
    const last = fleetChildren.at(-1);
    const lastStarted = fleetSandbox.account.executions.find((e) => e.name === last?.executionName);
    if (last && lastStarted) await deliverEndOf({ name: lastStarted.name, input: lastStarted.input }, last);

    // Proton's environment-deleted event on a hub with targets: each target is asked which connection serves it.
    const fleetEnvironmentDeleted = {
      version: '0',
      id: 'coverage-environment-deleted',
      'detail-type': 'AWS Proton Environment Status Change',
      source: 'aws.proton',
      account: MANAGEMENT_ACCOUNT,
      time: '2026-09-30T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { name: 'orders-dev', status: 'DELETED' },
    };
    // (Proton answering in every target: a target that cannot be asked fails the resolution.)
    const fleetWithProton = { ...fleet, accounts: fleet.accounts?.map(({ protonApi: _retired, ...account }) => account) };
    await runOne('fleet environment event', fleetWithProton, fleetEnvironmentDeleted);

    // A sweep with Proton available, and the cleanups it starts.
    const orphaned = scenario({
      connections: [connectionWithRoles(OTHER_CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-ledger' }, { environmentName: OTHER_ENVIRONMENT })],
    });
    const sweepSandbox = await openSandbox(orphaned, { coverage });
    record('sweep', await runWorkflow(orphaned, { sandbox: sweepSandbox, input: { sweep: true, mode: 'execute' }, executionName: name('sweep'), coverage }));
    for (const child of await runStarted(orphaned, sweepSandbox, coverage)) record('sweep child', child);

    // The daily schedule (findDueConnections) with Proton available (connection tags) and retired (SSM dates).
    const tagged = scenario({
      connections: [
        {
          id: CONNECTION_ID,
          environmentName: ENVIRONMENT,
          roleName: 'ProtonEnvironmentRole-payments',
          tags: { 'proton-cleanup:decommission-on': '2026-01-15' },
        },
      ],
    });
    const retired = scenario({ protonApi: 'retired', parameters: { [`/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}`]: '2026-01-15' } });
    // The date has come without notice: the first run plans (the notice), the next executes that plan,
    // and a third the same day finds the names taken.
    for (const spec of [tagged, retired]) {
      const sandbox = await openSandbox(spec, { coverage });
      const { handler } = await import('../../functions/find-due-connections.js');
      for (const step of ['notice', 'execute']) {
        await asFunction('findDueConnections', () => handler({}));
        for (const child of await runStarted(spec, sandbox, coverage)) record(`schedule (${spec.protonApi ?? 'available'}) ${step}`, child);
      }
      await asFunction('findDueConnections', () => handler({}));
    }

    // Proton's event through the EventBridge rule's target (startFromEvent).
    const eventSpec = scenario();
    const eventSandbox = await openSandbox(eventSpec, { coverage });
    const { handler: startFromEvent } = await import('../../functions/start-from-event.js');
    await asFunction('startFromEvent', () =>
      startFromEvent({
        version: '0',
        id: 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
        'detail-type': 'AWS Proton Environment Account Connection Status Change',
        source: 'aws.proton',
        account: '111122223333',
        time: '2026-11-25T10:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { id: CONNECTION_ID, status: 'REJECTED', previousStatus: 'PENDING' },
      }),
    );
    for (const child of await runStarted(eventSpec, eventSandbox, coverage)) record('event', child);

    // Proton deleted an environment (its event forwarded from the management account); delivered again after its run closed (the name is taken).
    const deletedSpec = scenario();
    const deletedSandbox = await openSandbox(deletedSpec, { coverage });
    const environmentDeleted = {
      version: '0',
      id: 'd2b3c4d5-e6f7-4a81-9b0c-1d2e3f4a5b6c',
      'detail-type': 'AWS Proton Environment Status Change',
      source: 'aws.proton',
      account: MANAGEMENT_ACCOUNT,
      time: '2026-11-25T10:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { name: ENVIRONMENT, status: 'DELETED', previousStatus: 'DELETE_IN_PROGRESS' },
    };
    await asFunction('startFromEvent', () => startFromEvent(environmentDeleted));
    for (const child of await runStarted(deletedSpec, deletedSandbox, coverage)) record('environment deleted', child);
    await asFunction('startFromEvent', () => startFromEvent(environmentDeleted));

    // A sweep run again under its name once its cleanups have closed: their names are taken.
    const sweptAgain = scenario({
      connections: [connectionWithRoles(OTHER_CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-ledger' }, { environmentName: OTHER_ENVIRONMENT })],
    });
    const againSandbox = await openSandbox(sweptAgain, { coverage });
    for (let i = 0; i < 2; i++) {
      record(
        'sweep again',
        await runWorkflow(sweptAgain, { sandbox: againSandbox, input: { sweep: true, mode: 'plan' }, executionName: 'coverage-sweep-again', coverage }),
      );
      for (const child of await runStarted(sweptAgain, againSandbox, coverage)) record('sweep again child', child);
    }

    // The cleanup lease of the environment held by an execution that closed without releasing it: taken over.
    const leased = scenario();
    const leasedSandbox = await openSandbox(leased, { coverage });
    leasedSandbox.account.executions.push({
      stateMachineArn: stateMachineArn(leased as never),
      name: 'crashed-run',
      input: {},
      status: 'FAILED',
      startedAt: new Date(leasedSandbox.clock.now() - 3_600_000),
    });
    leasedSandbox.account.objects.set(
      `${LOCAL_RESOURCES.reportBucket}/leases/environment/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}.json`,
      JSON.stringify({
        holder: 'crashed-run',
        target: `${ENVIRONMENT}@${MANAGEMENT_ACCOUNT}`,
        takenAt: new Date(leasedSandbox.clock.now() - 3_600_000).toISOString(),
      }),
    );
    record('lease taken over', await runWorkflow(leased, { sandbox: leasedSandbox, input: consoleInput('execute'), executionName: name('lease'), coverage }));

    // A request that schedules a decommission (ScheduleDecommission writes the SSM date).
    await runOne('decommissionOn', scenario({ protonApi: 'retired' }), {
      environment: { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT },
      decommissionOn: '2026-12-24',
      mode: 'execute',
    });

    // deleteTypes: one resource of each type a request may list, a versioned bucket with objects to empty first.
    await runOne(
      'deleteTypes',
      scenario({
        standaloneResources: [
          standaloneResource('AWS::S3::Bucket', 'payments-exports', { objects: 30 }),
          standaloneResource('AWS::SSM::Parameter', '/payments-prod/flags'),
          standaloneResource('AWS::ECR::Repository', 'payments-prod/api'),
          standaloneResource('AWS::Logs::LogGroup', '/payments-prod/legacy'),
        ],
      }),
      consoleInput('execute', { deleteTypes: ['s3:bucket', 'ssm:parameter', 'ecr:repository', 'logs:log-group'] }),
    );

    // deleteConnectionRoles, with a role in an instance profile.
    const withRoles = scenario({
      connections: [
        connectionWithRoles(CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-payments', componentRoleName: 'ProtonComponentRole-payments' }),
        connectionWithRoles(OTHER_CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-ledger' }, { environmentName: OTHER_ENVIRONMENT }),
      ],
    });
    const rolesSandbox = await openSandbox(withRoles, { coverage });
    rolesSandbox.account.roles.get('ProtonEnvironmentRole-payments')?.instanceProfiles.push('payments-build-profile');
    record(
      'deleteConnectionRoles',
      await runWorkflow(withRoles, {
        sandbox: rolesSandbox,
        input: consoleInput('execute', { deleteConnectionRoles: true }),
        executionName: name('roles'),
        coverage,
      }),
    );

    // retainFailedResources: a stack left DELETE_FAILED is deleted again keeping the failed resource.
    const stuck = serviceInstanceStack('api', {
      resources: [{ logicalId: 'Uploads', type: 'AWS::S3::Bucket', name: 'api-uploads', failsToDelete: 'The bucket you tried to delete is not empty' }],
    });
    await runOne('retainFailedResources', scenario({ stacks: [stuck, environmentStack()] }), consoleInput('execute', { retainFailedResources: true }));

    // A plan of a re-run after a stack was left DELETE_FAILED: the plan says why it failed.
    const stuckSandbox = await openSandbox(scenario({ stacks: [stuck, environmentStack()] }), { coverage });
    for (const mode of ['execute', 'plan'] as const) {
      const spec = scenario({ stacks: [stuck, environmentStack()] });
      record(`stuck ${mode}`, await runWorkflow(spec, { sandbox: stuckSandbox, input: consoleInput(mode), executionName: name(`stuck ${mode}`), coverage }));
    }

    // A reviewed plan executed: the plan run's report (reports/), a plan the CLI uploaded (plans/), and a URI with no plan (NoSuchKey).
    const planSandbox = await openSandbox(scenario(), { coverage });
    const planRun = await runWorkflow(scenario(), { sandbox: planSandbox, input: consoleInput('plan'), executionName: name('plan'), coverage });
    record('plan', planRun);
    const bucket = LOCAL_RESOURCES.reportBucket;
    planSandbox.account.objects.set(`${bucket}/plans/uploaded.json`, planSandbox.account.objects.get(`${bucket}/reports/${planRun.executionName}.json`) ?? '');
    for (const [what, key] of [
      ['missing plan', 'plans/none.json'],
      ['executed plan', `reports/${planRun.executionName}.json`],
      ['uploaded plan', 'plans/uploaded.json'],
    ] as const) {
      const input = { connectionId: CONNECTION_ID, plan: `s3://${bucket}/${key}` };
      record(what, await runWorkflow(scenario(), { sandbox: planSandbox, input, executionName: name(what), coverage }));
    }

    // A Notify whose first invocation timed out after publishing, retried.
    await runOne('retried Notify', scenario(), consoleInput('execute'), { lambdaFaults: [{ state: 'Notify', kind: 'timeout-after', times: 1 }] });

    deployment = await localDeployment({ region: 'us-east-1', accountId: '111122223333' });
  }, 240_000);

  it('no representative run was denied anything', () => {
    const denied = results.flatMap(({ what, result }) =>
      result.sandbox.calls
        .filter((c) => /^(AccessDenied|AccessDeniedException|AuthorizationError|UnmappedOperation)$/.test(c.error ?? ''))
        .map((c) => `${what}: ${c.service} ${c.operation} ${c.error}`),
    );
    const deletions = results.flatMap(({ what, result }) =>
      [...result.sandbox.account.stacks.values()].flatMap((s) =>
        s.events.filter((e) => /not authorized|cannot be assumed/.test(e.reason ?? '')).map((e) => `${what}: ${s.name} ${e.logicalId}: ${e.reason}`),
      ),
    );
    expect([...new Set([...denied, ...deletions])]).toEqual([]);
  });

  it('every grant is exercised, except the documented exceptions', () => {
    const used = [...coverage.entries(), ...platformExercised(deployment)];
    const unused = unexercisedPermissions(deployment, used)
      .filter((grant) => !excepted(grant))
      .map((g) => `${g.identity} ${g.negated ? `${g.negated} ` : ''}${g.action} on ${g.resource}${g.conditioned ? ' (conditioned)' : ''}`);
    expect(unused).toEqual([]);
  });

  it('every exception still excuses a grant of the template (none is stale)', () => {
    const used = [...coverage.entries(), ...platformExercised(deployment)];
    const unused = unexercisedPermissions(deployment, used);
    for (const exception of EXCEPTIONS)
      expect(
        unused.some((g) => excepted(g) && g.identity === exception.identity),
        `${exception.identity} ${exception.action}: ${exception.why}`,
      ).toBe(true);
  });

  it('the representative runs cover what they are meant to (a check of the runs themselves)', () => {
    const by = (what: string) => results.filter((r) => r.what === what || r.what.startsWith(`${what} `)).map((r) => r.result);
    expect(by('deleteTypes')[0]?.report?.resources.find((r) => r.id === bucketArn('payments-exports'))?.outcome).toBe('deleted');
    expect(by('deleteConnectionRoles')[0]?.sandbox.account.roles.has('ProtonEnvironmentRole-payments')).toBe(false);
    expect(
      by('retainFailedResources')[0]
        ?.sandbox.callsTo('DeleteStack')
        .some((c) => Array.isArray(c.input.RetainResources)),
    ).toBe(true);
    expect(by('retried Notify')[0]?.invocations.get('Notify')).toBe(2);
    for (const protonApi of ['available', 'retired']) {
      expect(by(`schedule (${protonApi}) notice`).map((r) => r.report?.mode)).toEqual(['plan']);
      expect(by(`schedule (${protonApi}) execute`).map((r) => r.report?.executedPlan?.execution)).toEqual([expect.stringMatching(/^scheduled-notice-/)]);
    }
    expect(by('sweep child').length).toBeGreaterThan(0);
    expect(by('event')).toHaveLength(1);
    expect(by('environment deleted')).toHaveLength(1);
    expect(by('lease taken over')[0]?.sandbox.callsTo('DescribeExecution').length).toBeGreaterThan(0);
  });
});
