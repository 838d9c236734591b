import { DEFAULT_DECOMMISSION_PATH } from '../domain/decommission-schedule.js';
import { modeVariable, nonEmpty } from './config.js';
import * as z from './zod.js';

/**
 * Every environment variable a function reads, defined once: how to build its schema, with its
 * default (README "Configuration"). A handler names the ones it needs (`settingsSchema({...})`) and
 * validates them at cold start with loadConfig, so a default or a rule never differs between two
 * functions (test/deployment/settings.test.ts holds each default to serverless.yml's). Only the
 * named ones are built: a function reads a few of them, and each schema built costs its cold start.
 * Not here: PROTON_API and ACCOUNT_ID (runtime/deployment.ts, read on each use because the local
 * run plays several deployments in one process) and API_CALLS_PER_SECOND (its own syntax, aws/clients.ts).
 */
const SETTINGS = {
  AWS_REGION: () => nonEmpty,
  REPORT_BUCKET: () => nonEmpty,
  TOPIC_ARN: () => nonEmpty,
  STATE_MACHINE_ARN: () => nonEmpty,
  DEFAULT_MODE: () => modeVariable.default('plan'),
  SCHEDULE_MODE: () => modeVariable.default('plan'),
  REQUEST_EVENT_SOURCE: () => nonEmpty.default('proton-connection-cleanup'),
  EVENT_BUS_NAME: () => nonEmpty.default('default'),
  EVENT_SOURCE: () => nonEmpty.default('proton-connection-cleanup'),
  PROTECT_TAG_KEY: () => nonEmpty.default('proton-cleanup:protect'),
  DECOMMISSION_TAG_KEY: () => nonEmpty.default('proton-cleanup:decommission-on'),
  DECOMMISSION_PARAMETER_PATH: () => nonEmpty.default(DEFAULT_DECOMMISSION_PATH),
  MAP_CONCURRENCY: () => z.coerce.number().int().min(1).max(40).default(10),
  DELETION_ROLE_ARN: () =>
    z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/, 'expected the ARN of the CloudFormation deletion role (arn:aws:iam::<account>:role/<name>)'),
  /** The share of the account's ConcurrentResourcesLimit one cleanup's stack deletions may take at once. */
  CONCURRENT_RESOURCES_PERCENT: () => z.coerce.number().int().min(1).max(100).default(100),
  MAX_STACK_DELETION_MINUTES: () =>
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
  MAX_PLAN_AGE_HOURS: () =>
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(72),
  NOTICE_DAYS: () => z.coerce.number().int().min(0).max(30).default(3),
  MAX_ROUNDS: () => z.coerce.number().int().min(10).max(2000).default(1800),
  SDK_MAX_ATTEMPTS: () => z.coerce.number().int().min(1).max(10).default(3),
  SDK_RETRY_BASE_MS: () => z.coerce.number().int().min(0).max(10_000).default(200),
  // Checked by domain/target.ts (parseTargetSettings), which names a bad entry.
  TARGET_ACCOUNTS: () => z.string().default(''),
  TARGET_REGIONS: () => z.string().default(''),
  /** organizationId: required once another account is a target (the spoke roles may be assumed only in it). */
  ORGANIZATION_ID: () =>
    z
      .string()
      .regex(/^(o-[a-z0-9]{10,32})?$/, 'expected an AWS Organizations id such as o-a1b2c3d4e5, or nothing')
      .default(''),
  /** The CloudFormation deletion role deployment/spoke.yml creates in each target account (`<spokeRoleNamePrefix>-cfn-deletion`). */
  SPOKE_DELETION_ROLE_NAME: () =>
    z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name')
      .default('proton-cleanup-spoke-cfn-deletion'),
} satisfies Record<string, () => z.ZodType>;

export type SettingName = keyof typeof SETTINGS;
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
type SettingsShape<Name extends SettingName> = { [N in Name]: ReturnType<(typeof SETTINGS)[N]> };

/** The schema of the variables `names` lists, and of no other. */
export function settingsSchema<Name extends SettingName>(names: Record<Name, true>): z.ZodObject<SettingsShape<Name>> {
  const shape = Object.fromEntries(Object.keys(names).map((name) => [name, SETTINGS[name as Name]()]));
  return z.object(shape as SettingsShape<Name>);
}
