import { DeleteParameterCommand, GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../aws/clients.js';
import { callAws, hasName } from '../aws/error-mapping.js';
import { deleteOrAbsent } from './module.aws.js';
import type { DeletableStandaloneType } from './module.js';
import { ssmParameter } from './ssm-parameter.js';

export const ssmParameterModule: DeletableStandaloneType<typeof ssmParameter.type> = {
  ...ssmParameter,
  delete: async (name, { writtenBefore }) => {
    // A value written after the inventory (or the reviewed plan) is data nobody saw: the parameter stays.
    let changedAt: Date | undefined;
    try {
      const out = await callAws(`GetParameter ${name}`, () => ssm().send(new GetParameterCommand({ Name: name })));
      changedAt = out.Parameter?.LastModifiedDate;
    } catch (error) {
      if (hasName(error, 'ParameterNotFound')) return 'already-absent';
      throw error;
    }
    if (changedAt === undefined || changedAt.getTime() > Date.parse(writtenBefore)) {
      return { writtenSince: `its value, last changed ${changedAt?.toISOString() ?? 'at an unknown time'}` };
    }
    return deleteOrAbsent(`DeleteParameter ${name}`, ['ParameterNotFound'], () => ssm().send(new DeleteParameterCommand({ Name: name })));
  },
};
