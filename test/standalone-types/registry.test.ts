import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
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

describe("the types' pure parts stay pure", () => {
  it('<type>.ts, module.ts and index.ts import no SDK and no AWS access: only each other, domain/ and runtime/errors', async () => {
    const folder = path.resolve(import.meta.dirname, '../../functions/standalone-types');
    const pure = (await readdir(folder)).filter((f) => f.endsWith('.ts') && !f.endsWith('.aws.ts') && f !== 'aws.ts');
    expect(pure).toContain('index.ts');
    const impure: string[] = [];
    for (const file of pure) {
      const source = await readFile(path.join(folder, file), 'utf8');
      for (const [, from = ''] of source.matchAll(/^(?:(?:import|export)[^;]*? from |import )'([^']+)'/gms)) {
        const allowed =
          (from.startsWith('./') && !from.endsWith('.aws.js') && from !== './aws.js') || from.startsWith('../domain/') || from === '../runtime/errors.js';
        if (!allowed) impure.push(`${file}: ${from}`);
      }
    }
    expect(impure).toEqual([]);
  });
});
