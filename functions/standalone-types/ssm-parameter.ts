import { afterPrefix, nameFromArn, type StandaloneTypeModule } from './module.js';

const type = 'ssm:parameter';

/**
 * arn:aws:ssm:<region>:<account>:parameter/<name without its leading "/">. A name that holds a
 * "/" is hierarchical and must start with one (parameter/a/b is /a/b); parameter/flat is flat.
 */
function nameIn(resource: string): string {
  const path = afterPrefix(resource, 'parameter/');
  return path.includes('/') ? `/${path}` : path;
}

/** An SSM parameter: ssm-parameter.aws.ts. */
export const ssmParameter: StandaloneTypeModule<typeof type> = {
  type,
  cloudFormationType: 'AWS::SSM::Parameter',
  nameOf: nameFromArn(type, nameIn, /^[^/:]+$|^(\/[^/:]+)+$/),
  iamActions: ['ssm:GetParameter', 'ssm:DeleteParameter'],
};
