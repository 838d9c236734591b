import type { StackModel } from './account.js';

/**
 * The account's stacks by stack ID, in order of creation (a Map), with what CloudFormation's
 * handlers look up on every call, kept as the map changes so that no call reads every stack:
 * the stacks as an array (ListStacks and DescribeStacks page by position in it), and by export
 * name the stacks importing it (ListImports, and the export-in-use check of a deletion). A stack's
 * imports change through `setImports`; a stack once DELETE_COMPLETE leaves the import index the
 * next time that export is looked up (it never imports again).
 */
export class StackMap extends Map<string, StackModel> {
  private list: StackModel[] | undefined;
  private readonly importing = new Map<string, Set<StackModel>>();

  override set(stackId: string, stack: StackModel): this {
    const previous = super.get(stackId);
    if (previous) this.unindex(previous);
    super.set(stackId, stack);
    this.index(stack);
    this.list = undefined;
    return this;
  }

  override delete(stackId: string): boolean {
    const stack = super.get(stackId);
    if (stack) this.unindex(stack);
    this.list = undefined;
    return super.delete(stackId);
  }

  override clear(): void {
    super.clear();
    this.importing.clear();
    this.list = undefined;
  }

  /** Every stack, in order of creation (the same array until the map changes: do not modify it). */
  ordered(): readonly StackModel[] {
    this.list ??= [...super.values()];
    return this.list;
  }

  /** The stacks that are not DELETE_COMPLETE importing the export, in the order they came to import it. */
  liveImporters(exportName: string): StackModel[] {
    const importers = this.importing.get(exportName);
    if (!importers) return [];
    const live: StackModel[] = [];
    for (const stack of importers) {
      if (stack.status === 'DELETE_COMPLETE') importers.delete(stack);
      else live.push(stack);
    }
    if (importers.size === 0) this.importing.delete(exportName);
    return live;
  }

  /** The stack imports these exports from now on (someone updated it). */
  setImports(stack: StackModel, imports: readonly string[]): void {
    this.unindex(stack);
    stack.imports = [...imports];
    if (super.get(stack.stackId) === stack) this.index(stack);
  }

  private index(stack: StackModel): void {
    for (const exportName of stack.imports) {
      let importers = this.importing.get(exportName);
      if (!importers) {
        importers = new Set();
        this.importing.set(exportName, importers);
      }
      importers.add(stack);
    }
  }

  private unindex(stack: StackModel): void {
    for (const exportName of stack.imports) {
      const importers = this.importing.get(exportName);
      importers?.delete(stack);
      if (importers?.size === 0) this.importing.delete(exportName);
    }
  }
}
