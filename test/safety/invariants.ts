import { InventorySchema } from '../../functions/domain/inventory.js';
import { COMPLETION_DETAIL_TYPE } from '../../functions/domain/notification.js';
import { LOCAL_RESOURCES, type LocalRunResult } from '../../local/run-workflow.js';
import type { StackModel } from '../../local/sandbox/account.js';
import type { RecordedCall } from '../../local/sandbox/sandbox.js';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { CONNECTION_ID, ENVIRONMENT, MANAGEMENT_ACCOUNT } from '../helpers/scenarios.js';

/**
 * The safety invariants, as pure functions of a finished run (and the scenario it ran on),
 * each returning its violations as sentences. What may be deleted is computed here from the
 * scenario alone, never from the product's own inventory.
 *
 * A re-run shares its sandbox with the run before it, so the sandbox's call record holds both:
 * `since` is the index of the run's first call. Each check reads the account as the run left it,
 * so call it before anything else changes the account.
 */
type StackInput = NonNullable<ScenarioInput['stacks']>[number];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why the workflow may not delete this stack, or undefined when its ownership is proven (README "Safety model"). */
export function whyNotProvenOwned(stack: StackInput, scenario: ScenarioInput): string | undefined {
  const managementAccount = scenario.managementAccountId ?? MANAGEMENT_ACCOUNT;
  if (stack.environment !== ENVIRONMENT) return `it belongs to environment ${stack.environment}`;
  if ((stack.managementAccountId ?? managementAccount) !== managementAccount) {
    return `it belongs to the ${ENVIRONMENT} environment of management account ${stack.managementAccountId}`;
  }
  if (!stack.name.startsWith('AWSProton-')) return 'its name does not start with AWSProton-';
  const tags = stack.protonTags ?? 'both';
  if (tags === 'none') return 'no proton:* tag proves its ownership';
  if (tags === 'resources' && !(stack.resources ?? []).some((r) => r.taggable !== false)) return 'its proton:* tags are only on resources the Tagging API cannot see';
  if (stack.terminationProtection) return 'termination protection is on';
  return undefined;
}

export function provenOwnedStacks(scenario: ScenarioInput): StackInput[] {
  return (scenario.stacks ?? []).filter((s) => whyNotProvenOwned(s, scenario) === undefined);
}

/** The mode the request asks for (the deployment default when it names none), read from the trigger itself. */
export function requestedMode(input: unknown): 'plan' | 'execute' {
  const defaultMode = process.env.DEFAULT_MODE === 'execute' ? 'execute' : 'plan';
  const request = isObject(input) && 'detail-type' in input ? (input.source === 'proton-connection-cleanup' ? input.detail : undefined) : input;
  const mode = isObject(request) ? request.mode : undefined;
  return mode === 'plan' || mode === 'execute' ? mode : defaultMode;
}

const callsOf = (run: LocalRunResult, since: number): readonly RecordedCall[] => run.sandbox.calls.slice(since);

function specOfStack(run: LocalRunResult, scenario: ScenarioInput, stackIdOrName: string): StackInput | undefined {
  const stack = run.sandbox.account.stacks.get(stackIdOrName) ?? run.sandbox.account.stackByName(stackIdOrName);
  return stack && (scenario.stacks ?? []).find((s) => s.name === stack.name);
}

/** Operations that delete: the safety model allows only DeleteStack and DeleteEnvironmentAccountConnection (the generated requests ask for no other deletion). */
const DELETING = /^(Delete|Remove|Detach)/;
const ALLOWED_DELETES = new Set(['DeleteStack', 'DeleteEnvironmentAccountConnection']);

/**
 * No DeleteStack outside the proven-owned stacks, no other connection deleted, no other kind of
 * deletion, nothing deleted in plan mode.
 */
export function noWrongfulDelete(run: LocalRunResult, scenario: ScenarioInput, since = 0): string[] {
  const violations: string[] = [];
  const plan = requestedMode(scenario.input) === 'plan';
  for (const call of callsOf(run, since)) {
    if (call.operation === 'DeleteStack') {
      const target = String(call.input.StackName);
      const spec = specOfStack(run, scenario, target);
      const why = spec ? whyNotProvenOwned(spec, scenario) : 'it is not a stack of the scenario';
      if (why) violations.push(`DeleteStack ${spec?.name ?? target}, whose ownership is not proven: ${why}`);
      if (plan) violations.push(`DeleteStack ${spec?.name ?? target} in plan mode`);
    }
    if (call.operation === 'DeleteEnvironmentAccountConnection') {
      const id = String(call.input.id);
      if (id.toLowerCase() !== CONNECTION_ID) violations.push(`DeleteEnvironmentAccountConnection of connection "${id}", not the requested ${CONNECTION_ID}`);
      if (plan) violations.push(`DeleteEnvironmentAccountConnection ${id} in plan mode`);
    }
    if (DELETING.test(call.operation) && !ALLOWED_DELETES.has(call.operation)) {
      violations.push(`${call.operation} ${JSON.stringify(call.input).slice(0, 200)}: the request asked for no such deletion`);
    }
    if (call.operation === 'PutObject' && call.input.Bucket !== LOCAL_RESOURCES.reportBucket) {
      violations.push(`PutObject into bucket ${String(call.input.Bucket)}, not the report bucket`);
    }
  }
  return violations;
}

const OUTCOME_COUNTS = [
  ['deleted', 'deleted'],
  ['alreadyAbsent', 'already-absent'],
  ['retained', 'retained'],
  ['failed', 'failed'],
  ['planned', 'planned'],
] as const;

function mentionsExecution(text: string, executionName: string): boolean {
  return text.includes(`/reports/${executionName}.json`) || text.includes(`execution ${executionName} `) || text.includes(`"executionName":"${executionName}"`);
}

/**
 * Every inventoried resource is reported exactly once and the summary adds up; a failed run leaves
 * a report or, at least, the failure notification (SNS message and EventBridge event), unless an
 * injected fault stopped exactly that.
 */
export function noLostRecord(run: LocalRunResult, _scenario: ScenarioInput, since = 0): string[] {
  const violations: string[] = [];
  const { account } = run.sandbox;
  const name = run.executionName;
  const report = run.report;
  if (run.status === 'succeeded' && !report) violations.push('the execution succeeded without writing its report');
  if (report) {
    const times = new Map<string, number>();
    for (const entry of report.resources) times.set(entry.id, (times.get(entry.id) ?? 0) + 1);
    for (const [id, n] of times) if (n > 1) violations.push(`${id} is in the report ${n} times`);
    const inventoryKey = `executions/${name}/inventory.json`;
    const stored = account.objects.get(`${LOCAL_RESOURCES.reportBucket}/${inventoryKey}`);
    // An injected fault on reading the stored inventory back is the one excuse for leaving it out.
    const unreadable = callsOf(run, since).some((c) => c.operation === 'GetObject' && c.input.Key === inventoryKey && c.error !== undefined);
    if (stored !== undefined && !unreadable) {
      for (const resource of InventorySchema.parse(JSON.parse(stored)).resources) {
        if (!times.has(resource.id)) violations.push(`${resource.id} (${resource.type}, ${resource.action}) is in the stored inventory but not in the report`);
      }
    }
    const s = report.summary;
    if (s.total !== report.resources.length) violations.push(`summary.total is ${s.total}, but the report lists ${report.resources.length} resources`);
    for (const [key, outcome] of OUTCOME_COUNTS) {
      const n = report.resources.filter((r) => r.outcome === outcome).length;
      if (s[key] !== n) violations.push(`summary.${key} is ${s[key]}, but ${n} resources are ${outcome}`);
    }
    if (s.deleted + s.alreadyAbsent + s.retained + s.failed + s.planned !== s.total) violations.push(`the summary counts do not add up to ${s.total}`);
  }
  if (run.status === 'failed' && !report) {
    const calls = callsOf(run, since);
    const faulted = (...operations: string[]) => calls.some((c) => c.error !== undefined && operations.includes(c.operation));
    const notifyTimedOut = run.lambdaFaultsFired.some((f) => f.state === 'NotifyFailure');
    const message = [...account.topics.values()].flat().some((m) => /FAILED/.test(m.subject ?? '') && mentionsExecution(m.message, name));
    const event = account.events.some((e) => e.detailType === COMPLETION_DETAIL_TYPE.failed && mentionsExecution(JSON.stringify(e.detail), name));
    // Without a report NotifyFailure reads nothing: only its own calls, or its own timeout, can stop it.
    if (!message && !faulted('Publish') && !notifyTimedOut) {
      violations.push('the execution failed without a report and without an SNS failure message, and no injected fault prevented the message');
    }
    if (!event && !faulted('Publish', 'PutEvents') && !notifyTimedOut) {
      violations.push('the execution failed without a report and without a failure event, and no injected fault prevented the event');
    }
  }
  return violations;
}

function importersOf(stack: StackModel, run: LocalRunResult): StackModel[] {
  return [...run.sandbox.account.stacks.values()].filter((s) => s !== stack && s.status !== 'DELETE_COMPLETE' && s.imports.some((i) => stack.exports.includes(i)));
}

/**
 * What the request calls for, given the account it starts on: a cleanup when its connection exists
 * or it names the environment itself; Proton's environment-deleted event with no connection left is
 * "nothing to do" by design (Proton removed everything itself); a connection id alone, for a
 * connection that is gone, can only fail with ConnectionNotFound.
 */
export function expectedOutcome(scenario: ScenarioInput): 'cleanup' | 'nothing-to-do' | 'connection-not-found' {
  const input = scenario.input;
  if ((scenario.connections ?? []).some((c) => c.id === CONNECTION_ID)) return 'cleanup';
  if (isObject(input) && input.source === 'aws.proton') return isObject(input.detail) && 'name' in input.detail ? 'nothing-to-do' : 'connection-not-found';
  const request = isObject(input) && 'detail-type' in input ? input.detail : input;
  return isObject(request) && isObject(request.environment) ? 'cleanup' : 'connection-not-found';
}

/**
 * After a re-run without faults: the re-run succeeded, and in execute mode every proven-owned
 * stack is gone, unless CloudFormation cannot delete it (a resource fails to delete, or a stack
 * that stays imports one of its exports). A request that calls for no cleanup (see
 * expectedOutcome) must end as designed.
 */
export function converged(rerun: LocalRunResult, scenario: ScenarioInput): string[] {
  const violations: string[] = [];
  const expected = expectedOutcome(scenario);
  if (expected === 'connection-not-found' && rerun.error?.name !== 'ConnectionNotFound') {
    violations.push(`its connection never existed and the request names no environment, yet the re-run ended ${rerun.status} ${rerun.error?.name ?? ''}`);
  }
  if (expected === 'nothing-to-do' && (rerun.status !== 'succeeded' || rerun.report?.connection.outcome !== 'not-found')) {
    violations.push(`no connection serves the deleted environment, yet the re-run ended ${rerun.status} ${rerun.error?.name ?? ''} (${rerun.report?.connection.outcome ?? 'no report'})`);
  }
  if (expected !== 'cleanup') return violations;
  if (rerun.status !== 'succeeded') {
    violations.push(`the re-run failed: ${rerun.error?.name ?? 'unknown'}: ${(rerun.error?.cause ?? '').slice(0, 300)}`);
  }
  if (requestedMode(scenario.input) !== 'execute') return violations;
  for (const spec of provenOwnedStacks(scenario)) {
    const stack = rerun.sandbox.account.stackByName(spec.name);
    if (!stack || stack.status === 'DELETE_COMPLETE') continue;
    const undeletable = (spec.resources ?? []).some((r) => r.failsToDelete && r.deletionPolicy !== 'Retain');
    const importers = importersOf(stack, rerun);
    if (stack.status === 'DELETE_FAILED' && (undeletable || importers.length > 0)) continue;
    violations.push(`${spec.name} is still ${stack.status} after the re-run${stack.statusReason ? ` (${stack.statusReason})` : ''}`);
  }
  return violations;
}

const RETRYABLE = ['ThrottlingException', 'ConflictException', 'InternalServerException'];

/** A permanent error for the connection: Proton unreachable, or a failure that retrying would not change. */
function permanentConnectionError(run: LocalRunResult): boolean {
  const connection = run.report?.connection;
  if (connection?.outcome === 'unreachable') return true;
  if (connection?.outcome !== 'failed') return false;
  const error = (connection.error ?? '').split(':')[0] ?? '';
  return !RETRYABLE.includes(error) && !error.startsWith('Lambda.');
}

/**
 * In execute mode the connection ends deleted: a run never reports it deleted (or already absent)
 * while it exists, a successful run leaves it deleted unless Proton was unreachable, and at the end
 * (`final`: after the re-run) it is gone unless the report shows a permanent error for it.
 */
export function connectionEndsDeleted(run: LocalRunResult, scenario: ScenarioInput, { since = 0, final = false } = {}): string[] {
  if (requestedMode(scenario.input) !== 'execute') return [];
  const violations: string[] = [];
  const present = run.sandbox.account.connections.has(CONNECTION_ID);
  if (!present) return violations;
  const outcome = run.report?.connection.outcome;
  // An injected not-found: Proton itself said the connection was gone.
  const protonSaidGone = callsOf(run, since).some(
    (c) => (c.operation === 'DeleteEnvironmentAccountConnection' || c.operation === 'GetEnvironmentAccountConnection') && c.error === 'ResourceNotFoundException',
  );
  if ((outcome === 'deleted' || outcome === 'already-absent') && !protonSaidGone) {
    violations.push(`the report says the connection is ${outcome}, but it still exists`);
  } else if (run.status === 'succeeded' && outcome !== 'unreachable' && !protonSaidGone) {
    violations.push(`the execution succeeded in execute mode, but the connection still exists (outcome ${outcome ?? 'unknown'})`);
  } else if (final && !permanentConnectionError(run)) {
    violations.push(`the connection still exists after the re-run (outcome ${outcome ?? 'unknown'}${run.report?.connection.error ? `: ${run.report.connection.error}` : ''})`);
  }
  return violations;
}
