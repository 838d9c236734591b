import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { GetEnvironmentAccountConnectionCommand, ListEnvironmentAccountConnectionsCommand, ProtonClient } from '@aws-sdk/client-proton';
import { S3Client } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/delete-connection-roles.js';
import type { ConnectionFacts } from '../../functions/domain/connection.js';
import type { InventoriedResource, Inventory } from '../../functions/domain/inventory.js';
import {
  attachedPoliciesPage,
  CONNECTION_ID,
  connectionFacts,
  connectionIdOf,
  connectionSummary,
  ENVIRONMENT_NAME,
  EXECUTION_NAME,
  executionKey,
  HUB_TARGET,
  inlinePoliciesPage,
  instanceProfilesPage,
  mockedClients,
  networkError,
  protonConnection,
  REPORT_BUCKET,
  ROLE_ARN,
  sampleInventory,
  serveObjects,
} from '../helpers/sdk-fixtures.js';

const [proton, iam, cloudFormation, s3] = mockedClients(ProtonClient, IAMClient, CloudFormationClient, S3Client);

const INVENTORY_KEY = executionKey('inventory.json');

/** The inventory of a run with deleteConnectionRoles: the connection's role is to be deleted. */
function inventoryWithRoleToDelete(overrides: Partial<InventoriedResource> = {}): Inventory {
  const inventory = sampleInventory();
  const role = (r: InventoriedResource): InventoriedResource => ({ ...r, action: 'delete-role', reason: 'deleteConnectionRoles', ...overrides });
  return { ...inventory, resources: inventory.resources.map((r) => (r.type === 'iam:role' ? role(r) : r)) };
}
const OTHER = connectionIdOf(2);

/** This account's connections, as Proton lists them: by default, only the one decommissioned. */
function givenConnections(...summaries: ReturnType<typeof connectionSummary>[]): void {
  proton.on(ListEnvironmentAccountConnectionsCommand).resolves({ environmentAccountConnections: summaries });
  for (const summary of summaries) {
    proton.on(GetEnvironmentAccountConnectionCommand, { id: summary.id }).resolves({ environmentAccountConnection: protonConnection({ ...summary }) });
  }
}

beforeEach(() => {
  givenConnections(connectionSummary(CONNECTION_ID));
  serveObjects(s3, { [INVENTORY_KEY]: inventoryWithRoleToDelete() });
  // Every stack of the environment is gone; the role has nothing attached.
  cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
  iam.on(ListAttachedRolePoliciesCommand).resolves(attachedPoliciesPage([]));
  iam.on(ListRolePoliciesCommand).resolves(inlinePoliciesPage([]));
  iam.on(ListInstanceProfilesForRoleCommand).resolves(instanceProfilesPage([]));
  iam.on(DeleteRoleCommand).resolves({});
});

const deleteConnectionRoles = (connection: ConnectionFacts = connectionFacts(), mode = 'execute') =>
  handler({ target: HUB_TARGET, connection, inventory: { location: { bucket: REPORT_BUCKET, key: INVENTORY_KEY } }, mode, executionName: EXECUTION_NAME });

describe('DeleteConnectionRoles handler', () => {
  it('deletes the connection role once its stacks are gone and no other connection references it', async () => {
    await expect(deleteConnectionRoles()).resolves.toEqual([{ id: ROLE_ARN, outcome: 'deleted', reason: expect.any(String) }]);
    expect(iam.commandCalls(DeleteRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: 'proton-environment-role' }]);
  });

  it('keeps a role the inventory does not plan to delete (a reviewed plan kept it), with the inventory reason', async () => {
    const reason = 'not in the reviewed plan (plan-1): the plan did not list it as a deletion; make a new plan to include it';
    serveObjects(s3, { [INVENTORY_KEY]: inventoryWithRoleToDelete({ action: 'retain', reason }) });
    await expect(deleteConnectionRoles()).resolves.toEqual([{ id: ROLE_ARN, outcome: 'retained', reason }]);
    expect(iam.commandCalls(DeleteRoleCommand)).toEqual([]);
  });

  it('does nothing, asking nothing, when the connection has no roles', async () => {
    await expect(deleteConnectionRoles(connectionFacts({ roleArns: [] }))).resolves.toEqual([]);
    expect(proton.calls()).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });

  describe('the serving rule, checked first', () => {
    it.each(['CONNECTED', 'PENDING'] as const)('retains every role, with the reason, when another connection is %s for the environment', async (status) => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER, { status }));
      await expect(deleteConnectionRoles()).resolves.toEqual([
        {
          id: ROLE_ARN,
          outcome: 'retained',
          reason: expect.stringContaining(`environment ${ENVIRONMENT_NAME} is still served by connection ${OTHER} (${status})`),
        },
      ]);
      expect(iam.calls()).toEqual([]);
    });

    it('lists the connections for the environment before reading anything else', async () => {
      givenConnections(connectionSummary(CONNECTION_ID), connectionSummary(OTHER));
      await deleteConnectionRoles();
      expect(proton.commandCalls(ListEnvironmentAccountConnectionsCommand)[0]?.args[0].input).toMatchObject({ environmentName: ENVIRONMENT_NAME });
      expect(s3.calls()).toEqual([]);
      expect(cloudFormation.calls()).toEqual([]);
    });

    it.each(['PENDING', 'REJECTED'] as const)('retains the roles of a %s connection: only the connection itself is deleted', async (status) => {
      givenConnections(connectionSummary(CONNECTION_ID, { status }));
      await expect(deleteConnectionRoles(connectionFacts({ status }))).resolves.toEqual([
        { id: ROLE_ARN, outcome: 'retained', reason: expect.stringContaining(`${CONNECTION_ID} is ${status}`) },
      ]);
      expect(iam.calls()).toEqual([]);
    });

    it('fails, deleting nothing, when the connections cannot be listed', async () => {
      proton.on(ListEnvironmentAccountConnectionsCommand).rejects(networkError.code('ECONNRESET'));
      await expect(deleteConnectionRoles()).rejects.toMatchObject({ name: 'NetworkError' });
      expect(iam.calls()).toEqual([]);
    });
  });

  it('refuses to run in plan mode with InvalidStateInput, calling nothing', async () => {
    await expect(deleteConnectionRoles(connectionFacts(), 'plan')).rejects.toMatchObject({ name: 'InvalidStateInput' });
    expect(proton.calls()).toEqual([]);
    expect(iam.calls()).toEqual([]);
  });
});
