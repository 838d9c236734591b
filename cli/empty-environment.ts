import type { Report } from '../functions/domain/report.js';

/**
 * A plan or execute by environment that found nothing of it: most often a misspelt name or the
 * wrong management account, which the workflow cannot tell from an environment already cleaned
 * up. Not an error (the exit code stays); a warning, with where to look. "Nothing of it": no
 * resource in the report, or only resources whose owner is unproven (stacks merely named like
 * Proton's, listed for review).
 */
export function emptyEnvironmentWarning(report: Report): string | undefined {
  const request = report.request;
  if (!request?.environment || request.connectionId || request.sweep || report.sweep) return undefined;
  if (report.status !== 'succeeded' || report.resources.some((r) => r.owner.kind !== 'unproven')) return undefined;
  const { name, managementAccountId } = request.environment;
  return (
    `warning: nothing in this account is tagged for environment ${name}@${managementAccountId}. ` +
    'Check the environment name and its management account (--management-account); ' +
    'proton-cleanup plan --sweep lists the environments this account holds.'
  );
}
