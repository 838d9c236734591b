import { describe, expect, it } from 'vitest';
import { DueQueue } from '../../local/sandbox/due-queue.js';

/** The index of stacks being deleted: taken out by due time, whatever the order they went in. */
function drain<T>(queue: DueQueue<T>, now: number): T[] {
  const out: T[] = [];
  for (let due = queue.takeDue(now); due; due = queue.takeDue(now)) out.push(due.item);
  return out;
}

describe('the due queue', () => {
  it('gives nothing before its due time', () => {
    const queue = new DueQueue<string>();
    queue.add('a', 100);

    expect(queue.takeDue(99)).toBeUndefined();
    expect(queue.takeDue(100)).toEqual({ item: 'a', dueAt: 100 });
  });

  it('gives what is due in order of due time, ties in order of entry, and keeps the rest', () => {
    const queue = new DueQueue<string>();
    for (const [item, dueAt] of [
      ['d', 40],
      ['b', 20],
      ['e', 90],
      ['a', 10],
      ['c', 20],
    ] as const)
      queue.add(item, dueAt);

    expect(drain(queue, 50)).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.size).toBe(1);
  });

  it('orders thousands of items by due time', () => {
    const queue = new DueQueue<number>();
    const dues = Array.from({ length: 5_000 }, (_, i) => (i * 7_919) % 5_003);
    for (const d of dues) queue.add(d, d);

    expect(drain(queue, Number.POSITIVE_INFINITY)).toEqual([...dues].sort((x, y) => x - y));
  });
});
