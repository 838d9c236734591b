import { describe, expect, it } from 'vitest';
import { foreseeHolds } from '../../functions/domain/foreseen-holds.js';
import { inStackEntry, inventoryOf, stackEntry } from '../helpers/domain-fixtures.js';

const envStack = stackEntry('AWSProton-payments-prod-cloudformation--ENV');
const vpc = inStackEntry('arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1', envStack, 'Vpc');
const apiStack = stackEntry('AWSProton-api-prod-cloudformation--API', 'service-instances');
const keptApi = { ...apiStack, action: 'retain' as const, reason: 'mixed ownership' };

describe('foreseeHolds', () => {
  it('retains the environment stack while a service instance stack is retained, saying what it waits for', () => {
    const [, env] = foreseeHolds(inventoryOf(keptApi, envStack, vpc)).resources;
    expect(env).toMatchObject({
      action: 'retain',
      reason: expect.stringMatching(/^not started: waits for AWSProton-api-prod-cloudformation--API \(retained: mixed ownership\)/),
    });
  });

  it('retains what goes with a held stack, with the reason', () => {
    const [, , inside] = foreseeHolds(inventoryOf(keptApi, envStack, vpc)).resources;
    expect(inside).toMatchObject({ action: 'retain', reason: expect.stringMatching(/^its stack is retained: not started: waits for/) });
  });

  it('changes nothing when every earlier stack is to be deleted', () => {
    const inventory = inventoryOf(apiStack, envStack, vpc);
    expect(foreseeHolds(inventory)).toEqual(inventory);
  });
});
