/**
 * Found while extending the safety sweep to several accounts (issue 12): openSandbox sets
 * TARGET_ACCOUNTS and TARGET_REGIONS per scenario, and the functions once read them only at cold
 * start, so every later scenario of a process kept the first one's targets. They are now read on
 * each use too (functions/cleanup/targets.ts), like PROTON_API.
 */
import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { consoleInput, environmentStack, scenario } from '../helpers/scenarios.js';

const B = '222233334444';

describe('the local run: each scenario names its own targets', () => {
  it('a second scenario of the process, with account B configured, accepts a request for B', { timeout: 180_000 }, async () => {
    // The first scenario of the process configures the hub alone.
    await runWorkflow(scenario({ input: consoleInput('plan') }), { executionName: 'targets-first', defaultMode: 'plan' });
    const fleet = scenario({
      accounts: [
        { accountId: B, region: 'us-east-1', stacks: [environmentStack({ name: 'AWSProton-orders-dev-cloudformation--B0001', environment: 'orders-dev' })] },
      ],
      input: { environment: { name: 'orders-dev', managementAccountId: '444455556666' }, account: B, region: 'us-east-1', mode: 'plan' },
    });
    const second = await runWorkflow(fleet, { executionName: 'targets-second', defaultMode: 'plan' });
    expect(second.error?.name).not.toBe('InvalidRequest');
  });
});
