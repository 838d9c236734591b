import { AccessDeniedException as ProtonAccessDenied } from '@aws-sdk/client-proton';
import { AuthorizationErrorException } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { accessDeniedError, accessDeniedMessage, assumedRoleArn } from '../../local/iam/access-denied.js';

const principal = assumedRoleArn('111122223333', 'pcc-local-us-east-1-delete-roles', 'proton-connection-cleanup-local-deleteConnectionRoles');
const denial = (resource = 'arn:aws:iam::111122223333:instance-profile/p') => ({
  principalArn: principal,
  action: 'iam:RemoveRoleFromInstanceProfile',
  resource,
  decision: 'ImplicitDeny' as const,
});

describe("each service's AccessDenied", () => {
  it('the principal is the role session Lambda assumes', () => {
    expect(principal).toBe('arn:aws:sts::111122223333:assumed-role/pcc-local-us-east-1-delete-roles/proton-connection-cleanup-local-deleteConnectionRoles');
  });
  it("IAM's message: not authorized to perform <action> on resource <arn> because no identity-based policy allows it", () => {
    expect(accessDeniedMessage(principal, 'iam:DeleteRole', 'arn:aws:iam::111122223333:role/r', 'ImplicitDeny')).toBe(
      `User: ${principal} is not authorized to perform: iam:DeleteRole on resource: arn:aws:iam::111122223333:role/r because no identity-based policy allows the iam:DeleteRole action`,
    );
  });
  it('an explicit deny says so', () => {
    expect(accessDeniedMessage(principal, 'iam:DeleteRole', 'arn:aws:iam::111122223333:role/r', 'ExplicitDeny')).toMatch(
      /with an explicit deny in an identity-based policy$/,
    );
  });
  it('query protocol services (IAM, CloudFormation) and S3 answer AccessDenied, 403', () => {
    for (const service of ['iam', 'cloudformation', 's3']) {
      const error = accessDeniedError(service, denial()) as Error & { $metadata: { httpStatusCode: number }; $fault: string };
      expect([error.name, error.$metadata.httpStatusCode, error.$fault]).toEqual(['AccessDenied', 403, 'client']);
    }
  });
  it("SNS answers its AuthorizationError (the SDK's AuthorizationErrorException)", () => {
    expect(accessDeniedError('SNSClient', denial())).toBeInstanceOf(AuthorizationErrorException);
  });
  it('JSON protocol services answer AccessDeniedException', () => {
    for (const service of ['logs', 'ecr', 'ssm', 'stepfunctions', 'eventbridge', 'tagging'])
      expect(accessDeniedError(service, denial()).name).toBe('AccessDeniedException');
  });
  it("Proton answers the SDK's modeled AccessDeniedException", () => {
    expect(accessDeniedError('ProtonClient', denial())).toBeInstanceOf(ProtonAccessDenied);
  });
  it('the message carries the denied action and resource', () => {
    expect(accessDeniedError('iam', denial()).message).toContain('iam:RemoveRoleFromInstanceProfile on resource: arn:aws:iam::111122223333:instance-profile/p');
  });
});
