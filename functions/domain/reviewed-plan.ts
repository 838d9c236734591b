/**
 * A reviewed plan is a contract: an execute run given one (`"plan": "s3://…"`) deletes only what
 * that plan listed as planned deletions, each still passing every safety check at deletion time.
 * Pure: acceptance (is this plan for this run, and fresh?) and the restriction of an inventory
 * to it. Like applying a saved Terraform plan.
 */
import { describeContents } from './foresight.js';
import type { BucketContents, InventoriedResource, Inventory } from './inventory.js';
import type { Report, ReportEntry } from './report.js';
import { type CleanupOptions, type CleanupRequest, DEFAULT_OPTIONS, PLAN_URI } from './request.js';

/** Where the plan was read and what the run is: the facts a plan is checked against. */
export interface PlanContext {
  now: Date;
  maxPlanAgeHours: number;
  account: string;
  region: string;
}

/** A plan written at most this far in the future of this run's clock is clock skew, not a forgery. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A plan's age in whole hours, as maxPlanAgeHours counts it: the schedule's notice plan, made
 * noticeDays × 24 hours before its execution, is a few seconds over and still accepted.
 */
export function planAgeHours(plan: Pick<Report, 'execution'>, now: number): number {
  return Math.floor((now - Date.parse(plan.execution.finishedAt)) / 3_600_000);
}

/** The reasons a plan cannot be executed by this request; empty when it can. */
export function planProblems(plan: Report, request: CleanupRequest, context: PlanContext): string[] {
  const problems: string[] = [];
  const ran = plan.execution;
  if (plan.mode !== 'plan') problems.push(`it is the report of ${plan.mode ? `an ${plan.mode}` : 'a rejected'} run (${ran.name}), not a plan`);
  if (plan.status !== 'succeeded') problems.push(`the plan run ${ran.name} failed${plan.failure ? ` (${plan.failure.error})` : ''}: it planned nothing`);
  if (plan.sweep || plan.scheduled) problems.push(`it is the report of a ${plan.sweep ? 'sweep' : 'scheduling request'}, not the plan of one cleanup`);
  if (ran.account !== context.account) problems.push(`it was made for account ${ran.account ?? '(not recorded)'}, not this account ${context.account}`);
  if (ran.region !== context.region) problems.push(`it was made in region ${ran.region ?? '(not recorded)'}, not this region ${context.region}`);
  const madeAt = Date.parse(ran.finishedAt);
  const ageHours = planAgeHours(plan, context.now.getTime());
  if (Number.isNaN(madeAt)) problems.push(`its finishedAt "${ran.finishedAt}" is not a time`);
  else if (ageHours > context.maxPlanAgeHours) {
    problems.push(
      `it is ${ageHours} hours old (made ${ran.finishedAt}); plans older than ${context.maxPlanAgeHours} hours (maxPlanAgeHours) are refused: the account has had time to change`,
    );
  } else if (madeAt - context.now.getTime() > CLOCK_SKEW_MS) problems.push(`it says it was made at ${ran.finishedAt}, after this run started`);
  problems.push(...targetProblems(plan.request, request));
  return problems;
}

function describeTarget(target: Pick<CleanupRequest, 'connectionId' | 'environment'> | null): string {
  if (!target) return 'no valid request';
  const parts = [
    ...(target.connectionId ? [`connection ${target.connectionId}`] : []),
    ...(target.environment ? [`environment ${target.environment.name}@${target.environment.managementAccountId}`] : []),
  ];
  return parts.join(' and ') || 'no connection or environment';
}

function sameOptions(a: CleanupOptions, b: CleanupOptions): boolean {
  return (
    a.retainFailedResources === b.retainFailedResources &&
    a.deleteConnectionRoles === b.deleteConnectionRoles &&
    [...a.deleteTypes].sort().join() === [...b.deleteTypes].sort().join()
  );
}

function targetProblems(planned: CleanupRequest | null, request: CleanupRequest): string[] {
  if (!planned) return ['the plan run had no valid request'];
  const problems: string[] = [];
  if (describeTarget(planned) !== describeTarget(request)) {
    problems.push(`it was made for ${describeTarget(planned)}, and this request names ${describeTarget(request)}`);
  }
  // Options widen what may be deleted: executed as reviewed, or not at all.
  if (!sameOptions(request.options, DEFAULT_OPTIONS) && !sameOptions(request.options, planned.options)) {
    problems.push(
      `it was made with the options ${JSON.stringify(planned.options)} and this request asks for ${JSON.stringify(request.options)}: give no options (the plan's are used) or make a new plan`,
    );
  }
  if (planned.protonApi !== request.protonApi) {
    problems.push(`it was made with protonApi=${planned.protonApi} and this run has protonApi=${request.protonApi}: run it the way it was planned`);
  }
  return problems;
}

/** The execute request as the plan makes it: the plan's options, and what the run keeps of the plan. */
export function acceptedRequest(plan: Report, request: CleanupRequest & { plan: string }, etag: string): CleanupRequest {
  const connectionPlanned = plan.connection.outcome === 'planned' && plan.connection.id !== undefined && plan.connection.id === request.connectionId;
  return {
    ...request,
    options: plan.request?.options ?? request.options,
    reviewedPlan: { uri: request.plan, execution: plan.execution.name, madeAt: plan.execution.finishedAt, etag, deletesConnection: connectionPlanned },
  };
}

/** `s3://bucket/key` → its parts (undefined when it is not a plan URI). */
export function planLocation(uri: string): { bucket: string; key: string } | undefined {
  const match = PLAN_URI.exec(uri);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

/** Plans are read only from this deployment's report bucket: the plan reports it wrote, and the plans the CLI uploaded. */
export function planLocationProblem(uri: string, reportBucket: string): string | undefined {
  const location = planLocation(uri);
  if (!location) return `"${uri}" is not an S3 URI of a JSON report`;
  if (location.bucket !== reportBucket || !/^(reports|plans)\//.test(location.key)) {
    return `plans are read from this deployment's report bucket only (s3://${reportBucket}/reports/… or s3://${reportBucket}/plans/…), not ${uri}`;
  }
  return undefined;
}

const DELETIONS: readonly InventoriedResource['action'][] = ['delete-stack', 'delete-resource', 'delete-role'];

/**
 * The inventory with only the plan's deletions left: a deletion the plan did not list (appeared,
 * or planned otherwise), and a stack that now holds a resource the plan did not show in it, is
 * retained "not in the reviewed plan". What goes with a stack stays with it.
 */
export function restrictToPlan(inventory: Inventory, plan: Report): Inventory {
  const planned = new Map(plan.resources.filter((r) => r.outcome === 'planned').map((r) => [r.id, r]));
  const shownIn = idsByStack(plan.resources);
  const heldIn = idsByStack(inventory.resources);
  const notPlanned = new Map<string, string>();
  for (const resource of inventory.resources) {
    if (!DELETIONS.includes(resource.action)) continue;
    const added = [...(heldIn.get(resource.id) ?? [])].filter((id) => !shownIn.get(resource.id)?.has(id));
    const why = deviation(resource, planned.get(resource.id), added);
    if (why) notPlanned.set(resource.id, `not in the reviewed plan (${plan.execution.name}): ${why}; make a new plan to include it`);
  }
  return {
    ...inventory,
    restrictedToPlan: plan.execution.name,
    writtenBefore: plan.execution.startedAt,
    resources: inventory.resources.map((r): InventoriedResource => {
      const own = notPlanned.get(r.id);
      if (own) return { ...r, action: 'retain', reason: own };
      const root = r.action === 'delete-with-stack' && r.stackId ? notPlanned.get(r.stackId) : undefined;
      return root ? { ...r, action: 'retain', reason: `its stack is retained: ${root}` } : r;
    }),
  };
}

/** Stack ID → the IDs of what it holds (entries with that stackId), built once: the inventory may hold 100,000 entries. */
function idsByStack(entries: readonly { id: string; stackId?: string | undefined }[]): Map<string, Set<string>> {
  const byStack = new Map<string, Set<string>>();
  for (const entry of entries) if (entry.stackId) byStack.set(entry.stackId, (byStack.get(entry.stackId) ?? new Set()).add(entry.id));
  return byStack;
}

/** Why a deletion the inventory proposes is not the plan's (`added`: what its stack holds that the plan did not show), or undefined. */
function deviation(resource: InventoriedResource, planned: ReportEntry | undefined, added: readonly string[]): string | undefined {
  if (!planned) return 'the plan did not list it as a deletion';
  if (planned.plannedAction !== resource.action) return `the plan listed it for ${planned.plannedAction}, and it is now for ${resource.action}`;
  if (resource.action === 'delete-resource') return grownSince(resource.contents, planned.contents);
  if (resource.action !== 'delete-stack') return undefined;
  // An update may have added what the plan could not show (resources the Tagging API does not list).
  if (resource.lastUpdatedTime !== planned.lastUpdatedTime) {
    return `it was updated since the plan saw it (last updated ${resource.lastUpdatedTime ?? 'never'}; the plan saw ${planned.lastUpdatedTime ?? 'never'})`;
  }
  if (added.length > 0) return `it now holds what the plan did not show in it (${added.slice(0, 3).join(', ')}${added.length > 3 ? ', …' : ''})`;
  return undefined;
}

/** A bucket to be emptied that holds more now than the plan showed: the data to be lost was not reviewed. */
function grownSince(now: BucketContents | undefined, reviewed: BucketContents | undefined): string | undefined {
  if (!now) return undefined;
  if (!reviewed) return `the plan did not show what it holds (now: ${describeContents(now)})`;
  // Both counts stopped at the bound: the reviewer accepted at least that much.
  if (now.bounded && reviewed.bounded) return undefined;
  const more =
    now.versions + now.deleteMarkers > reviewed.versions + reviewed.deleteMarkers || now.bytes > reviewed.bytes || (now.bounded && !reviewed.bounded);
  return more ? `it holds more data than the plan showed (now: ${describeContents(now)}; reviewed: ${describeContents(reviewed)})` : undefined;
}
