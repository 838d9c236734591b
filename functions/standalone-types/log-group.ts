import { afterPrefix, nameFromArn, type StandaloneTypeModule } from './module.js';

const type = 'logs:log-group';

/** A CloudWatch Logs log group: log-group.aws.ts. */
export const logGroup: StandaloneTypeModule<typeof type> = {
  type,
  cloudFormationType: 'AWS::Logs::LogGroup',
  // arn:aws:logs:<region>:<account>:log-group:<name>, or the same followed by ":*"
  nameOf: nameFromArn(type, (resource) => afterPrefix(resource, 'log-group:').replace(/:\*$/, ''), /^[^:]+$/),
  iamActions: ['logs:DeleteLogGroup'],
};
