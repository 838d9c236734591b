import { describe, expect, it } from 'vitest';
import { environmentStack, serviceInstanceStack } from '../helpers/scenarios.js';
import { deleteStack, sandboxOf, send } from './fixtures.js';

/** docs/sandbox.md, CloudFormation ListImports. */
describe('CloudFormation ListImports', () => {
  it('names the live stacks importing the export', () => {
    const importer = serviceInstanceStack('api', { imports: ['payments-prod-VpcId'] });
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] }), importer] });

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' }).output).toEqual({ Imports: [importer.name] });
  });

  it('no longer names a stack once its deletion completed', () => {
    const [api, worker] = [
      serviceInstanceStack('api', { imports: ['payments-prod-VpcId'] }),
      serviceInstanceStack('worker', { imports: ['payments-prod-VpcId'] }),
    ];
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] }), api, worker] });
    const started = deleteStack(sandbox, api.name);
    sandbox.advanceTo(started + 60 * 1_000);

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' }).output).toEqual({ Imports: [worker.name] });
  });

  it('names a stack that came to import the export after the sandbox opened', () => {
    const api = serviceInstanceStack('api', { imports: [] });
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] }), api] });
    const model = sandbox.account.stackByName(api.name)!;
    sandbox.account.stacks.setImports(model, ['payments-prod-VpcId']);

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' }).output).toEqual({ Imports: [api.name] });
  });

  it('answers ValidationError "… is not imported by any stack." for an export no live stack imports', () => {
    const sandbox = sandboxOf({ stacks: [environmentStack({ exports: ['payments-prod-VpcId'] })] });

    expect(send(sandbox, 'cloudformation:ListImports', { ExportName: 'payments-prod-VpcId' })).toEqual({ error: 'ValidationError' });
  });
});
