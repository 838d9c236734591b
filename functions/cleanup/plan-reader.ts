import { getJsonWithEtag } from '../aws/object-store.js';
import { type Report, ReportSchema } from '../domain/report.js';
import type { CleanupRequest } from '../domain/request.js';
import { acceptedRequest, type PlanContext, planLocation, planLocationProblem, planProblems } from '../domain/reviewed-plan.js';
import { PlanRefusedError } from '../runtime/errors.js';
import * as z from '../runtime/zod.js';
import { describeZodIssues } from '../runtime/zod-problems.js';

/**
 * Reads a reviewed plan from the report bucket and holds it to the run that would execute it. A
 * plan that cannot be read, is not a plan report, or is not for this run is refused with the
 * reasons: nothing is deleted.
 */
async function readPlan(uri: string, reportBucket: string): Promise<{ plan: Report; etag: string }> {
  const misplaced = planLocationProblem(uri, reportBucket);
  const location = planLocation(uri);
  if (misplaced || !location) throw new PlanRefusedError(uri, [misplaced ?? 'not a plan URI']);
  let read: { value: unknown; etag: string } | undefined;
  try {
    read = await getJsonWithEtag(location, z.unknown());
  } catch (error) {
    if (error instanceof SyntaxError) throw new PlanRefusedError(uri, [`it is not JSON (${error.message})`]);
    throw error; // AWS errors keep their names: transient ones are retried
  }
  if (read === undefined) throw new PlanRefusedError(uri, ['there is no object at that location (make the plan first, or check the URI)']);
  const parsed = ReportSchema.safeParse(read.value);
  if (!parsed.success) throw new PlanRefusedError(uri, [`it is not a report of this version: ${describeZodIssues(parsed.error).join('; ')}`]);
  return { plan: parsed.data, etag: read.etag };
}

/** The plan this run accepted, read again: the same object (ETag), or refused. */
export async function readAcceptedPlan(uri: string, reportBucket: string, etag: string): Promise<Report> {
  const read = await readPlan(uri, reportBucket);
  if (read.etag !== etag)
    throw new PlanRefusedError(uri, ['it was replaced after this run accepted it (another ETag): nothing is deleted on a plan nobody reviewed']);
  return read.plan;
}

/** The request, as the plan it names makes it (options, reviewedPlan); unchanged without a plan. */
export async function applyPlan(request: CleanupRequest, reportBucket: string, context: PlanContext): Promise<CleanupRequest> {
  if (!request.plan) return request;
  const { plan, etag } = await readPlan(request.plan, reportBucket);
  const problems = planProblems(plan, request, context);
  if (problems.length > 0) throw new PlanRefusedError(request.plan, problems);
  return acceptedRequest(plan, { ...request, plan: request.plan }, etag);
}
