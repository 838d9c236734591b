import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runWorkflow } from '../../local/run-workflow.js';
import { scenario } from '../helpers/scenarios.js';
import { acceptanceProblems, badInput, rejectionProblems, validTrigger } from './inputs.js';
import { DEFAULT_MODE } from './run-case.js';

/**
 * Fuzzed triggers: wrong types, missing and unknown fields, 100 kB strings, ids that are not
 * UUIDs, injection-like strings, wrong event sources and detail-types, nested junk, non-objects.
 */
const SEED = 20261125;

describe('ResolveRequest on fuzzed input', () => {
  it('rejects every bad input with InvalidRequest, naming the field and quoting only a bounded prefix', () => {
    fc.assert(
      fc.property(badInput, (input) => {
        expect(rejectionProblems(input)).toEqual([]);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('never rejects a valid console input or event, and resolves each to the request it names', () => {
    fc.assert(
      fc.property(validTrigger, (trigger) => {
        expect(acceptanceProblems(trigger)).toEqual([]);
      }),
      { numRuns: 500, seed: SEED },
    );
  });
});

/** Through the whole workflow, a bad trigger only ever reads, reports and notifies. */
const REPORTING_OPERATIONS = new Set(['PutObject', 'GetObject', 'Publish', 'PutEvents']);
let executions = 0;

describe('the workflow on fuzzed input', () => {
  it('fails with InvalidRequest and makes no call but writing the report and notifying', { timeout: 120_000 }, async () => {
    await fc.assert(
      // Falsy inputs (null, 0, false, "") stop aws-local-stepfunctions itself: its JSONPath finds no value at "$"
      // (States.Runtime) before ResolveRequest runs; ResolveRequest's own rejection of them is tested above.
      fc.asyncProperty(badInput.filter(Boolean), async (input) => {
        executions += 1;
        const result = await runWorkflow(scenario({ input }), { input, executionName: `bad-input-${executions}`, defaultMode: DEFAULT_MODE });

        expect(result.status).toBe('failed');
        expect(result.error?.name).toBe('InvalidRequest');
        expect(result.sandbox.calls.filter((c) => !REPORTING_OPERATIONS.has(c.operation)).map((c) => c.operation)).toEqual([]);
        expect(result.report?.failure?.message).toMatch(/^Invalid request: /);
      }),
      { numRuns: 25, seed: SEED },
    );
  });
});
