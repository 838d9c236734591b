import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../local/sandbox/scenario.js';
import { PROJECT_ROOT } from '../../local/workflow-definition.js';
import { INVARIANTS, runCase } from './run-case.js';

/**
 * Every scenario shipped in scenarios/ (the cases users try first, one per safety rule) holds
 * every safety invariant, judged by the independent oracle: run as given, then re-run without
 * faults on the account it left.
 */
const dir = path.join(PROJECT_ROOT, 'scenarios');
const shipped = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('the shipped scenarios', () => {
  it.each(shipped)('%s holds every safety invariant', { timeout: 60_000 }, async (file) => {
    const scenario = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ScenarioInput;
    const outcome = await runCase({ scenario, lambdaFaults: [] });

    expect(Object.fromEntries(INVARIANTS.map((i) => [i, outcome.violations[i]]))).toEqual(Object.fromEntries(INVARIANTS.map((i) => [i, []])));
  });
});
