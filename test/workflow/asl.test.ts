import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CONNECTION_DELETE_RETRYABLE, ErrorName, LAMBDA_SERVICE_ERRORS, LAMBDA_TIMEOUT_ERRORS } from '../../functions/runtime/errors.js';
import { ASL_FILE, loadLocalDefinition, PROJECT_ROOT } from '../../local/workflow-definition.js';

type State = Record<string, unknown> & { Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[]; Catch?: { ErrorEquals: string[] }[] };

function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const processor = state.ItemProcessor as { States: Record<string, State> } | undefined;
    return [[name, state] as [string, State], ...(processor ? allStates(processor.States) : [])];
  });
}

const asl = parse(readFileSync(ASL_FILE, 'utf8'), { maxAliasCount: -1 }) as { States: Record<string, State> };
const states = allStates(asl.States);

describe('the state machine definition', () => {
  it('is valid ASL', () => {
    const { isValid, errorsText } = aslValidator(asl as never);
    expect(isValid, errorsText()).toBe(true);
  });

  it('names only errors the code defines (one list, shared by code and ASL)', () => {
    const known = new Set<string>([...Object.values(ErrorName), ...LAMBDA_SERVICE_ERRORS, ...LAMBDA_TIMEOUT_ERRORS, 'States.ALL']);
    const named = states.flatMap(([, s]) => [...(s.Retry ?? []), ...(s.Catch ?? [])].flatMap((r) => r.ErrorEquals));

    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });

  it('retries DeleteConnection on exactly the errors the code lists as retryable, with bounded full-jitter backoff', () => {
    const deleteConnection = states.find(([name]) => name === 'DeleteConnection')?.[1];
    const retrier = deleteConnection?.Retry?.[0] as Record<string, unknown> | undefined;

    expect(retrier?.ErrorEquals).toEqual([...CONNECTION_DELETE_RETRYABLE]);
    expect(retrier).toMatchObject({ JitterStrategy: 'FULL', BackoffRate: 2 });
    expect(retrier?.MaxDelaySeconds).toBeGreaterThan(0);
    expect(retrier?.MaxAttempts).toBeGreaterThan(0);
  });

  it('retries the Lambda service errors AWS advises on every Task', () => {
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    const missing = tasks.filter(([, s]) => !(s.Retry ?? []).some((r) => LAMBDA_SERVICE_ERRORS.every((e) => r.ErrorEquals.includes(e))));

    expect(missing.map(([name]) => name)).toEqual([]);
  });

  it('retries a Lambda timeout (Lambda.Unknown, Sandbox.Timedout) on every Task (Notify and NotifyFailure publish each channel at most once)', () => {
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    const retried = tasks.filter(([, s]) => (s.Retry ?? []).some((r) => LAMBDA_TIMEOUT_ERRORS.every((e) => r.ErrorEquals.includes(e)))).map(([name]) => name);

    expect(tasks.map(([name]) => name).filter((name) => !retried.includes(name))).toEqual([]);
  });

  it('catches every error of every Task, so failures are reported', () => {
    const uncaught = states.filter(([, s]) => s.Type === 'Task' && !(s.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL')));

    expect(uncaught.map(([name]) => name)).toEqual([]);
  });

  it('uses no Map field the local engine ignores, so the local run means what AWS runs (no ItemReader, ItemBatcher, ResultWriter, tolerated failures or distributed mode)', () => {
    const ignoredLocally = [
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'ToleratedFailurePercentage',
      'ToleratedFailureCount',
      'ToleratedFailurePercentagePath',
      'ToleratedFailureCountPath',
    ];
    const maps = states.filter(([, s]) => s.Type === 'Map');
    const used = maps.flatMap(([name, s]) => ignoredLocally.filter((field) => field in s).map((field) => `${name}.${field}`));
    const distributed = maps.filter(
      ([, s]) => (s.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig?.Mode === 'DISTRIBUTED',
    );

    expect(used).toEqual([]);
    expect(distributed.map(([name]) => name)).toEqual([]);
  });

  it('bounds every Map explicitly (MaxConcurrency 0 means 40 locally but 10,000 in AWS)', () => {
    const unbounded = states.filter(([, s]) => s.Type === 'Map' && !('MaxConcurrencyPath' in s) && !(Number(s.MaxConcurrency ?? 0) > 0));

    expect(unbounded.map(([name]) => name)).toEqual([]);
  });

  it('iterates over nothing in the state: stacks and stand-alone resources are each deleted by one loop whose progress is in S3, no Map', () => {
    expect(states.filter(([, s]) => s.Type === 'Map').map(([name]) => name)).toEqual([]);
  });

  it('binds every Task to a handler file named after the function, as serverless.yml declares', async () => {
    const local = await loadLocalDefinition('us-east-1', '111122223333');

    for (const task of local.tasks) {
      expect(existsSync(task.modulePath), task.modulePath).toBe(true);
      expect(path.relative(PROJECT_ROOT, task.modulePath)).toMatch(/^functions\/[a-z-]+\.ts$/);
    }
  });
});
