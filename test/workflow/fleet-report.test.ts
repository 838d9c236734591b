import { describe, expect, it } from 'vitest';
import { FLEET_COMPLETED_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { ReportSchema } from '../../functions/domain/report.js';
import { LOCAL_RESOURCES, runWorkflow } from '../../local/run-workflow.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { runSweepChildren } from '../../local/sweep-children.js';
import { environmentStack, fault, scenario } from '../helpers/scenarios.js';

/**
 * The fleet report in the cases no child's end can build it (found by review, issue 12). Expected
 * answers come from the text: "built when the children finish ... totals per account".
 */
const B = '222233334444';
const C = '333344445555';

function fleet(): ScenarioInput {
  return scenario({
    connections: [],
    accounts: [
      {
        accountId: B,
        region: 'us-east-1',
        stacks: [environmentStack({ name: 'AWSProton-orders-dev-cloudformation--B000000000000001', environment: 'orders-dev' })],
      },
      { accountId: C, region: 'eu-west-1', faults: [fault('ListEnvironmentAccountConnections', 'unreachable')] },
    ],
  });
}

async function sweep(spec: ScenarioInput, input: Record<string, unknown>) {
  const parent = await runWorkflow(spec, { input, executionName: 'fleet-sweep' });
  const children = await runSweepChildren(parent.sandbox.scenario, parent);
  const stored = parent.sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/reports/fleet-sweep.fleet.json`);
  const fleetEvents = parent.sandbox.account.events.filter((e) => e.detailType === FLEET_COMPLETED_DETAIL_TYPE);
  return { parent, children, fleetReport: stored ? ReportSchema.parse(JSON.parse(stored)) : undefined, fleetEvents };
}

describe('a fleet sweep that starts no child', () => {
  // "Fleet report ... built when the children finish ... The completion event and SNS message summarize it."
  // CollectFleet runs only on a child's end: a sweep whose every target is unreachable (the case an operator
  // most needs to hear about) or that finds nothing to start never gets reports/<sweep>.fleet.json nor the
  // "Fleet Completed" event.
  it('still writes reports/<sweep>.fleet.json and sends one Fleet Completed event when every target is unreachable', async () => {
    const { children, fleetReport, fleetEvents } = await sweep(fleet(), { sweep: true, mode: 'execute', targets: [`${C}/eu-west-1`] });

    expect(children).toHaveLength(0);
    expect(fleetReport?.fleet?.rows.map((r) => r.status)).toEqual(['unreachable']);
    expect(fleetEvents).toHaveLength(1);
  });
});

describe('the fleet totals', () => {
  // "totals per account and for the fleet": with 40 accounts × Regions, a target that was swept and held
  // nothing must be told apart from one the sweep never covered. The sweep file records `targets`, the fleet drops them.
  it('lists every swept target in the fleet totals, including one where nothing was found', async () => {
    const { fleetReport } = await sweep(fleet(), { sweep: true, mode: 'plan', targets: [`${B}/us-east-1`, `${B}/eu-west-1`] });

    expect(fleetReport?.fleet?.accounts.map((a) => `${a.account}/${a.region}`).sort()).toEqual([`${B}/eu-west-1`, `${B}/us-east-1`]);
  });
});
