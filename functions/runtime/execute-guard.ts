import { InvalidStateInputError } from './errors.js';

/**
 * Defence in depth: the ASL only routes execute-mode runs to deleting states, and every
 * deleting handler checks again, so a wiring mistake cannot turn a plan into deletions.
 */
export function requireExecuteMode(task: string, mode: string): void {
  if (mode !== 'execute') throw new InvalidStateInputError(`${task} deletes, and runs only in execute mode; this run is in ${mode} mode`);
}
