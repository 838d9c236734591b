import { describe, expect, it } from 'vitest';
import { roleSessionName } from '../../functions/aws/target-session.js';

/** STS AssumeRole's RoleSessionName: 2-64 characters of [\w+=,.@-] (STS API reference, AssumeRole). */
const STS_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

describe('the role session a spoke role is assumed under', () => {
  it('is the execution name when it fits', () => {
    expect(roleSessionName('cli-plan-20261201T194845Z-5d017d')).toBe('cli-plan-20261201T194845Z-5d017d');
  });

  it('replaces the characters STS does not take', () => {
    expect(roleSessionName('run:with/odd chars')).toMatch(STS_SESSION_NAME);
  });

  it('keeps two long execution names that share their first 64 characters apart', () => {
    const start = 'event-execute-proton-environment-account-connection-stat-';
    const a = roleSessionName(`${start}0123456789abcdef0123`);
    const b = roleSessionName(`${start}0123456789abcdef9999`);

    expect(a).toMatch(STS_SESSION_NAME);
    expect(b).toMatch(STS_SESSION_NAME);
    expect(a).not.toBe(b);
  });
});
