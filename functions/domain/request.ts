import { PROTON_API_SETTINGS, type ProtonApi } from '../runtime/deployment.js';
import * as z from '../runtime/zod.js';
import { STANDALONE_TYPES, type StandaloneType } from '../standalone-types/index.js';
import { parseDecommissionDate } from './decommission-schedule.js';
import { EXECUTION_NAME } from './execution-names.js';
import { REGION, type Target, TargetSchema } from './target.js';

/**
 * The one request shape every trigger is normalized into (ResolveRequest). Pure: no AWS.
 */
export const MODES = ['plan', 'execute'] as const;
export type Mode = (typeof MODES)[number];

export const connectionIdSchema = z
  .guid({ error: 'expected a UUID such as "0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11" (the connection id)' })
  .describe('the environment account connection id');

export const environmentNameSchema = z
  .string({ error: 'expected the Proton environment name (a string)' })
  .regex(/^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$/, 'expected a Proton environment name: 1-100 letters, digits, "-" or "_"');

const accountId = z.string({ error: 'expected a 12-digit AWS account id (a string)' }).regex(/^\d{12}$/, 'expected a 12-digit AWS account id');

export const EnvironmentRefSchema = z.strictObject({
  name: environmentNameSchema,
  managementAccountId: accountId,
});
export type EnvironmentRef = z.infer<typeof EnvironmentRefSchema>;

/** Resource types outside stacks the cleanup can delete, when the request lists them in `deleteTypes`: one per registered module (functions/standalone-types). */
export { STANDALONE_TYPES } from '../standalone-types/index.js';

/** A sweep names at most this many environments: the request travels in the state (256 KiB at most). */
const MAX_SWEEP_ENVIRONMENTS = 200;

/** `"name@managementAccountId"`: how a sweep request names the environments it may clean up. */
export const ENVIRONMENT_KEY = /^([0-9A-Za-z][0-9A-Za-z_-]{0,99})@(\d{12})$/;

export function environmentKey(environment: EnvironmentRef): string {
  return `${environment.name}@${environment.managementAccountId}`;
}

/** `"<account>"` or `"<account>/<region>"`: how a fleet sweep names its targets (an account alone: each configured Region). */
export const TARGET_ENTRY = /^(\d{12})(?:\/([a-z]{2}(?:-[a-z]+)+-\d))?$/;

/** A fleet sweep names at most this many targets (each becomes many child executions). */
const MAX_SWEEP_TARGETS = 500;

/** `s3://bucket/key.json`: where a plan report is (bucket names per the S3 naming rules). */
export const PLAN_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(\S+\.json)$/;

const flag = (what: string) => z.boolean({ error: `expected true or false (${what})` }).optional();

/** What a person types into the Step Functions console, and the custom event's `detail`. */
export const ConsoleInputSchema = z
  .strictObject({
    connectionId: connectionIdSchema.optional(),
    sweep: z.literal(true, { error: 'expected true (find every environment whose connection is gone, and clean each up)' }).optional(),
    mode: z.enum(MODES, { error: 'expected "plan" or "execute"' }).optional(),
    account: accountId.describe("the account to clean up (default: the hub's own); one of the hub's targets").optional(),
    region: z.string({ error: 'expected a Region name such as "eu-west-1"' }).regex(REGION, 'expected a Region name such as "eu-west-1"').optional(),
    targets: z
      .array(
        z
          .string({ error: 'expected "<12-digit account id>" or "<12-digit account id>/<region>"' })
          .regex(TARGET_ENTRY, 'expected "<12-digit account id>" or "<12-digit account id>/<region>", e.g. "111122223333/eu-west-1"'),
        { error: 'expected a list of "<account id>" or "<account id>/<region>"' },
      )
      .min(1, 'expected at least one target')
      .max(MAX_SWEEP_TARGETS, { error: `expected at most ${MAX_SWEEP_TARGETS} targets` })
      .optional(),
    environment: EnvironmentRefSchema.optional(),
    retainFailedResources: flag('retry a stack stuck in DELETE_FAILED, keeping the resources that failed'),
    deleteTypes: z
      .array(z.enum(STANDALONE_TYPES, { error: `expected one of ${STANDALONE_TYPES.map((t) => `"${t}"`).join(', ')}` }), {
        error: 'expected a list of resource types',
      })
      .max(STANDALONE_TYPES.length, { error: `expected at most ${STANDALONE_TYPES.length} resource types, each once` })
      .optional(),
    deleteConnectionRoles: flag("delete the connection's IAM roles once its stacks are gone"),
    protonApi: z.enum(PROTON_API_SETTINGS, { error: 'expected "available" (ask Proton in this run, on a deployment that has protonApi=retired)' }).optional(),
    environments: z
      .array(
        z
          .string({ error: 'expected "<environment name>@<12-digit management account id>"' })
          .regex(ENVIRONMENT_KEY, 'expected "<environment name>@<12-digit management account id>", e.g. "payments-prod@444455556666"'),
        { error: 'expected a list of "<environment name>@<management account id>"' },
      )
      .max(MAX_SWEEP_ENVIRONMENTS, { error: `expected at most ${MAX_SWEEP_ENVIRONMENTS} environments (start several sweeps for more)` })
      .optional(),
    plan: z
      .string({ error: 'expected the S3 URI of a reviewed plan report, such as "s3://<report bucket>/reports/<plan execution>.json"' })
      .max(1024, 'expected an S3 URI of at most 1024 characters')
      .regex(PLAN_URI, 'expected the S3 URI of a reviewed plan report, such as "s3://<report bucket>/reports/<plan execution>.json"')
      .optional(),
    sweptBy: z
      .string({ error: 'expected the name of the sweep execution that started this one' })
      .regex(EXECUTION_NAME, 'expected an execution name (1-80 characters, no spaces or special characters)')
      .optional()
      .describe('set by a sweep on the executions it starts: their fleet report is built when the last one ends'),
    requestedBy: z
      .string({ error: 'expected who asks for this run (a string, such as the caller ARN the CLI records)' })
      .min(1, 'expected who asks for this run, not an empty string')
      .max(256, 'expected at most 256 characters')
      .optional(),
    decommissionOn: z
      .string({ error: 'expected a date written YYYY-MM-DD (e.g. 2026-12-15)' })
      .max(10, 'expected a date written YYYY-MM-DD (e.g. 2026-12-15)')
      .refine((day) => 'day' in parseDecommissionDate(day), 'expected a calendar date written YYYY-MM-DD (e.g. 2026-12-15)')
      .optional(),
  })
  .superRefine((input, context) => {
    if (input.decommissionOn && (!input.environment || input.connectionId || input.sweep)) {
      context.addIssue({
        code: 'custom',
        path: ['decommissionOn'],
        message: 'schedules the decommission of one environment: use it with "environment" alone (no "connectionId", no "sweep")',
      });
    }
    if (input.plan && input.mode === 'plan') {
      context.addIssue({ code: 'custom', path: ['plan'], message: 'executes a reviewed plan: use it with "mode": "execute" (or no mode)' });
    }
    if (input.plan && (input.sweep || input.decommissionOn)) {
      context.addIssue({
        code: 'custom',
        path: ['plan'],
        message:
          'executes the reviewed plan of one connection or environment: use it with "connectionId" or "environment", not with "sweep" or "decommissionOn"',
      });
    }
    if (input.protonApi === 'retired') {
      context.addIssue({
        code: 'custom',
        path: ['protonApi'],
        message:
          'only the deployment may choose "retired" (it skips the check that no other connection serves the environment); a request may ask for "available" only',
      });
    }
    if (input.targets && !input.sweep) {
      context.addIssue({
        code: 'custom',
        path: ['targets'],
        message: 'names the accounts a fleet sweep covers: use it with "sweep": true (one account: "account" and "region")',
      });
    }
    if (input.targets && (input.account || input.region)) {
      context.addIssue({ code: 'custom', path: ['targets'], message: 'a fleet sweep names its targets in "targets" alone: drop "account" and "region"' });
    }
    if (input.environments && !input.sweep) {
      context.addIssue({ code: 'custom', path: ['environments'], message: 'names the environments a sweep may clean up: use it with "sweep": true' });
    }
    const targets = [input.connectionId, input.environment, input.sweep].filter((t) => t !== undefined).length;
    if (targets === 0) {
      context.addIssue({
        code: 'custom',
        path: ['connectionId'],
        message: 'expected the connection id (a UUID); or "environment" alone, to clean up after a connection that is gone; or "sweep": true',
      });
    }
    if (input.sweep && targets > 1) {
      context.addIssue({ code: 'custom', path: ['sweep'], message: 'a sweep finds its environments itself: drop "connectionId" and "environment"' });
    }
  })
  .meta({
    title: 'Console input',
    description: 'Start input for a manual run, and the detail of the custom decommission event.',
  });
export type ConsoleInput = z.infer<typeof ConsoleInputSchema>;

export type Trigger = { type: 'console' } | { type: 'event'; source: string; detailType: string; eventId: string };

/**
 * What to decommission: a connection by id, or (Proton's "environment deleted" event) the
 * connection serving a named environment, which DescribeConnection looks up. At least one of
 * connectionId and environment is always set.
 */
export interface CleanupOptions {
  /** Retry a DELETE_FAILED stack with RetainResources for exactly the resources that failed. */
  retainFailedResources: boolean;
  /** Resources outside stacks of these types are deleted (when still tagged for the environment). */
  deleteTypes: StandaloneType[];
  /** Delete the connection's IAM roles after its stacks, unless another connection uses them. */
  deleteConnectionRoles: boolean;
}

export const DEFAULT_OPTIONS: CleanupOptions = { retainFailedResources: false, deleteTypes: [], deleteConnectionRoles: false };

/** What the execute run keeps of the plan it accepted (in the request, so every state can see it; a reviewed plan: see reviewed-plan.ts). */
export const ReviewedPlanSchema = z.object({
  uri: z.string(),
  execution: z.string().describe('the plan run'),
  madeAt: z.string().describe('when the plan run finished'),
  etag: z.string().describe("the plan object's ETag when accepted: every later read must find the same object"),
  deletesConnection: z.boolean().describe('whether the plan planned DeleteEnvironmentAccountConnection'),
});
export type ReviewedPlan = z.infer<typeof ReviewedPlanSchema>;

export interface CleanupRequest {
  /** The account and Region this run cleans up (the hub's own unless the request names another). */
  target: Target;
  /** A fleet sweep: these targets only (unset: every target the hub is configured with). */
  targets?: Target[];
  connectionId?: string;
  /** Find every environment of the account whose connection is gone, and clean each up (one execution each). */
  sweep?: true;
  /** A sweep: only these environments (with Proton retired: these, and those whose decommission date has come). */
  environments?: EnvironmentRef[];
  /** Whether this run asks Proton: the deployment's setting, or `available` when the request asks for it. */
  protonApi: ProtonApi;
  /** Schedule the environment's decommission for this day (an SSM parameter the daily schedule reads) instead of cleaning up now. */
  decommissionOn?: string;
  /** Only Proton's "environment deleted" event: no connection left means Proton removed everything itself. */
  ifNoConnection?: 'nothing-to-do';
  mode: Mode;
  environment?: EnvironmentRef;
  options: CleanupOptions;
  trigger: Trigger;
  /** Execute exactly this reviewed plan (its S3 URI): delete only what it listed as planned deletions. */
  plan?: string;
  /** Set by ResolveRequest once it accepted `plan`: what the run keeps of it. */
  reviewedPlan?: ReviewedPlan;
  /** Who asked, as the starter says (the CLI records its caller identity); unset: the console or the event. */
  requestedBy?: string;
  /** The sweep execution that started this run (its fleet report counts this run). */
  sweptBy?: string;
}

export const CleanupOptionsSchema = z.object({
  retainFailedResources: z.boolean(),
  deleteTypes: z.array(z.enum(STANDALONE_TYPES)),
  deleteConnectionRoles: z.boolean(),
});

export const CleanupRequestSchema: z.ZodType<CleanupRequest> = z.object({
  target: TargetSchema,
  targets: z.array(TargetSchema).optional(),
  connectionId: z.string().optional(),
  sweep: z.literal(true).optional(),
  environments: z.array(EnvironmentRefSchema).optional(),
  protonApi: z.enum(PROTON_API_SETTINGS),
  decommissionOn: z.string().optional(),
  ifNoConnection: z.literal('nothing-to-do').optional(),
  mode: z.enum(MODES),
  environment: EnvironmentRefSchema.optional(),
  options: CleanupOptionsSchema,
  trigger: z.discriminatedUnion('type', [
    z.object({ type: z.literal('console') }),
    z.object({ type: z.literal('event'), source: z.string(), detailType: z.string(), eventId: z.string() }),
  ]),
  plan: z.string().optional(),
  reviewedPlan: ReviewedPlanSchema.optional(),
  requestedBy: z.string().optional(),
  sweptBy: z.string().optional(),
});

export {
  DECOMMISSION_DUE,
  DECOMMISSION_NOTICE,
  DECOMMISSION_REQUESTED,
  PROTON_CONNECTION_STATUS_CHANGE,
  PROTON_ENVIRONMENT_STATUS_CHANGE,
} from './event-types.js';
