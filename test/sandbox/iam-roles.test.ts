import { DeleteRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { openSandbox } from '../../local/run-workflow.js';
import { CONNECTION_ID, connectionWithRoles, fault, OTHER_CONNECTION_ID, OTHER_ENVIRONMENT, scenario } from '../helpers/scenarios.js';

/**
 * Connection roles against the embedded sandbox: the IAM client's real middleware (retries,
 * error classification) answered by the simulated account's roles.
 */
async function iamRoles() {
  return import('../../functions/aws/iam-roles.js');
}

const ROLE = 'ProtonEnvironmentRole-payments';
const SHARED = 'ProtonSharedProvisioningRole';

const sharedRoleScenario = () =>
  scenario({
    connections: [
      connectionWithRoles(CONNECTION_ID, { roleName: ROLE, componentRoleName: SHARED }),
      connectionWithRoles(OTHER_CONNECTION_ID, { roleName: 'ProtonEnvironmentRole-ledger', codebuildRoleName: SHARED }, { environmentName: OTHER_ENVIRONMENT }),
    ],
  });

describe('connection roles in the sandbox account', () => {
  it('exist for every role a connection names, each with a managed and an inline policy to remove', async () => {
    const sandbox = await openSandbox(sharedRoleScenario());

    expect([...sandbox.account.roles.keys()].sort()).toEqual(['ProtonEnvironmentRole-ledger', ROLE, SHARED].sort());
    expect(sandbox.account.roles.get(ROLE)).toMatchObject({ attached: [expect.any(String)], inline: [expect.any(String)] });
  });

  it('answers DeleteRole with DeleteConflictException while the role still has policies', async () => {
    const sandbox = await openSandbox(scenario());
    const { iam } = await import('../../functions/aws/clients.js');

    await expect(iam().send(new DeleteRoleCommand({ RoleName: ROLE }))).rejects.toMatchObject({ name: 'DeleteConflictException' });
    expect(sandbox.account.roles.has(ROLE)).toBe(true);
  });

  it('list connections without their CodeBuild role, which only the connection read whole names', async () => {
    await openSandbox(sharedRoleScenario());
    const { getConnection, listConnections } = await import('../../functions/aws/proton.js');

    const listed = (await listConnections()).find((c) => c.id === OTHER_CONNECTION_ID);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('codebuildRoleArn');
    expect((await getConnection(OTHER_CONNECTION_ID))?.codebuildRoleArn).toMatch(new RegExp(`:role/${SHARED}$`));
  });
});

describe('deleteRole against the sandbox', () => {
  it('deletes a connection role with its policies: it is gone from the account', async () => {
    const sandbox = await openSandbox(scenario());
    const { deleteRole } = await iamRoles();

    await expect(deleteRole(sandbox.account.roleArn(ROLE))).resolves.toBe('deleted');
    expect(sandbox.account.roles.has(ROLE)).toBe(false);
  });

  it('answers already-absent when the role is deleted again', async () => {
    const sandbox = await openSandbox(scenario());
    const { deleteRole } = await iamRoles();
    await deleteRole(sandbox.account.roleArn(ROLE));

    await expect(deleteRole(sandbox.account.roleArn(ROLE))).resolves.toBe('already-absent');
    expect(sandbox.callsTo('DeleteRole')).toHaveLength(1);
  });

  it('removes the role from its instance profiles before deleting it', async () => {
    const sandbox = await openSandbox(scenario());
    sandbox.account.roles.get(ROLE)?.instanceProfiles.push('ProtonBuildProfile');
    const { deleteRole } = await iamRoles();

    await expect(deleteRole(sandbox.account.roleArn(ROLE))).resolves.toBe('deleted');
    expect(sandbox.callsTo('RemoveRoleFromInstanceProfile').map((c) => c.input)).toEqual([{ RoleName: ROLE, InstanceProfileName: 'ProtonBuildProfile' }]);
  });

  it('deletes the role on a retry after a run that failed part-way', async () => {
    const sandbox = await openSandbox(scenario({ faults: [fault('DeleteRole', 'access-denied', { times: 1 })] }));
    const { deleteRole } = await iamRoles();
    await expect(deleteRole(sandbox.account.roleArn(ROLE))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(sandbox.account.roles.get(ROLE)).toMatchObject({ attached: [], inline: [] });

    await expect(deleteRole(sandbox.account.roleArn(ROLE))).resolves.toBe('deleted');
    expect(sandbox.account.roles.has(ROLE)).toBe(false);
  });

  it('throws ThrottlingException when IAM keeps throttling, after the SDK has retried', async () => {
    const sandbox = await openSandbox(scenario({ faults: [fault('ListAttachedRolePolicies', 'throttle')] }));
    const { deleteRole } = await iamRoles();

    await expect(deleteRole(sandbox.account.roleArn(ROLE))).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(sandbox.callsTo('ListAttachedRolePolicies').length).toBeGreaterThan(1);
    expect(sandbox.account.roles.has(ROLE)).toBe(true);
  });
});

describe('rolesUsedByOtherConnections against the sandbox', () => {
  it('reports a role shared by two connections as used by the other', async () => {
    const sandbox = await openSandbox(sharedRoleScenario());
    const { rolesUsedByOtherConnections } = await iamRoles();

    const used = await rolesUsedByOtherConnections(CONNECTION_ID);
    expect(used.get(sandbox.account.roleArn(SHARED))).toEqual([OTHER_CONNECTION_ID]);
    expect(used.has(sandbox.account.roleArn(ROLE))).toBe(false);
  });
});
