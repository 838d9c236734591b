import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { logs } from '../aws/clients.js';
import { logGroup } from './log-group.js';
import { deleteOrAbsent } from './module.aws.js';
import type { DeletableStandaloneType } from './module.js';

export const logGroupModule: DeletableStandaloneType<typeof logGroup.type> = {
  ...logGroup,
  delete: (name) =>
    deleteOrAbsent(`DeleteLogGroup ${name}`, ['ResourceNotFoundException'], () => logs().send(new DeleteLogGroupCommand({ logGroupName: name }))),
};
