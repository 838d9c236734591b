import { afterPrefix, nameFromArn, type StandaloneTypeModule } from './module.js';

const type = 'ecr:repository';

/** An ECR repository, deleted with its images: ecr-repository.aws.ts. */
export const ecrRepository: StandaloneTypeModule<typeof type> = {
  type,
  cloudFormationType: 'AWS::ECR::Repository',
  // arn:aws:ecr:<region>:<account>:repository/<name>; a name can hold "/" (team/api)
  nameOf: nameFromArn(type, (resource) => afterPrefix(resource, 'repository/'), /^[^/:]+(\/[^/:]+)*$/),
  // force: ECR deletes the images with the repository (DeleteRepository needs no other action).
  iamActions: ['ecr:DeleteRepository'],
};
