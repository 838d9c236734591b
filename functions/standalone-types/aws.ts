import { ecrRepositoryModule } from './ecr-repository.aws.js';
import type { StandaloneType } from './index.js';
import { STANDALONE_TYPE_MODULES } from './index.js';
import { logGroupModule } from './log-group.aws.js';
import type { DeletableStandaloneType, StandaloneDeletion } from './module.js';
import { s3BucketModule } from './s3-bucket.aws.js';
import { ssmParameterModule } from './ssm-parameter.aws.js';

/** The registry of stand-alone resource types with their deletes (the AWS side of index.ts). */
export const DELETABLE_STANDALONE_TYPES: { readonly [T in StandaloneType]: DeletableStandaloneType<T> } = {
  [s3BucketModule.type]: s3BucketModule,
  [logGroupModule.type]: logGroupModule,
  [ecrRepositoryModule.type]: ecrRepositoryModule,
  [ssmParameterModule.type]: ssmParameterModule,
};

/**
 * Deletes the stand-alone resource the ARN names, by its type's module. `writtenBefore`: only
 * data written before it (ISO time) may be deleted: what the inventory, or the reviewed plan, saw.
 */
export async function deleteStandaloneResource(arn: string, type: StandaloneType, writtenBefore: string): Promise<StandaloneDeletion> {
  const name = STANDALONE_TYPE_MODULES[type].nameOf(arn);
  return DELETABLE_STANDALONE_TYPES[type].delete(name, { writtenBefore });
}
