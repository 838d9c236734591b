import { parseArn, resourceTypeOf } from '../domain/arn.js';
import { InvalidStateInputError } from '../runtime/errors.js';

/**
 * A stand-alone resource type: a kind of resource left outside any CloudFormation stack that the
 * cleanup deletes one by one, by ARN, when a request's `deleteTypes` lists it (aws-nuke's one
 * file per resource type). The pure part, here and in `<type>.ts`: the type's names, the name
 * its service knows a resource by (read from the ARN), the IAM actions its delete needs. The
 * delete itself is in `<type>.aws.ts`; both are registered in index.ts and aws.ts.
 */
export interface StandaloneTypeModule<T extends string = string> {
  /** As a request's `deleteTypes` names it, and as `resourceTypeOf` reads it from an ARN ("s3:bucket"). */
  readonly type: T;
  /** The CloudFormation resource type ("AWS::S3::Bucket"): how the sandbox's scenarios name it. */
  readonly cloudFormationType: string;
  /**
   * The name the resource's service knows it by (bucket, log group, repository or parameter
   * name). An ARN that is not of this type, or names nothing, is a defect in the state input:
   * InvalidStateInput.
   */
  nameOf(arn: string): string;
  /** The IAM actions `delete` needs, all of them: serverless.yml's deleteStandaloneResource role grants them (test/iam/standalone-types.test.ts). */
  readonly iamActions: readonly string[];
}

/** A resource holding data written after the cutoff (the inventory, or the reviewed plan): not deleted (a bucket: not emptied further). */
export interface WrittenSince {
  /** What was written after the cutoff, said plainly. */
  writtenSince: string;
}

/**
 * What one delete call did. Each call is idempotent: a resource that is already gone is
 * 'already-absent'. A type whose deletion is bounded per call (a bucket's emptying) answers
 * 'in-progress' until it is done, so the state machine calls again after a Wait.
 */
export type StandaloneDeletion = 'deleted' | 'already-absent' | 'in-progress' | WrittenSince;

export interface DeleteOptions {
  /** Only data written before it (ISO time) may be deleted: what the inventory, or the reviewed plan, saw. */
  writtenBefore: string;
}

/** A type with its delete (`<type>.aws.ts`): the whole module. */
export interface DeletableStandaloneType<T extends string = string> extends StandaloneTypeModule<T> {
  delete(name: string, options: DeleteOptions): Promise<StandaloneDeletion>;
}

/** What follows the kind segment of the ARN's resource part, e.g. "log-group:" or "repository/". */
export function afterPrefix(resource: string, prefix: string): string {
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : '';
}

/**
 * `nameOf` for a type: `nameIn` reads the name from the ARN's resource part; `shape` is what a
 * name can look like, loosely: enough to refuse an ARN that names nothing, or an object in a bucket.
 */
export function nameFromArn(type: string, nameIn: (resource: string) => string, shape: RegExp): (arn: string) => string {
  return (arn) => {
    const parsed = parseArn(arn);
    if (!parsed || resourceTypeOf(arn) !== type) throw new InvalidStateInputError(`${arn} is not the ARN of a ${type}`);
    const name = nameIn(parsed.resource);
    if (!shape.test(name)) throw new InvalidStateInputError(`${arn} does not name a ${type}`);
    return name;
  };
}
