import { describe, expect, it } from 'vitest';
import { decideRoleDeletions, roleNameOf, rolesPlannedForDeletion, stacksUsingRoles } from '../../functions/domain/connection-roles.js';
import { ACCOUNT } from '../helpers/domain-fixtures.js';

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const OTHER_CONNECTION = '7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b';
const THIRD_CONNECTION = '00000000-0000-4000-8000-000000000003';
const nothingElse = new Map<string, string[]>();
const noStack = new Map<string, string[]>();

describe('stacksUsingRoles', () => {
  it('names, for each of the roles, the live stacks that use it as their service role', () => {
    const live = [
      { stackName: 'A', roleArn: role('EnvRole') },
      { stackName: 'B', roleArn: 'arn:aws:iam::111122223333:role/pcc-prod-us-east-1-cfn-delete' },
      { stackName: 'C' },
    ];
    expect(stacksUsingRoles([role('EnvRole'), role('ComponentRole')], live)).toEqual(new Map([[role('EnvRole'), ['A']]]));
  });
});

describe('rolesPlannedForDeletion', () => {
  it('goes on with the roles the inventory planned to delete, in order', () => {
    const inventoried = [
      { id: role('ComponentRole'), action: 'delete-role' },
      { id: role('EnvRole'), action: 'delete-role' },
    ];
    expect(rolesPlannedForDeletion([role('EnvRole'), role('ComponentRole')], inventoried)).toEqual({
      planned: [role('EnvRole'), role('ComponentRole')],
      kept: [],
    });
  });

  it("keeps a role the inventory did not plan to delete (a reviewed plan kept it), with the inventory's reason", () => {
    const inventoried = [
      { id: role('EnvRole'), action: 'retain', reason: 'not in the reviewed plan' },
      { id: role('ComponentRole'), action: 'delete-role' },
    ];
    expect(rolesPlannedForDeletion([role('EnvRole'), role('ComponentRole')], inventoried)).toEqual({
      planned: [role('ComponentRole')],
      kept: [{ roleArn: role('EnvRole'), action: 'retain', reason: 'not in the reviewed plan' }],
    });
  });

  it('keeps a role this run never inventoried, saying so', () => {
    expect(rolesPlannedForDeletion([role('EnvRole')], [])).toEqual({
      planned: [],
      kept: [{ roleArn: role('EnvRole'), action: 'retain', reason: 'not in the inventory of this run' }],
    });
  });
});

describe('decideRoleDeletions', () => {
  it('deletes a role no other connection references and no live stack uses as its service role', () => {
    expect(decideRoleDeletions([role('EnvRole')], nothingElse, noStack)).toEqual([{ roleArn: role('EnvRole'), action: 'delete', reason: expect.any(String) }]);
  });

  it('retains a role another connection references, naming that connection', () => {
    const [decision] = decideRoleDeletions([role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION]]]), noStack);
    expect(decision).toMatchObject({ roleArn: role('SharedRole'), action: 'retain' });
    expect(decision?.reason).toContain(OTHER_CONNECTION);
  });

  it('names every other connection that references the role', () => {
    const [decision] = decideRoleDeletions([role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION, THIRD_CONNECTION]]]), noStack);
    expect(decision?.reason).toContain(OTHER_CONNECTION);
    expect(decision?.reason).toContain(THIRD_CONNECTION);
  });

  it('retains a role a live stack uses as its service role, naming the stack and saying to delete it first, and decides the others on their own', () => {
    const decisions = decideRoleDeletions([role('EnvRole'), role('ComponentRole')], nothingElse, new Map([[role('EnvRole'), ['AWSProton-api-x']]]));
    expect(decisions).toEqual([
      {
        roleArn: role('EnvRole'),
        action: 'retain',
        reason: expect.stringMatching(/^the service role of live stack\(s\) AWSProton-api-x: .*delete them first/),
      },
      { roleArn: role('ComponentRole'), action: 'delete', reason: expect.any(String) },
    ]);
  });

  it('gives both reasons for a shared role that a live stack also uses', () => {
    const [decision] = decideRoleDeletions(
      [role('SharedRole')],
      new Map([[role('SharedRole'), [OTHER_CONNECTION]]]),
      new Map([[role('SharedRole'), ['AWSProton-api-x']]]),
    );
    expect(decision?.action).toBe('retain');
    expect(decision?.reason).toContain(OTHER_CONNECTION);
    expect(decision?.reason).toContain('delete them first');
  });

  it('decides each role on its own: a shared role stays while the connection-only role goes', () => {
    const decisions = decideRoleDeletions([role('EnvRole'), role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION]]]), noStack);
    expect(decisions.map((d) => [d.roleArn, d.action])).toEqual([
      [role('EnvRole'), 'delete'],
      [role('SharedRole'), 'retain'],
    ]);
  });

  it('ignores what other connections reference that this connection does not use', () => {
    expect(decideRoleDeletions([role('EnvRole')], new Map([[role('OtherRole'), [OTHER_CONNECTION]]]), noStack)[0]?.action).toBe('delete');
  });

  it('decides a role the connection names twice (e.g. as environment and component role) once', () => {
    expect(decideRoleDeletions([role('EnvRole'), role('EnvRole')], nothingElse, noStack)).toHaveLength(1);
  });

  it('leaves out empty role ARNs', () => {
    expect(decideRoleDeletions(['', role('EnvRole')], nothingElse, noStack).map((d) => d.roleArn)).toEqual([role('EnvRole')]);
  });
});

describe('roleNameOf', () => {
  it('takes the name of a role ARN', () => {
    expect(roleNameOf(role('ProtonEnvironmentRole'), 'aws')).toBe('ProtonEnvironmentRole');
  });

  it('takes the last path segment of a role ARN with a path', () => {
    expect(roleNameOf(`arn:aws:iam::${ACCOUNT}:role/proton/service-role/ProtonEnvironmentRole`, 'aws')).toBe('ProtonEnvironmentRole');
  });

  it('accepts a role ARN of the partition it is given', () => {
    expect(roleNameOf(`arn:aws-cn:iam::${ACCOUNT}:role/ProtonEnvironmentRole`, 'aws-cn')).toBe('ProtonEnvironmentRole');
  });

  it.each([
    ['a role ARN of another partition', `arn:aws-cn:iam::${ACCOUNT}:role/ProtonEnvironmentRole`],
    ['a user ARN', `arn:aws:iam::${ACCOUNT}:user/ProtonEnvironmentRole`],
    ['a managed policy ARN', `arn:aws:iam::${ACCOUNT}:policy/ProtonEnvironmentRole`],
    ['an ARN of another service', 'arn:aws:s3:::ProtonEnvironmentRole'],
    ['an IAM ARN with a Region', `arn:aws:iam:us-east-1:${ACCOUNT}:role/ProtonEnvironmentRole`],
    ['an IAM ARN without an account', 'arn:aws:iam:::role/ProtonEnvironmentRole'],
    ['a role ARN without a name', `arn:aws:iam::${ACCOUNT}:role/`],
    ['a role ARN whose name has characters IAM does not allow', `arn:aws:iam::${ACCOUNT}:role/Proton Role`],
    ['a bare role name', 'ProtonEnvironmentRole'],
  ])('rejects %s', (_what, arn) => {
    expect(roleNameOf(arn, 'aws')).toBeUndefined();
  });
});
