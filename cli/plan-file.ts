import type { RequestFlags } from './request-flags.js';
import { UsageError } from './usage-error.js';

/**
 * `execute --plan FILE`: the local plan file, looked at before anything starts. Not a check of the
 * plan (the workflow checks everything again when it reads it), only of what clearly cannot be
 * executed, to spare the operator a failed run and its FAILED notification; and the target of the
 * plan, for an `execute --plan FILE` that names none.
 */
interface PlanTarget {
  connectionId?: string;
  environment?: { name: string; managementAccountId: string };
  /** The account and Region it was made for (a hub's plan of another account names them). */
  where?: { account: string; region: string };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The plan's target (its `request`), or a UsageError saying why the file cannot be executed. */
export function planTarget(content: string, file: string): PlanTarget {
  let plan: unknown;
  try {
    plan = JSON.parse(content);
  } catch (error) {
    throw new UsageError(`plan ${file} is not valid JSON (expected the JSON report of a plan run): ${(error as Error).message}`);
  }
  const not = (what: string) => new UsageError(`plan ${file} ${what}: expected the JSON report of a succeeded plan run (plan --report FILE writes it)`);
  if (!isRecord(plan) || plan.reportVersion === undefined) throw not('is not a report (it has no reportVersion)');
  if (plan.mode !== 'plan') throw not(`is the report of a${plan.mode === 'execute' ? 'n execute' : ' run in no plan'} mode, not of a plan`);
  if (plan.status !== 'succeeded') throw not(`is the report of a plan that ${String(plan.status ?? 'did not succeed')}`);
  const request = isRecord(plan.request) ? plan.request : {};
  const environment = isRecord(request.environment) ? request.environment : undefined;
  const where =
    isRecord(request.target) && typeof request.target.account === 'string' && typeof request.target.region === 'string' ? request.target : undefined;
  return {
    ...(where ? { where: { account: String(where.account), region: String(where.region) } } : {}),
    ...(typeof request.connectionId === 'string' ? { connectionId: request.connectionId } : {}),
    ...(typeof environment?.name === 'string' && typeof environment.managementAccountId === 'string'
      ? { environment: { name: environment.name, managementAccountId: environment.managementAccountId } }
      : {}),
  };
}

/** A target for people: `connection X, environment N@A`. */
export function describeTarget(target: PlanTarget): string {
  return [
    ...(target.connectionId ? [`connection ${target.connectionId}`] : []),
    ...(target.environment ? [`environment ${target.environment.name}@${target.environment.managementAccountId}`] : []),
  ].join(', ');
}

/** The target flags a plan's target is written with. */
/** The flags that name the plan's target; its account and Region only where they are not the hub's own (`hub`). */
export function targetFlags(target: PlanTarget, hub?: { account: string; region: string }): string[] {
  const elsewhere = target.where && !(hub && hub.account === target.where.account && hub.region === target.where.region);
  return [
    ...(target.connectionId ? ['--connection', target.connectionId] : []),
    ...(target.environment ? ['--environment', target.environment.name, '--management-account', target.environment.managementAccountId] : []),
    ...(elsewhere && target.where ? ['--account', target.where.account, '--target-region', target.where.region] : []),
  ];
}

/**
 * The request flags with the plan's target: taken from the plan when the flags name none (`fromPlan`
 * says what was taken); when they name one, it must be the plan's.
 */
export function withPlanTarget(flags: RequestFlags, plan: PlanTarget, file: string): { flags: RequestFlags; fromPlan?: string } {
  const given = flags.connection !== undefined || flags.environment !== undefined || flags['management-account'] !== undefined;
  if (!given) {
    const fromPlan = describeTarget(plan);
    if (!fromPlan) return { flags };
    const filled: RequestFlags = {
      ...flags,
      ...(plan.connectionId ? { connection: plan.connectionId } : {}),
      ...(plan.environment ? { environment: plan.environment.name, 'management-account': plan.environment.managementAccountId } : {}),
      // Where it was made: a plan is executed only there.
      ...(plan.where && flags.account === undefined && flags['target-region'] === undefined
        ? { account: plan.where.account, 'target-region': plan.where.region }
        : {}),
    };
    return { flags: filled, fromPlan };
  }
  const differs =
    (flags.connection !== undefined && flags.connection.toLowerCase() !== plan.connectionId?.toLowerCase()) ||
    (flags.environment !== undefined && flags.environment !== plan.environment?.name) ||
    (flags['management-account'] !== undefined && flags['management-account'] !== plan.environment?.managementAccountId);
  if (differs) {
    const asked = describeTarget({
      ...(flags.connection ? { connectionId: flags.connection } : {}),
      ...(flags.environment !== undefined ? { environment: { name: flags.environment, managementAccountId: flags['management-account'] ?? '?' } } : {}),
    });
    throw new UsageError(
      `plan ${file} is the plan of ${describeTarget(plan) || 'no connection or environment'}, not of ${asked}: give its target (or no target flags, to take the plan's)`,
    );
  }
  return { flags };
}
