import * as z from '../runtime/zod.js';

/** Step Functions' error object, as a Catch puts it in the state. One schema for every state that carries one. */
export const CaughtErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });
export type CaughtError = z.infer<typeof CaughtErrorSchema>;

/** Lambda puts `{"errorType","errorMessage",...}` JSON in Cause; other errors give plain text. */
export function errorMessage(caught: CaughtError): string {
  const cause = caught.Cause ?? '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') {
      return parsed.errorMessage;
    }
  } catch {
    // plain-text cause
  }
  return cause || caught.Error;
}
