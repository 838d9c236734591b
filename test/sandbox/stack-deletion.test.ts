import { describe, expect, it } from 'vitest';
import { environmentStack, serviceInstanceStack } from '../helpers/scenarios.js';
import { deleteStack, listStacks, sandboxOf, send, stackIdOf, statusOf, UNTIMED } from './fixtures.js';

/**
 * CloudFormation deletes a stack in its `deleteSeconds` of sandbox time, however often it is
 * asked; the deletion settles before the first call answered after it is due.
 */
const SECOND = 1_000;

describe('a stack deletion settles by sandbox time', () => {
  it('is DELETE_IN_PROGRESS until deleteSeconds have passed, then DescribeStacks answers DELETE_COMPLETE', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [stack] });
    const started = deleteStack(sandbox, stack.name);

    sandbox.clock.advanceTo(started + 60 * SECOND - 1);
    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_IN_PROGRESS');
    sandbox.clock.advanceTo(started + 60 * SECOND);
    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });

  it('is not hastened by polling: 500 DescribeStacks within its time leave it DELETE_IN_PROGRESS', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [stack], timing: UNTIMED });
    deleteStack(sandbox, stack.name);
    const id = stackIdOf(sandbox, stack.name);

    const statuses = new Set(Array.from({ length: 500 }, () => statusOf(sandbox, id)));
    expect([...statuses]).toEqual(['DELETE_IN_PROGRESS']);
  });

  it('takes 60 seconds when the scenario does not say', () => {
    const stack = environmentStack({ exports: [] });
    const sandbox = sandboxOf({ stacks: [stack], timing: UNTIMED });
    const started = deleteStack(sandbox, stack.name);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });

  it('settles at its due time even when first seen later: the stack deletion event and DeletionTime say when it was due', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 90 });
    const sandbox = sandboxOf({ stacks: [stack] });
    const started = deleteStack(sandbox, stack.name);
    sandbox.clock.advance(3_600 * SECOND);

    const [summary] = listStacks(sandbox, ['DELETE_COMPLETE']).summaries;
    expect(summary?.DeletionTime?.getTime()).toBe(started + 90 * SECOND);
    expect(sandbox.account.stackByName(stack.name)?.events[0]).toMatchObject({ status: 'DELETE_COMPLETE', timestamp: new Date(started + 90 * SECOND) });
  });

  it('settles before any call once due, not only calls about the stack', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 30 });
    const sandbox = sandboxOf({ stacks: [stack] });
    const started = deleteStack(sandbox, stack.name);
    sandbox.clock.advanceTo(started + 30 * SECOND);

    send(sandbox, 'proton:ListEnvironmentAccountConnections', { requestedBy: 'ENVIRONMENT_ACCOUNT' });
    expect(sandbox.account.stackByName(stack.name)?.status).toBe('DELETE_COMPLETE');
  });

  it('is refused within seconds while another live stack imports one of its exports: back to its previous status, with the reason (not DELETE_FAILED)', () => {
    const env = environmentStack({ deleteSeconds: 60, status: 'UPDATE_COMPLETE' });
    const api = serviceInstanceStack('api');
    const sandbox = sandboxOf({ stacks: [env, api] });
    const started = deleteStack(sandbox, env.name);

    expect(statusOf(sandbox, env.name)).toBe('DELETE_IN_PROGRESS');
    sandbox.clock.advanceTo(started + 3 * SECOND);
    expect(statusOf(sandbox, env.name)).toBe('UPDATE_COMPLETE');
    expect(sandbox.account.stackByName(env.name)?.statusReason).toMatch(new RegExp(`^Export .* cannot be deleted as it is in use by ${api.name}$`));
  });

  it('refuses an exporter whose importer is still being deleted, and completes the importer', () => {
    const env = environmentStack({ deleteSeconds: 120 });
    const api = serviceInstanceStack('api', { deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [env, api] });
    deleteStack(sandbox, api.name);
    deleteStack(sandbox, env.name);
    sandbox.clock.advance(3_600 * SECOND);

    expect([statusOf(sandbox, stackIdOf(sandbox, api.name)), statusOf(sandbox, stackIdOf(sandbox, env.name))]).toEqual(['DELETE_COMPLETE', 'CREATE_COMPLETE']);
  });

  it('deletes an exporter whose importer is gone', () => {
    const env = environmentStack({ deleteSeconds: 60 });
    const api = serviceInstanceStack('api', { deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [env, api] });
    const started = deleteStack(sandbox, api.name);
    sandbox.clock.advanceTo(started + 60 * SECOND);
    deleteStack(sandbox, env.name);
    sandbox.clock.advance(3_600 * SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, env.name))).toBe('DELETE_COMPLETE');
  });

  it('refuses an exporter whose importer appears while it deletes, at its due time', () => {
    const env = environmentStack({ deleteSeconds: 60, exports: ['payments-prod-VpcId'] });
    const sandbox = sandboxOf({ stacks: [env, serviceInstanceStack('api', { imports: [] })] });
    const started = deleteStack(sandbox, env.name);
    const api = [...sandbox.account.stacks.values()].find((s) => s.name.includes('api'))!;
    sandbox.account.stacks.setImports(api, [...api.imports, 'payments-prod-VpcId']);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(statusOf(sandbox, env.name)).toBe('CREATE_COMPLETE');
  });

  it('starts a new timed deletion for a retaining DeleteStack on a DELETE_FAILED stack', () => {
    const stack = environmentStack({
      exports: [],
      deleteSeconds: 45,
      resources: [{ logicalId: 'Queue', type: 'AWS::SQS::Queue', name: 'stuck-queue', failsToDelete: 'in use' }],
    });
    const sandbox = sandboxOf({ stacks: [stack] });
    const first = deleteStack(sandbox, stack.name);
    sandbox.clock.advanceTo(first + 45 * SECOND);
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_FAILED');

    const retry = deleteStack(sandbox, stack.name, { RetainResources: ['Queue'] });
    sandbox.clock.advanceTo(retry + 45 * SECOND - 1);
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_IN_PROGRESS');
    sandbox.clock.advanceTo(retry + 45 * SECOND);
    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });

  it('a second DeleteStack while deleting changes nothing: the first due time holds', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 60 });
    const sandbox = sandboxOf({ stacks: [stack] });
    const started = deleteStack(sandbox, stack.name);
    sandbox.clock.advanceTo(started + 30 * SECOND);
    deleteStack(sandbox, stack.name);
    sandbox.clock.advanceTo(started + 60 * SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });
});

describe('DescribeStacks of a deleted stack', () => {
  it('answers DELETE_COMPLETE by stack ID', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 1 });
    const sandbox = sandboxOf({ stacks: [stack] });
    deleteStack(sandbox, stack.name);
    sandbox.clock.advance(SECOND);

    expect(statusOf(sandbox, stackIdOf(sandbox, stack.name))).toBe('DELETE_COMPLETE');
  });

  it('answers ValidationError (does not exist) by name', () => {
    const stack = environmentStack({ exports: [], deleteSeconds: 1 });
    const sandbox = sandboxOf({ stacks: [stack] });
    deleteStack(sandbox, stack.name);
    sandbox.clock.advance(SECOND);

    expect(statusOf(sandbox, stack.name)).toBe('ValidationError');
  });
});

describe('DescribeStacks without a stack name', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => serviceInstanceStack(`svc${i}`, { imports: [], deleteSeconds: 60 }));

  /** Every page of DescribeStacks without a name: the stack names, and how many pages; `between` runs after each page. */
  function describeAll(sandbox: ReturnType<typeof sandboxOf>, between: () => void = () => {}): { names: string[]; pages: number } {
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { output, error } = send(sandbox, 'cloudformation:DescribeStacks', token ? { NextToken: token } : {});
      if (error) throw new Error(`DescribeStacks failed: ${error}`);
      const page = output as { Stacks: { StackName: string }[]; NextToken?: string };
      names.push(...page.Stacks.map((s) => s.StackName));
      token = page.NextToken;
      pages += 1;
      between();
    } while (token);
    return { names, pages };
  }

  it('describes every stack not deleted, each once, in pages of 100 with NextToken', () => {
    const stacks = many(250);
    const sandbox = sandboxOf({ stacks, timing: UNTIMED });

    expect(describeAll(sandbox)).toEqual({ names: stacks.map((s) => s.name), pages: 3 });
  });

  it('leaves out DELETE_COMPLETE stacks', () => {
    const [gone, kept] = many(2);
    const sandbox = sandboxOf({ stacks: [gone!, kept!], timing: UNTIMED });
    const started = deleteStack(sandbox, gone!.name);
    sandbox.advanceTo(started + 60 * SECOND);

    expect(describeAll(sandbox).names).toEqual([kept!.name]);
  });

  it('neither skips nor repeats a stack when stacks of earlier pages are deleted between pages', () => {
    // The first page's 100 stacks finish deleting before the second page is asked for.
    const stacks = many(250).map((s, i) => ({ ...s, deleteSeconds: i < 100 ? 30 : 600 }));
    const sandbox = sandboxOf({ stacks, timing: UNTIMED });
    for (const s of stacks) deleteStack(sandbox, s.name);
    let pages = 0;
    const { names } = describeAll(sandbox, () => {
      pages += 1;
      if (pages === 1) sandbox.clock.advance(60 * SECOND);
    });

    expect(names).toEqual(stacks.map((s) => s.name));
  });
});

describe('ListStacks', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => serviceInstanceStack(`svc${i}`, { imports: [], deleteSeconds: 60 }));

  it('lists every stack, each once, in pages of 100 with NextToken', () => {
    const stacks = many(250);
    const sandbox = sandboxOf({ stacks, timing: UNTIMED });
    const { summaries, pages } = listStacks(sandbox);

    expect(pages).toBe(3);
    expect(summaries.map((s) => s.StackName)).toEqual(stacks.map((s) => s.name));
    expect(summaries[0]).toMatchObject({ StackId: stackIdOf(sandbox, stacks[0]!.name), StackStatus: 'CREATE_COMPLETE', CreationTime: expect.any(Date) });
  });

  it('lists only stacks in the statuses of StackStatusFilter', () => {
    const [deleting, other] = many(2);
    const sandbox = sandboxOf({ stacks: [deleting!, other!] });
    deleteStack(sandbox, deleting!.name);

    expect(listStacks(sandbox, ['DELETE_IN_PROGRESS', 'DELETE_FAILED']).summaries).toMatchObject([
      { StackName: deleting!.name, StackStatus: 'DELETE_IN_PROGRESS', StackStatusReason: 'User Initiated' },
    ]);
  });

  it('keeps listing deleted stacks, DELETE_COMPLETE with their DeletionTime', () => {
    const [gone, kept] = many(2);
    const sandbox = sandboxOf({ stacks: [gone!, kept!] });
    const started = deleteStack(sandbox, gone!.name);
    sandbox.clock.advance(120 * SECOND);

    const summaries = listStacks(sandbox).summaries;
    expect(summaries).toMatchObject([
      { StackName: gone!.name, StackStatus: 'DELETE_COMPLETE', DeletionTime: new Date(started + 60 * SECOND) },
      { StackName: kept!.name, StackStatus: 'CREATE_COMPLETE' },
    ]);
    expect(summaries[1]).not.toHaveProperty('DeletionTime');
  });

  it('neither skips nor repeats a stack when others leave the filter between pages', () => {
    // The first page's 100 stacks finish deleting before the second page is asked for.
    const stacks = many(250).map((s, i) => ({ ...s, deleteSeconds: i < 100 ? 30 : 600 }));
    const sandbox = sandboxOf({ stacks, timing: UNTIMED });
    for (const s of stacks) deleteStack(sandbox, s.name);
    let pages = 0;
    const { summaries } = listStacks(sandbox, ['DELETE_IN_PROGRESS'], () => {
      pages += 1;
      if (pages === 1) sandbox.clock.advance(60 * SECOND);
    });

    expect(summaries.map((s) => s.StackName)).toEqual(stacks.map((s) => s.name));
  });

  it('answers ValidationError to a NextToken it did not give', () => {
    const sandbox = sandboxOf();
    expect(send(sandbox, 'cloudformation:ListStacks', { NextToken: 'not-a-token' }).error).toBe('ValidationError');
  });

  it('runs a DeleteStack with a ClientRequestToken already used on the stack as the same request: nothing starts again', () => {
    const stack = environmentStack({ exports: [], resources: [{ logicalId: 'Vpc', type: 'AWS::EC2::VPC', name: 'vpc-token', failsToDelete: 'in use' }] });
    const sandbox = sandboxOf({ stacks: [stack] });
    const started = deleteStack(sandbox, stack.name, { ClientRequestToken: 'token-1' });
    sandbox.clock.advanceTo(started + 60 * SECOND);
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_FAILED');

    deleteStack(sandbox, stack.name, { ClientRequestToken: 'token-1' });
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_FAILED');
    deleteStack(sandbox, stack.name, { ClientRequestToken: 'token-2' });
    expect(statusOf(sandbox, stack.name)).toBe('DELETE_IN_PROGRESS');
  });
});
