import { describe, expect, it } from 'vitest';
import { emptyEnvironmentWarning } from '../../cli/empty-environment.js';
import { cleanupRequest, reportEntry, reportFixture } from '../helpers/domain-fixtures.js';

/** A run by environment that found nothing of it: a warning, not an error. */
const ENVIRONMENT = { name: 'paymnets-prod', managementAccountId: '444455556666' };
const byEnvironment = { ...cleanupRequest(), connectionId: undefined, environment: ENVIRONMENT };
const STACK = 'arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-x/1';

describe('the warning after a run by environment', () => {
  it('says nothing is tagged for the environment when the report has no resource, and where to look', () => {
    const warning = emptyEnvironmentWarning(reportFixture({ mode: 'plan', request: byEnvironment }));

    expect(warning).toMatch(/^warning: nothing in this account is tagged for environment paymnets-prod@444455556666\./);
    expect(warning).toMatch(/Check the environment name and its management account/);
    expect(warning).toMatch(/proton-cleanup plan --sweep lists the environments this account holds/);
  });

  it('warns too when the only resources are of unproven owner (stacks merely named like Proton)', () => {
    const resources = [reportEntry(STACK, 'retained', { type: 'cloudformation:stack', owner: { kind: 'unproven' } })];
    expect(emptyEnvironmentWarning(reportFixture({ request: byEnvironment, resources }))).toMatch(/^warning: /);
  });

  it('says nothing when a resource of the environment was found', () => {
    const resources = [reportEntry(STACK, 'planned', { type: 'cloudformation:stack' })];
    expect(emptyEnvironmentWarning(reportFixture({ request: byEnvironment, resources }))).toBeUndefined();
  });

  it('says nothing for a run by connection, or a sweep', () => {
    expect(emptyEnvironmentWarning(reportFixture({ request: cleanupRequest() }))).toBeUndefined();
    expect(emptyEnvironmentWarning(reportFixture({ request: { ...byEnvironment, sweep: true } }))).toBeUndefined();
  });
});
