import { afterEach, describe, expect, it, vi } from 'vitest';

/** API_CALLS_PER_SECOND is read when the SDK clients' module loads (cold start). */
describe('API_CALLS_PER_SECOND', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails the cold start with InvalidConfiguration naming the variable and what is expected', async () => {
    vi.stubEnv('API_CALLS_PER_SECOND', 'cloudformation=fast');
    vi.resetModules();
    await expect(import('../../functions/aws/clients.js')).rejects.toMatchObject({
      name: 'InvalidConfiguration',
      message: expect.stringMatching(/API_CALLS_PER_SECOND: "cloudformation=fast": expected service=callsPerSecond/),
    });
  });
});
