import { describe, expect, it } from 'vitest';
import { evaluate, type NamedPolicy, type PolicyStatement } from '../../local/iam/policy.js';

/** Expected answers: IAM User Guide, "The difference between explicit and implicit denies" and "IAM JSON policy elements: Condition operators". */
const policy = (...Statement: PolicyStatement[]): NamedPolicy[] => [{ name: 'p', document: { Version: '2012-10-17', Statement } }];
const decide = (policies: NamedPolicy[], action: string, resource: string, context = {}) => evaluate(policies, { action, resource, context }).decision;
const BUCKET = 'arn:aws:s3:::reports';

describe('evaluation logic', () => {
  it('denies implicitly when no statement allows', () => {
    expect(decide(policy(), 's3:GetObject', `${BUCKET}/a`)).toBe('ImplicitDeny');
  });
  it('allows when a statement allows the action on the resource', () => {
    expect(decide(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/*` }), 's3:GetObject', `${BUCKET}/a`)).toBe('Allow');
  });
  it('an explicit deny wins over an allow', () => {
    const p = policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' });
    expect(decide(p, 's3:DeleteObject', `${BUCKET}/a`)).toBe('ExplicitDeny');
  });
  it('a deny across policies wins too', () => {
    const p: NamedPolicy[] = [
      ...policy({ Effect: 'Allow', Action: '*', Resource: '*' }),
      { name: 'deny', document: { Statement: { Effect: 'Deny', Action: 'iam:*', Resource: '*' } } },
    ];
    expect(decide(p, 'iam:DeleteRole', 'arn:aws:iam::111122223333:role/r')).toBe('ExplicitDeny');
  });
});

describe('a statement IAM would refuse (MalformedPolicyDocument)', () => {
  it('with neither Action nor NotAction is refused loudly, never read as every action', () => {
    expect(() => decide(policy({ Effect: 'Allow', Resource: '*' } as PolicyStatement), 's3:GetObject', `${BUCKET}/a`)).toThrow(
      /MalformedPolicyDocument: .*neither Action nor NotAction/,
    );
  });

  it('with neither Resource nor NotResource is refused loudly', () => {
    expect(() => decide(policy({ Effect: 'Allow', Action: 's3:GetObject' } as PolicyStatement), 's3:GetObject', `${BUCKET}/a`)).toThrow(
      /MalformedPolicyDocument: .*neither Resource nor NotResource/,
    );
  });
});

describe('Action and NotAction', () => {
  it('actions match case-insensitively', () => {
    expect(decide(policy({ Effect: 'Allow', Action: 'S3:getobject', Resource: '*' }), 's3:GetObject', `${BUCKET}/a`)).toBe('Allow');
  });
  it('* and ? wildcards in actions', () => {
    const p = policy({ Effect: 'Allow', Action: ['cloudformation:Describe*', 'sns:Publis?'], Resource: '*' });
    expect(decide(p, 'cloudformation:DescribeStackEvents', '*')).toBe('Allow');
    expect(decide(p, 'sns:Publish', '*')).toBe('Allow');
    expect(decide(p, 'cloudformation:DeleteStack', '*')).toBe('ImplicitDeny');
  });
  it('NotAction allows every action but the listed ones', () => {
    const p = policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' });
    expect(decide(p, 's3:GetObject', `${BUCKET}/a`)).toBe('Allow');
    expect(decide(p, 'iam:DeleteRole', '*')).toBe('ImplicitDeny');
  });
});

describe('Resource and NotResource', () => {
  it('resources match case-sensitively', () => {
    expect(decide(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: `${BUCKET}/Reports/*` }), 's3:GetObject', `${BUCKET}/reports/a`)).toBe(
      'ImplicitDeny',
    );
  });
  it('a wildcard in the last ARN part spans colons and slashes (log-group:*)', () => {
    const p = policy({ Effect: 'Allow', Action: 'logs:DeleteLogGroup', Resource: 'arn:aws:logs:us-east-1:111122223333:log-group:*' });
    expect(decide(p, 'logs:DeleteLogGroup', 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/x:*')).toBe('Allow');
  });
  it('each ARN part is matched on its own (a wildcard Region part matches any Region, not the account)', () => {
    const p = policy({ Effect: 'Allow', Action: 'sns:Publish', Resource: 'arn:aws:sns:*:111122223333:topic' });
    expect(decide(p, 'sns:Publish', 'arn:aws:sns:eu-west-1:111122223333:topic')).toBe('Allow');
    expect(decide(p, 'sns:Publish', 'arn:aws:sns:eu-west-1:444455556666:topic')).toBe('ImplicitDeny');
  });
  it('? matches exactly one character', () => {
    const p = policy({ Effect: 'Allow', Action: 'ssm:DeleteParameter', Resource: 'arn:aws:ssm:us-east-1:111122223333:parameter/a?' });
    expect(decide(p, 'ssm:DeleteParameter', 'arn:aws:ssm:us-east-1:111122223333:parameter/ab')).toBe('Allow');
    expect(decide(p, 'ssm:DeleteParameter', 'arn:aws:ssm:us-east-1:111122223333:parameter/abc')).toBe('ImplicitDeny');
  });
  it('NotResource applies to every resource but the listed ones', () => {
    const p = policy({ Effect: 'Deny', Action: 's3:*', NotResource: `${BUCKET}/*` }, { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    expect(decide(p, 's3:GetObject', `${BUCKET}/a`)).toBe('Allow');
    expect(decide(p, 's3:GetObject', 'arn:aws:s3:::other/a')).toBe('ExplicitDeny');
  });
});

describe('condition operators', () => {
  const allowIf = (Condition: PolicyStatement['Condition']) => policy({ Effect: 'Allow', Action: 'cloudformation:DeleteStack', Resource: '*', Condition });
  const role = 'arn:aws:iam::111122223333:role/AWSProtonStackRole';
  it('StringEquals matches one of the listed values', () => {
    expect(
      decide(allowIf({ StringEquals: { 'cloudformation:RoleArn': ['x', role] } }), 'cloudformation:DeleteStack', '*', { 'cloudformation:RoleArn': role }),
    ).toBe('Allow');
  });
  it('condition key names are case-insensitive', () => {
    expect(decide(allowIf({ StringEquals: { 'CloudFormation:rolearn': role } }), 'cloudformation:DeleteStack', '*', { 'cloudformation:RoleArn': role })).toBe(
      'Allow',
    );
  });
  it('a missing key makes a condition false', () => {
    expect(decide(allowIf({ StringEquals: { 'cloudformation:RoleArn': role } }), 'cloudformation:DeleteStack', '*')).toBe('ImplicitDeny');
  });
  it('a missing key makes a negated condition (StringNotEquals, ArnNotLike) true', () => {
    expect(decide(allowIf({ StringNotEquals: { 'cloudformation:RoleArn': role } }), 'cloudformation:DeleteStack', '*')).toBe('Allow');
    expect(decide(allowIf({ ArnNotLike: { 'cloudformation:RoleArn': role } }), 'cloudformation:DeleteStack', '*')).toBe('Allow');
  });
  it('StringNotEquals is false when the value is any of the listed ones', () => {
    expect(
      decide(allowIf({ StringNotEquals: { 'cloudformation:RoleArn': ['a', role] } }), 'cloudformation:DeleteStack', '*', { 'cloudformation:RoleArn': role }),
    ).toBe('ImplicitDeny');
  });
  it('...IfExists matches when the key is missing, and tests the value when present', () => {
    const p = allowIf({ StringEqualsIfExists: { 'cloudformation:RoleArn': role } });
    expect(decide(p, 'cloudformation:DeleteStack', '*')).toBe('Allow');
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'cloudformation:RoleArn': 'other' })).toBe('ImplicitDeny');
  });
  it('StringLike uses wildcards, case-sensitively', () => {
    const p = allowIf({ StringLike: { 's3:prefix': 'memory/*' } });
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 's3:prefix': 'memory/x' })).toBe('Allow');
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 's3:prefix': 'Memory/x' })).toBe('ImplicitDeny');
  });
  it('ArnLike and ArnEquals compare ARNs part by part with wildcards', () => {
    expect(
      decide(allowIf({ ArnLike: { 'cloudformation:RoleArn': 'arn:aws:iam::*:role/AWSProton*' } }), 'cloudformation:DeleteStack', '*', {
        'cloudformation:RoleArn': role,
      }),
    ).toBe('Allow');
    expect(
      decide(allowIf({ ArnEquals: { 'cloudformation:RoleArn': 'arn:aws:iam::111122223333:role/*' } }), 'cloudformation:DeleteStack', '*', {
        'cloudformation:RoleArn': role,
      }),
    ).toBe('Allow');
  });
  it('Bool compares true/false', () => {
    const deny = policy(
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    );
    expect(decide(deny, 's3:GetObject', '*', { 'aws:SecureTransport': true })).toBe('Allow');
    expect(decide(deny, 's3:GetObject', '*', { 'aws:SecureTransport': false })).toBe('ExplicitDeny');
  });
  it('Null: true requires the key to be absent, false present', () => {
    expect(decide(allowIf({ Null: { 'cloudformation:RoleArn': 'true' } }), 'cloudformation:DeleteStack', '*')).toBe('Allow');
    expect(decide(allowIf({ Null: { 'cloudformation:RoleArn': 'false' } }), 'cloudformation:DeleteStack', '*')).toBe('ImplicitDeny');
  });
  it('ForAnyValue: one request value matching is enough; none present is false', () => {
    const p = allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } });
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'aws:TagKeys': ['owner', 'env'] })).toBe('Allow');
    expect(decide(p, 'cloudformation:DeleteStack', '*')).toBe('ImplicitDeny');
  });
  it('ForAllValues: every request value must match; none present is true', () => {
    const p = allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'owner'] } });
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'aws:TagKeys': ['env'] })).toBe('Allow');
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'aws:TagKeys': ['env', 'cost'] })).toBe('ImplicitDeny');
    expect(decide(p, 'cloudformation:DeleteStack', '*')).toBe('Allow');
  });
  it('several operators and keys must all hold', () => {
    const p = allowIf({ StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' }, ArnLike: { 'cloudformation:RoleArn': role } });
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'iam:PassedToService': 'cloudformation.amazonaws.com', 'cloudformation:RoleArn': role })).toBe(
      'Allow',
    );
    expect(decide(p, 'cloudformation:DeleteStack', '*', { 'iam:PassedToService': 'cloudformation.amazonaws.com' })).toBe('ImplicitDeny');
  });
  it('an operator the evaluation does not know is an error, never an allow', () => {
    expect(() => decide(allowIf({ StringSoundsLike: { k: 'v' } }), 'cloudformation:DeleteStack', '*', { k: 'v' })).toThrow(/not supported/);
  });
});
