import type { Context } from 'aws-lambda';
import { InvalidStateInputError } from './errors.js';
import { logger, metrics } from './powertools.js';
import type * as z from './zod.js';
import { describeZodIssues } from './zod-problems.js';

/**
 * The wiring every Task Lambda shares: validate the state input against the handler's
 * schema, give the logger the execution and connection as persistent keys, log the
 * decision, publish the metrics. The handler itself is one call into the domain.
 */
export interface TaskDefinition<I, O> {
  /** The ASL state(s) this Lambda serves; named in logs. */
  task: string;
  input: z.ZodType<I>;
  run: (input: I) => Promise<O>;
  /** Persistent log keys taken from the validated input. */
  logKeys?: (input: I) => Record<string, string | undefined>;
  /** A small summary of the result for the decision log line. */
  summarize?: (output: O) => unknown;
}

type TaskHandler<O> = (event: unknown, context?: Partial<Context>) => Promise<O>;

function parseStateInput<I>(task: string, schema: z.ZodType<I>, event: unknown): I {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidStateInputError(`${task} received state input it does not understand: ${describeZodIssues(parsed.error).join('; ')}`);
  }
  return parsed.data;
}

export function taskHandler<I, O>(definition: TaskDefinition<I, O>): TaskHandler<O> {
  return async (event, context) => {
    if (context?.functionName) logger.addContext(context as Context);
    try {
      const input = parseStateInput(definition.task, definition.input, event);
      logger.appendKeys({ task: definition.task, ...definition.logKeys?.(input) });
      const output = await definition.run(input);
      logger.info(`${definition.task} done`, { result: definition.summarize ? definition.summarize(output) : output });
      return output;
    } catch (error) {
      logger.error(`${definition.task} failed`, error as Error);
      throw error;
    } finally {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
