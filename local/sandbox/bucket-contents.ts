/**
 * What a simulated S3 bucket of the account holds: object versions and delete markers, in the
 * order ListObjectVersions lists them (by key, then newest first). Built from a scenario's
 * object count: object n has one version, and every second object was deleted afterwards, so
 * a delete marker sits on top of its version (as in a versioned bucket that looks empty but
 * is not).
 */
export interface ObjectVersionModel {
  key: string;
  versionId: string;
  isDeleteMarker: boolean;
  isLatest: boolean;
  /** When it was written (epoch ms on the sandbox clock); unset: before the sandbox opened (the scenario's objects). */
  lastModified?: number;
}

export interface BucketContentsSnapshot {
  entries: ObjectVersionModel[];
  /** Indexes in `entries` of the versions and markers deleted since. */
  removed: number[];
}

const idOf = (key: string, versionId: string) => `${key}\u0000${versionId}`;

/** Opaque, like S3's; deterministic, so runs are repeatable. */
const versionIdOf = (key: string, kind: string) => Buffer.from(`${kind}:${key}`).toString('base64url');

export class BucketContents {
  /** Every entry ever held, in listing order; removed ones are skipped, so markers keep their place. */
  private readonly entries: ObjectVersionModel[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly removed = new Set<number>();
  private readonly entriesByKey = new Map<string, number>();

  static withObjects(count: number): BucketContents {
    const contents = new BucketContents();
    const width = Math.max(6, String(count).length);
    for (let n = 1; n <= count; n += 1) {
      const key = `objects/${String(n).padStart(width, '0')}.json`;
      const deleted = n % 2 === 0;
      if (deleted) contents.add({ key, versionId: versionIdOf(key, 'marker'), isDeleteMarker: true, isLatest: true });
      contents.add({ key, versionId: versionIdOf(key, 'version'), isDeleteMarker: false, isLatest: !deleted });
    }
    return contents;
  }

  /** Someone writes `count` new objects at `at` (a change on the sandbox clock): each a new key, listed after the others. */
  put(count: number, at: number): void {
    for (let n = 1; n <= count; n += 1) {
      const key = `written/${at}-${String(n).padStart(6, '0')}.json`;
      for (const e of this.entries) if (e.key === key) e.isLatest = false;
      this.add({ key, versionId: versionIdOf(key, `version-${at}`), isDeleteMarker: false, isLatest: true, lastModified: at });
    }
  }

  private add(entry: ObjectVersionModel): void {
    this.indexById.set(idOf(entry.key, entry.versionId), this.entries.length);
    this.entries.push(entry);
    this.entriesByKey.set(entry.key, (this.entriesByKey.get(entry.key) ?? 0) + 1);
  }

  /** Objects (keys) with a version or delete marker left. */
  get objects(): number {
    return this.entriesByKey.size;
  }

  /** Versions and delete markers left. */
  get size(): number {
    return this.entries.length - this.removed.size;
  }

  /**
   * Up to `max` entries after the markers: after that version of KeyMarker, or after every
   * version of KeyMarker when no VersionIdMarker is given; `truncated` when more follow.
   */
  list(keyMarker: string | undefined, versionIdMarker: string | undefined, max: number): { entries: ObjectVersionModel[]; truncated: boolean } {
    let index = 0;
    if (keyMarker !== undefined) {
      const marker = versionIdMarker === undefined ? undefined : this.indexById.get(idOf(keyMarker, versionIdMarker));
      index = marker !== undefined ? marker + 1 : this.firstIndexAfterKey(keyMarker);
    }
    const entries: ObjectVersionModel[] = [];
    for (; index < this.entries.length; index += 1) {
      const entry = this.entries[index];
      if (entry === undefined || this.removed.has(index)) continue;
      if (entries.length === max) return { entries, truncated: true };
      entries.push(entry);
    }
    return { entries, truncated: false };
  }

  /** Permanently deletes one version or delete marker; deleting what is not there succeeds, as in S3. */
  remove(key: string, versionId: string): void {
    const index = this.indexById.get(idOf(key, versionId));
    if (index === undefined || this.removed.has(index)) return;
    this.removed.add(index);
    const left = (this.entriesByKey.get(key) ?? 1) - 1;
    if (left === 0) this.entriesByKey.delete(key);
    else this.entriesByKey.set(key, left);
  }

  /** Everything it holds, removed entries included (their listing places), for a snapshot (local/sandbox/snapshot.ts). */
  snapshot(): BucketContentsSnapshot {
    return { entries: this.entries.map((e) => ({ ...e })), removed: [...this.removed] };
  }

  static restore(snapshot: BucketContentsSnapshot): BucketContents {
    const contents = new BucketContents();
    for (const entry of snapshot.entries) contents.add({ ...entry });
    for (const index of snapshot.removed) {
      const entry = contents.entries[index];
      if (entry) contents.remove(entry.key, entry.versionId);
    }
    return contents;
  }

  private firstIndexAfterKey(key: string): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid]?.key ?? key) <= key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
