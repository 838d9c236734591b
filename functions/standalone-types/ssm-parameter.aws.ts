import { DeleteParameterCommand } from '@aws-sdk/client-ssm';
import { ssm } from '../aws/clients.js';
import { deleteOrAbsent } from './module.aws.js';
import type { DeletableStandaloneType } from './module.js';
import { ssmParameter } from './ssm-parameter.js';

export const ssmParameterModule: DeletableStandaloneType<typeof ssmParameter.type> = {
  ...ssmParameter,
  delete: (name) => deleteOrAbsent(`DeleteParameter ${name}`, ['ParameterNotFound'], () => ssm().send(new DeleteParameterCommand({ Name: name }))),
};
