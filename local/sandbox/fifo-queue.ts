/**
 * Items waiting their turn, first in first out: taking the first costs O(1) however many wait (a
 * head index over an array, compacted once half of it has been taken), so that thousands of stack
 * deletions waiting for CloudFormation's concurrent-resources limit cost no more than a few.
 */
export class FifoQueue<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The first item, left in the queue. */
  peek(): T | undefined {
    return this.items[this.head];
  }

  /** The first item, taken out. */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head] as T;
    this.head += 1;
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Takes the item out wherever it is (O(n): the rare case); whether it was there. */
  remove(item: T): boolean {
    const at = this.items.indexOf(item, this.head);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  /** The items in their order, first first (for a snapshot). */
  ordered(): T[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
