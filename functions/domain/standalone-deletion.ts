import { TAG, type Tags } from './inventory.js';
import { hasProtectTag } from './ownership.js';

/**
 * Decisions for one stand-alone resource: re-checked right before deletion (still tagged for
 * this environment, not protected), and a bucket emptied call by call within a bound.
 */
export const MAX_EMPTYING_CALLS = 200;

export function recheckStandalone(tags: Tags | undefined, environmentArn: string, protectTagKey: string): string | undefined {
  if (!tags) return 'no longer tagged for this environment (or already gone): left alone';
  if (tags[TAG.environment] !== environmentArn) return `its tags changed since the inventory: now proton:environment=${tags[TAG.environment] ?? '(none)'}`;
  if (hasProtectTag(tags, protectTagKey)) return `protected: tagged ${protectTagKey}`;
  return undefined;
}
