import {
  CloudFormationClient,
  DeleteStackCommand,
  DescribeAccountLimitsCommand,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { runAs } from '../../../local/iam/index.js';
import { useSandbox } from '../../../local/sandbox/interceptor.js';
import type { Sandbox } from '../../../local/sandbox/sandbox.js';
import { ScenarioSchema } from '../../../local/sandbox/scenario.js';
import { restoreSandbox, snapshotSandbox } from '../../../local/sandbox/snapshot.js';
import { CONNECTION_ID, environmentStack, fault } from '../../helpers/scenarios.js';
import {
  ACCOUNT_B,
  ACCOUNT_C,
  clientFor,
  fleetSandbox,
  fleetScenario,
  HUB,
  HUB_DEPLOYMENT,
  HUB_REGION,
  hubFunctionCaller,
  ORGANIZATION,
  OUTSIDER,
  ROOT,
  SPOKE_TEMPLATE,
  spokeRole,
  UNIT,
} from './fixtures.js';

/**
 * The sandbox as a fleet of accounts (docs/sandbox.md, "Accounts, Regions and the hub"). Expected
 * answers come from AWS documentation:
 * - STS AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html):
 *   DurationSeconds defaults to 3600; temporary credentials have an access key id starting ASIA
 *   (IAM User Guide, "Unique identifier prefixes": ASIA = temporary AWS STS access key);
 * - the trust policy is a resource-based policy: Principal and Condition with aws:PrincipalArn,
 *   the role's ARN for a role session (IAM User Guide, Principal element; global condition keys);
 * - aws:ResourceOrgID: "the identifier of the organization in AWS Organizations to which the
 *   requested resource belongs" (global condition keys);
 * - a denied AssumeRole: "User: <arn> is not authorized to perform: sts:AssumeRole on resource: <arn>"
 *   (IAM User Guide, troubleshooting IAM roles).
 */
const sweep = hubFunctionCaller('sweep');
const SESSION = 'sweep-2026-12-15T10-00-00Z';

async function assume(sandbox: Sandbox, roleArn: string, caller = sweep, sessionName = SESSION) {
  useSandbox(sandbox);
  const sts = clientFor(STSClient, HUB_REGION);
  return runAs(caller, () => sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName })));
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; message: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; message: string; code?: string };
  }
  throw new Error('the call was answered');
}

/** A CloudFormation client in the target, with the spoke sweep role's credentials. */
async function spokeClient(sandbox: Sandbox, account: string, region: string, suffix = 'sweep'): Promise<CloudFormationClient> {
  const { Credentials } = await assume(sandbox, spokeRole(account, suffix));
  return clientFor(CloudFormationClient, region, {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
  });
}

const stackNames = async (client: CloudFormationClient) => ((await client.send(new DescribeStacksCommand({}))).Stacks ?? []).map((s) => s.StackName);

const B_STACK = 'AWSProton-orders-dev-cloudformation--ENV0001';
const B_EU_STACK = 'AWSProton-orders-eu-cloudformation--ENV0002';
const withStacks = () =>
  fleetScenario({
    accounts: [
      { accountId: ACCOUNT_B, region: 'us-east-1', stacks: [environmentStack({ name: B_STACK, environment: 'orders-dev' })] },
      { accountId: ACCOUNT_B, region: 'eu-west-1', stacks: [environmentStack({ name: B_EU_STACK, environment: 'orders-eu' })] },
      { accountId: ACCOUNT_C, region: 'eu-west-1' },
    ],
  });

describe('routing: a call is answered by the account of its credentials, in the Region of its client', () => {
  it("the hub's credentials reach the hub's account, in the client's Region", async () => {
    const sandbox = fleetSandbox({ ...withStacks(), stacks: [environmentStack({ name: 'AWSProton-hub-env' })] }, { iam: false });
    useSandbox(sandbox);

    expect(await stackNames(clientFor(CloudFormationClient, HUB_REGION))).toEqual(['AWSProton-hub-env']);
    expect(await stackNames(clientFor(CloudFormationClient, 'eu-west-1'))).toEqual([]);
    expect(sandbox.calls.map((c) => [c.account, c.region])).toEqual([
      [HUB, HUB_REGION],
      [HUB, 'eu-west-1'],
    ]);
  });

  it("credentials STS issued reach the role's account, in the client's Region", async () => {
    const sandbox = fleetSandbox(withStacks(), { iam: false });

    expect(await stackNames(await spokeClient(sandbox, ACCOUNT_B, 'us-east-1'))).toEqual([B_STACK]);
    expect(await stackNames(await spokeClient(sandbox, ACCOUNT_B, 'eu-west-1'))).toEqual([B_EU_STACK]);
    expect(sandbox.calls.filter((c) => c.service === 'cloudformation').map((c) => [c.account, c.region])).toEqual([
      [ACCOUNT_B, 'us-east-1'],
      [ACCOUNT_B, 'eu-west-1'],
    ]);
  });

  it('an account-Region the scenario does not describe answers as an empty account', async () => {
    const sandbox = fleetSandbox(withStacks(), { iam: false });

    expect(await stackNames(await spokeClient(sandbox, ACCOUNT_C, 'ap-southeast-2'))).toEqual([]);
    expect(sandbox.accountIn(ACCOUNT_C, 'ap-southeast-2').accountId).toBe(ACCOUNT_C);
  });

  it("IAM roles are the account's, seen alike from each of its Regions", () => {
    const sandbox = fleetSandbox({
      accounts: [
        { accountId: ACCOUNT_B, region: 'us-east-1', connections: [{ id: CONNECTION_ID, environmentName: 'orders-dev', roleName: 'orders-dev-provisioning' }] },
        { accountId: ACCOUNT_B, region: 'eu-west-1' },
      ],
    });

    expect([...sandbox.accountIn(ACCOUNT_B, 'eu-west-1').roles.keys()]).toEqual(['orders-dev-provisioning']);
    expect([...sandbox.accountIn(HUB, HUB_REGION).roles.keys()]).not.toContain('orders-dev-provisioning');
  });
});

describe('STS AssumeRole into a spoke role', () => {
  it('issues temporary credentials (ASIA…, a session token) that expire an hour later by default', async () => {
    const sandbox = fleetSandbox();
    const before = sandbox.clock.now();
    const { Credentials, AssumedRoleUser } = await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));

    expect(Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(Credentials?.SessionToken).toBeTruthy();
    expect(Credentials?.Expiration?.getTime()).toBe(before + 3600_000);
    expect(AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT_B}:assumed-role/proton-cleanup-spoke-sweep/${SESSION}`);
  });

  it('each session gets its own access key id', async () => {
    const sandbox = fleetSandbox();
    const first = await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));
    const second = await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));

    expect(first.Credentials?.AccessKeyId).not.toBe(second.Credentials?.AccessKeyId);
  });

  it('GetCallerIdentity with the credentials answers the role session in the target account', async () => {
    const sandbox = fleetSandbox();
    const { Credentials } = await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));
    const sts = clientFor(STSClient, 'eu-west-1', {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    });
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    expect({ account: identity.Account, arn: identity.Arn }).toEqual({
      account: ACCOUNT_B,
      arn: `arn:aws:sts::${ACCOUNT_B}:assumed-role/proton-cleanup-spoke-sweep/${SESSION}`,
    });
  });

  const callerArn = (suffix: string) => `arn:aws:sts::${HUB}:assumed-role/pcc-local-us-east-1-${suffix}/proton-connection-cleanup-local-${suffix}`;

  it('is denied when the spoke is not deployed in the account: the role does not exist', async () => {
    const sandbox = fleetSandbox({ accounts: [{ accountId: ACCOUNT_C, region: 'eu-west-1', spoke: { deployed: false } }] });
    const error = await refusal(assume(sandbox, spokeRole(ACCOUNT_C, 'sweep')));

    expect({ name: error.name, message: error.message }).toEqual({
      name: 'AccessDenied',
      message: `User: ${callerArn('sweep')} is not authorized to perform: sts:AssumeRole on resource: ${spokeRole(ACCOUNT_C, 'sweep')}`,
    });
  });

  it("is denied to another hub function's role: the trust policy names the sweep function's role only", async () => {
    const sandbox = fleetSandbox();
    const error = await refusal(assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'), hubFunctionCaller('describe')));

    expect(error.message).toBe(`User: ${callerArn('describe')} is not authorized to perform: sts:AssumeRole on resource: ${spokeRole(ACCOUNT_B, 'sweep')}`);
  });

  it("is denied in an account outside the organization: the hub's grant requires aws:ResourceOrgID", async () => {
    const sandbox = fleetSandbox({ accounts: [{ accountId: OUTSIDER, region: 'us-east-1', outsideOrganization: true }] });
    const error = await refusal(assume(sandbox, spokeRole(OUTSIDER, 'sweep')));

    expect(error.message).toBe(
      `User: ${callerArn('sweep')} is not authorized to perform: sts:AssumeRole on resource: ${spokeRole(OUTSIDER, 'sweep')} because no identity-based policy allows the sts:AssumeRole action`,
    );
  });

  it("is denied to a hub function whose own policy grants no sts:AssumeRole, whatever the spoke's trust says", async () => {
    const sandbox = fleetSandbox();
    const error = await refusal(assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'), hubFunctionCaller('advance')));

    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain('because no identity-based policy allows the sts:AssumeRole action');
  });

  it('is recorded, allowed, in the coverage of the hub function and of nothing else', async () => {
    const sandbox = fleetSandbox();
    await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));

    expect(sandbox.calls.map((c) => [c.service, c.operation, c.account, c.error])).toEqual([['sts', 'AssumeRole', HUB, undefined]]);
    expect(HUB_DEPLOYMENT.identityOfFunction('sweep').roleName).toBe('pcc-local-us-east-1-sweep');
  });
});

describe("a spoke session's calls are authorized against the spoke role's policies", () => {
  it('a call the spoke role allows is answered', async () => {
    const sandbox = fleetSandbox(withStacks());

    expect(await stackNames(await spokeClient(sandbox, ACCOUNT_B, 'us-east-1'))).toEqual([B_STACK]);
  });

  it('an action removed from the spoke roles of one account is AccessDenied there, and there only', async () => {
    const sandbox = fleetSandbox({
      accounts: [
        { accountId: ACCOUNT_B, region: 'us-east-1' },
        { accountId: ACCOUNT_C, region: 'eu-west-1', spoke: { deployed: true, withoutActions: ['cloudformation:DescribeStacks'] } },
      ],
    });
    const error = await refusal(stackNames(await spokeClient(sandbox, ACCOUNT_C, 'eu-west-1')));

    expect({ name: error.name, message: error.message }).toEqual({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::${ACCOUNT_C}:assumed-role/proton-cleanup-spoke-sweep/${SESSION} is not authorized to perform: cloudformation:DescribeStacks because no identity-based policy allows the cloudformation:DescribeStacks action`,
    });
    expect(sandbox.calls.at(-1)).toMatchObject({ account: ACCOUNT_C, region: 'eu-west-1', error: 'AccessDenied' });
    expect(await stackNames(await spokeClient(sandbox, ACCOUNT_B, 'us-east-1'))).toEqual([]);
  });

  /** Account B's environment stack with one log group, deleted by the spoke sweep role with the spoke's deletion role; the stack once settled. */
  async function deleteWithSpokeDeletionRole(spoke?: { deployed: boolean; withoutActions: string[] }) {
    const sandbox = fleetSandbox({
      accounts: [
        {
          accountId: ACCOUNT_B,
          region: 'us-east-1',
          ...(spoke ? { spoke } : {}),
          stacks: [
            environmentStack({
              name: B_STACK,
              environment: 'orders-dev',
              exports: [],
              resources: [{ logicalId: 'Logs', type: 'AWS::Logs::LogGroup', name: '/orders-dev/app' }],
            }),
          ],
        },
      ],
    });
    const client = await spokeClient(sandbox, ACCOUNT_B, 'us-east-1');
    await client.send(new DeleteStackCommand({ StackName: B_STACK, RoleARN: spokeRole(ACCOUNT_B, 'cfn-deletion') }));
    sandbox.advanceTo(sandbox.clock.now() + 3600_000);
    return sandbox.accountIn(ACCOUNT_B, 'us-east-1').stackByName(B_STACK);
  }

  it("CloudFormation deletes a target's stack as the spoke's deletion role passed in RoleARN", async () => {
    const stack = await deleteWithSpokeDeletionRole();

    expect(stack?.status).toBe('DELETE_COMPLETE');
    expect(stack?.roleArn).toBe(spokeRole(ACCOUNT_B, 'cfn-deletion'));
  });

  it("a deletion role that lacks a resource's delete permission leaves the target's stack DELETE_FAILED", async () => {
    const stack = await deleteWithSpokeDeletionRole({ deployed: true, withoutActions: ['logs:DeleteLogGroup'] });

    expect(stack?.status).toBe('DELETE_FAILED');
    expect(stack?.events.find((e) => e.status === 'DELETE_FAILED' && e.logicalId === 'Logs')?.reason).toContain(
      `User: arn:aws:sts::${ACCOUNT_B}:assumed-role/proton-cleanup-spoke-cfn-deletion/AWSCloudFormation is not authorized to perform: logs:DeleteLogGroup`,
    );
  });
});

describe('faults and rate limits are per account-Region', () => {
  it("a target's concurrentResourcesLimit is what DescribeAccountLimits answers there; the hub answers its own", async () => {
    const sandbox = fleetSandbox(
      { concurrentResourcesLimit: 900, accounts: [{ accountId: ACCOUNT_B, region: 'us-east-1', concurrentResourcesLimit: 40 }] },
      { iam: false },
    );
    const limitIn = async (client: CloudFormationClient) =>
      (await client.send(new DescribeAccountLimitsCommand({}))).AccountLimits?.find((l) => l.Name === 'ConcurrentResourcesLimit')?.Value;

    expect(await limitIn(await spokeClient(sandbox, ACCOUNT_B, 'us-east-1'))).toBe(40);
    expect(await limitIn(clientFor(CloudFormationClient, HUB_REGION))).toBe(900);
  });

  it("a target's rate limit throttles calls there, not in the hub", async () => {
    const sandbox = fleetSandbox(
      { accounts: [{ accountId: ACCOUNT_B, region: 'us-east-1', timing: { latencyMs: { '*': 0 }, callsPerSecond: { cloudformation: 1 } } }] },
      { iam: false },
    );
    const target = await spokeClient(sandbox, ACCOUNT_B, 'us-east-1');
    const hub = clientFor(CloudFormationClient, HUB_REGION);
    await target.send(new ListStacksCommand({}));
    const error = await refusal(target.send(new ListStacksCommand({})));
    await hub.send(new ListStacksCommand({}));
    await hub.send(new ListStacksCommand({}));

    expect(error.name).toBe('Throttling');
    expect(sandbox.throttledCalls().map((c) => c.account)).toEqual([ACCOUNT_B]);
  });

  it("a target's fault hits calls there, not in the hub", async () => {
    const sandbox = fleetSandbox({ accounts: [{ accountId: ACCOUNT_B, region: 'us-east-1', faults: [fault('ListStacks', 'internal')] }] }, { iam: false });
    const error = await refusal((await spokeClient(sandbox, ACCOUNT_B, 'us-east-1')).send(new ListStacksCommand({})));

    expect(error.name).toBe('InternalFailure');
    expect((await clientFor(CloudFormationClient, HUB_REGION).send(new ListStacksCommand({}))).StackSummaries).toBeDefined();
  });

  it('Proton retired in an account: every Proton call there fails as an unreachable endpoint (ENOTFOUND)', async () => {
    const sandbox = fleetSandbox({ accounts: [{ accountId: ACCOUNT_C, region: 'eu-west-1', protonApi: 'retired' }] }, { iam: false });
    const { Credentials } = await assume(sandbox, spokeRole(ACCOUNT_C, 'sweep'));
    const proton = clientFor(ProtonClient, 'eu-west-1', {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    });
    const error = await refusal(proton.send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' })));

    expect(error.code).toBe('ENOTFOUND');
    expect(
      (await clientFor(ProtonClient, HUB_REGION).send(new ListEnvironmentAccountConnectionsCommand({ requestedBy: 'ENVIRONMENT_ACCOUNT' })))
        .environmentAccountConnections,
    ).toBeDefined();
  });
});

describe('AWS Organizations lists the accounts of the organization, from the hub', () => {
  const organizations = (sandbox: Sandbox) => {
    useSandbox(sandbox);
    return clientFor(OrganizationsClient, HUB_REGION);
  };

  it('lists the accounts in the root and in a unit, page by page with NextToken', async () => {
    const sandbox = fleetSandbox();
    const client = organizations(sandbox);
    const first = await runAs(sweep, () => client.send(new ListAccountsForParentCommand({ ParentId: ROOT, MaxResults: 1 })));
    const second = await runAs(sweep, () =>
      client.send(new ListAccountsForParentCommand({ ParentId: ROOT, MaxResults: 1, ...(first.NextToken ? { NextToken: first.NextToken } : {}) })),
    );
    const unit = await runAs(sweep, () => client.send(new ListAccountsForParentCommand({ ParentId: UNIT })));

    expect([...(first.Accounts ?? []), ...(second.Accounts ?? [])].map((a) => a.Id)).toEqual([HUB, ACCOUNT_C]);
    expect(second.NextToken).toBeUndefined();
    expect(unit.Accounts?.map((a) => a.Id)).toEqual([ACCOUNT_B]);
  });

  it('lists the units of the root', async () => {
    const sandbox = fleetSandbox();
    const units = await runAs(sweep, () => organizations(sandbox).send(new ListOrganizationalUnitsForParentCommand({ ParentId: ROOT })));

    expect(units.OrganizationalUnits).toEqual([{ Id: UNIT, Arn: `arn:aws:organizations::${HUB}:ou/${ORGANIZATION}/${UNIT}`, Name: 'workloads' }]);
  });

  it('leaves out an account outside the organization', async () => {
    const sandbox = fleetSandbox({ accounts: [{ accountId: OUTSIDER, region: 'us-east-1', outsideOrganization: true }] });
    const root = await runAs(sweep, () => organizations(sandbox).send(new ListAccountsForParentCommand({ ParentId: ROOT })));

    expect(root.Accounts?.map((a) => a.Id)).toEqual([HUB]);
  });

  it('answers ParentNotFoundException for a parent the organization does not have', async () => {
    const sandbox = fleetSandbox();
    const error = await refusal(runAs(sweep, () => organizations(sandbox).send(new ListAccountsForParentCommand({ ParentId: 'ou-fl01-nosuchou1' }))));

    expect(error.name).toBe('ParentNotFoundException');
  });
});

describe('a fleet sandbox saved and restored', () => {
  it("keeps every account-Region's content and progress, and the sessions STS issued", async () => {
    const sandbox = fleetSandbox({ ...withStacks(), organization: undefined }, { iam: false });
    const { Credentials } = await assume(sandbox, spokeRole(ACCOUNT_B, 'sweep'));
    const saved = JSON.parse(JSON.stringify(snapshotSandbox(sandbox)));
    const restored = restoreSandbox(
      ScenarioSchema.parse(fleetScenario({ ...withStacks(), organization: undefined })),
      { reportBucket: 'proton-connection-cleanup-local-reports', topicArn: `arn:aws:sns:${HUB_REGION}:${HUB}:proton-connection-cleanup-local` },
      { spokeTemplate: SPOKE_TEMPLATE },
      saved,
    );
    const restoredTargets = snapshotSandbox(restored).targets;
    useSandbox(restored);
    const client = clientFor(CloudFormationClient, 'eu-west-1', {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    });

    expect(await stackNames(client)).toEqual([B_EU_STACK]);
    expect(restored.accountIn(ACCOUNT_B, 'us-east-1').stackByName(B_STACK)?.stackId).toBe(
      sandbox.accountIn(ACCOUNT_B, 'us-east-1').stackByName(B_STACK)?.stackId,
    );
    expect(restoredTargets).toEqual(saved.targets);
  });
});
