import { describe, expect, it } from 'vitest';
import { FifoQueue } from '../../local/sandbox/fifo-queue.js';

/** The queue of stack deletions waiting for the concurrent-resources limit: first in, first out. */
function drain<T>(queue: FifoQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

describe('the FIFO queue', () => {
  it('gives items back in the order they went in, however many and however interleaved', () => {
    const queue = new FifoQueue<number>();
    const taken: number[] = [];
    for (let i = 0; i < 1_000; i += 1) {
      queue.push(i);
      if (i % 3 === 0) taken.push(queue.shift() as number);
    }
    taken.push(...drain(queue));

    expect(taken).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });

  it('peeks at the first item without taking it', () => {
    const queue = new FifoQueue<string>();
    queue.push('a');
    queue.push('b');

    expect([queue.peek(), queue.size]).toEqual(['a', 2]);
  });

  it('takes an item out from anywhere, keeping the others in order', () => {
    const queue = new FifoQueue<string>();
    for (const item of ['a', 'b', 'c', 'd']) queue.push(item);
    queue.shift();

    expect([queue.remove('c'), queue.remove('a'), queue.ordered()]).toEqual([true, false, ['b', 'd']]);
  });
});
