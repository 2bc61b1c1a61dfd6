/**
 * The token-usage finder over folders (issue 11, section 1): every file of every root, git-ignored ones
 * included (that is where `.env` files live), except `.git`, `node_modules`, binary files (a NUL byte in the
 * first 8,000 bytes, as git decides), files over 5 MiB and the caller's excludes; plus the extra files the
 * caller names (user-level credential files, `userCredentialFiles`).
 *
 * Nothing that could hold the token is passed over silently ({@link FindResult.skipped}): a binary file is still
 * searched for the token's literal forms and listed when it holds one (it cannot be edited as text), a UTF-16
 * file is listed (it is text this finder does not decode), a symbolic link whose target lies outside the roots
 * is listed (links are never followed), and so is anything that is not a regular file (a FIFO, a socket, a
 * device): every file is opened non-blocking and checked with `fstat` before it is read, so a FIFO given as a
 * root or extra file (or swapped in after the folder was listed) cannot block the scan.
 *
 * Speed: each file is read into one reused buffer and searched for the needles' literals as bytes
 * (`Buffer.indexOf`); only a file holding one is decoded and scanned for real (match.ts). Reads are
 * synchronous, in slices of about 10 ms between which the event loop runs, the signal is checked and progress
 * is reported: asynchronous reads cost several thread-pool round trips per file, which for thousands of small
 * files is slower than the search itself (test/bench/rotation.ts compares the whole with ripgrep).
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TextRange } from '../yaml/edits';
import { needlesFor, scanText } from './match';
import type { Needles, TextUsage } from './match';
import { conventionalSecretNames, findReferences, REFERENCE_HINT, secretsHolding } from './references';
import type { SecretReference } from './references';

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const BINARY_PROBE = 8000;
const SKIPPED_NAMES = new Set(['.git', 'node_modules']);
const SLICE_MS = 10;

export interface FindOptions {
  /** Full robot name `namespace+short`. */
  readonly robot: string;
  /** The robot's current token. Never logged nor put in an error message. */
  readonly token: string;
  /** Folders (or files) to scan, e.g. the workspace folders. */
  readonly roots: readonly string[];
  /** Files scanned as well, without excludes; missing ones are ignored (e.g. `userCredentialFiles()`). */
  readonly extraFiles?: readonly string[];
  /** Glob patterns on paths relative to their root (`**`, `*`, `?`), e.g. `dist/**`, `**\/*.min.js`. */
  readonly excludes?: readonly string[];
  readonly signal?: AbortSignal;
  /** Called between slices and at the end with the number of files read so far. */
  readonly onProgress?: (filesScanned: number) => void;
}

export interface FileUsage extends TextUsage {
  /** The same span in the file's bytes (a UTF-8 byte-order mark counted). */
  readonly bytes: TextRange;
}

/** One file's usages and what `verifyUnchanged` needs to tell whether the file changed since. */
export interface ScannedFile {
  readonly file: string;
  /** sha256 of the text the usages' offsets refer to (UTF-8, without a byte-order mark). */
  readonly hash: string;
  readonly usages: readonly FileUsage[];
}

export interface NonUpdatable extends SecretReference {
  readonly file: string;
}

export interface FindResult {
  /** Files with at least one usage, in scan order. */
  readonly files: readonly ScannedFile[];
  /** What cannot be updated from here (references.ts). */
  readonly nonUpdatable: readonly NonUpdatable[];
  readonly filesScanned: number;
  /** Text files not scanned for their size. */
  readonly tooLarge: readonly string[];
  /** Files and folders that could not be read. */
  readonly unreadable: readonly string[];
  /** What was not searched as text though it could hold the token, with why (see {@link SkipReason}). */
  readonly skipped: readonly SkippedFile[];
}

/**
 * Why a file was not searched as text:
 * - `binary`: a NUL in its first 8,000 bytes, and one of the token's literal forms in its bytes;
 * - `utf16`: UTF-16 text (a byte-order mark, or a NUL in every other byte);
 * - `symlink`: a symbolic link (never followed) whose target lies outside the roots;
 * - `special`: not a regular file (a FIFO, a socket, a device).
 */
export type SkipReason = 'binary' | 'utf16' | 'symlink' | 'special';

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

/** What the CLI prints for each reason, after the path. */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  binary: 'binary file holding the token, not searched as text',
  utf16: 'UTF-16 text, not searched',
  symlink: 'symbolic link to a file outside the folders searched, not followed',
  special: 'not a regular file (FIFO, socket or device), not read',
};

/** True when something that could hold the token was not searched: the result is then not a proof of absence. */
export function scanIncomplete(r: Pick<FindResult, 'tooLarge' | 'unreadable' | 'skipped'>): boolean {
  return r.tooLarge.length > 0 || r.unreadable.length > 0 || r.skipped.length > 0;
}

/** `~/.docker/config.json`, `$XDG_RUNTIME_DIR/containers/auth.json`, `~/.config/containers/auth.json`. */
export function userCredentialFiles(home: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const files = [join(home, '.docker', 'config.json')];
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime !== undefined && runtime !== '') files.push(join(runtime, 'containers', 'auth.json'));
  files.push(join(env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(home, '.config'), 'containers', 'auth.json'));
  return files;
}

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

/**
 * Whether the scan of `root` reaches `file` (with the same excludes): inside `root`, no `.git` or `node_modules`
 * folder on the way, no exclude matching the file or a folder above it, no symbolic link on the way, and a
 * regular file. What the editor holds unsaved is searched only where the scan itself would look.
 */
export function reachedByScan(root: string, file: string, excludes: readonly string[]): boolean {
  const rel = relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return false;
  const names = rel.split(sep);
  const patterns = excludes.map(globMatcher);
  let path = root;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? '';
    if (SKIPPED_NAMES.has(name)) return false;
    const prefix = names.slice(0, i + 1).join('/');
    if (patterns.some((re) => re.test(prefix))) return false;
    path = join(path, name);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return false;
    }
    if (st.isSymbolicLink()) return false;
    if (i === names.length - 1 ? !st.isFile() : !st.isDirectory()) return false;
  }
  return true;
}

export function textHash(text: string): string {
  return createHash('sha256').update(text.replace(/^\ufeff/, ''), 'utf8').digest('hex');
}

/** False when the text is not the one the file was scanned as: scan it again before editing. */
export function verifyUnchanged(text: string, scanned: Pick<ScannedFile, 'hash'>): boolean {
  return textHash(text) === scanned.hash;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Usages in one file's text (decoded from `bytes`), with byte spans. */
function scanFile(file: string, bytes: Uint8Array, text: string, needles: Needles): ScannedFile {
  const bom = Buffer.from(bytes.subarray(0, 3)).equals(BOM) ? 3 : 0;
  const usages = scanText(text, needles).map((u) => {
    const start = bom + Buffer.byteLength(text.slice(0, u.range.start), 'utf8');
    return { ...u, bytes: { start, end: start + Buffer.byteLength(text.slice(u.range.start, u.range.end), 'utf8') } };
  });
  return { file, hash: textHash(text), usages };
}

/** The text of a file as VS Code shows it: UTF-8, a byte-order mark dropped. */
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

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
function isUtf16(probe: Buffer): boolean {
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

class Reader {
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

interface Pending {
  readonly path: string;
  /** `/`-separated path relative to its root, for excludes; undefined for extra files. */
  readonly rel: string | undefined;
  readonly dir: boolean;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Find every usage of the robot's token under the roots and in the extra files. */
export async function findTokenUsages(o: FindOptions): Promise<FindResult> {
  const needles = needlesFor(o.robot, o.token);
  const mayHold = literalPrefilter(needles.literals.map((l) => Buffer.from(l, 'latin1')));
  const hint = Buffer.from(REFERENCE_HINT, 'latin1');
  const excludes = (o.excludes ?? []).map(globMatcher);
  const excluded = (rel: string | undefined): boolean => rel !== undefined && excludes.some((re) => re.test(rel));
  const reader = new Reader();
  const files: ScannedFile[] = [];
  const known = new Set(conventionalSecretNames(o.robot));
  const referenceCandidates: string[] = [];
  const tooLarge: string[] = [];
  const unreadable: string[] = [];
  const skipped: SkippedFile[] = [];
  let filesScanned = 0;
  /** The roots' real paths: a symbolic link into one of them points at something that is searched anyway. */
  const realRoots: string[] = [];

  const stack: Pending[] = [];
  for (const f of [...(o.extraFiles ?? [])].reverse()) stack.push({ path: f, rel: undefined, dir: false });
  for (const root of [...o.roots].reverse()) {
    let dir: boolean;
    try {
      dir = statSync(root).isDirectory();
    } catch {
      throw new Error(`${root}: no such file or folder.`);
    }
    stack.push({ path: root, rel: '', dir });
    if (dir) realRoots.push(realpathSync(root));
  }
  const insideRoots = (real: string): boolean => realRoots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  /** A symbolic link in a tree: listed unless its target is missing or lies inside a root (searched there). */
  const link = (path: string): void => {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      return; // dangling: nothing to search
    }
    if (!insideRoots(real)) skipped.push({ path, reason: 'symlink' });
  };

  const visit = (p: Pending): void => {
    if (p.dir) {
      let entries;
      try {
        entries = readdirSync(p.path, { withFileTypes: true });
      } catch {
        unreadable.push(p.path);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // popped in name order
      for (const e of entries) {
        if (SKIPPED_NAMES.has(e.name)) continue;
        const rel = p.rel === '' ? e.name : `${p.rel}/${e.name}`;
        if (excluded(rel)) continue;
        const path = join(p.path, e.name);
        if (e.isSymbolicLink()) link(path); // symbolic links are not followed
        else if (e.isDirectory() || e.isFile()) stack.push({ path, rel, dir: e.isDirectory() });
        else skipped.push({ path, reason: 'special' });
      }
      return;
    }
    let bytes: Buffer | 'large' | 'special';
    try {
      // A file found in a folder was listed as a regular file: a symbolic link swapped in since is refused.
      bytes = reader.read(p.path, p.rel !== undefined && p.rel !== '');
    } catch (e) {
      if (p.rel !== undefined || (e as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push(p.path);
      return;
    }
    if (bytes === 'special') {
      skipped.push({ path: p.path, reason: 'special' });
      return;
    }
    filesScanned++;
    if (bytes === 'large') {
      tooLarge.push(p.path);
      return;
    }
    const probe = bytes.subarray(0, BINARY_PROBE);
    if (probe.includes(0)) {
      if (isUtf16(probe)) skipped.push({ path: p.path, reason: 'utf16' });
      else if (mayHold(bytes)) skipped.push({ path: p.path, reason: 'binary' });
      return;
    }
    if (isUtf16(probe)) {
      skipped.push({ path: p.path, reason: 'utf16' }); // a byte-order mark, and no NUL: non-Latin UTF-16 text
      return;
    }
    if (bytes.includes(hint)) referenceCandidates.push(p.path);
    if (!mayHold(bytes)) return;
    const text = decode(bytes);
    const scanned = scanFile(p.path, bytes, text, needles);
    if (scanned.usages.length === 0) return;
    files.push(scanned);
    for (const name of secretsHolding(text, scanned.usages.map((u) => u.value ?? u.range))) known.add(name);
  };

  let sliceStart = performance.now();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    visit(next);
    if (performance.now() - sliceStart >= SLICE_MS) {
      o.onProgress?.(filesScanned);
      await yieldToEventLoop();
      o.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }

  const nonUpdatable: NonUpdatable[] = [];
  for (const file of referenceCandidates) {
    o.signal?.throwIfAborted();
    let bytes: Buffer | 'large' | 'special';
    try {
      bytes = reader.read(file);
    } catch {
      continue;
    }
    if (bytes === 'large' || bytes === 'special') continue;
    for (const r of findReferences(decode(bytes), known)) nonUpdatable.push({ ...r, file });
  }
  o.onProgress?.(filesScanned);
  return { files, nonUpdatable, filesScanned, tooLarge, unreadable, skipped };
}
