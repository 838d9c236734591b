import { describe, expect, it } from 'vitest';
import { InventorySchema } from '../../functions/domain/inventory.js';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { ReportSchema } from '../../functions/domain/report.js';
import { LOCAL_RESOURCES } from '../../local/run-workflow.js';
import { CONNECTION_ID, componentStack, environmentStack, scenario, serviceInstanceStack } from '../helpers/scenarios.js';
import { reportOf, run, stackIdOf } from '../helpers/workflow.js';

describe('a decommission in execute mode', () => {
  it('deletes the connection and every proven-owned stack, and succeeds', async () => {
    const env = environmentStack();
    const api = serviceInstanceStack('api');
    const monitoring = componentStack('monitoring');
    const spec = scenario({ stacks: [monitoring, api, env] });
    const result = await run(spec);
    const report = reportOf(result);

    expect(result.status).toBe('succeeded');
    expect(report.connection.outcome).toBe('deleted');
    expect(result.sandbox.account.connections.has(CONNECTION_ID)).toBe(false);
    // Every stack of the scenario, one of each owner kind (component, service instance, environment).
    expect(spec.stacks?.map((s) => s.owner?.kind)).toEqual(['component', 'service-instance', 'environment']);
    for (const { name } of spec.stacks ?? []) {
      expect(result.sandbox.account.stackByName(name)?.status).toBe('DELETE_COMPLETE');
      expect(report.resources.find((r) => r.id === stackIdOf(result, name))?.outcome).toBe('deleted');
    }
  });

  it('writes a report whose summary adds up and which matches the published schema', async () => {
    const report = reportOf(await run(scenario()));
    const s = report.summary;

    expect(() => ReportSchema.parse(report)).not.toThrow();
    expect(s.total).toBe(report.resources.length);
    expect(s.deleted + s.alreadyAbsent + s.retained + s.failed + s.planned).toBe(s.total);
  });

  it('lists every inventoried resource in the report exactly once', async () => {
    const result = await run(scenario());
    const stored = result.sandbox.account.objects.get(`${LOCAL_RESOURCES.reportBucket}/executions/${result.executionName}/inventory.json`);
    const inventory = InventorySchema.parse(JSON.parse(stored ?? 'null'));
    const reported = reportOf(result).resources.map((r) => r.id);

    expect(new Set(reported).size).toBe(reported.length);
    expect([...reported].sort()).toEqual(inventory.resources.map((r) => r.id).sort());
  });

  it('deletes stacks in dependency order: components, then service instances, then the environment', async () => {
    const component = componentStack('monitoring');
    const instance = serviceInstanceStack('api');
    const env = environmentStack();
    const result = await run(scenario({ stacks: [env, instance, component] }));
    const order = result.sandbox.callsTo('DeleteStack').map((c) => c.input.StackName);

    expect(order).toEqual([stackIdOf(result, component.name), stackIdOf(result, instance.name), stackIdOf(result, env.name)]);
  });

  it('addresses stacks by stack ID, never by name', async () => {
    const result = await run(scenario());
    const named = [...result.sandbox.callsTo('DeleteStack'), ...result.sandbox.callsTo('DescribeStacks')].filter(
      (c) => c.input.StackName !== undefined && !String(c.input.StackName).startsWith('arn:aws:cloudformation:'),
    );

    expect(named).toEqual([]);
  });

  it('reports a resource kept by DeletionPolicy: Retain as retained, with the reason', async () => {
    const env = environmentStack({
      resources: [{ logicalId: 'Artifacts', type: 'AWS::S3::Bucket', name: 'payments-artifacts', deletionPolicy: 'Retain' }],
    });
    const report = reportOf(await run(scenario({ stacks: [env] })));
    const bucket = report.resources.find((r) => r.id === 'arn:aws:s3:::payments-artifacts');

    expect(bucket?.outcome).toBe('retained');
    expect(bucket?.reason).toMatch(/DeletionPolicy/);
  });

  it('reports tagged resources outside any stack as retained, "not in a stack"', async () => {
    const report = reportOf(
      await run(scenario({ standaloneResources: [{ type: 'AWS::SSM::Parameter', name: '/payments-prod/flags', environment: 'payments-prod' }] })),
    );
    const parameter = report.resources.find((r) => r.type === 'ssm:parameter');

    expect(parameter?.outcome).toBe('retained');
    expect(parameter?.reason).toMatch(/not in a stack/);
  });

  it('tells people by SNS and machines by an EventBridge event where the report is', async () => {
    const result = await run(scenario());
    const [message] = [...result.sandbox.account.topics.values()].flat();
    const [event] = result.sandbox.account.events;

    expect(message?.message).toContain(CONNECTION_ID);
    expect(message?.message).toContain(`reports/${result.executionName}.json`);
    expect(event?.detailType).toBe(COMPLETION_DETAIL_TYPE.succeeded);
    expect(event?.detail).toMatchObject({ connectionId: CONNECTION_ID, status: 'succeeded', summary: reportOf(result).summary });
  });
});
