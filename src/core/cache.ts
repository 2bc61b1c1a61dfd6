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

/**
 * Promises kept for a while, for answers that may change behind our back (permissions edited in Quay's UI,
 * a robot's token ages): the editor features ask again and again and must not send a request each time.
 * - an entry is fresh for `ttlMs` from the moment its load started; concurrent gets of a fresh key share it;
 * - a failed load expires its entry at once, so the next get tries again (a failure is never served);
 * - `delete`/`deleteWhere` forget entries (after a change made here).
 * Unlike `LoadCache` (the tree's memory, which keeps values until a refresh), age alone expires an entry.
 */
export class TtlPromiseCache<K, V> {
  private readonly entries = new Map<K, { readonly at: number; readonly promise: Promise<V>; value?: V }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The fresh promise of `key`, else the promise of a new `load()`. */
  get(key: K, load: () => Promise<V>): Promise<V> {
    return this.fresh(key) ?? this.load(key, load);
  }

  /** The promise of `key` when it is fresh (loading or loaded less than `ttlMs` ago); undefined otherwise. */
  fresh(key: K): Promise<V> | undefined {
    const hit = this.entries.get(key);
    return hit !== undefined && this.now() - hit.at < this.ttlMs ? hit.promise : undefined;
  }

  /** Starts `load()` for `key`, replacing what was cached; a failure removes the entry (not a newer one). */
  load(key: K, load: () => Promise<V>): Promise<V> {
    const entry: { at: number; promise: Promise<V>; value?: V } = { at: this.now(), promise: load() };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        entry.value = value;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  /** The value last loaded for `key`, fresh or not, without loading; undefined while loading or after a failure. */
  peek(key: K): V | undefined {
    return this.entries.get(key)?.value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every entry whose key matches. */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of [...this.entries.keys()]) if (matches(key)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
