/**
 * Reading the finder's files on every core (issue 22, section 4): a few worker threads (readerWorker.ts) each
 * read batches of files with the same {@link ScanReader} as the main thread, while the main thread walks the
 * folders and decodes the few files that may hold the token. Outcomes come back per batch and are put in their
 * slots, so the finder's result keeps the order of a sequential scan.
 *
 * Where the worker script is missing (a bundle without it) or a worker fails, the batches it had not answered are
 * read on the main thread at the end: the result is the same, only slower.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReadOutcome, ReadRequest } from './fileRead';

const BATCH = 64;
/** Batches in flight per worker: enough (about 15 ms of reading) that no worker idles while the main thread walks between two yields. */
const IN_FLIGHT = 8;
const MAX_WORKERS = 4;

/** How long reader workers wait for the next scan before they end. */
const IDLE_MS = 30_000;
const idle: Worker[] = [];
let idleTimer: NodeJS.Timeout | undefined;

export const READER_WORKER_SCRIPT = join(__dirname, 'readerWorker.js');

/** A new reader worker; one that fails or ends while idle leaves the idle list (and its error is not thrown). */
function spawn(): Worker {
  const w = new Worker(READER_WORKER_SCRIPT);
  const drop = (): void => {
    const at = idle.indexOf(w);
    if (at >= 0) idle.splice(at, 1);
  };
  w.on('error', drop);
  w.on('exit', drop);
  return w;
}

/** How many reader workers a scan uses by default: one per core (at most 4), none on a single core. */
export function defaultReaderWorkers(): number {
  const cores = availableParallelism();
  return cores < 2 ? 0 : Math.min(cores, MAX_WORKERS);
}

interface Batch {
  readonly id: number;
  readonly slots: readonly number[];
  readonly files: readonly ReadRequest[];
}

export class ReaderPool {
  private readonly workers: Worker[] = [];
  private readonly busy = new Map<Worker, Batch[]>();
  private readonly detach: (() => void)[] = [];
  private readonly queue: Batch[] = [];
  private pending: { slot: number; request: ReadRequest }[] = [];
  private nextId = 0;
  private waiter: (() => void) | undefined;
  private failed = false;

  /**
   * @param onOutcome called on the main thread for each file read, with its slot.
   */
  constructor(
    count: number,
    setup: { literals: readonly string[]; hint: string; words: readonly string[] },
    private readonly onOutcome: (slot: number, outcome: ReadOutcome) => void,
  ) {
    if (!existsSync(READER_WORKER_SCRIPT)) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    for (let i = 0; i < count; i++) {
      const w = idle.pop() ?? spawn();
      w.ref();
      this.workers.push(w);
      this.busy.set(w, []);
      const onMessage = (m: { id: number; outcomes: ReadOutcome[] }): void => this.answered(w, m);
      const onFail = (): void => this.fail(w);
      w.on('message', onMessage);
      w.on('error', onFail);
      w.on('exit', onFail);
      this.detach.push(() => {
        w.off('message', onMessage);
        w.off('error', onFail);
        w.off('exit', onFail);
      });
      w.postMessage({ setup });
    }
  }

  /** False when no worker runs: the caller reads on the main thread. */
  get running(): boolean {
    return this.workers.length > 0;
  }

  add(slot: number, request: ReadRequest): void {
    this.pending.push({ slot, request });
    if (this.pending.length >= BATCH) this.flush();
  }

  /**
   * Waits until every file added has been answered, or a worker failed (unanswered slots stay empty). The main
   * thread, done walking, reads queued batches itself with `readHere`, one at a time, letting workers' answers in
   * between.
   */
  async drain(readHere: (request: ReadRequest) => ReadOutcome, signal?: AbortSignal): Promise<void> {
    this.flush();
    const onAbort = (): void => this.waiter?.();
    signal?.addEventListener('abort', onAbort);
    try {
      while (!this.failed && (this.queue.length > 0 || [...this.busy.values()].some((b) => b.length > 0))) {
        signal?.throwIfAborted();
        const batch = this.queue.pop();
        if (batch !== undefined) {
          batch.files.forEach((f, i) => this.onOutcome(batch.slots[i] ?? -1, readHere(f)));
          await new Promise<void>((resolve) => setImmediate(resolve));
          continue;
        }
        await new Promise<void>((resolve) => (this.waiter = resolve));
        this.waiter = undefined;
      }
      signal?.throwIfAborted();
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Ends the scan. Workers that answered everything wait idle (not keeping the process alive) for the next scan,
   * for {@link IDLE_MS}: a rotation scans again right after its plan (Finish Rotation, a changed file), and a
   * thread's start costs more than reading a few hundred files. Others (busy after an abort, failed) are ended.
   */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    for (const d of this.detach.splice(0)) d();
    const ended: Worker[] = [];
    for (const w of workers) {
      if (!this.failed && (this.busy.get(w) ?? []).length === 0 && idle.length < MAX_WORKERS) {
        w.unref();
        idle.push(w);
      } else ended.push(w);
    }
    if (idle.length > 0) {
      idleTimer = setTimeout(() => {
        for (const w of idle.splice(0)) void w.terminate();
      }, IDLE_MS);
      idleTimer.unref();
    }
    await Promise.all(ended.map((w) => w.terminate()));
  }

  private flush(): void {
    if (this.pending.length > 0) {
      const id = this.nextId++;
      this.queue.push({ id, slots: this.pending.map((p) => p.slot), files: this.pending.map((p) => p.request) });
      this.pending = [];
    }
    this.dispatch();
  }

  private dispatch(): void {
    if (this.failed) return;
    for (let sent = true; sent && this.queue.length > 0; ) {
      sent = false;
      for (const w of this.workers) {
        const inFlight = this.busy.get(w) ?? [];
        const batch = inFlight.length < IN_FLIGHT ? this.queue.shift() : undefined;
        if (batch === undefined) continue;
        inFlight.push(batch);
        w.postMessage({ id: batch.id, files: batch.files });
        sent = true;
      }
    }
  }

  private answered(w: Worker, m: { id: number; outcomes: ReadOutcome[] }): void {
    const inFlight = this.busy.get(w) ?? [];
    const at = inFlight.findIndex((b) => b.id === m.id);
    const batch = inFlight[at];
    if (batch === undefined) return;
    inFlight.splice(at, 1);
    batch.slots.forEach((slot, i) => {
      const outcome = m.outcomes[i];
      if (outcome !== undefined) this.onOutcome(slot, outcome);
    });
    this.dispatch();
    this.waiter?.();
  }

  private fail(w: Worker): void {
    if (!this.workers.includes(w)) return;
    this.failed = true;
    this.waiter?.();
  }
}
