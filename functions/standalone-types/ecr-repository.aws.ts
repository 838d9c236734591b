import { DeleteRepositoryCommand } from '@aws-sdk/client-ecr';
import { ecr } from '../aws/clients.js';
import { ecrRepository } from './ecr-repository.js';
import { deleteOrAbsent } from './module.aws.js';
import type { DeletableStandaloneType } from './module.js';

export const ecrRepositoryModule: DeletableStandaloneType<typeof ecrRepository.type> = {
  ...ecrRepository,
  // force: the repository's images go with it.
  delete: (name) =>
    deleteOrAbsent(`DeleteRepository ${name}`, ['RepositoryNotFoundException'], () =>
      ecr().send(new DeleteRepositoryCommand({ repositoryName: name, force: true })),
    ),
};
