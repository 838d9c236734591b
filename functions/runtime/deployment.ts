import { InvalidConfigurationError } from './errors.js';
import * as z from './zod.js';

/**
 * Deployment settings that decide what a run may ask Proton. `protonApi` (PROTON_API):
 * `available` — Proton must answer, and its errors are errors; `retired` — Proton is never
 * called, requests name their environments, and the checks that need Proton are skipped by that
 * explicit choice. Read on each use (and once at cold start, so a bad value fails early): the
 * local run plays several deployments in one process.
 */
export const PROTON_API_SETTINGS = ['available', 'retired'] as const;
export type ProtonApi = (typeof PROTON_API_SETTINGS)[number];

const ProtonApiSchema = z.enum(PROTON_API_SETTINGS, { error: 'expected "available" or "retired"' }).default('available');
const AccountIdSchema = z.string({ error: 'is not set' }).regex(/^\d{12}$/, 'expected the 12-digit AWS account id of this deployment');

export function protonApiSetting(env: NodeJS.ProcessEnv = process.env): ProtonApi {
  const parsed = ProtonApiSchema.safeParse(env.PROTON_API || undefined);
  if (!parsed.success) throw new InvalidConfigurationError(`Invalid environment variables: PROTON_API: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The account this deployment runs in (ACCOUNT_ID, set from AWS::AccountId). */
export function deploymentAccountId(env: NodeJS.ProcessEnv = process.env): string {
  const parsed = AccountIdSchema.safeParse(env.ACCOUNT_ID);
  if (!parsed.success) throw new InvalidConfigurationError(`Invalid environment variables: ACCOUNT_ID: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** The hub's own target: the account and Region this deployment runs in. */
export function hubTarget(env: NodeJS.ProcessEnv = process.env): { account: string; region: string } {
  const region = env.AWS_REGION;
  if (!region) throw new InvalidConfigurationError('Invalid environment variables: AWS_REGION: is not set');
  return { account: deploymentAccountId(env), region };
}
