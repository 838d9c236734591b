/**
 * Found while extending the safety sweep to several accounts (issue 12): a local-run harness
 * issue, not the product's. local/local-environment.ts openSandbox sets TARGET_ACCOUNTS and
 * TARGET_REGIONS per scenario ("So are the targets: each scenario names its own fleet"), but the
 * functions read them once, at cold start (functions/cleanup/targets.ts, lines 13-14, as Lambda
 * would): in one process, every later scenario keeps the first scenario's targets. A request naming
 * a target the later scenario configures is refused (InvalidRequest "... is not a target of this
 * hub (targets: 111122223333/us-east-1)"). The safety generator works around it by giving every
 * case the same targets (arbitraries.ts fleetOf). `it.fails`: passes while the issue is there, fails
 * once it is fixed (then make it a plain test).
 */
import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { consoleInput, environmentStack, scenario } from '../helpers/scenarios.js';

const B = '222233334444';

describe('the local run: each scenario names its own targets', () => {
  it.fails('a second scenario of the process, with account B configured, accepts a request for B', { timeout: 180_000 }, async () => {
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
