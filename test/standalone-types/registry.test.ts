import { describe, expect, it } from 'vitest';
import { resourceTypeOf } from '../../functions/domain/arn.js';
import { STANDALONE_TYPES as REQUEST_TYPES } from '../../functions/domain/request.js';
import { DELETABLE_STANDALONE_TYPES } from '../../functions/standalone-types/aws.js';
import { STANDALONE_TYPE_MODULES, STANDALONE_TYPES } from '../../functions/standalone-types/index.js';
import { arnFor } from '../../local/sandbox/resource-arns.js';

/** The types a request may list in deleteTypes, as the request schema's documentation names them (README, schemas/). */
const EXPECTED = ['s3:bucket', 'logs:log-group', 'ecr:repository', 'ssm:parameter'];
const PLACE = { region: 'us-east-1', accountId: '111122223333' };

describe('the registry of stand-alone resource types', () => {
  it('covers exactly the types a request may list in deleteTypes, once each', () => {
    expect([...STANDALONE_TYPES]).toEqual(EXPECTED);
    expect(REQUEST_TYPES).toBe(STANDALONE_TYPES);
    expect(Object.keys(STANDALONE_TYPE_MODULES).sort()).toEqual([...STANDALONE_TYPES].sort());
    expect(Object.keys(DELETABLE_STANDALONE_TYPES).sort()).toEqual([...STANDALONE_TYPES].sort());
  });
  it.each(STANDALONE_TYPES)('%s: registered under its own type, its delete with the same names and actions', (type) => {
    const module = STANDALONE_TYPE_MODULES[type];
    const deletable = DELETABLE_STANDALONE_TYPES[type];
    expect(module.type).toBe(type);
    expect(deletable.type).toBe(type);
    expect(deletable.cloudFormationType).toBe(module.cloudFormationType);
    expect(deletable.iamActions).toEqual(module.iamActions);
    expect(module.iamActions.length).toBeGreaterThan(0);
  });
  it('each CloudFormation type is named once', () => {
    const cfnTypes = STANDALONE_TYPES.map((t) => STANDALONE_TYPE_MODULES[t].cloudFormationType);
    expect(new Set(cfnTypes).size).toBe(cfnTypes.length);
  });
  it.each(STANDALONE_TYPES)('%s: the ARN the sandbox gives a resource of its CloudFormation type is of this type, and names it', (type) => {
    const module = STANDALONE_TYPE_MODULES[type];
    const name = type === 'ssm:parameter' ? '/payments-prod/db/url' : 'payments-prod-artifacts';
    const arn = arnFor(module.cloudFormationType, name, PLACE);
    expect(resourceTypeOf(arn)).toBe(type);
    expect(module.nameOf(arn)).toBe(name);
  });
});
