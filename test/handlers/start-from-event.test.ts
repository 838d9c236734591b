import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/start-from-event.js';
import { ACCOUNT_ID, CONNECTION_ID, deliveredEvent, mockedClients, REGION, STATE_MACHINE_ARN, sfnError } from '../helpers/sdk-fixtures.js';

const [sfn] = mockedClients(SFNClient);

beforeEach(() => {
  sfn.on(StartExecutionCommand).callsFake((input: { name?: string }) => ({
    executionArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:proton-connection-cleanup-local:${input.name}`,
    startDate: new Date('2026-11-25T06:00:00Z'),
  }));
});

function startedExecutions() {
  return sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
}

/** The name the handler starts the execution under, for this event. */
async function executionNameFor(event: Record<string, unknown>): Promise<string> {
  const { executionName } = await handler(event);
  return executionName;
}

describe('StartFromEvent handler (the EventBridge rules’ target)', () => {
  it('starts one execution of the state machine of STATE_MACHINE_ARN', async () => {
    await handler(deliveredEvent());
    expect(startedExecutions()).toHaveLength(1);
    expect(startedExecutions()[0]?.stateMachineArn).toBe(STATE_MACHINE_ARN);
  });

  it('passes the whole event, unchanged, as the execution input', async () => {
    const event = deliveredEvent({ 'replay-name': 'decommission-replay' });
    await handler(event);
    expect(JSON.parse(startedExecutions()[0]?.input ?? 'null')).toEqual(event);
  });

  it('returns the execution name it started, with the outcome "started"', async () => {
    const result = await handler(deliveredEvent());
    expect(result).toEqual({ executionName: startedExecutions()[0]?.name, outcome: 'started' });
  });

  it('names the execution "event-<mode>-…", in at most 80 characters of [A-Za-z0-9-_]', async () => {
    const name = await executionNameFor(deliveredEvent());
    expect(name).toMatch(/^event-plan-[A-Za-z0-9_-]+$/);
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it("names a Proton event's execution after the deployment's default mode (DEFAULT_MODE)", async () => {
    expect(await executionNameFor(deliveredEvent())).toMatch(/^event-plan-/);
  });

  it('names a decommission request after the mode its detail asks for', async () => {
    const requested = (mode: string) =>
      deliveredEvent({
        source: 'proton-connection-cleanup',
        'detail-type': 'Proton Connection Decommission Requested',
        detail: { connectionId: CONNECTION_ID, mode },
      });
    expect(await executionNameFor(requested('execute'))).toMatch(/^event-execute-/);
    expect(await executionNameFor(requested('plan'))).toMatch(/^event-plan-/);
  });

  it('gives a plan and an execute requested by events with the same id different names, so the execute is not taken for the plan', async () => {
    const requested = (mode: string) =>
      deliveredEvent({
        source: 'proton-connection-cleanup',
        'detail-type': 'Proton Connection Decommission Requested',
        detail: { connectionId: CONNECTION_ID, mode },
      });
    expect(await executionNameFor(requested('execute'))).not.toBe(await executionNameFor(requested('plan')));
  });

  it('gives a redelivered event (same source and id) the same execution name', async () => {
    const first = await executionNameFor(deliveredEvent());
    const redelivered = await executionNameFor(deliveredEvent());
    expect(redelivered).toBe(first);
  });

  it('gives events with different ids different execution names', async () => {
    const first = await executionNameFor(deliveredEvent({ id: 'b2c3d4e5-6f70-4812-9a3b-4c5d6e7f8091' }));
    const second = await executionNameFor(deliveredEvent({ id: 'c3d4e5f6-7081-4923-8b4c-5d6e7f809102' }));
    expect(second).not.toBe(first);
  });

  describe('when Step Functions says an execution of that name already exists', () => {
    /** The existing execution, as DescribeExecution describes it, started with this input. */
    const existingWith = (input: unknown) => sfn.on(DescribeExecutionCommand).resolves({ input: JSON.stringify(input) });

    it('answers "already-started", under the same name, when it was started with the same event (a redelivery)', async () => {
      const name = await executionNameFor(deliveredEvent());
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists(name));
      existingWith(deliveredEvent());
      await expect(handler(deliveredEvent())).resolves.toEqual({ executionName: name, outcome: 'already-started' });
    });

    it('reads the existing execution by its ARN on the same state machine', async () => {
      const name = await executionNameFor(deliveredEvent());
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists(name));
      existingWith(deliveredEvent());
      await handler(deliveredEvent());
      expect(sfn.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([
        { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}` },
      ]);
    });

    it('fails with ExecutionNameTaken, never a silent success, when it was started with a different input', async () => {
      const name = await executionNameFor(deliveredEvent());
      sfn.on(StartExecutionCommand).rejects(sfnError.alreadyExists(name));
      existingWith(deliveredEvent({ detail: { id: CONNECTION_ID, status: 'CONNECTED', previousStatus: 'PENDING' } }));
      await expect(handler(deliveredEvent())).rejects.toMatchObject({ name: 'ExecutionNameTaken', message: expect.stringContaining(name) });
    });
  });

  it('rejects input that is not an EventBridge event (no detail-type) with InvalidStateInput naming the field, starting nothing', async () => {
    const { 'detail-type': _detailType, ...notAnEvent } = deliveredEvent();
    await expect(handler(notAnEvent)).rejects.toMatchObject({ name: 'InvalidStateInput', message: expect.stringContaining('detail-type') });
    expect(startedExecutions()).toEqual([]);
  });

  it('rejects with ThrottlingException when Step Functions throttles the start', async () => {
    sfn.on(StartExecutionCommand).rejects(sfnError.throttling());
    await expect(handler(deliveredEvent())).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
