import type * as z from './zod.js';

/**
 * Turns zod issues into sentences that name the field and say what was expected.
 * `prefix` names where the validated value sits (e.g. "detail" inside an event).
 *
 * What is quoted from the input is bounded: a key is cut after MAX_QUOTED characters, at most
 * MAX_KEYS unknown keys and MAX_ISSUES problems are listed. A huge or hostile input thus never
 * makes a huge error: Step Functions' state data is limited to 256 KB, and an error too big for
 * it (States.DataLimitExceeded) would skip the failure report.
 */
const MAX_QUOTED = 64;
const MAX_KEYS = 10;
const MAX_ISSUES = 10;

function bounded(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)` : text;
}

export function describeZodIssues(error: z.ZodError, prefix?: string): string[] {
  const problems = error.issues.slice(0, MAX_ISSUES).map((issue) => {
    const parts = [...(prefix ? [prefix] : []), ...issue.path.map((p) => bounded(String(p)))];
    const field = parts.length > 0 ? parts.join('.') : 'input';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys
        .slice(0, MAX_KEYS)
        .map((k) => `"${bounded(k)}"`)
        .join(', ');
      const more = issue.keys.length > MAX_KEYS ? ` and ${issue.keys.length - MAX_KEYS} more` : '';
      return `${field}: unknown field(s) ${keys}${more}; remove them (see the input schema in the README)`;
    }
    return `${field}: ${issue.message}`;
  });
  const more = error.issues.length - MAX_ISSUES;
  return more > 0 ? [...problems, `and ${more} more problem(s)`] : problems;
}
