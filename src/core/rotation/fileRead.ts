/**
 * How the token-usage finder (finder.ts) lists folders and reads files, on the main thread or in a reader worker
 * (readerPool.ts): one task lists a folder and reads its files, each opened non-blocking and checked with
 * `fstat`, read whole into a reused buffer, and sorted into what the finder needs to know, so only the files
 * worth reporting travel back (few: binary, too large, holding a literal or the references' hint), and only
 * those that may hold the token with their bytes, to be decoded.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const BINARY_PROBE = 8000;

/** Bits of the prefilter's gram table: 2^16 bits (8 KiB, within the L1 cache: a larger table costs a cache miss per probe), so a few hundred grams leave over 99% of slots empty. */
const GRAM_BITS = 16;
const gramSlot = (gram: number): number => Math.imul(gram, 0x9e3779b1) >>> (32 - GRAM_BITS);
const gramAt = (b: Uint8Array, i: number): number => ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;

/** Whether this machine stores a `Uint32Array` element little-endian, as {@link gramAt} reads a gram. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Whether `bytes` hold one of the literals. Every literal of length L has a 4-byte gram at each offset; a window
 * of L bytes always contains a position that is a multiple of any step up to `L - 3`, so probing only those
 * positions for a gram of any literal finds every occurrence (the shortest literal sets the step, rounded down
 * to a multiple of 4 so that, in a 4-byte-aligned buffer, each probe is one `Uint32Array` read). A probe first
 * asks a bit table indexed by a hash of the gram (almost always empty), then the exact grams, and a gram of a
 * literal is checked in place: is that literal at the position the gram implies? The base64 literals share
 * grams with other robots' credentials (the same namespace, the same JSON around them), so checking in place,
 * not the whole file for every literal, keeps such files cheap. The answer is exactly "one of the literals is in
 * the bytes".
 */
export function literalPrefilter(literals: readonly Buffer[]): (bytes: Buffer) => boolean {
  const shortest = Math.min(...literals.map((l) => l.length));
  if (shortest < 4) return (bytes) => literals.some((l) => bytes.includes(l));
  const table = new Uint32Array(1 << (GRAM_BITS - 5));
  /** Each gram's places: the literal and the gram's offset in it. */
  const places = new Map<number, { literal: Buffer; offset: number }[]>();
  for (const literal of literals) {
    for (let offset = 0; offset + 4 <= literal.length; offset++) {
      const gram = gramAt(literal, offset);
      const slot = gramSlot(gram);
      table[slot >>> 5] = (table[slot >>> 5] ?? 0) | (1 << (slot & 31));
      const list = places.get(gram);
      if (list === undefined) places.set(gram, [{ literal, offset }]);
      else list.push({ literal, offset });
    }
  }
  const step = shortest >= 7 ? (shortest - 3) & ~3 : shortest - 3;
  return (bytes) => {
    const words = LITTLE_ENDIAN && step % 4 === 0 && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2) : undefined;
    const last = bytes.length - 4;
    for (let i = 0; i <= last; i += step) {
      const gram = words !== undefined ? (words[i >>> 2] ?? 0) : gramAt(bytes, i);
      const slot = gramSlot(gram);
      if (((table[slot >>> 5] ?? 0) & (1 << (slot & 31))) === 0) continue;
      for (const { literal, offset } of places.get(gram) ?? []) {
        const start = i - offset;
        if (start >= 0 && start + literal.length <= bytes.length && bytes.compare(literal, 0, literal.length, start, start + literal.length) === 0) return true;
      }
    }
    return false;
  };
}

/** `O_NONBLOCK` where the platform has it: opening a FIFO then returns at once instead of waiting for a writer. */
const OPEN_NONBLOCK = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** {@link openRegularFile} with the size `fstat` gave. */
function openRegular(file: string, noFollow: boolean): { readonly fd: number; readonly size: number } | 'special' {
  const fd = openSync(file, OPEN_NONBLOCK | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  let size = -1;
  try {
    const st = fstatSync(fd);
    if (st.isFile()) size = st.size;
  } finally {
    if (size < 0) closeSync(fd);
  }
  return size < 0 ? 'special' : { fd, size };
}

/**
 * Opens `file` for reading without blocking (a FIFO or a device would block a plain `open`) and checks with
 * `fstat` on the opened descriptor that it is a regular file: `'special'` otherwise, and nothing is read.
 * `noFollow` refuses a symbolic link (ELOOP), for files listed as regular that a link replaced since.
 */
export function openRegularFile(file: string, noFollow = false): number | 'special' {
  const opened = openRegular(file, noFollow);
  return opened === 'special' ? opened : opened.fd;
}

/**
 * A whole regular file's bytes, opened as {@link openRegularFile} does; `'large'` past `maxBytes`, `'special'`
 * when it is not a regular file. For small files such as the user's Docker config.
 */
export function readRegularFile(file: string, maxBytes = MAX_FILE_BYTES): Buffer | 'large' | 'special' {
  const fd = openRegularFile(file);
  if (fd === 'special') return 'special';
  const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, 1024 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (let r = readSync(fd, buffer, 0, buffer.length, null); r > 0; r = readSync(fd, buffer, 0, buffer.length, null)) {
      chunks.push(Buffer.from(buffer.subarray(0, r)));
      total += r;
      if (total > maxBytes) return 'large';
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks, total);
}

/** UTF-16 text: a byte-order mark, or (for text without one) a NUL in at least 90% of the even or of the odd bytes. */
export function isUtf16(probe: Buffer): boolean {
  if (probe.length >= 2 && ((probe[0] === 0xff && probe[1] === 0xfe) || (probe[0] === 0xfe && probe[1] === 0xff))) return true;
  const pairs = Math.floor(probe.length / 2);
  if (pairs < 2) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < probe.length; i += 2) {
    if (probe[i] === 0) even++;
    if (probe[i + 1] === 0) odd++;
  }
  return (even >= 0.9 * pairs) !== (odd >= 0.9 * pairs);
}

export class Reader {
  private readonly buffer = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);

  /**
   * The file's bytes (a view into the reused buffer, valid until the next read), `'large'`, or `'special'` when it
   * is not a regular file (nothing read; see {@link openRegularFile}).
   */
  read(file: string, noFollow = false): Buffer | 'large' | 'special' {
    const opened = openRegular(file, noFollow);
    if (opened === 'special') return 'special';
    const { fd, size } = opened;
    try {
      if (size > MAX_FILE_BYTES) return 'large';
      // Up to the end of the file: a read that returns less than asked once the size fstat gave is reached is
      // the end (no further read returning 0); a file growing meanwhile is read on, a size of 0 (procfs) too.
      let n = 0;
      for (;;) {
        const want = this.buffer.length - n;
        const r = readSync(fd, this.buffer, n, want, null);
        n += r;
        if (r === 0 || n === this.buffer.length || (r < want && size > 0 && n >= size)) break;
      }
      return n > MAX_FILE_BYTES ? 'large' : this.buffer.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }
}

/** One file to read: `noFollow` for a file listed in a folder (a symbolic link swapped in since is refused). */
export interface ReadRequest {
  readonly path: string;
  readonly noFollow: boolean;
}

/**
 * What reading one file found:
 * - `error`: open, `fstat` or read failed (`code` is the errno name);
 * - `special`: not a regular file, nothing read; `large`: over 5 MiB;
 * - `binary`: a NUL in the first 8,000 bytes and a literal in its bytes; `utf16`: UTF-16 text;
 * - `text`: searched as text; `bytes` only when it may hold the token (a copy, its own memory); `hint` when it
 *   holds the references' hint (references.ts). A binary file without a literal is `text` with neither.
 */
export type ReadOutcome =
  | { readonly kind: 'error'; readonly code: string | undefined }
  | { readonly kind: 'special' | 'large' | 'binary' | 'utf16' }
  | { readonly kind: 'text'; readonly hint: boolean; readonly bytes?: Uint8Array };

/**
 * Whether `bytes` hold `hint` and one of `words`. A word containing the hint is checked in place at each of the
 * hint's occurrences (first the byte beside the hint, which rules out almost every one), so a file is searched
 * once for the hint, not once per word; the other words are searched only in a file holding the hint and none
 * of those.
 */
export function hintAndWord(hint: string, words: readonly string[]): (bytes: Buffer) => boolean {
  const h = Buffer.from(hint, 'latin1');
  const around = words.filter((w) => w.includes(hint) && w.length > hint.length).map((w) => {
    const word = Buffer.from(w, 'latin1');
    const at = w.indexOf(hint);
    // The byte beside the hint in the word, and its offset from the hint's start.
    const beside = at > 0 ? at - 1 : at + hint.length;
    return { word, at, beside: beside - at, byte: word[beside] ?? 0 };
  });
  const elsewhere = words.filter((w) => !w.includes(hint)).map((w) => Buffer.from(w, 'latin1'));
  const exact = words.includes(hint);
  return (bytes) => {
    const first = bytes.indexOf(h);
    if (first < 0) return false;
    if (exact) return true;
    for (let i = first; i >= 0; i = bytes.indexOf(h, i + h.length)) {
      for (const { word, at, beside, byte } of around) {
        const start = i - at;
        if (bytes[i + beside] === byte && start >= 0 && start + word.length <= bytes.length && bytes.compare(word, 0, word.length, start, start + word.length) === 0) return true;
      }
    }
    return elsewhere.some((w) => bytes.includes(w));
  };
}

/** Never entered by the walk. */
export const SKIPPED_NAMES: ReadonlySet<string> = new Set(['.git', 'node_modules']);

/** A glob on `/`-separated relative paths: `**` any folders, `*` and `?` within one name. */
export function globMatcher(pattern: string): RegExp {
  let re = '';
  const p = pattern.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
  for (let i = 0; i < p.length; i++) {
    const c = p.charAt(i);
    if (c === '*' && p.charAt(i + 1) === '*') {
      const slash = p.charAt(i + 2) === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** What a scan looks for and where it may not look; sent to each reader worker once per scan. */
export interface ScanSetup {
  /** The needles' literals (match.ts). */
  readonly literals: readonly string[];
  /** A file may hold a reference (references.ts) only if it holds `hint` and one of `words`. */
  readonly hint: string;
  readonly words: readonly string[];
  /** Glob patterns on `/`-separated paths relative to their root. */
  readonly excludes: readonly string[];
  /** The real paths of the folders scanned: a symbolic link into one of them points at something searched anyway. */
  readonly realRoots: readonly string[];
}

/**
 * One piece of the walk: a folder to list (`rel` its `/`-separated path below its root, `''` for a root), whose
 * files are read as it is listed, or files of a long listing still to be read (so that other threads share them).
 */
export type ScanTask = { readonly kind: 'folder'; readonly path: string; readonly rel: string } | { readonly kind: 'files'; readonly paths: readonly string[] };

/** A file worth reporting (anything but text holding neither a literal nor the hint), and what reading it found. */
export interface FileOutcome {
  readonly path: string;
  readonly outcome: ReadOutcome;
}

/** What one task found, in the order a sequential walk meets it (finder.ts puts the tasks' results together). */
export interface TaskResult {
  /** The folder could not be listed. */
  readonly unreadable: boolean;
  /** Symbolic links to outside the roots and special entries, in the order the listing meets them (last name first). */
  readonly listed: readonly { readonly path: string; readonly reason: 'symlink' | 'special' }[];
  /** In name order: a file worth reporting, or the index in `tasks` of a sub-folder or of a run of files. */
  readonly entries: readonly (FileOutcome | number)[];
  readonly tasks: readonly ScanTask[];
  /** Files this task read or tried to (files of `tasks` not included), and those read (no error, regular). */
  readonly files: number;
  readonly read: number;
}

/** A listing's files read by the task that lists it; the others go to tasks of this many. */
const FILES_PER_TASK = 64;

/** The finder's walk, reading and byte-level sorting of files: the same on the main thread and in a reader worker. */
export class ScanReader {
  private readonly reader = new Reader();
  private readonly mayHold: (bytes: Buffer) => boolean;
  private readonly hint: (bytes: Buffer) => boolean;
  private readonly excludes: readonly RegExp[];
  private readonly realRoots: readonly string[];

  constructor(setup: ScanSetup) {
    this.mayHold = literalPrefilter(setup.literals.map((l) => Buffer.from(l, 'latin1')));
    this.hint = hintAndWord(setup.hint, setup.words);
    this.excludes = setup.excludes.map(globMatcher);
    this.realRoots = setup.realRoots;
  }

  read(r: ReadRequest): ReadOutcome {
    let bytes: Buffer | 'large' | 'special';
    try {
      bytes = this.reader.read(r.path, r.noFollow);
    } catch (e) {
      return { kind: 'error', code: (e as NodeJS.ErrnoException).code };
    }
    if (bytes === 'special' || bytes === 'large') return { kind: bytes };
    const probe = bytes.subarray(0, BINARY_PROBE);
    if (probe.includes(0)) {
      if (isUtf16(probe)) return { kind: 'utf16' };
      return this.mayHold(bytes) ? { kind: 'binary' } : { kind: 'text', hint: false };
    }
    // Without a NUL, only a byte-order mark makes UTF-16 text (non-Latin): isUtf16's NUL count is 0 here.
    if (probe.length >= 2 && ((probe[0] === 0xff && probe[1] === 0xfe) || (probe[0] === 0xfe && probe[1] === 0xff))) return { kind: 'utf16' };
    const hint = this.hint(bytes);
    return this.mayHold(bytes) ? { kind: 'text', hint, bytes: Uint8Array.prototype.slice.call(bytes) } : { kind: 'text', hint };
  }

  /**
   * Lists a folder (`.git`, `node_modules` and excluded paths left out; symbolic links never followed, listed
   * when their target is outside the roots) and reads its files, or reads a run of files. A file found in a
   * folder was listed as a regular file: a symbolic link swapped in since is refused (`noFollow`).
   */
  run(task: ScanTask): TaskResult {
    const listed: { path: string; reason: 'symlink' | 'special' }[] = [];
    const entries: (FileOutcome | number)[] = [];
    const tasks: ScanTask[] = [];
    let files = 0;
    let read = 0;
    const readFile = (path: string): void => {
      const outcome = this.read({ path, noFollow: true });
      files++;
      if (outcome.kind !== 'error' && outcome.kind !== 'special') read++;
      if (outcome.kind !== 'text' || outcome.hint || outcome.bytes !== undefined) entries.push({ path, outcome });
    };
    const result = (unreadable: boolean): TaskResult => ({ unreadable, listed, entries, tasks, files, read });
    if (task.kind === 'files') {
      for (const path of task.paths) readFile(path);
      return result(false);
    }
    let dirents;
    try {
      dirents = readdirSync(task.path, { withFileTypes: true });
    } catch {
      return result(true);
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Links and special entries as the listing meets them (last name first); folders and files kept for name order.
    const kept: { path: string; rel: string; folder: boolean }[] = [];
    for (let i = dirents.length - 1; i >= 0; i--) {
      const e = dirents[i];
      if (e === undefined || SKIPPED_NAMES.has(e.name)) continue;
      const rel = task.rel === '' ? e.name : `${task.rel}/${e.name}`;
      if (this.excludes.some((re) => re.test(rel))) continue;
      // Below a root, the folder's path is already normalised: joining is appending (what `join` returns).
      const path = task.rel === '' ? join(task.path, e.name) : task.path + sep + e.name;
      if (e.isSymbolicLink()) {
        if (this.outsideRoots(path)) listed.push({ path, reason: 'symlink' });
      } else if (e.isDirectory() || e.isFile()) kept.push({ path, rel, folder: e.isDirectory() });
      else listed.push({ path, reason: 'special' });
    }
    let run: string[] | undefined;
    for (let i = kept.length - 1; i >= 0; i--) {
      const k = kept[i];
      if (k === undefined) continue;
      if (k.folder) {
        run = undefined;
        entries.push(tasks.push({ kind: 'folder', path: k.path, rel: k.rel }) - 1);
      } else if (files < FILES_PER_TASK) readFile(k.path);
      else {
        if (run === undefined || run.length >= FILES_PER_TASK) {
          run = [];
          entries.push(tasks.push({ kind: 'files', paths: run }) - 1);
        }
        run.push(k.path);
      }
    }
    return result(false);
  }

  /** A symbolic link whose target exists outside the roots (a dangling one holds nothing to search). */
  private outsideRoots(path: string): boolean {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return false;
    }
    return !this.realRoots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  }
}
