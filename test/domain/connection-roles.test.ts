import { describe, expect, it } from 'vitest';
import { decideRoleDeletions, roleNameOf } from '../../functions/domain/connection-roles.js';
import { ACCOUNT } from '../helpers/domain-fixtures.js';

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const OTHER_CONNECTION = '7b1e9a52-4d8c-4f0e-8a6b-2c3d4e5f6a7b';
const THIRD_CONNECTION = '00000000-0000-4000-8000-000000000003';
const nothingElse = new Map<string, string[]>();

describe('decideRoleDeletions', () => {
  it('deletes a role no other connection references once no stack of the connection remains', () => {
    expect(decideRoleDeletions([role('EnvRole')], nothingElse, false)).toEqual([
      { roleArn: role('EnvRole'), action: 'delete', reason: expect.any(String) },
    ]);
  });

  it('retains a role another connection references, naming that connection', () => {
    const [decision] = decideRoleDeletions([role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION]]]), false);
    expect(decision).toMatchObject({ roleArn: role('SharedRole'), action: 'retain' });
    expect(decision?.reason).toContain(OTHER_CONNECTION);
  });

  it('names every other connection that references the role', () => {
    const [decision] = decideRoleDeletions([role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION, THIRD_CONNECTION]]]), false);
    expect(decision?.reason).toContain(OTHER_CONNECTION);
    expect(decision?.reason).toContain(THIRD_CONNECTION);
  });

  it('retains every role while stacks of the connection remain, saying to delete them first', () => {
    const decisions = decideRoleDeletions([role('EnvRole'), role('ComponentRole')], nothingElse, true);
    expect(decisions).toEqual([
      { roleArn: role('EnvRole'), action: 'retain', reason: 'stacks that may still need it remain: delete them first' },
      { roleArn: role('ComponentRole'), action: 'retain', reason: 'stacks that may still need it remain: delete them first' },
    ]);
  });

  it('gives both reasons for a shared role while stacks remain', () => {
    const [decision] = decideRoleDeletions([role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION]]]), true);
    expect(decision?.action).toBe('retain');
    expect(decision?.reason).toContain(OTHER_CONNECTION);
    expect(decision?.reason).toContain('delete them first');
  });

  it('decides each role on its own: a shared role stays while the connection-only role goes', () => {
    const decisions = decideRoleDeletions([role('EnvRole'), role('SharedRole')], new Map([[role('SharedRole'), [OTHER_CONNECTION]]]), false);
    expect(decisions.map((d) => [d.roleArn, d.action])).toEqual([
      [role('EnvRole'), 'delete'],
      [role('SharedRole'), 'retain'],
    ]);
  });

  it('ignores what other connections reference that this connection does not use', () => {
    expect(decideRoleDeletions([role('EnvRole')], new Map([[role('OtherRole'), [OTHER_CONNECTION]]]), false)[0]?.action).toBe('delete');
  });

  it('decides a role the connection names twice (e.g. as environment and component role) once', () => {
    expect(decideRoleDeletions([role('EnvRole'), role('EnvRole')], nothingElse, false)).toHaveLength(1);
  });

  it('leaves out empty role ARNs', () => {
    expect(decideRoleDeletions(['', role('EnvRole')], nothingElse, false).map((d) => d.roleArn)).toEqual([role('EnvRole')]);
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
    ['an ARN of another service', `arn:aws:s3:::ProtonEnvironmentRole`],
    ['an IAM ARN with a Region', `arn:aws:iam:us-east-1:${ACCOUNT}:role/ProtonEnvironmentRole`],
    ['an IAM ARN without an account', 'arn:aws:iam:::role/ProtonEnvironmentRole'],
    ['a role ARN without a name', `arn:aws:iam::${ACCOUNT}:role/`],
    ['a role ARN whose name has characters IAM does not allow', `arn:aws:iam::${ACCOUNT}:role/Proton Role`],
    ['a bare role name', 'ProtonEnvironmentRole'],
  ])('rejects %s', (_what, arn) => {
    expect(roleNameOf(arn, 'aws')).toBeUndefined();
  });
});
