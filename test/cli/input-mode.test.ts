import { describe, expect, it } from 'vitest';
import { inputForCommand } from '../../cli/input-mode.js';
import { UsageError } from '../../cli/usage-error.js';

/** `plan|execute --input FILE`: the input as sent, given the command's mode. */
const CONNECTION = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const customEvent = (detail: unknown) => ({
  version: '0',
  id: 'e-1',
  source: 'proton-connection-cleanup',
  account: '111122223333',
  time: '2026-12-01T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  'detail-type': 'Decommission Requested',
  detail,
});
const protonEvent = {
  ...customEvent({ id: CONNECTION, status: 'REJECTED' }),
  source: 'aws.proton',
  'detail-type': 'AWS Proton Environment Account Connection Status Change',
};

describe('the mode of an --input', () => {
  it('a console input without a mode gets the command mode', () => {
    expect(inputForCommand({ connectionId: CONNECTION }, 'plan')).toEqual({ connectionId: CONNECTION, mode: 'plan' });
  });

  it('a console input naming the command mode is sent unchanged', () => {
    const input = { connectionId: CONNECTION, mode: 'execute', deleteTypes: ['s3:bucket'] };
    expect(inputForCommand(input, 'execute')).toEqual(input);
  });

  it('a console input naming the other mode is a usage error saying which command to use', () => {
    expect(() => inputForCommand({ connectionId: CONNECTION, mode: 'execute' }, 'plan')).toThrow(UsageError);
    expect(() => inputForCommand({ connectionId: CONNECTION, mode: 'execute' }, 'plan')).toThrow(/"mode" is "execute", but this is the plan command/);
  });

  it('a mode that is no mode ("destroy") is sent as given, for the workflow to refuse', () => {
    expect(inputForCommand({ connectionId: CONNECTION, mode: 'destroy' }, 'execute')).toEqual({ connectionId: CONNECTION, mode: 'destroy' });
  });

  it.each([[{ connectionId: CONNECTION }], [{ environment: { name: 'payments-prod', managementAccountId: '444455556666' } }]])(
    'a custom event without detail.mode gets the command mode, whatever its target: %j',
    (detail) => {
      expect(inputForCommand(customEvent(detail), 'plan')).toEqual(customEvent({ ...detail, mode: 'plan' }));
    },
  );

  it('a custom event whose detail.mode is the other mode is a usage error naming detail.mode', () => {
    expect(() => inputForCommand(customEvent({ connectionId: CONNECTION, mode: 'plan' }), 'execute')).toThrow(
      /"detail\.mode" is "plan", but this is the execute command/,
    );
  });

  it('a Proton event is refused: its mode is the deployment default, which the command cannot set', () => {
    expect(() => inputForCommand(protonEvent, 'plan')).toThrow(/Proton event \(source aws\.proton\).*default mode/);
  });

  it.each([['null'], ['0'], ['"plan"'], ['[]']])('a value that is no object (%s) is sent as given', (text) => {
    expect(inputForCommand(JSON.parse(text), 'execute')).toEqual(JSON.parse(text));
  });
});
