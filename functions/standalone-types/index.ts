import { ecrRepository } from './ecr-repository.js';
import { logGroup } from './log-group.js';
import type { StandaloneTypeModule } from './module.js';
import { s3Bucket } from './s3-bucket.js';
import { ssmParameter } from './ssm-parameter.js';

/**
 * The registry of stand-alone resource types (the pure parts; their deletes: aws.ts). Adding a
 * type: its `<type>.ts` and `<type>.aws.ts`, one line here and one in aws.ts; the request's
 * `deleteTypes`, the handler's input and the compiler's exhaustiveness checks follow.
 */
export const STANDALONE_TYPES = [s3Bucket.type, logGroup.type, ecrRepository.type, ssmParameter.type] as const;
export type StandaloneType = (typeof STANDALONE_TYPES)[number];

export const STANDALONE_TYPE_MODULES: { readonly [T in StandaloneType]: StandaloneTypeModule<T> } = {
  [s3Bucket.type]: s3Bucket,
  [logGroup.type]: logGroup,
  [ecrRepository.type]: ecrRepository,
  [ssmParameter.type]: ssmParameter,
};

/** The name the resource's service knows it by, read from its ARN; InvalidStateInput for an ARN not of `type`, or naming nothing. */
export function standaloneNameOf(arn: string, type: StandaloneType): string {
  return STANDALONE_TYPE_MODULES[type].nameOf(arn);
}

export type { StandaloneDeletion } from './module.js';
