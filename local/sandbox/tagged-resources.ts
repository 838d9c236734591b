import type { TaggedResourceModel } from './account.js';

/** The tag CloudFormation puts on every resource of a stack; AWS reserves `aws:` tags (scenario changes refuse them), so it never changes. */
const STACK_ID_TAG = 'aws:cloudformation:stack-id';

/**
 * What the Tagging API sees, resource ARN → tags (a Map, in order of first tagging), indexed so
 * that GetResources need not read every entry on every call: each entry has a position, its place
 * in that order, kept while it stays (one deleted leaves a gap; tagged again, it goes last), so a
 * page reads on from where the previous one ended; and the entries of each stack, by their
 * aws:cloudformation:stack-id tag as they were tagged, so a query for the resources of a few
 * stacks reads only theirs. Kept by set/delete/clear.
 */
export class TaggedResources extends Map<string, TaggedResourceModel> {
  private slots: (TaggedResourceModel | undefined)[] = [];
  private readonly positions = new Map<string, number>();
  /** Stack ID → the ARNs tagged with it; and each such ARN's stack ID, as indexed. */
  private readonly inStack = new Map<string, Set<string>>();
  private readonly stackOf = new Map<string, string>();

  override set(arn: string, entry: TaggedResourceModel): this {
    const position = this.positions.get(arn);
    if (position === undefined) {
      this.positions.set(arn, this.slots.length);
      this.slots.push(entry);
    } else {
      this.slots[position] = entry;
    }
    this.unindex(arn);
    const stackId = entry.tags[STACK_ID_TAG];
    if (stackId !== undefined) this.index(arn, stackId);
    return super.set(arn, entry);
  }

  override delete(arn: string): boolean {
    const position = this.positions.get(arn);
    if (position !== undefined) this.slots[position] = undefined;
    this.positions.delete(arn);
    this.unindex(arn);
    return super.delete(arn);
  }

  override clear(): void {
    super.clear();
    this.slots = [];
    this.positions.clear();
    this.inStack.clear();
    this.stackOf.clear();
  }

  /** Every entry from position `start` on, with its position, in order. */
  *from(start: number): Generator<[number, TaggedResourceModel]> {
    for (let position = Math.max(0, start); position < this.slots.length; position += 1) {
      const entry = this.slots[position];
      if (entry) yield [position, entry];
    }
  }

  /** The entries tagged aws:cloudformation:stack-id with one of these stack IDs, from position `start` on, with their positions, in order. */
  *inStacks(stackIds: Iterable<string>, start: number): Generator<[number, TaggedResourceModel]> {
    const arns: string[] = [];
    for (const stackId of new Set(stackIds)) arns.push(...(this.inStack.get(stackId) ?? []));
    yield* this.ofArns(arns, start);
  }

  /** The entries of these ARNs (those tagged), from position `start` on, with their positions, in order. */
  *ofArns(arns: Iterable<string>, start: number): Generator<[number, TaggedResourceModel]> {
    const positions = [...new Set(arns)].flatMap((arn) => {
      const position = this.positions.get(arn);
      return position !== undefined && position >= start ? [position] : [];
    });
    for (const position of positions.sort((a, b) => a - b)) {
      const entry = this.slots[position];
      if (entry) yield [position, entry];
    }
  }

  private index(arn: string, stackId: string): void {
    let arns = this.inStack.get(stackId);
    if (!arns) {
      arns = new Set();
      this.inStack.set(stackId, arns);
    }
    arns.add(arn);
    this.stackOf.set(arn, stackId);
  }

  private unindex(arn: string): void {
    const stackId = this.stackOf.get(arn);
    if (stackId === undefined) return;
    const arns = this.inStack.get(stackId);
    arns?.delete(arn);
    if (arns?.size === 0) this.inStack.delete(stackId);
    this.stackOf.delete(arn);
  }
}
