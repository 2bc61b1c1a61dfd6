/**
 * How the token-usage finder (finder.ts) reads one file, on the main thread or in a reader worker
 * (readerPool.ts): opened non-blocking and checked with `fstat`, read whole into a reused buffer, and sorted into
 * what the finder needs to know, so only the few files that may hold the token travel back to be decoded.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const BINARY_PROBE = 8000;

/**
 * Whether `bytes` may hold one of the literals. Every literal of length L has a 4-byte gram at each offset; a
 * window of L bytes always contains a position that is a multiple of `L - 3`, so probing only those positions for
 * a gram of any literal finds every occurrence (the shortest literal sets the step). One light pass replaces one
 * `Buffer.includes` per literal; a file with a probe hit is then checked literally.
 */
export function literalPrefilter(literals: readonly Buffer[]): (bytes: Buffer) => boolean {
  const shortest = Math.min(...literals.map((l) => l.length));
  if (shortest < 4) return (bytes) => literals.some((l) => bytes.includes(l));
  const grams = new Set<number>();
  const gramAt = (b: Uint8Array, i: number): number => ((b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24)) >>> 0;
  for (const l of literals) for (let i = 0; i + 4 <= l.length; i++) grams.add(gramAt(l, i));
  const step = shortest - 3;
  return (bytes) => {
    for (let i = 0; i + 4 <= bytes.length; i += step) {
      if (grams.has(gramAt(bytes, i))) return literals.some((l) => bytes.includes(l));
    }
    return false;
  };
}

/** `O_NONBLOCK` where the platform has it: opening a FIFO then returns at once instead of waiting for a writer. */
const OPEN_NONBLOCK = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Opens `file` for reading without blocking (a FIFO or a device would block a plain `open`) and checks with
 * `fstat` on the opened descriptor that it is a regular file: `'special'` otherwise, and nothing is read.
 * `noFollow` refuses a symbolic link (ELOOP), for files listed as regular that a link replaced since.
 */
export function openRegularFile(file: string, noFollow = false): number | 'special' {
  const fd = openSync(file, OPEN_NONBLOCK | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  let regular = false;
  try {
    regular = fstatSync(fd).isFile();
  } finally {
    if (!regular) closeSync(fd);
  }
  return regular ? fd : 'special';
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
    const fd = openRegularFile(file, noFollow);
    if (fd === 'special') return 'special';
    try {
      let n = 0;
      for (let r = 1; r > 0 && n < this.buffer.length; n += r) r = readSync(fd, this.buffer, n, this.buffer.length - n, null);
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

/** The finder's reading and byte-level sorting of files: the same on the main thread and in a reader worker. */
export class ScanReader {
  private readonly reader = new Reader();
  private readonly mayHold: (bytes: Buffer) => boolean;
  private readonly hint: Buffer;

  constructor(literals: readonly string[], hint: string) {
    this.mayHold = literalPrefilter(literals.map((l) => Buffer.from(l, 'latin1')));
    this.hint = Buffer.from(hint, 'latin1');
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
    if (isUtf16(probe)) return { kind: 'utf16' }; // a byte-order mark, and no NUL: non-Latin UTF-16 text
    const hint = bytes.includes(this.hint);
    return this.mayHold(bytes) ? { kind: 'text', hint, bytes: Uint8Array.prototype.slice.call(bytes) } : { kind: 'text', hint };
  }
}
