import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../bench/lower-bound.js';

/** The bound's three terms, each from the scenario and the assumed limits alone (bench/lower-bound.ts). */
const input = (overrides: Partial<Parameters<typeof lowerBound>[0]> = {}) => ({
  chainSeconds: 100,
  minimumCalls: { 'cloudformation:DeleteStack': 50 },
  rateOf: (api: string) => (api.startsWith('cloudformation:') ? 5 : undefined),
  resourceSeconds: 2500 * 40,
  concurrentResourcesLimit: 2500,
  ...overrides,
});

describe('the lower bound', () => {
  it('is the longest chain when the chain outlasts the calls and the throughput', () => {
    expect(lowerBound(input())).toMatchObject({ seconds: 100, bindingTerm: 'chain' });
  });

  it('is the calls an API must answer at its rate: 1,000 DeleteStack at 5 a second take 200 s', () => {
    expect(lowerBound(input({ minimumCalls: { 'cloudformation:DeleteStack': 1000 } }))).toMatchObject({ seconds: 200, bindingTerm: 'calls' });
  });

  it('is the resource-seconds over the concurrent-resources limit: 4 resources for 375 s in each of 20,000 stacks, 2,500 at a time, take 12,000 s', () => {
    expect(lowerBound(input({ resourceSeconds: 20_000 * 4 * 375 }))).toMatchObject({ seconds: 12_000, bindingTerm: 'throughput' });
  });

  it('ignores APIs with no assumed rate', () => {
    expect(lowerBound(input({ minimumCalls: { 'sns:Publish': 1_000_000 } })).callsSeconds).toBe(0);
  });
});
