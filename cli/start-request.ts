import type { ConsoleInput, Mode } from '../functions/domain/request.js';
import { inputForCommand } from './input-mode.js';
import { planTarget, withPlanTarget } from './plan-file.js';
import { type RequestFlags, requestFromFlags } from './request-flags.js';
import { readJsonFile, readText } from './usage-error.js';

/**
 * What `plan` and `execute` will send, made before the target is touched: every usage error
 * (a bad flag, an input whose mode is the other command's, a plan file that cannot be executed)
 * is found here, before anything starts.
 */
export type PreparedStart =
  /** --input: sent as it is (with the command's mode when it names none; requestedBy still to add). */
  | { kind: 'input'; input: unknown }
  /** The flags' console input; a local plan file's content, still to be uploaded (requestedBy still to add). */
  | { kind: 'flags'; request: ConsoleInput & { plan?: string }; planContent?: string };

interface StartRequest {
  flags: RequestFlags;
  /** A whole console input or EventBridge event, instead of the request flags. */
  input?: string | undefined;
}

/** `note` says on stderr what the CLI chose for the operator (the target it took from the plan). */
export async function prepareStart(mode: Mode, options: StartRequest, note: (line: string) => void): Promise<PreparedStart> {
  if (options.input !== undefined) return { kind: 'input', input: inputForCommand(await readJsonFile(options.input, 'input'), mode) };
  let flags = options.flags;
  let planContent: string | undefined;
  if (mode === 'execute' && flags.plan !== undefined && !flags.plan.startsWith('s3://')) {
    planContent = await readText(flags.plan, 'plan');
    const target = withPlanTarget(flags, planTarget(planContent, flags.plan), flags.plan);
    flags = target.flags;
    if (target.fromPlan) note(`target from the plan: ${target.fromPlan}`);
  }
  return { kind: 'flags', request: requestFromFlags(flags, mode), ...(planContent !== undefined ? { planContent } : {}) };
}
