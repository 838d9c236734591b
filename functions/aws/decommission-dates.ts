import { PutParameterCommand, paginateGetParametersByPath } from '@aws-sdk/client-ssm';
import type { ParameterValue } from '../domain/decommission-schedule.js';
import { ssm } from './clients.js';
import { callAws } from './error-mapping.js';

/** Every SSM parameter under the path (recursively, all pages): the decommission dates kept outside Proton. */
export async function parametersUnder(path: string): Promise<ParameterValue[]> {
  return callAws(`GetParametersByPath ${path}`, async () => {
    const found: ParameterValue[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm(), pageSize: 10 }, { Path: path, Recursive: true, MaxResults: 10 })) {
      for (const p of page.Parameters ?? []) if (p.Name !== undefined) found.push({ name: p.Name, value: p.Value ?? '' });
    }
    return found;
  });
}

/** Writes (or moves) an environment's decommission date: one String parameter, overwritten if it exists. */
export async function putParameter(name: string, value: string): Promise<void> {
  await callAws(`PutParameter ${name}`, () =>
    ssm().send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'String',
        Overwrite: true,
        Description: 'proton-connection-cleanup: decommission date (YYYY-MM-DD)',
      }),
    ),
  );
}
