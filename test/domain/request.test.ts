import { describe, expect, it } from 'vitest';
import { resolveRequest } from '../../functions/domain/request.js';

const settings = { defaultMode: 'plan' as const, requestEventSource: 'proton-connection-cleanup' };
const id = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';

describe('resolveRequest', () => {
  it('defaults a console input to the deployment default mode', () => {
    expect(resolveRequest({ connectionId: id }, settings)).toEqual({ connectionId: id, mode: 'plan', trigger: { type: 'console' } });
  });
});
