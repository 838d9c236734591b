import { describe, expect, it } from 'vitest';
import { ConnectionFactsSchema, environmentMismatch, factsFromProton, factsFromRequest, type ProtonConnection } from '../../functions/domain/connection.js';
import { ACCOUNT, arns, CONNECTION_ID, ENV, MANAGEMENT_ACCOUNT } from '../helpers/domain-fixtures.js';

function protonConnection(overrides: Partial<ProtonConnection> = {}): ProtonConnection {
  return {
    id: CONNECTION_ID,
    arn: `arn:aws:proton:eu-west-1:${ACCOUNT}:environment-account-connection/${CONNECTION_ID}`,
    status: 'CONNECTED',
    environmentName: ENV,
    managementAccountId: MANAGEMENT_ACCOUNT,
    roleArn: arns.role('ProtonEnvironmentRole'),
    ...overrides,
  };
}

describe('factsFromProton', () => {
  it('keeps what Proton says about the connection, and says the facts come from Proton', () => {
    const facts = factsFromProton(protonConnection());
    expect(facts).toMatchObject({ id: CONNECTION_ID, status: 'CONNECTED', environmentName: ENV, managementAccountId: MANAGEMENT_ACCOUNT, source: 'proton' });
    expect(facts.arn).toBe(protonConnection().arn);
  });

  it("builds the environment ARN in the connection's Region, under the management account", () => {
    expect(factsFromProton(protonConnection()).environmentArn).toBe(`arn:aws:proton:eu-west-1:${MANAGEMENT_ACCOUNT}:environment/${ENV}`);
  });

  it("builds the environment ARN in the connection's partition", () => {
    const facts = factsFromProton(protonConnection({ arn: `arn:aws-cn:proton:cn-north-1:${ACCOUNT}:environment-account-connection/${CONNECTION_ID}` }));
    expect(facts.environmentArn).toBe(`arn:aws-cn:proton:cn-north-1:${MANAGEMENT_ACCOUNT}:environment/${ENV}`);
  });

  it('lists every role the connection has: environment, component and CodeBuild roles', () => {
    const roles = [arns.role('EnvRole'), arns.role('ComponentRole'), arns.role('CodeBuildRole')];
    const facts = factsFromProton(protonConnection({ roleArn: roles[0], componentRoleArn: roles[1], codebuildRoleArn: roles[2] }));
    expect(facts.roleArns).toEqual(roles);
  });

  it('lists a role used for several purposes once', () => {
    const role = arns.role('ProtonRole');
    expect(factsFromProton(protonConnection({ roleArn: role, componentRoleArn: role, codebuildRoleArn: role })).roleArns).toEqual([role]);
  });

  it('leaves out roles the connection does not have', () => {
    expect(factsFromProton(protonConnection({ roleArn: '', componentRoleArn: undefined })).roleArns).toEqual([]);
  });

  it('produces facts that match the schema the state machine passes on', () => {
    expect(() => ConnectionFactsSchema.parse(factsFromProton(protonConnection()))).not.toThrow();
  });
});

describe('factsFromRequest', () => {
  const request = { connectionId: CONNECTION_ID, environment: { name: ENV, managementAccountId: MANAGEMENT_ACCOUNT } };

  it("takes the environment from the request and builds its ARN in this Lambda's partition and Region", () => {
    const facts = factsFromRequest(request, { partition: 'aws-us-gov', region: 'us-gov-west-1', protonApi: 'available' });
    expect(facts).toMatchObject({ id: CONNECTION_ID, environmentName: ENV, managementAccountId: MANAGEMENT_ACCOUNT });
    expect(facts.environmentArn).toBe(`arn:aws-us-gov:proton:us-gov-west-1:${MANAGEMENT_ACCOUNT}:environment/${ENV}`);
  });

  it('knows no roles and no connection ARN, and says the facts come from the request', () => {
    const facts = factsFromRequest(request, { partition: 'aws', region: 'us-east-1', protonApi: 'retired' });
    expect(facts.roleArns).toEqual([]);
    expect(facts.arn).toBeUndefined();
    expect(facts.source).toBe('request');
    expect(facts.protonApi).toBe('retired');
    expect(() => ConnectionFactsSchema.parse(facts)).not.toThrow();
  });
});

describe('environmentMismatch', () => {
  it('accepts a request that names no environment', () => {
    expect(environmentMismatch(undefined, protonConnection())).toBeUndefined();
  });

  it('accepts a request that names the environment the connection serves', () => {
    const connection = protonConnection();
    expect(environmentMismatch({ name: connection.environmentName, managementAccountId: connection.managementAccountId }, connection)).toBeUndefined();
  });

  it('names both environments when the request names another one', () => {
    const connection = protonConnection();
    const problem = environmentMismatch({ name: 'other-env', managementAccountId: connection.managementAccountId }, connection);
    expect(problem).toContain('other-env');
    expect(problem).toContain(connection.environmentName);
  });

  it('tells an environment of the same name in another management account apart', () => {
    const connection = protonConnection();
    expect(environmentMismatch({ name: connection.environmentName, managementAccountId: '999999999999' }, connection)).toContain('999999999999');
  });
});
