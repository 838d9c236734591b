import { describe, expect, it } from 'vitest';
import { requestFromFlags } from '../../cli/request-flags.js';
import { UsageError } from '../../cli/usage-error.js';

/** plan/execute flags → the console input (ConsoleInputSchema is the contract). */
const CONNECTION = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';

describe('the request flags', () => {
  it('--connection is connectionId, the command is the mode', () => {
    expect(requestFromFlags({ connection: CONNECTION }, 'plan')).toEqual({ connectionId: CONNECTION, mode: 'plan' });
  });

  it('--sweep --environments a@…,b@… is a sweep of those environments', () => {
    expect(requestFromFlags({ sweep: true, environments: 'a@111122223333, b@444455556666' }, 'execute')).toEqual({
      sweep: true,
      environments: ['a@111122223333', 'b@444455556666'],
      mode: 'execute',
    });
  });

  it('--plan keeps a file name as given (uploaded later) and checks an S3 URI', () => {
    expect(requestFromFlags({ connection: CONNECTION, plan: 'P.json' }, 'execute').plan).toBe('P.json');
    expect(() => requestFromFlags({ connection: CONNECTION, plan: 's3://Bad_Bucket/x' }, 'execute')).toThrow(/--plan: expected the S3 URI of a reviewed plan/);
  });

  it('--plan with plan is refused: a plan is executed, not planned again', () => {
    expect(() => requestFromFlags({ connection: CONNECTION, plan: 'P.json' }, 'plan')).toThrow(/--plan: executes a reviewed plan/);
  });

  it('--delete-types names the values it does not know and lists the allowed ones', () => {
    expect(() => requestFromFlags({ connection: CONNECTION, 'delete-types': 's3:bucket,foo' }, 'execute')).toThrow(
      '--delete-types: "foo" is not a type the cleanup can delete; expected a comma-separated list of s3:bucket, logs:log-group, ecr:repository, ssm:parameter',
    );
  });

  it.each([
    [{}, /--connection: expected the connection id/],
    [{ connection: CONNECTION, 'proton-api': 'retired' }, /--proton-api: only the deployment may choose "retired"/],
    [{ connection: CONNECTION, environments: 'a@111122223333' }, /--environments: names the environments a sweep may clean up/],
    [{ 'management-account': '444455556666' }, /--environment NAME and --management-account ID go together/],
    [{ environment: 'payments-prod', 'management-account': '4444' }, /--environment\/--management-account: expected a 12-digit AWS account id/],
  ])('refuses %j with a usage error naming the flag and what it expects', (flags, message) => {
    expect(() => requestFromFlags(flags, 'execute')).toThrow(UsageError);
    expect(() => requestFromFlags(flags, 'execute')).toThrow(message);
  });
});
