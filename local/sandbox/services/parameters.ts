import type { ParameterModel, SandboxAccount } from '../account.js';
import { arnFor } from '../resource-arns.js';
import { invalidNextToken, parameterAlreadyExists, parameterNotFound, ssmValidation } from '../service-errors.js';
import type { Operations } from './operations.js';

/**
 * SSM Parameter Store: String parameters, from the scenario's `parameters`, the account's
 * AWS::SSM::Parameter resources (stand-alone or in a stack), and PutParameter. Deleting a
 * parameter that is a tagged resource also removes it from the Tagging API's view.
 */

/** GetParametersByPath answers at most this many parameters per call (its MaxResults limit). */
const PARAMETERS_PER_PAGE = 10;

function parameterOutput(account: SandboxAccount, p: ParameterModel) {
  return {
    Name: p.name,
    Type: 'String',
    Value: p.value,
    Version: p.version,
    LastModifiedDate: p.lastModified,
    ARN: arnFor('AWS::SSM::Parameter', p.name, account),
    DataType: 'text',
  };
}

function parameterOrThrow(account: SandboxAccount, input: Record<string, unknown>): ParameterModel {
  const name = String(input.Name);
  const parameter = account.parameters.get(name);
  if (!parameter) throw parameterNotFound(name);
  return parameter;
}

/** The parameters under the path: one level down, or every level when recursive; by name. */
function underPath(account: SandboxAccount, path: string, recursive: boolean): ParameterModel[] {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  return [...account.parameters.values()]
    .filter((p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes('/')))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function position(token: unknown): number {
  if (token === undefined) return 0;
  const at = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : Number.NaN;
  if (!Number.isInteger(at) || at < 0) throw invalidNextToken();
  return at;
}

export const ssmOperations: Operations = {
  GetParameter: (account, input) => ({ Parameter: parameterOutput(account, parameterOrThrow(account, input)) }),
  GetParametersByPath: (account, input) => {
    if (input.ParameterFilters !== undefined) throw new Error('The sandbox does not simulate GetParametersByPath ParameterFilters');
    const max = input.MaxResults === undefined ? PARAMETERS_PER_PAGE : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > PARAMETERS_PER_PAGE) {
      throw ssmValidation(
        `1 validation error detected: Value '${String(input.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${PARAMETERS_PER_PAGE}`,
      );
    }
    const all = underPath(account, String(input.Path), input.Recursive === true);
    const start = position(input.NextToken);
    const end = start + max;
    return {
      Parameters: all.slice(start, end).map((p) => parameterOutput(account, p)),
      ...(end < all.length ? { NextToken: Buffer.from(String(end)).toString('base64') } : {}),
    };
  },
  PutParameter: (account, input) => {
    if (input.Type !== undefined && input.Type !== 'String') throw new Error(`The sandbox simulates String parameters only, not ${String(input.Type)}`);
    const name = String(input.Name);
    const existing = account.parameters.get(name);
    if (existing && input.Overwrite !== true) throw parameterAlreadyExists();
    const version = (existing?.version ?? 0) + 1;
    account.parameters.set(name, { name, value: String(input.Value), version, lastModified: new Date(account.clock.now()) });
    return { Version: version, Tier: 'Standard' };
  },
  DeleteParameter: (account, input) => {
    const parameter = parameterOrThrow(account, input);
    account.parameters.delete(parameter.name);
    const resource = account.resourceNamed('AWS::SSM::Parameter', parameter.name);
    if (resource) account.removeResource(resource.arn);
    return {};
  },
};
