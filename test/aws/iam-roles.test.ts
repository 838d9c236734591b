import {
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { GetEnvironmentAccountConnectionCommand, ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { deleteRole, rolesUsedByOtherConnections } from '../../functions/aws/iam-roles.js';
import {
  ACCOUNT_ID,
  attachedPoliciesPage,
  CONNECTION_ID,
  connectionIdOf,
  connectionSummary,
  iamError,
  iamRoleArn,
  inlinePoliciesPage,
  instanceProfilesPage,
  managedPolicyArn,
  mockedClients,
  pagedByToken,
  protonConnection,
  protonError,
} from '../helpers/sdk-fixtures.js';

const [iamMock, protonMock] = mockedClients(IAMClient, ProtonClient);

const ROLE_NAME = 'ProtonEnvironmentRole';
const ROLE = iamRoleArn(ROLE_NAME);

/** The role as IAM holds it: each list answered with one page, every other call succeeding. */
function roleWith(spec: { attached?: string[]; inline?: string[]; profiles?: string[] } = {}) {
  iamMock.on(ListAttachedRolePoliciesCommand).resolves(attachedPoliciesPage(spec.attached ?? []));
  iamMock.on(ListRolePoliciesCommand).resolves(inlinePoliciesPage(spec.inline ?? []));
  iamMock.on(ListInstanceProfilesForRoleCommand).resolves(instanceProfilesPage(spec.profiles ?? []));
  iamMock.on(DetachRolePolicyCommand).resolves({});
  iamMock.on(DeleteRolePolicyCommand).resolves({});
  iamMock.on(RemoveRoleFromInstanceProfileCommand).resolves({});
  iamMock.on(DeleteRoleCommand).resolves({});
}

/** The role is gone: every call about it answers NoSuchEntity. */
function roleGone() {
  for (const command of [
    ListAttachedRolePoliciesCommand,
    ListRolePoliciesCommand,
    ListInstanceProfilesForRoleCommand,
    DetachRolePolicyCommand,
    DeleteRolePolicyCommand,
    RemoveRoleFromInstanceProfileCommand,
    DeleteRoleCommand,
  ] as const) {
    iamMock.on(command as typeof DeleteRoleCommand).rejects(iamError.noSuchEntity(ROLE_NAME));
  }
}

/** The IAM operations sent, in order. */
function operationsSent(mock: AwsClientStub<IAMClient>): string[] {
  return mock.calls().map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
}

const CHANGES = new Set(['DetachRolePolicy', 'DeleteRolePolicy', 'RemoveRoleFromInstanceProfile', 'DeleteRole']);
const changesSent = () => operationsSent(iamMock).filter((operation) => CHANGES.has(operation));

describe('deleteRole', () => {
  it('detaches the managed policies, deletes the inline policies, removes the role from its instance profiles, then deletes it', async () => {
    roleWith({ attached: [managedPolicyArn('Provisioning'), managedPolicyArn('Logging')], inline: ['Extra'], profiles: ['ProtonProfile'] });

    await expect(deleteRole(ROLE)).resolves.toBe('deleted');
    expect(changesSent()).toEqual(['DetachRolePolicy', 'DetachRolePolicy', 'DeleteRolePolicy', 'RemoveRoleFromInstanceProfile', 'DeleteRole']);
  });

  it('names each policy and instance profile it removes', async () => {
    roleWith({ attached: [managedPolicyArn('Provisioning')], inline: ['Extra'], profiles: ['ProtonProfile'] });
    await deleteRole(ROLE);

    expect(iamMock.commandCalls(DetachRolePolicyCommand)[0]?.args[0].input).toEqual({ RoleName: ROLE_NAME, PolicyArn: managedPolicyArn('Provisioning') });
    expect(iamMock.commandCalls(DeleteRolePolicyCommand)[0]?.args[0].input).toEqual({ RoleName: ROLE_NAME, PolicyName: 'Extra' });
    expect(iamMock.commandCalls(RemoveRoleFromInstanceProfileCommand)[0]?.args[0].input).toEqual({
      RoleName: ROLE_NAME,
      InstanceProfileName: 'ProtonProfile',
    });
  });

  it('addresses a role whose ARN has a path by the last segment', async () => {
    roleWith();
    await deleteRole(iamRoleArn(ROLE_NAME, '/proton/service-role/'));

    expect(iamMock.calls().map((call) => (call.args[0].input as { RoleName?: string }).RoleName)).toEqual(Array(iamMock.calls().length).fill(ROLE_NAME));
    expect(iamMock.commandCalls(DeleteRoleCommand)).toHaveLength(1);
  });

  /** The role's managed policies come in two pages; returns the tokens the handler sent. */
  function givenTwoPagesOfManagedPolicies() {
    roleWith();
    const pages = pagedByToken('Marker', {
      '': attachedPoliciesPage([managedPolicyArn('First')], 'page-2'),
      'page-2': attachedPoliciesPage([managedPolicyArn('Second')]),
    });
    iamMock.on(ListAttachedRolePoliciesCommand).callsFake(pages.answer);
    return pages;
  }

  it('detaches the managed policies of every page of ListAttachedRolePolicies', async () => {
    const pages = givenTwoPagesOfManagedPolicies();
    await deleteRole(ROLE);

    expect(pages.tokensSent).toEqual([undefined, 'page-2']);
    expect(iamMock.commandCalls(DetachRolePolicyCommand).map((call) => call.args[0].input.PolicyArn)).toEqual([
      managedPolicyArn('First'),
      managedPolicyArn('Second'),
    ]);
  });

  it('deletes the inline policies of every page of ListRolePolicies', async () => {
    roleWith();
    const pages = pagedByToken('Marker', {
      '': inlinePoliciesPage(['First'], 'page-2'),
      'page-2': inlinePoliciesPage(['Second']),
    });
    iamMock.on(ListRolePoliciesCommand).callsFake(pages.answer);
    await deleteRole(ROLE);

    expect(pages.tokensSent).toEqual([undefined, 'page-2']);
    expect(iamMock.commandCalls(DeleteRolePolicyCommand).map((call) => call.args[0].input.PolicyName)).toEqual(['First', 'Second']);
  });

  it('reads every page of a list before changing anything on it', async () => {
    givenTwoPagesOfManagedPolicies();
    await deleteRole(ROLE);

    expect(operationsSent(iamMock).slice(0, 4)).toEqual(['ListAttachedRolePolicies', 'ListAttachedRolePolicies', 'DetachRolePolicy', 'DetachRolePolicy']);
  });

  it('asks for no further page once IsTruncated is false', async () => {
    roleWith();
    const pages = pagedByToken('Marker', { '': { PolicyNames: ['Only'], IsTruncated: false, Marker: 'stale-marker' } });
    iamMock.on(ListRolePoliciesCommand).callsFake(pages.answer);

    await expect(deleteRole(ROLE)).resolves.toBe('deleted');
    expect(pages.tokensSent).toEqual([undefined]);
  });

  it('answers already-absent for a role that does not exist, and changes nothing', async () => {
    roleGone();

    await expect(deleteRole(ROLE)).resolves.toBe('already-absent');
    expect(changesSent()).toEqual([]);
  });

  it('answers already-absent when the role disappears part-way', async () => {
    roleGone();
    iamMock.on(ListAttachedRolePoliciesCommand).resolves(attachedPoliciesPage([managedPolicyArn('Provisioning')]));
    iamMock.on(DetachRolePolicyCommand).resolves({});

    await expect(deleteRole(ROLE)).resolves.toBe('already-absent');
    expect(iamMock.commandCalls(DeleteRolePolicyCommand)).toHaveLength(0);
  });

  it('answers already-absent when DeleteRole finds the role gone', async () => {
    roleWith({ attached: [managedPolicyArn('Provisioning')] });
    iamMock.on(DeleteRoleCommand).rejects(iamError.noSuchEntity(ROLE_NAME));

    await expect(deleteRole(ROLE)).resolves.toBe('already-absent');
  });

  it('goes on past a policy that is already detached, and deletes the role that still exists', async () => {
    roleWith({ attached: [managedPolicyArn('Gone'), managedPolicyArn('Provisioning')] });
    iamMock.on(DetachRolePolicyCommand, { PolicyArn: managedPolicyArn('Gone') }).rejects(iamError.noSuchEntity(ROLE_NAME));

    await expect(deleteRole(ROLE)).resolves.toBe('deleted');
    expect(iamMock.commandCalls(DetachRolePolicyCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(DeleteRoleCommand)).toHaveLength(1);
  });

  it.each([
    ['ListAttachedRolePolicies', ListAttachedRolePoliciesCommand],
    ['DetachRolePolicy', DetachRolePolicyCommand],
    ['ListRolePolicies', ListRolePoliciesCommand],
    ['DeleteRolePolicy', DeleteRolePolicyCommand],
    ['ListInstanceProfilesForRole', ListInstanceProfilesForRoleCommand],
    ['RemoveRoleFromInstanceProfile', RemoveRoleFromInstanceProfileCommand],
    ['DeleteRole', DeleteRoleCommand],
  ] as const)('throws ThrottlingException when IAM throttles %s', async (_operation, command) => {
    roleWith({ attached: [managedPolicyArn('Provisioning')], inline: ['Extra'], profiles: ['ProtonProfile'] });
    iamMock.on(command as typeof DeleteRoleCommand).rejects(iamError.throttling());

    await expect(deleteRole(ROLE)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('lets DeleteConflictException through under its own name (something was attached meanwhile)', async () => {
    roleWith();
    iamMock.on(DeleteRoleCommand).rejects(iamError.deleteConflict());

    await expect(deleteRole(ROLE)).rejects.toMatchObject({ name: 'DeleteConflictException' });
  });

  it.each([
    ['a user ARN', `arn:aws:iam::${ACCOUNT_ID}:user/${ROLE_NAME}`],
    ['a managed policy ARN', managedPolicyArn(ROLE_NAME)],
    ['a role ARN of another partition', `arn:aws-cn:iam::${ACCOUNT_ID}:role/${ROLE_NAME}`],
    ['a bare role name', ROLE_NAME],
  ])('refuses %s with InvalidStateInput, and sends nothing', async (_what, arn) => {
    roleWith();

    await expect(deleteRole(arn)).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(iamMock.calls()).toHaveLength(0);
  });
});

describe('rolesUsedByOtherConnections', () => {
  const OTHER = connectionIdOf(2);
  const THIRD = connectionIdOf(3);

  /** The account's connections: each as listed (no CodeBuild role, as Proton lists them) and as read whole. */
  function connections(...specs: { id: string; roleArn: string; componentRoleArn?: string; codebuildRoleArn?: string }[]) {
    protonMock.on(ListEnvironmentAccountConnectionsCommand).resolves({
      environmentAccountConnections: specs.map(({ codebuildRoleArn: _notListed, ...listed }) => connectionSummary(listed.id, listed)),
    });
    for (const spec of specs) {
      protonMock.on(GetEnvironmentAccountConnectionCommand, { id: spec.id }).resolves({ environmentAccountConnection: protonConnection(spec) });
    }
  }

  it('maps the environment and component roles of another connection to that connection', async () => {
    connections(
      { id: CONNECTION_ID, roleArn: iamRoleArn('Mine') },
      { id: OTHER, roleArn: iamRoleArn('OtherEnv'), componentRoleArn: iamRoleArn('OtherComponent') },
    );

    await expect(rolesUsedByOtherConnections(CONNECTION_ID)).resolves.toEqual(
      new Map([
        [iamRoleArn('OtherEnv'), [OTHER]],
        [iamRoleArn('OtherComponent'), [OTHER]],
      ]),
    );
  });

  it('finds a CodeBuild role that only GetEnvironmentAccountConnection names', async () => {
    connections(
      { id: CONNECTION_ID, roleArn: iamRoleArn('Mine') },
      { id: OTHER, roleArn: iamRoleArn('OtherEnv'), codebuildRoleArn: iamRoleArn('SharedBuild') },
    );

    const used = await rolesUsedByOtherConnections(CONNECTION_ID);
    expect(used.get(iamRoleArn('SharedBuild'))).toEqual([OTHER]);
  });

  it('leaves out the given connection, and does not read it', async () => {
    connections({ id: CONNECTION_ID, roleArn: iamRoleArn('Mine'), codebuildRoleArn: iamRoleArn('MyBuild') }, { id: OTHER, roleArn: iamRoleArn('OtherEnv') });

    const used = await rolesUsedByOtherConnections(CONNECTION_ID);
    expect([...used.keys()]).toEqual([iamRoleArn('OtherEnv')]);
    expect(protonMock.commandCalls(GetEnvironmentAccountConnectionCommand).map((call) => call.args[0].input.id)).toEqual([OTHER]);
  });

  it('names every other connection that references a shared role', async () => {
    connections(
      { id: CONNECTION_ID, roleArn: iamRoleArn('Shared') },
      { id: OTHER, roleArn: iamRoleArn('Shared') },
      { id: THIRD, roleArn: iamRoleArn('ThirdEnv'), codebuildRoleArn: iamRoleArn('Shared') },
    );

    expect((await rolesUsedByOtherConnections(CONNECTION_ID)).get(iamRoleArn('Shared'))).toEqual([OTHER, THIRD]);
  });

  it('names a connection once for a role it uses for several purposes', async () => {
    connections({ id: OTHER, roleArn: iamRoleArn('Shared'), componentRoleArn: iamRoleArn('Shared'), codebuildRoleArn: iamRoleArn('Shared') });

    expect((await rolesUsedByOtherConnections(CONNECTION_ID)).get(iamRoleArn('Shared'))).toEqual([OTHER]);
  });

  it('lists the connections of which this account is the environment account', async () => {
    connections();
    await rolesUsedByOtherConnections(CONNECTION_ID);

    expect(protonMock.commandCalls(ListEnvironmentAccountConnectionsCommand)[0]?.args[0].input).toMatchObject({ requestedBy: 'ENVIRONMENT_ACCOUNT' });
  });

  it('keeps counting the listed roles of a connection deleted between the list and the read', async () => {
    connections({ id: OTHER, roleArn: iamRoleArn('OtherEnv') });
    protonMock.on(GetEnvironmentAccountConnectionCommand, { id: OTHER }).rejects(protonError.notFound(OTHER));

    expect((await rolesUsedByOtherConnections(CONNECTION_ID)).get(iamRoleArn('OtherEnv'))).toEqual([OTHER]);
  });

  it('throws ThrottlingException when Proton throttles the read of a connection', async () => {
    connections({ id: OTHER, roleArn: iamRoleArn('OtherEnv') });
    protonMock.on(GetEnvironmentAccountConnectionCommand).rejects(protonError.throttling());

    await expect(rolesUsedByOtherConnections(CONNECTION_ID)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
