import { describe, expect, it } from 'vitest';
import { environmentStack, standaloneResource } from '../helpers/scenarios.js';
import { sandboxOf, send, stackIdOf, UNTIMED } from './fixtures.js';

/**
 * SSM Parameter Store: the scenario's `parameters` (String), read by path and by name, written
 * with PutParameter; the account's AWS::SSM::Parameter resources are parameters too.
 */
const DUE = '/proton-cleanup/decommission/444455556666';
const parameters = {
  [`${DUE}/payments-prod`]: '2026-12-01',
  [`${DUE}/ledger-staging`]: '2027-01-15',
  [`${DUE}/nested/deeper`]: '2027-02-01',
  '/other/thing': 'x',
};

interface Parameter {
  Name: string;
  Value: string;
  Type: string;
  Version: number;
}

function byPath(sandbox: ReturnType<typeof sandboxOf>, input: Record<string, unknown>): { names: string[]; pages: number[] } {
  const names: string[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  do {
    const { output, error } = send(sandbox, 'ssm:GetParametersByPath', { ...input, ...(token ? { NextToken: token } : {}) });
    if (error) throw new Error(error);
    const page = output as { Parameters: Parameter[]; NextToken?: string };
    names.push(...page.Parameters.map((p) => p.Name));
    pages.push(page.Parameters.length);
    token = page.NextToken;
  } while (token);
  return { names, pages };
}

const getParameter = (sandbox: ReturnType<typeof sandboxOf>, name: string) => {
  const { output, error } = send(sandbox, 'ssm:GetParameter', { Name: name });
  return error ?? (output as { Parameter: Parameter }).Parameter;
};

describe('GetParametersByPath', () => {
  it('returns the parameters one level under the path', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(byPath(sandbox, { Path: DUE }).names.sort()).toEqual([`${DUE}/ledger-staging`, `${DUE}/payments-prod`]);
  });

  it('with Recursive, returns every parameter under the path, at any depth', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(byPath(sandbox, { Path: DUE, Recursive: true }).names.sort()).toEqual([`${DUE}/ledger-staging`, `${DUE}/nested/deeper`, `${DUE}/payments-prod`]);
  });

  it('answers String parameters with their values', () => {
    const sandbox = sandboxOf({ parameters });
    const { output } = send(sandbox, 'ssm:GetParametersByPath', { Path: DUE });
    expect((output as { Parameters: Parameter[] }).Parameters).toContainEqual(
      expect.objectContaining({ Name: `${DUE}/payments-prod`, Value: '2026-12-01', Type: 'String' }),
    );
  });

  it('pages 25 parameters in pages of at most 10, each once, with NextToken', () => {
    const many = Object.fromEntries(
      Array.from({ length: 25 }, (_, i) => [`${DUE}/env-${String(i).padStart(2, '0')}`, `2027-01-${String(i + 1).padStart(2, '0')}`]),
    );
    const sandbox = sandboxOf({ parameters: many, timing: UNTIMED });
    const { names, pages } = byPath(sandbox, { Path: DUE });

    expect(pages).toEqual([10, 10, 5]);
    expect(names.sort()).toEqual(Object.keys(many).sort());
  });

  it('pages by MaxResults when smaller', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(byPath(sandbox, { Path: DUE, MaxResults: 1 }).pages).toEqual([1, 1]);
  });

  it('refuses MaxResults over 10 with ValidationException', () => {
    const sandbox = sandboxOf({ parameters });
    expect(send(sandbox, 'ssm:GetParametersByPath', { Path: DUE, MaxResults: 11 }).error).toBe('ValidationException');
  });

  it('refuses a NextToken it did not give with InvalidNextToken', () => {
    const sandbox = sandboxOf({ parameters });
    expect(send(sandbox, 'ssm:GetParametersByPath', { Path: DUE, NextToken: 'not-a-token' }).error).toBe('InvalidNextToken');
  });
});

describe('GetParameter', () => {
  it('answers the parameter with its value and version 1', () => {
    const sandbox = sandboxOf({ parameters });
    expect(getParameter(sandbox, `${DUE}/payments-prod`)).toMatchObject({ Value: '2026-12-01', Type: 'String', Version: 1 });
  });

  it('answers ParameterNotFound for a name that does not exist', () => {
    expect(getParameter(sandboxOf({ parameters }), '/nope')).toBe('ParameterNotFound');
  });

  it('finds an AWS::SSM::Parameter resource of the account as a parameter', () => {
    const sandbox = sandboxOf({ standaloneResources: [standaloneResource('AWS::SSM::Parameter', '/payments-prod/db/url')] });
    expect(getParameter(sandbox, '/payments-prod/db/url')).toMatchObject({ Name: '/payments-prod/db/url', Type: 'String' });
  });
});

describe('PutParameter', () => {
  it('creates a parameter, version 1', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    expect(send(sandbox, 'ssm:PutParameter', { Name: '/new', Value: 'v', Type: 'String' }).output).toMatchObject({ Version: 1 });
    expect(getParameter(sandbox, '/new')).toMatchObject({ Value: 'v' });
  });

  it('answers ParameterAlreadyExists for an existing name without Overwrite, and leaves its value', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(send(sandbox, 'ssm:PutParameter', { Name: `${DUE}/payments-prod`, Value: 'changed', Type: 'String' }).error).toBe('ParameterAlreadyExists');
    expect(getParameter(sandbox, `${DUE}/payments-prod`)).toMatchObject({ Value: '2026-12-01' });
  });

  it('with Overwrite, replaces the value and increments the version', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(send(sandbox, 'ssm:PutParameter', { Name: `${DUE}/payments-prod`, Value: 'changed', Overwrite: true }).output).toMatchObject({ Version: 2 });
    expect(getParameter(sandbox, `${DUE}/payments-prod`)).toMatchObject({ Value: 'changed', Version: 2 });
  });
});

describe('DeleteParameter', () => {
  it('deletes a scenario parameter: GetParameter then answers ParameterNotFound', () => {
    const sandbox = sandboxOf({ parameters, timing: UNTIMED });
    expect(send(sandbox, 'ssm:DeleteParameter', { Name: `${DUE}/payments-prod` }).error).toBeUndefined();
    expect(getParameter(sandbox, `${DUE}/payments-prod`)).toBe('ParameterNotFound');
  });

  it('answers ParameterNotFound for a name that does not exist', () => {
    expect(send(sandboxOf(), 'ssm:DeleteParameter', { Name: '/nope' }).error).toBe('ParameterNotFound');
  });

  it('a parameter in a stack is gone once CloudFormation deletes the stack', () => {
    const stack = environmentStack({
      exports: [],
      deleteSeconds: 1,
      resources: [{ logicalId: 'Url', type: 'AWS::SSM::Parameter', name: '/payments-prod/stack/url' }],
    });
    const sandbox = sandboxOf({ stacks: [stack], timing: UNTIMED });
    send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, stack.name) });
    sandbox.advanceTo(sandbox.clock.now() + 1_000);

    expect(getParameter(sandbox, '/payments-prod/stack/url')).toBe('ParameterNotFound');
  });
});
