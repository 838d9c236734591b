import { describe, expect, it } from 'vitest';
import { environmentStack, serviceInstanceStack } from '../helpers/scenarios.js';
import { sandboxOf, send } from './fixtures.js';

/** docs/sandbox.md, CloudFormation ListImports. */
describe('CloudFormation ListImports', () => {
  it('names the live stacks importing the export', () => {
    const importer = serviceInstanceStack('api', { imports: ['payments-prod-VpcId'] });
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] }), importer] });

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' }).output).toEqual({ Imports: [importer.name] });
  });

  it('answers ValidationError "… is not imported by any stack." for an export no live stack imports', () => {
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] })] });

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' })).toEqual({ error: 'ValidationError' });
  });
});
