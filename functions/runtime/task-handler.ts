import type { Context } from 'aws-lambda';
import { inTarget, roleSessionName } from '../aws/target-session.js';
import { type Target, targetKey } from '../domain/target.js';
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
  /**
   * The account and Region the task works in (the request's target) and the execution it serves:
   * its AWS clients are that target's (aws/clients.ts), with the spoke role assumed under the
   * execution's name. Unset: the hub's own account and Region.
   */
  workIn?: (input: I) => { target: Target; executionName: string };
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
      const place = definition.workIn?.(input);
      logger.appendKeys({ task: definition.task, ...definition.logKeys?.(input), ...(place ? { target: targetKey(place.target) } : {}) });
      const output = await (place
        ? inTarget({ target: place.target, sessionName: roleSessionName(place.executionName) }, () => definition.run(input))
        : definition.run(input));
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

/** `workIn` of a task whose input carries the request: the request's target. */
export const requestTarget = ({ request, executionName }: { request: { target: Target }; executionName: string }) => ({
  target: request.target,
  executionName,
});

/** `workIn` of a task given its target on its own (`target.$: $.request.target` in the ASL). */
export const givenTarget = ({ target, executionName }: { target: Target; executionName: string }) => ({ target, executionName });
