import { holdBackDependents, startProgress } from './cleanup-progress.js';
import type { InventoriedResource, Inventory } from './inventory.js';

/**
 * What the cleanup will hold back, foreseen from the inventory alone: a stack that waits for one
 * the inventory retains (an earlier phase's, see cleanup-progress.ts) is never started, so it is
 * retained here already, saying what it waits for, with what goes with it. A plan then says what
 * execute will do, and execute does the same from round one. Pure.
 */
export function foreseeHolds(inventory: Inventory): Inventory {
  const held = new Map(
    holdBackDependents(startProgress(inventory))
      .stacks.filter((s) => s.outcome === 'retained')
      .map((s) => [s.stackId, s.reason ?? 'waits for a stack this run does not delete']),
  );
  if (held.size === 0) return inventory;
  return {
    ...inventory,
    resources: inventory.resources.map((r): InventoriedResource => {
      const own = held.get(r.id);
      if (own && r.action === 'delete-stack') return { ...r, action: 'retain', reason: own };
      const root = r.action === 'delete-with-stack' && r.stackId ? held.get(r.stackId) : undefined;
      return root ? { ...r, action: 'retain', reason: `its stack is retained: ${root}` } : r;
    }),
  };
}
