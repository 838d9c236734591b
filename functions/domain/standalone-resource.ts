import { InvalidStateInputError } from '../runtime/errors.js';
import { parseArn, resourceTypeOf } from './arn.js';
import { STANDALONE_TYPES, type StandaloneType } from './request.js';

/**
 * Stand-alone resources: resources left outside any CloudFormation stack, which the cleanup
 * deletes one by one, by ARN. Pure string work: the name each service's Delete call takes,
 * read from the resource's ARN.
 */
/** The types a request may list in `deleteTypes` (one list, defined with the request). */
export const DELETABLE_TYPES = STANDALONE_TYPES;
export type DeletableType = StandaloneType;

/** What follows the kind segment of the ARN's resource part, e.g. "log-group:" or "repository/". */
function afterPrefix(resource: string, prefix: string): string {
  return resource.startsWith(prefix) ? resource.slice(prefix.length) : '';
}

function nameIn(resource: string, type: DeletableType): string {
  switch (type) {
    // arn:aws:s3:::<bucket>
    case 's3:bucket':
      return resource;
    // arn:aws:logs:<region>:<account>:log-group:<name>, or the same followed by ":*"
    case 'logs:log-group':
      return afterPrefix(resource, 'log-group:').replace(/:\*$/, '');
    // arn:aws:ecr:<region>:<account>:repository/<name>; a name can hold "/" (team/api)
    case 'ecr:repository':
      return afterPrefix(resource, 'repository/');
    // arn:aws:ssm:<region>:<account>:parameter/<name without its leading "/">. A name that holds a
    // "/" is hierarchical and must start with one (parameter/a/b is /a/b); parameter/flat is flat.
    case 'ssm:parameter': {
      const path = afterPrefix(resource, 'parameter/');
      return path.includes('/') ? `/${path}` : path;
    }
  }
}

/** What a name can look like, loosely: enough to refuse an ARN that names nothing, or an object in a bucket. */
const NAME_SHAPE: Record<DeletableType, RegExp> = {
  's3:bucket': /^[^/:]+$/,
  'logs:log-group': /^[^:]+$/,
  'ecr:repository': /^[^/:]+(\/[^/:]+)*$/,
  'ssm:parameter': /^[^/:]+$|^(\/[^/:]+)+$/,
};

/**
 * The name the resource's service knows it by (bucket, log group, repository or parameter
 * name). An ARN that is not of the given type, or names nothing, is a defect in the state
 * input: InvalidStateInput.
 */
export function resourceNameOf(arn: string, type: DeletableType): string {
  const parsed = parseArn(arn);
  if (!parsed || resourceTypeOf(arn) !== type) throw new InvalidStateInputError(`${arn} is not the ARN of a ${type}`);
  const name = nameIn(parsed.resource, type);
  if (!NAME_SHAPE[type].test(name)) throw new InvalidStateInputError(`${arn} does not name a ${type}`);
  return name;
}
