import type { Mode } from '../functions/domain/request.js';
import { UsageError } from './usage-error.js';

/**
 * `plan --input FILE` / `execute --input FILE`: the input is sent as it is, except for its mode.
 * A console input (or a custom event's `detail`, whatever its target) that names no `mode` gets
 * the command's; one that names the other mode is refused; a value that is no mode at all is sent
 * as given, for the workflow to refuse (InvalidRequest). A Proton event (source aws.proton) runs in
 * the deployment's default mode, which the command cannot set: refused. (npm start's `--mode`,
 * local/cli-main.ts withMode, overrides instead: that is its documented behaviour.)
 */
const MODES: readonly string[] = ['plan', 'execute'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function withCommandMode(request: Record<string, unknown>, mode: Mode, where: string): Record<string, unknown> {
  if (!('mode' in request)) return { ...request, mode };
  const named = request.mode;
  if (typeof named === 'string' && MODES.includes(named) && named !== mode) {
    throw new UsageError(`the input's ${where} is "${named}", but this is the ${mode} command: use proton-cleanup ${named}, or change ${where} to "${mode}"`);
  }
  return request;
}

export function inputForCommand(input: unknown, mode: Mode): unknown {
  if (!isRecord(input)) return input;
  if (!('detail-type' in input)) return withCommandMode(input, mode, '"mode"');
  if (input.source === 'aws.proton') {
    throw new UsageError(
      `the input is a Proton event (source aws.proton): it runs in the deployment's default mode (DEFAULT_MODE), which ${mode} cannot set. ` +
        `Give the same target as a console input instead (e.g. {"connectionId": "<id>"} or {"environment": {"name": "<name>", "managementAccountId": "<id>"}}), ` +
        'or start the event on the state machine with aws stepfunctions start-execution',
    );
  }
  return isRecord(input.detail) ? { ...input, detail: withCommandMode(input.detail, mode, '"detail.mode"') } : input;
}
