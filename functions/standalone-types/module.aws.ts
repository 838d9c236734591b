import { callAws, hasName } from '../aws/error-mapping.js';
import type { StandaloneDeletion } from './module.js';

/** One Delete call: 'deleted', or 'already-absent' when the service answers one of `notFound`. */
export async function deleteOrAbsent(action: string, notFound: string[], call: () => Promise<unknown>): Promise<StandaloneDeletion> {
  try {
    await callAws(action, call);
    return 'deleted';
  } catch (error) {
    if (hasName(error, ...notFound)) return 'already-absent';
    throw error;
  }
}
