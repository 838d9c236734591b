import { type ConsoleInput, ConsoleInputSchema, type Mode, STANDALONE_TYPES } from '../functions/domain/request.js';
import { describeZodIssues } from '../functions/runtime/zod-problems.js';
import { UsageError } from './usage-error.js';

/**
 * `plan` and `execute`: the request as flags, one per field of the console input
 * (functions/domain/request.ts, ConsoleInputSchema, is the contract), checked against that
 * contract before anything starts, so a typo is a usage error (exit 2), never a run.
 */
export interface RequestFlags {
  connection?: string | undefined;
  environment?: string | undefined;
  'management-account'?: string | undefined;
  sweep?: boolean | undefined;
  environments?: string | undefined;
  account?: string | undefined;
  'target-region'?: string | undefined;
  targets?: string | undefined;
  'retain-failed-resources'?: boolean | undefined;
  'delete-types'?: string | undefined;
  'delete-connection-roles'?: boolean | undefined;
  'proton-api'?: string | undefined;
  plan?: string | undefined;
}

/** The flag that sets each field of the console input (in error messages). */
const FLAG_OF: Record<string, string> = {
  connectionId: '--connection',
  environment: '--environment/--management-account',
  sweep: '--sweep',
  environments: '--environments',
  account: '--account',
  region: '--target-region',
  targets: '--targets',
  retainFailedResources: '--retain-failed-resources',
  deleteTypes: '--delete-types',
  deleteConnectionRoles: '--delete-connection-roles',
  protonApi: '--proton-api',
  plan: '--plan',
  mode: 'the command',
};

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** A plan given before it is uploaded: checked with a stand-in URI of the right shape. */
const PLAN_STAND_IN = 's3://report-bucket/plans/plan.json';

/**
 * The console input the flags ask for, with `plan` still as given (a file or an S3 URI) and
 * `requestedBy` still to be added. Throws UsageError naming the flag and what is expected.
 */
export function requestFromFlags(flags: RequestFlags, mode: Mode): ConsoleInput & { plan?: string } {
  const unknownTypes = list(flags['delete-types'] ?? '').filter((type) => !(STANDALONE_TYPES as readonly string[]).includes(type));
  if (unknownTypes.length > 0) {
    throw new UsageError(
      `--delete-types: ${unknownTypes.map((t) => `"${t}"`).join(', ')} ${unknownTypes.length === 1 ? 'is not a type' : 'are not types'} the cleanup can delete; ` +
        `expected a comma-separated list of ${STANDALONE_TYPES.join(', ')}`,
    );
  }
  if ((flags.environment === undefined) !== (flags['management-account'] === undefined)) {
    throw new UsageError('--environment NAME and --management-account ID go together: the environment and the 12-digit management account it belongs to');
  }
  const input: Record<string, unknown> = {
    ...(flags.connection !== undefined ? { connectionId: flags.connection } : {}),
    ...(flags.environment !== undefined ? { environment: { name: flags.environment, managementAccountId: flags['management-account'] } } : {}),
    ...(flags.sweep ? { sweep: true } : {}),
    ...(flags.environments !== undefined ? { environments: list(flags.environments) } : {}),
    ...(flags.account !== undefined ? { account: flags.account } : {}),
    ...(flags['target-region'] !== undefined ? { region: flags['target-region'] } : {}),
    ...(flags.targets !== undefined ? { targets: list(flags.targets) } : {}),
    mode,
    ...(flags['retain-failed-resources'] ? { retainFailedResources: true } : {}),
    ...(flags['delete-types'] !== undefined ? { deleteTypes: list(flags['delete-types']) } : {}),
    ...(flags['delete-connection-roles'] ? { deleteConnectionRoles: true } : {}),
    ...(flags['proton-api'] !== undefined ? { protonApi: flags['proton-api'] } : {}),
  };
  const isS3Uri = flags.plan?.startsWith('s3://') === true;
  const checked = ConsoleInputSchema.safeParse({ ...input, ...(flags.plan !== undefined ? { plan: isS3Uri ? flags.plan : PLAN_STAND_IN } : {}) });
  if (!checked.success) {
    const problems = describeZodIssues(checked.error).map((p) => p.replace(/^(\w+)(\.\S+)?:/, (_m, field: string) => `${FLAG_OF[field] ?? field}:`));
    throw new UsageError(`the request is not valid:\n  ${problems.join('\n  ')}`);
  }
  return { ...checked.data, ...(flags.plan !== undefined ? { plan: flags.plan } : {}) };
}
