import * as z from '../runtime/zod.js';
import { type CaughtError, CaughtErrorSchema, errorMessage } from './caught-error.js';
import { ACTIONS, BucketContentsSchema, type InventoriedResource, type Inventory, PHASES } from './inventory.js';
import { type CleanupRequest, CleanupRequestSchema, DEFAULT_OPTIONS, MODES, ReviewedPlanSchema } from './request.js';

export { CaughtErrorSchema, errorMessage } from './caught-error.js';

import type { ConnectionFacts } from './connection.js';
import { type ConnectionDeletion, decideConnectionDeletion } from './connection-deletion.js';
import { ScheduledDecommissionSchema } from './decommission-schedule.js';
import { type Fleet, FleetSchema } from './fleet.js';
import { connectionNextStep, type NextStepContext, nextStep } from './next-steps.js';
import { ObjectRefSchema } from './object-ref.js';
import { type FailedResource, FailedResourceSchema, type StackProgress } from './stack-deletion.js';
import { type Summary, SummarySchema } from './summary.js';
import { type SweepSection, SweepSectionSchema, type UnreachableTarget } from './sweep-result.js';
import { keptByTemplate } from './template-policies.js';
import type { RemainingResource, Verification } from './verification.js';

/**
 * The report: every inventoried resource exactly once, with what happened to it, and a
 * summary whose counts add up. Built by one pure function from what the workflow gathered.
 */
export const REPORT_VERSION = '1.0';

export const RESOURCE_OUTCOMES = ['deleted', 'already-absent', 'retained', 'failed', 'planned'] as const;
export type ResourceOutcome = (typeof RESOURCE_OUTCOMES)[number];
export const CONNECTION_OUTCOMES = ['deleted', 'already-absent', 'unreachable', 'failed', 'planned', 'not-attempted', 'not-found'] as const;
export type ConnectionOutcome = (typeof CONNECTION_OUTCOMES)[number];

export const ReportEntrySchema = z.object({
  id: z.string().describe('ARN of the resource (the stack ID for stacks)'),
  type: z.string().describe('service:kind, e.g. cloudformation:stack, s3:bucket, iam:role'),
  owner: z.object({
    kind: z.enum(['component', 'service-instance', 'environment', 'connection', 'unproven']),
    name: z.string().optional(),
  }),
  phase: z.enum(PHASES).optional(),
  stackId: z.string().optional().describe('the stack that contains this resource'),
  plannedAction: z.enum(ACTIONS),
  outcome: z.enum(RESOURCE_OUTCOMES),
  reason: z.string().optional(),
  error: z.string().optional(),
  failedResources: z.array(FailedResourceSchema).optional(),
  contents: BucketContentsSchema.optional().describe('a bucket the cleanup empties (deleteTypes): what it held when inventoried'),
  lastUpdatedTime: z.string().optional().describe('a stack: when it was last updated, as inventoried (a plan is executed only on the stack it saw)'),
  nextStep: z.string().optional().describe('failed or retained: the step a person can take (or why nothing needs doing)'),
  deletionStartedAt: z.string().optional().describe('a stack: when the cleanup started deleting it (ISO 8601)'),
  deletionEndedAt: z.string().optional().describe("a stack: when its deletion's outcome became final (ISO 8601)"),
  polls: z.number().int().optional().describe('status polls while waiting for the stack deletion'),
  previousRoleArn: z
    .string()
    .optional()
    .describe(
      'a stack the cleanup deleted: its own service role before the deletion role was passed ("none": it had none); a stack left DELETE_FAILED stays bound to the deletion role',
    ),
});
export type ReportEntry = z.infer<typeof ReportEntrySchema>;

export { type Summary, SummarySchema } from './summary.js';

export type { SweepSection } from './sweep-result.js';

export const DirectResultSchema = z.object({
  id: z.string(),
  outcome: z.enum(['deleted', 'already-absent', 'retained', 'failed']),
  reason: z.string().optional(),
  error: z.string().optional(),
  /** Set by the ASL's Catch when the deleting task failed for good. */
  caught: CaughtErrorSchema.optional(),
});
export type DirectResult = z.infer<typeof DirectResultSchema>;

export const ReportSchema = z
  .object({
    reportVersion: z.literal(REPORT_VERSION),
    execution: z.object({
      name: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      account: z.string().optional().describe('the account the run ran in'),
      region: z.string().optional(),
    }),
    executedPlan: ReviewedPlanSchema.optional().describe('an execute run of a reviewed plan: the plan it executed'),
    requestedBy: z
      .string()
      .optional()
      .describe('who asked: the caller the CLI recorded, "console" for a manual start, "event <source>" for an EventBridge trigger'),
    status: z.enum(['succeeded', 'failed']),
    mode: z.enum(MODES).optional(),
    request: CleanupRequestSchema.nullable(),
    failure: z.object({ error: z.string(), message: z.string() }).optional(),
    connection: z.object({
      id: z.string().optional(),
      arn: z.string().optional(),
      environmentName: z.string().optional(),
      environmentArn: z.string().optional(),
      outcome: z.enum(CONNECTION_OUTCOMES),
      attempts: z.number().int().optional(),
      reason: z.string().optional(),
      error: z.string().optional(),
      nextStep: z.string().optional().describe('failed: the step a person can take'),
    }),
    resources: z.array(ReportEntrySchema),
    summary: SummarySchema,
    /** A sweep: one section per environment found, with what was decided and the execution cleaning it up. */
    sweep: z.array(SweepSectionSchema).optional(),
    fleet: FleetSchema.optional().describe(
      "a sweep that waited for its children: one row per account, Region and environment with its child's status and summary, totals per account and for the fleet",
    ),
    scheduled: ScheduledDecommissionSchema.optional().describe(
      'a request that scheduled a decommission: the date written and where the daily schedule reads it',
    ),
    notes: z
      .array(z.string())
      .optional()
      .describe('what the operator should know that no resource entry says (nothing found for the environment named, no role known to delete, …)'),
    heldBack: z
      .string()
      .optional()
      .describe("why the environment's resources were not candidates for deletion (served by another connection, a PENDING or REJECTED connection, …)"),
  })
  .meta({ title: 'proton-connection-cleanup report', description: 'What one execution found and did, resource by resource.' });
export type Report = z.infer<typeof ReportSchema>;

/** WriteReport's output ($.report, the execution's output): the JSON report (the record), and the Markdown and HTML reports people read beside it. */
export const ReportResultSchema = z.object({
  location: ObjectRefSchema,
  uri: z.string(),
  markdown: ObjectRefSchema,
  html: ObjectRefSchema,
  status: ReportSchema.shape.status,
  summary: SummarySchema,
});
export type ReportResult = z.infer<typeof ReportResultSchema>;

export interface ReportInput {
  execution: Report['execution'];
  request?: CleanupRequest;
  /** DescribeConnection's result, when the run got that far. */
  connection?: ConnectionFacts;
  /** An earlier execution already cleaning this connection up: this one yielded to it. */
  runningCleanup?: string;
  /** Resources deleted one by one (stand-alone resources, connection roles), by ARN. */
  directResults?: readonly DirectResult[];
  sweep?: readonly SweepSection[];
  /** A fleet sweep: the targets it could not read. */
  unreachableTargets?: readonly UnreachableTarget[];
  /** A fleet sweep: its children, as far as they have got. */
  fleet?: Fleet;
  scheduled?: Report['scheduled'];
  inventory?: Inventory;
  deletion?: ConnectionDeletion;
  stackResults: readonly StackProgress[];
  /** The cleanup loop stopped starting deletions: why (the environment became served during the run). */
  cleanupHeldBack?: string;
  /** The stand-alone deletion loop stopped deleting: why (the environment became served during the run). */
  standaloneHeldBack?: string;
  verification?: Verification;
  failure?: CaughtError;
}

function connectionSection(input: ReportInput): Report['connection'] {
  const facts = input.connection ?? input.inventory?.connection;
  const id = input.request?.connectionId ?? (facts?.id || undefined);
  const base = {
    ...(id ? { id } : {}),
    ...(facts?.arn ? { arn: facts.arn } : {}),
    ...(facts ? { environmentName: facts.environmentName, environmentArn: facts.environmentArn } : {}),
  };
  if (input.sweep) {
    const started = input.sweep.filter((s) => s.outcome !== 'skipped').length;
    return {
      ...base,
      outcome: 'not-attempted',
      reason: `sweep: ${input.sweep.length} environment(s) found, ${started} cleaned up by their own execution each (see sweep)`,
    };
  }
  if (input.scheduled) {
    const { environmentName, decommissionOn, parameter } = input.scheduled;
    return {
      environmentName,
      outcome: 'not-attempted',
      reason: `the decommission of ${environmentName} is scheduled for ${decommissionOn} (SSM parameter ${parameter}); nothing is deleted now`,
    };
  }
  if (input.runningCleanup) {
    return {
      ...base,
      outcome: 'not-attempted',
      reason: `another cleanup of this connection is running (execution ${input.runningCleanup}): this run changed nothing`,
    };
  }
  if (facts?.source === 'none') {
    return {
      ...base,
      outcome: 'not-found',
      reason: `this account has no environment account connection for environment ${facts.environmentName}: nothing to do`,
    };
  }
  const deletion = input.deletion;
  if (deletion && 'outcome' in deletion) {
    return { ...base, outcome: deletion.outcome, attempts: deletion.attempts, ...('reason' in deletion ? { reason: deletion.reason } : {}) };
  }
  if (deletion) return { ...base, outcome: 'failed', error: `${deletion.Error}: ${errorMessage(deletion)}` };
  if (input.request?.mode === 'plan' && !input.failure) {
    // What execute would do: the same decision DeleteConnection takes.
    const decision = facts ? decideConnectionDeletion(facts) : undefined;
    if (decision?.action === 'skip') return { ...base, outcome: decision.outcome, reason: `plan mode; in execute mode too: ${decision.reason}` };
    return { ...base, outcome: 'planned', reason: 'plan mode: DeleteEnvironmentAccountConnection would be called' };
  }
  return { ...base, outcome: 'not-attempted', reason: input.failure ? 'the run failed before the connection was deleted' : 'not reached' };
}

/** Lookups by ID, built once per report input, so that a report of 100,000 resources stays linear. */
const lookupsOf = new WeakMap<
  ReportInput,
  { stack: Map<string, StackProgress>; remaining: Map<string, RemainingResource>; direct: Map<string, DirectResult> }
>();

function lookups(input: ReportInput) {
  let found = lookupsOf.get(input);
  if (!found) {
    found = {
      stack: new Map(input.stackResults.map((r) => [r.stackId, r])),
      remaining: new Map((input.verification?.remaining ?? []).map((r) => [r.id, r])),
      direct: new Map((input.directResults ?? []).map((r) => [r.id, r])),
    };
    lookupsOf.set(input, found);
  }
  return found;
}

function notProcessed(input: ReportInput): string {
  return input.failure ? `not processed: the run failed first (${input.failure.Error}: ${errorMessage(input.failure)})` : 'not processed';
}

function stackEntryOutcome(resource: InventoriedResource, input: ReportInput): Partial<ReportEntry> & Pick<ReportEntry, 'outcome'> {
  const result = lookups(input).stack.get(resource.id);
  if (!result) return { outcome: 'retained', reason: notProcessed(input) };
  const details = {
    polls: result.polls,
    ...(result.deletionStartedAt ? { deletionStartedAt: result.deletionStartedAt } : {}),
    ...(result.deletionEndedAt ? { deletionEndedAt: result.deletionEndedAt } : {}),
    ...(result.previousRoleArn ? { previousRoleArn: result.previousRoleArn } : {}),
    ...(result.failedResources?.length ? { failedResources: result.failedResources } : {}),
  };
  switch (result.outcome) {
    case 'deleting':
    case 'retry-retaining':
      return {
        outcome: 'failed',
        error: input.failure
          ? 'the run failed while CloudFormation was deleting it; CloudFormation goes on: re-run to see the result'
          : 'deletion did not finish; CloudFormation goes on: re-run to see the result',
        ...details,
      };
    case 'failed':
      return {
        outcome: 'failed',
        error: result.error ? `${result.error.Error}: ${errorMessage(result.error)}` : (result.reason ?? 'deletion failed'),
        ...details,
      };
    case 'deleted':
      return result.retainedResources?.length
        ? {
            outcome: 'deleted',
            reason: `deleted, keeping ${result.retainedResources.length} resource(s) that failed to delete (RetainResources; listed as retained)`,
            ...details,
          }
        : { outcome: 'deleted', reason: resource.reason, ...details };
    default:
      return { outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}), ...details };
  }
}

function resourceInStackOutcome(resource: InventoriedResource, input: ReportInput): Partial<ReportEntry> & Pick<ReportEntry, 'outcome'> {
  const stack = resource.stackId === undefined ? undefined : lookups(input).stack.get(resource.stackId);
  const remaining = lookups(input).remaining.get(resource.id);
  const kept = stack?.retainedResources?.find((r) => r.logicalId === resource.logicalId);
  if (kept) return { outcome: 'retained', reason: keptReason(kept) };
  if (remaining?.outcome === 'failed') return { outcome: 'failed', error: remaining.reason };
  const stackLeftItBehind = stack && stack.outcome !== 'deleted' && stack.outcome !== 'already-absent';
  if (remaining && remaining.cause === 'still-present' && stackLeftItBehind) {
    return { outcome: 'retained', reason: `its stack was not deleted: ${stackProblem(stack)}` };
  }
  if (remaining) return { outcome: 'retained', reason: remaining.reason };
  if (!stack) return { outcome: 'retained', reason: notProcessed(input) };
  if (stack.outcome === 'deleted') return { outcome: 'deleted', reason: 'deleted with its stack' };
  if (stack.outcome === 'already-absent') return { outcome: 'already-absent', reason: 'its stack was already gone' };
  if (input.verification) return { outcome: 'deleted', reason: 'gone after the cleanup (deleted by CloudFormation before its stack stopped)' };
  if (stack.outcome === 'deleting' || stack.outcome === 'retry-retaining') {
    return { outcome: 'retained', reason: 'its stack was still being deleted when this run stopped; CloudFormation goes on: re-run to see the result' };
  }
  return { outcome: 'retained', reason: `its stack was not deleted: ${stackProblem(stack)}` };
}

function keptReason(kept: FailedResource): string {
  return `kept by the second DeleteStack (RetainResources) after it failed to delete: ${kept.reason}; delete it yourself once fixed`;
}

/** Resources a retaining deletion kept that no inventory entry stands for (untagged ones): listed, so nothing disappears. */
function keptOutsideInventory(input: ReportInput): ReportEntry[] {
  const inventoried = input.inventory?.resources ?? [];
  return input.stackResults.flatMap((stack) =>
    (stack.retainedResources ?? [])
      // Already an entry (matched by logical ID in the stack, or by its physical ID, e.g. a nested stack): listed once.
      .filter((kept) => !inventoried.some((r) => (r.stackId === stack.stackId && r.logicalId === kept.logicalId) || r.id === kept.physicalId))
      .map((kept) => {
        const owner = inventoried.find((r) => r.id === stack.stackId);
        return {
          id: kept.physicalId ?? `${stack.stackId}#${kept.logicalId}`,
          type: kept.type ?? 'unknown',
          owner: owner?.owner ?? { kind: 'unproven' as const },
          ...(owner?.phase ? { phase: owner.phase } : {}),
          stackId: stack.stackId,
          plannedAction: 'delete-with-stack' as const,
          outcome: 'retained' as const,
          reason: keptReason(kept),
        };
      }),
  );
}

function stackProblem(stack: StackProgress): string {
  return stack.error ? `${stack.error.Error}: ${errorMessage(stack.error)}` : (stack.reason ?? stack.outcome);
}

/** The direct results by ARN (the first for an ARN, as a search would find it), indexed once per report: there may be thousands. */
const indexed = new WeakMap<readonly DirectResult[], Map<string, DirectResult>>();
function directResultsById(results: readonly DirectResult[] = []): Map<string, DirectResult> {
  let byId = indexed.get(results);
  if (!byId) {
    byId = new Map();
    for (const result of results) if (!byId.has(result.id)) byId.set(result.id, result);
    indexed.set(results, byId);
  }
  return byId;
}

function entryFor(resource: InventoriedResource, input: ReportInput): ReportEntry {
  const base: ReportEntry = {
    id: resource.id,
    type: resource.type,
    owner: resource.owner,
    ...(resource.phase ? { phase: resource.phase } : {}),
    ...(resource.stackId ? { stackId: resource.stackId } : {}),
    plannedAction: resource.action,
    outcome: 'retained',
    reason: resource.reason,
    ...(resource.contents ? { contents: resource.contents } : {}),
    ...(resource.lastUpdatedTime ? { lastUpdatedTime: resource.lastUpdatedTime } : {}),
  };
  if (resource.action === 'retain') return base;
  if (input.request?.mode === 'plan') {
    // The plan says what will happen: CloudFormation keeps what its template retains.
    if (keptByTemplate(resource.deletionPolicy)) return base;
    return { ...base, outcome: 'planned', ...(resource.failedResources ? { failedResources: resource.failedResources } : {}) };
  }
  const { reason: _planReason, ...rest } = base;
  const direct = directResultsById(input.directResults).get(resource.id);
  if (direct) {
    const { caught, ...result } = direct;
    return { ...rest, ...result, id: resource.id, ...(caught ? { error: `${caught.Error}: ${errorMessage(caught)}` } : {}) };
  }
  switch (resource.action) {
    case 'delete-stack':
      return { ...rest, ...stackEntryOutcome(resource, input) };
    case 'delete-with-stack':
      return { ...rest, ...resourceInStackOutcome(resource, input) };
    default:
      if (input.verification?.heldBack) return { ...rest, outcome: 'retained', reason: input.verification.heldBack };
      // delete-resource not handed on by VerifyCleanup: no longer tagged for the environment by then.
      return resource.action === 'delete-resource' && input.verification && !input.failure
        ? { ...rest, outcome: 'retained', reason: 'no longer tagged for this environment when verified (gone, or re-tagged by someone): not touched' }
        : { ...rest, outcome: 'retained', reason: notProcessed(input) };
  }
}

export function summarize(entries: readonly ReportEntry[]): Summary {
  const count = (outcome: ResourceOutcome) => entries.filter((e) => e.outcome === outcome).length;
  return {
    total: entries.length,
    deleted: count('deleted'),
    alreadyAbsent: count('already-absent'),
    retained: count('retained'),
    failed: count('failed'),
    planned: count('planned'),
  };
}

/** Every failed or kept entry says what a person can do about it. */
function withNextStep(entry: ReportEntry, context: NextStepContext): ReportEntry {
  const step = nextStep(entry, context);
  return step ? { ...entry, nextStep: step } : entry;
}

function withConnectionNextStep(connection: Report['connection']): Report['connection'] {
  const step = connectionNextStep(connection);
  return step ? { ...connection, nextStep: step } : connection;
}

export function buildReport(input: ReportInput): Report {
  const context = input.request?.options ?? DEFAULT_OPTIONS;
  const entries = [
    ...(input.inventory?.resources ?? []).map((resource) => entryFor(resource, input)),
    ...(input.verification?.appeared ?? []).map((resource) => entryFor(resource, input)),
    ...keptOutsideInventory(input),
  ].map((entry) => withNextStep(entry, context));
  return {
    reportVersion: REPORT_VERSION,
    execution: input.execution,
    ...(input.request?.reviewedPlan ? { executedPlan: input.request.reviewedPlan } : {}),
    ...(input.request ? { requestedBy: requesterOf(input.request) } : {}),
    status: input.failure ? 'failed' : 'succeeded',
    ...(input.request ? { mode: input.request.mode } : {}),
    request: input.request ?? null,
    ...(input.failure ? { failure: { error: input.failure.Error, message: errorMessage(input.failure) } } : {}),
    connection: withConnectionNextStep(connectionSection(input)),
    resources: entries,
    summary: summarize(entries),
    ...(input.sweep ? { sweep: [...input.sweep] } : {}),
    ...(input.fleet ? { fleet: input.fleet } : {}),
    ...(input.scheduled ? { scheduled: input.scheduled } : {}),
    ...(heldBackOf(input) ? { heldBack: heldBackOf(input) } : {}),
    ...(notesOf(input).length > 0 ? { notes: notesOf(input) } : {}),
  };
}

/** What the operator should know that no entry says: a likely typo, an option that could do nothing. */
function notesOf(input: ReportInput): string[] {
  const notes: string[] = [];
  const request = input.request;
  const environment = request?.environment;
  // Unproven AWSProton- stacks are examined for every environment: they do not show the name matched.
  const found = input.inventory?.resources.filter((r) => r.owner.kind !== 'unproven').length ?? 0;
  if (environment && input.inventory && found === 0) {
    notes.push(
      `nothing in this account is tagged for environment ${environment.name} of management account ${environment.managementAccountId}: ` +
        'check the name and the management account (a sweep in plan mode lists the environments the account holds)',
    );
  }
  for (const target of input.unreachableTargets ?? []) {
    notes.push(`account ${target.account} in ${target.region} was not swept (nothing there was looked at or deleted): ${target.error}`);
  }
  const roles = input.connection?.roleArns ?? input.inventory?.connection.roleArns ?? [];
  if (request?.options.deleteConnectionRoles && input.inventory && roles.length === 0) {
    notes.push(
      "deleteConnectionRoles: this run knows no role of the connection (Proton did not name them, and no earlier run remembered them): no role was deleted; delete the connection's roles yourself if they are no longer used",
    );
  }
  return notes;
}

function requesterOf(request: CleanupRequest): string {
  if (request.requestedBy) return request.requestedBy;
  return request.trigger.type === 'event' ? `event ${request.trigger.source}` : 'console';
}

function heldBackOf(input: ReportInput): string | undefined {
  return input.inventory?.heldBack ?? input.cleanupHeldBack ?? input.verification?.heldBack ?? input.standaloneHeldBack;
}
