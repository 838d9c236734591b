import { afterEach, describe, expect, it, vi } from 'vitest';

/** The hub's targets (TARGET_ACCOUNTS, TARGET_REGIONS, ORGANIZATION_ID) are checked at cold start. */
describe('the targets a hub is configured with', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  const load = () => import('../../functions/cleanup/targets.js');

  it('fails the cold start naming organizationId when another account is a target and no organization is set', async () => {
    vi.stubEnv('TARGET_ACCOUNTS', '999988887777');
    vi.stubEnv('ORGANIZATION_ID', '');
    await expect(load()).rejects.toMatchObject({ name: 'InvalidConfiguration', message: expect.stringContaining('organizationId=o-') });
  });

  it('fails the cold start naming an entry that is neither an account, an OU nor a root', async () => {
    vi.stubEnv('TARGET_ACCOUNTS', '9999-8888');
    vi.stubEnv('ORGANIZATION_ID', 'o-a1b2c3d4e5');
    await expect(load()).rejects.toMatchObject({ name: 'InvalidConfiguration', message: expect.stringContaining('"9999-8888"') });
  });

  it("needs no organization when the hub's own account is its only target (more Regions of it)", async () => {
    vi.stubEnv('TARGET_ACCOUNTS', process.env.ACCOUNT_ID ?? '');
    vi.stubEnv('TARGET_REGIONS', 'us-east-1,eu-west-1');
    vi.stubEnv('ORGANIZATION_ID', '');
    await expect(load()).resolves.toBeDefined();
  });
});
