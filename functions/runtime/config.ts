import { InvalidConfigurationError } from './errors.js';
import * as z from './zod.js';

/**
 * Reads and validates environment variables once, at cold start. A missing or malformed
 * variable fails the function with an error that names it, instead of a confusing failure
 * on first use.
 */
export function loadConfig<S extends z.ZodObject>(shape: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = shape.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.');
      return `${name}: ${issue.code === 'invalid_type' && issue.input === undefined ? 'is not set' : issue.message}`;
    });
    throw new InvalidConfigurationError(`Invalid environment variables: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export const modeVariable = z.enum(['plan', 'execute']);
export const nonEmpty = z.string().min(1);
