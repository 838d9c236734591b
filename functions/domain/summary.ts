import * as z from '../runtime/zod.js';

/** A report's counts, outcome by outcome (they add up to total). */
export const SummarySchema = z.object({
  total: z.number().int(),
  deleted: z.number().int(),
  alreadyAbsent: z.number().int(),
  retained: z.number().int(),
  failed: z.number().int(),
  planned: z.number().int(),
});
export type Summary = z.infer<typeof SummarySchema>;

/**
 * A deletion loop's counts (AdvanceCleanup's stacks, DeleteStandaloneResources' resources): not
 * yet started, under way (stacks deleting, buckets being emptied), and settled, outcome by outcome.
 */
export const LoopCountsSchema = z.object({
  pending: z.number().int(),
  deleting: z.number().int(),
  deleted: z.number().int(),
  alreadyAbsent: z.number().int(),
  retained: z.number().int(),
  failed: z.number().int(),
});
