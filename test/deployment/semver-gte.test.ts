import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The bundles' semver (serverless.yml custom.esbuild alias): X-Ray's packages ask it only
 * gte(version, minimum). Expected answers from the Semantic Versioning spec: numeric fields,
 * compared major, then minor, then patch.
 */
const { gte } = createRequire(import.meta.url)('../../deployment/semver-gte.cjs') as { gte: (version: string, minimum: string) => boolean };

describe('the bundles’ semver gte', () => {
  it('says a Node version at or past the minimum is (cls-hooked asks it of Node’s own at import)', () => {
    expect(gte('22.23.3', '8.0.0')).toBe(true);
    expect(gte('8.0.0', '8.0.0')).toBe(true);
    expect(gte('v8.0.0', '8.0.0')).toBe(true);
  });

  it('says an older version is not', () => {
    expect(gte('7.10.1', '8.0.0')).toBe(false);
    expect(gte('2.2.0', '2.3.0')).toBe(false);
    expect(gte('2.3.0', '2.3.1')).toBe(false);
  });

  it('compares fields as numbers, not as text', () => {
    expect(gte('2.1692.0', '2.200.0')).toBe(true);
    expect(gte('10.0.0', '9.0.0')).toBe(true);
  });
});
