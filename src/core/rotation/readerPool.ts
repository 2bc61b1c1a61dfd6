/**
 * The finder's walk on every core: a few worker threads (readerWorker.ts) run the walk's
 * tasks (fileRead.ts: list a folder and read its files, or read a run of files) with the same
 * {@link ScanReader} as the main thread, which hands the tasks out as the listings find them, runs those no
 * worker has room for, and puts the results together in the order of a sequential scan (finder.ts).
 *
 * Where the worker script is missing (a bundle without it) or a worker fails, the tasks it had not answered are
 * handed back and run on the main thread: the result is the same, only slower.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanSetup, ScanTask, TaskResult } from './fileRead';

/**
 * Messages in flight per worker, and tasks per message at most: enough that no worker idles between two
 * answers, few enough that the main thread, done with the rest, does not wait long for the last ones.
 */
const IN_FLIGHT = 2;
const TASKS_PER_MESSAGE = 8;
const MAX_WORKERS = 4;

/** How long reader workers wait for the next scan before they end. */
const IDLE_MS = 30_000;
const idle: Worker[] = [];
let idleTimer: NodeJS.Timeout | undefined;

/** Ends the reader workers waiting for a next scan (the next scan starts new ones). */
export async function endIdleReaders(): Promise<void> {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}

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

/**
 * Starts the reader workers the coming scan will use, so that their start-up (tens of milliseconds each) overlaps
 * with what a rotation does first, asking Quay for the robot's token: Rotate, Finish Rotation and `quay-robots
 * rotate` call it as they begin. They wait as idle readers do after a scan ({@link IDLE_MS}), not keeping the
 * process alive.
 */
export function prestartReaders(count = defaultReaderWorkers()): void {
  if (!existsSync(READER_WORKER_SCRIPT)) return;
  for (let i = idle.length; i < Math.min(count, MAX_WORKERS); i++) {
    const w = spawn();
    w.unref();
    idle.push(w);
  }
  endIdleLater();
}

/** The idle readers end {@link IDLE_MS} from now unless a scan takes them first. */
function endIdleLater(): void {
  if (idleTimer !== undefined) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    for (const w of idle.splice(0)) void w.terminate();
  }, IDLE_MS);
  idleTimer.unref();
}

/**
 * How many reader workers a scan uses by default: one per core but one (at most 4), since the main thread runs
 * tasks too, so as many threads as cores, as `rg -j <cores>`; none on a single core, and none while the cores
 * are busy (a load average over the last minute of one per core or more): threads then gain no time, and
 * starting them (a few tens of milliseconds each, then their code runs unoptimised for a while) costs CPU.
 */
export function defaultReaderWorkers(): number {
  const cores = availableParallelism();
  return (loadavg()[0] ?? 0) >= cores ? 0 : Math.min(cores - 1, MAX_WORKERS);
}

/** A worker's answer: the results of one message's tasks, in order. */
interface Answer {
  readonly id: number;
  readonly results: TaskResult[];
}

export class ReaderPool {
  private readonly workers: Worker[] = [];
  /** Per worker, its messages not answered yet: each message's id and task ids. */
  private readonly busy = new Map<Worker, { id: number; tasks: number[] }[]>();
  /** Workers that can take tasks: a new one once it has loaded its script and the setup (until then, the main thread works alone). */
  private readonly ready = new Set<Worker>();
  private readonly detach: (() => void)[] = [];
  private nextId = 0;
  private waiter: (() => void) | undefined;
  private failed = false;

  /**
   * @param onResult called on the main thread with each task's id and result.
   */
  constructor(
    count: number,
    setup: ScanSetup,
    private readonly onResult: (task: number, result: TaskResult) => void,
  ) {
    if (!existsSync(READER_WORKER_SCRIPT)) return;
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    for (let i = 0; i < count; i++) {
      const reused = idle.pop();
      const w = reused ?? spawn();
      if (reused !== undefined) this.ready.add(w);
      w.ref();
      this.workers.push(w);
      this.busy.set(w, []);
      const onMessage = (m: Answer | { ready: true }): void => ('ready' in m ? this.started(w) : this.answered(w, m));
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

  /** False when no worker runs (none started, or one failed): the caller runs the tasks itself. */
  get running(): boolean {
    return this.workers.length > 0 && !this.failed;
  }

  /** True while a task handed out has not been answered (and no worker failed). */
  get pending(): boolean {
    return this.running && [...this.busy.values()].some((b) => b.length > 0);
  }

  /**
   * Hands tasks to the workers with room for them, spread evenly: `next` gives the next task id to hand out
   * (undefined when there is none), `task` the task itself.
   */
  feed(next: () => number | undefined, available: number, task: (id: number) => ScanTask): void {
    if (!this.running) return;
    let left = available;
    for (let sent = true; sent && left > 0; ) {
      sent = false;
      for (const w of this.workers) {
        const inFlight = this.busy.get(w) ?? [];
        if (inFlight.length >= IN_FLIGHT || left <= 0 || !this.ready.has(w)) continue;
        const share = Math.min(TASKS_PER_MESSAGE, Math.ceil(left / this.workers.length));
        const ids: number[] = [];
        for (let id = next(); id !== undefined; id = ids.length < share ? next() : undefined) ids.push(id);
        if (ids.length === 0) return;
        left -= ids.length;
        const id = this.nextId++;
        inFlight.push({ id, tasks: ids });
        w.postMessage({ id, tasks: ids.map(task) });
        sent = true;
      }
    }
  }

  /** Resolves at the next answer, at a worker's failure, or when `signal` aborts. */
  async answer(signal?: AbortSignal): Promise<void> {
    if (!this.pending) return;
    const onAbort = (): void => this.waiter?.();
    signal?.addEventListener('abort', onAbort);
    try {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    } finally {
      this.waiter = undefined;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** After a worker failed: the tasks handed out and not answered, to be run by the caller (once). */
  takeBack(): number[] {
    if (!this.failed) return [];
    const ids: number[] = [];
    for (const inFlight of this.busy.values()) for (const m of inFlight.splice(0)) ids.push(...m.tasks);
    return ids;
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
    if (idle.length > 0) endIdleLater();
    await Promise.all(ended.map((w) => w.terminate()));
  }

  private started(w: Worker): void {
    this.ready.add(w);
    this.waiter?.();
  }

  private answered(w: Worker, m: Answer): void {
    const inFlight = this.busy.get(w) ?? [];
    const at = inFlight.findIndex((b) => b.id === m.id);
    const message = inFlight[at];
    if (message === undefined || this.failed) return;
    inFlight.splice(at, 1);
    message.tasks.forEach((task, i) => {
      const result = m.results[i];
      if (result !== undefined) this.onResult(task, result);
    });
    this.waiter?.();
  }

  private fail(w: Worker): void {
    if (!this.workers.includes(w)) return;
    this.failed = true;
    this.waiter?.();
  }
}
