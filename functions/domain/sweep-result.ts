import * as z from '../runtime/zod.js';
import { ObjectRefSchema } from './object-ref.js';
import { TargetSchema } from './target.js';

/**
 * What StartSweep passes on: one section per environment found (stored in S3, so that the state
 * never grows with the number of environments), and the state output that refers to them.
 * WriteReport reads the sections into the report's `sweep`.
 */
export const SweepSectionSchema = z.object({
  account: z.string().optional().describe("the target account (unset: the hub's own)"),
  region: z.string().optional(),
  environmentName: z.string(),
  managementAccountId: z.string(),
  environmentArn: z.string(),
  resources: z.number().int().describe('resources (stacks included) tagged for it in this account'),
  outcome: z.enum(['started', 'already-started', 'failed-to-start', 'skipped']),
  reason: z.string().describe('why it was, or was not, cleaned up'),
  execution: z.string().optional().describe('the execution cleaning it up'),
  error: z.string().optional(),
  report: z.string().optional().describe('where that execution writes its report, in the same bucket'),
});
export type SweepSection = z.infer<typeof SweepSectionSchema>;

/** A target a fleet sweep could not read: its environments are unknown (reported, never guessed). */
export const UnreachableTargetSchema = z.object({ account: z.string(), region: z.string(), error: z.string() });
export type UnreachableTarget = z.infer<typeof UnreachableTargetSchema>;

/** The stored file (`executions/<execution>/sweep.json`). */
export const SweepFileSchema = z.object({
  environments: z.array(SweepSectionSchema),
  /** A fleet sweep (another account than the hub's, or several): the targets it swept, in order. */
  targets: z.array(TargetSchema).optional(),
  unreachable: z.array(UnreachableTargetSchema).optional(),
});
export type SweepFile = z.infer<typeof SweepFileSchema>;

/** StartSweep's output ($.sweep): the stored sections by reference, and their counts. */
export const SweepResultSchema = z.object({
  location: ObjectRefSchema,
  counts: z.object({
    environments: z.number().int(),
    started: z.number().int(),
    skipped: z.number().int(),
    failedToStart: z.number().int(),
    unreachableTargets: z.number().int().optional(),
  }),
});
export type SweepResult = z.infer<typeof SweepResultSchema>;
