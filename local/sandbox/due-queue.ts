/**
 * Items waiting for an instant (epoch ms), taken out in order of that instant: a binary
 * min-heap, so that thousands of stack deletions in flight cost O(log n) each, and checking
 * for due ones before every call costs O(1) when none is due. Ties keep their order of entry.
 */
interface Entry<T> {
  item: T;
  dueAt: number;
  seq: number;
}

export class DueQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(item: T, dueAt: number): void {
    this.seq += 1;
    this.heap.push({ item, dueAt, seq: this.seq });
    this.up(this.heap.length - 1);
  }

  /** Every item with its instant, in the order they would be taken out (for a snapshot). */
  ordered(): { item: T; dueAt: number }[] {
    return [...this.heap].sort((x, y) => x.dueAt - y.dueAt || x.seq - y.seq).map(({ item, dueAt }) => ({ item, dueAt }));
  }

  /** Empties the queue. */
  clear(): void {
    this.heap.length = 0;
  }

  /** The earliest item due at or before `now`, removed from the queue; undefined when none is. */
  takeDue(now: number): { item: T; dueAt: number } | undefined {
    const top = this.heap[0];
    if (!top || top.dueAt > now) return undefined;
    const last = this.heap.pop() as Entry<T>;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { item: top.item, dueAt: top.dueAt };
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as Entry<T>;
    const y = this.heap[b] as Entry<T>;
    return x.dueAt < y.dueAt || (x.dueAt === y.dueAt && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as Entry<T>;
    this.heap[a] = this.heap[b] as Entry<T>;
    this.heap[b] = x;
  }

  private up(start: number): void {
    for (let i = start, parent = (i - 1) >> 1; i > 0 && this.before(i, parent); i = parent, parent = (i - 1) >> 1) this.swap(i, parent);
  }

  private down(start: number): void {
    for (let i = start; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < this.heap.length && this.before(left, first)) first = left;
      if (right < this.heap.length && this.before(right, first)) first = right;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }
}
