/**
 * A small least-recently-used cache for plans and scratch buffers, so a
 * process that meets many image sizes keeps only the last few plans.
 *
 * @module
 */

/** A get-or-make cache holding at most `capacity` entries. */
export class Lru<V> {
  private readonly map = new Map<string, V>();

  /** Makes a cache of at most `capacity` entries; `evicted` hears of each entry dropped. */
  constructor(readonly capacity: number, private readonly evicted?: (value: V) => void) {}

  /** The cached value for `key`, made by `make` when missing; evicts the least recently used. */
  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    v = make();
    this.map.set(key, v);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      const gone = this.map.get(oldest) as V;
      this.map.delete(oldest);
      this.evicted?.(gone);
    }
    return v;
  }

  /** Drops the entry for `key`, if any (without telling `evicted`). */
  delete(key: string): void {
    this.map.delete(key);
  }

  /** The keys held, least recently used first. */
  keys(): string[] {
    return [...this.map.keys()];
  }

  /** Number of entries. */
  get size(): number {
    return this.map.size;
  }
}
