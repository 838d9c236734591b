import * as z from '../runtime/zod.js';

/** A resource CloudFormation failed to delete, with its reason (from the stack's events). */
export const FailedResourceSchema = z.object({
  logicalId: z.string(),
  physicalId: z.string().optional(),
  type: z.string().optional(),
  reason: z.string(),
});
export type FailedResource = z.infer<typeof FailedResourceSchema>;
