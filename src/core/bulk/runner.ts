/** Outcome of one bulk run: what was applied, what failed (with the error) and what never ran (cancelled). */
export interface BulkReport<T> {
  readonly applied: readonly T[];
  readonly failed: readonly { readonly item: T; readonly error: unknown }[];
  readonly notRun: readonly T[];
  readonly cancelled: boolean;
}

export interface BulkOptions<T> {
  /** Most workers at once; the client's per-instance limit applies below this as well. */
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, item: T) => void;
}

/**
 * Runs `work` over every item with bounded concurrency. Each item's failure is collected, never thrown; a
 * cancellation stops starting new items, lets the ones in flight finish, and reports the rest as not run —
 * so the report always says exactly what was applied.
 */
export async function runBulk<T>(items: readonly T[], work: (item: T, signal?: AbortSignal) => Promise<void>, options: BulkOptions<T>): Promise<BulkReport<T>> {
  const applied: T[] = [];
  const failed: { item: T; error: unknown }[] = [];
  const notRun: T[] = [];
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (options.signal?.aborted === true) return;
      const item = items[next++];
      try {
        await work(item, options.signal);
        applied.push(item);
      } catch (error) {
        failed.push({ item, error });
      }
      done++;
      options.onProgress?.(done, items.length, item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, () => worker()));
  for (let i = next; i < items.length; i++) notRun.push(items[i]);
  return { applied, failed, notRun, cancelled: options.signal?.aborted === true };
}
