/**
 * A keyed cache of asynchronous loads, the memory of the tree model:
 * - a value loaded once is served from memory until its key is invalidated;
 * - concurrent requests for the same key share one load (one HTTP request, however many expansions);
 * - invalidating a key also invalidates every key below it (`key/…`), so refreshing a node
 *   refreshes its subtree and nothing else;
 * - a failed load is not cached: the next request tries again (the tree's "Retry").
 */
export class LoadCache {
  private readonly values = new Map<string, unknown>();
  private readonly pending = new Map<string, { generation: number; promise: Promise<unknown> }>();
  private generation = 0;
  private loadCount = 0;

  /** How many loads actually ran (cache misses), for tests and benchmarks. */
  get loads(): number {
    return this.loadCount;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  peek<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }

  set<T>(key: string, value: T): void {
    this.values.set(key, value);
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.values.has(key)) return Promise.resolve(this.values.get(key) as T);
    const inFlight = this.pending.get(key);
    if (inFlight !== undefined) return inFlight.promise as Promise<T>;
    const generation = this.generation;
    this.loadCount++;
    const promise = load().then(
      (value) => {
        // A load that started before an invalidation must not repopulate the cache with stale data.
        if (this.pending.get(key)?.promise === promise && generation === this.generation) this.values.set(key, value);
        if (this.pending.get(key)?.promise === promise) this.pending.delete(key);
        return value;
      },
      (error: unknown) => {
        if (this.pending.get(key)?.promise === promise) this.pending.delete(key);
        throw error;
      },
    );
    this.pending.set(key, { generation, promise });
    return promise;
  }

  /** Forgets `key` and everything below it (`key/...`). */
  invalidate(key: string): void {
    this.generation++;
    const prefix = `${key}/`;
    for (const map of [this.values, this.pending]) {
      for (const k of [...map.keys()]) if (k === key || k.startsWith(prefix)) map.delete(k);
    }
  }

  clear(): void {
    this.generation++;
    this.values.clear();
    this.pending.clear();
  }
}
