import * as z from '../runtime/zod.js';

/**
 * Where an object is kept in S3. Pure (no SDK client): the states pass these references on, so
 * their contracts (the schemas of the state outputs) need it without the S3 client.
 */
export const ObjectRefSchema = z.object({ bucket: z.string().min(1), key: z.string().min(1) });
export type ObjectRef = z.infer<typeof ObjectRefSchema>;
