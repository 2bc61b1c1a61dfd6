/**
 * One pending run per key (a document's URI): a new request replaces the one still waiting. The diagnostics
 * providers use it to re-check a document once typing pauses.
 */
export class KeyedDebounce {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  /** Runs `task` after `delay` ms unless `key` is scheduled again or cancelled first. */
  schedule(key: string, delay: number, task: () => void): void {
    this.cancel(key);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        task();
      }, delay),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
