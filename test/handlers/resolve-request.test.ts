import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../functions/domain/request.js';
import { handler } from '../../functions/resolve-request.js';
import { CONNECTION_ID, EXECUTION_NAME, HUB_TARGET, MANAGEMENT_ACCOUNT_ID } from '../helpers/sdk-fixtures.js';

const resolve = (input: unknown) => handler({ input, executionName: EXECUTION_NAME });

describe('ResolveRequest handler', () => {
  it('turns a console input into a request in the deployment default mode (plan)', async () => {
    await expect(resolve({ connectionId: CONNECTION_ID })).resolves.toMatchObject({
      request: { connectionId: CONNECTION_ID, mode: 'plan', trigger: { type: 'console' } },
    });
  });

  it('hands on the request alone: the state machine reads no deployment setting from the state', async () => {
    expect(Object.keys(await resolve({ connectionId: CONNECTION_ID }))).toEqual(['request']);
  });

  it('keeps the mode and environment the console input names', async () => {
    const environment = { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID };
    const { request } = await resolve({ connectionId: CONNECTION_ID, mode: 'execute', environment });
    expect(request).toEqual({
      target: HUB_TARGET,
      connectionId: CONNECTION_ID,
      mode: 'execute',
      environment,
      protonApi: 'available',
      options: DEFAULT_OPTIONS,
      trigger: { type: 'console' },
    });
  });

  describe('protonApi', () => {
    const withDeployment = async <T>(protonApi: string, body: () => Promise<T>): Promise<T> => {
      const original = process.env.PROTON_API;
      process.env.PROTON_API = protonApi;
      try {
        return await body();
      } finally {
        if (original === undefined) delete process.env.PROTON_API;
        else process.env.PROTON_API = original;
      }
    };
    const environment = { name: 'prod', managementAccountId: MANAGEMENT_ACCOUNT_ID };

    it('asks Proton by default (the deployment default is "available")', async () => {
      await expect(resolve({ connectionId: CONNECTION_ID })).resolves.toMatchObject({ request: { protonApi: 'available' } });
    });

    it('takes "retired" from the deployment (PROTON_API)', async () => {
      await expect(withDeployment('retired', () => resolve({ connectionId: CONNECTION_ID, environment }))).resolves.toMatchObject({
        request: { protonApi: 'retired' },
      });
    });

    it('lets a request ask for "available" on a retired deployment', async () => {
      await expect(withDeployment('retired', () => resolve({ connectionId: CONNECTION_ID, protonApi: 'available' }))).resolves.toMatchObject({
        request: { protonApi: 'available' },
      });
    });

    it('rejects a request asking for "retired" with InvalidRequest naming protonApi: only the deployment may choose it', async () => {
      await expect(resolve({ connectionId: CONNECTION_ID, environment, protonApi: 'retired' })).rejects.toMatchObject({
        name: 'InvalidRequest',
        message: expect.stringContaining('protonApi'),
      });
    });

    it('rejects, on a retired deployment, a request that names no environment, with InvalidRequest naming "environment"', async () => {
      await expect(withDeployment('retired', () => resolve({ connectionId: CONNECTION_ID }))).rejects.toMatchObject({
        name: 'InvalidRequest',
        message: expect.stringContaining('environment:'),
      });
    });
  });

  it('rejects a malformed connection id with InvalidRequest naming the field', async () => {
    await expect(resolve({ connectionId: 'not-a-uuid' })).rejects.toMatchObject({
      name: 'InvalidRequest',
      message: expect.stringContaining('connectionId:'),
    });
  });

  it('rejects an unknown mode with InvalidRequest naming the field', async () => {
    await expect(resolve({ connectionId: CONNECTION_ID, mode: 'delete-everything' })).rejects.toMatchObject({
      name: 'InvalidRequest',
      message: expect.stringContaining('mode:'),
    });
  });

  it('rejects a console input that is not an object with InvalidRequest', async () => {
    await expect(resolve('0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11')).rejects.toMatchObject({ name: 'InvalidRequest' });
  });

  it('rejects state input without executionName as InvalidStateInput, naming the field', async () => {
    await expect(handler({ input: { connectionId: CONNECTION_ID } })).rejects.toMatchObject({
      name: 'InvalidStateInput',
      message: expect.stringContaining('executionName'),
    });
  });
});
