import type { z } from 'zod';

/**
 * Turns zod issues into sentences that name the field and say what was expected.
 * `prefix` names where the validated value sits (e.g. "detail" inside an event).
 */
export function describeZodIssues(error: z.ZodError, prefix?: string): string[] {
  return error.issues.map((issue) => {
    const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)];
    const field = parts.length > 0 ? parts.join('.') : 'input';
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${field}: unknown field(s) ${keys}; remove them (see the input schema in the README)`;
    }
    return `${field}: ${issue.message}`;
  });
}
