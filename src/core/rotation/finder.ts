/**
 * The token-usage finder over folders: every file of every root, git-ignored ones
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
 * Speed (README, "Benchmarks": test/bench/rotation.ts compares the whole with ripgrep): the walk is cut into tasks
 * (fileRead.ts: list a folder and read its files, or read a run of a long listing's files), run by the main
 * thread and, while cores are idle, by reader threads (readerPool.ts, one per core but one, kept idle 30 s
 * between scans); each file is read into a reused buffer and searched for the needles' literals as bytes, and
 * only a file holding one comes back with its bytes to be decoded and scanned for real (match.ts). Reads are
 * synchronous: asynchronous reads cost several thread-pool round trips per file, which for thousands of small
 * files is slower than the search itself. The main thread works in slices (10 ms alone, 1 ms while threads wait
 * for it) between which the event loop runs, the signal is checked and progress is reported; threads start
 * only past 200 files. Either way the result is the same, in the same order: the tasks' results are put
 * together as a sequential walk meets them.
 */
import { createHash } from 'node:crypto';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TextRange } from '../yaml/edits';
import { needlesFor, scanText } from './match';
import type { Needles, TextUsage } from './match';
import { vaultExternalSecretsIn, type FileVaultExternalSecret } from './externalSecrets';
import { conventionalSecretNames, findReferences, REFERENCE_HINT, REFERENCE_WORDS, secretsHolding } from './references';
import type { SecretReference } from './references';
import { globMatcher, Reader, ScanReader, SKIPPED_NAMES, type FileOutcome, type ScanTask, type TaskResult } from './fileRead';
import { defaultReaderWorkers, ReaderPool } from './readerPool';

export { globMatcher, literalPrefilter, MAX_FILE_BYTES, openRegularFile, readRegularFile } from './fileRead';
/** Slices of the main thread's work between which the event loop runs; short while threads wait for its answers. */
const SLICE_MS = 10;
const SLICE_WITH_THREADS_MS = 1;

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
  /**
   * Reader threads (readerPool.ts): `workers` of them (default `defaultReaderWorkers()`: one per core but one,
   * at most 4, none while the cores are busy; 0: the main thread alone) once more than `after` files are found
   * (default 200: below that, starting threads costs more than it saves). The result is the same either way.
   */
  readonly readers?: { readonly workers?: number; readonly after?: number };
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
  /** Vault-backed ExternalSecrets rendering the robot's token: update the vault, then refresh (externalSecrets.ts). */
  readonly externalSecrets: readonly (FileVaultExternalSecret & { readonly file: string })[];
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

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const DEFAULT_PARALLEL_AFTER = 200;

/** Find every usage of the robot's token under the roots and in the extra files. */
export async function findTokenUsages(o: FindOptions): Promise<FindResult> {
  const needles = needlesFor(o.robot, o.token);
  /** The roots' real paths: a symbolic link into one of them points at something that is searched anyway. */
  const realRoots: string[] = [];
  const folders = o.roots.map((root) => {
    try {
      return statSync(root).isDirectory();
    } catch {
      throw new Error(`${root}: no such file or folder.`);
    }
  });
  o.roots.forEach((root, i) => folders[i] === true && realRoots.push(realpathSync(root)));
  const setup = { literals: needles.literals, hint: REFERENCE_HINT, words: REFERENCE_WORDS, excludes: o.excludes ?? [], realRoots };
  const scanReader = new ScanReader(setup);
  const reader = new Reader();
  const files: ScannedFile[] = [];
  /** The texts holding a usage, and where: what Secrets hold the token is read from them only if a file may reference one. */
  const holders: { readonly text: string; readonly ranges: readonly TextRange[] }[] = [];
  const referenceCandidates: string[] = [];
  const tooLarge: string[] = [];
  const unreadable: string[] = [];
  const skipped: SkippedFile[] = [];
  let filesScanned = 0;
  const workers = o.readers?.workers ?? defaultReaderWorkers();
  const parallelAfter = o.readers?.after ?? DEFAULT_PARALLEL_AFTER;
  let pool: ReaderPool | undefined;
  let filesFound = 0;

  /** The walk's tasks (fileRead.ts), their results, and the ids of the tasks each result found. */
  const tasks: ScanTask[] = [];
  const results: TaskResult[] = [];
  const children: number[][] = [];
  /** Tasks not handed out yet: workers take the oldest, the main thread the newest. */
  const queue: number[] = [];
  let head = 0;
  const add = (task: ScanTask): number => {
    const id = tasks.push(task) - 1;
    queue.push(id);
    return id;
  };
  /** A file that may hold the token is decoded and scanned as soon as its outcome is known. */
  const scannedFiles = new Map<FileOutcome, ScannedFile>();
  const settle = (f: FileOutcome): void => {
    if (f.outcome.kind !== 'text' || f.outcome.bytes === undefined) return;
    const bytes = f.outcome.bytes;
    const text = decode(bytes);
    const scanned = scanFile(f.path, bytes, text, needles);
    if (scanned.usages.length > 0) {
      scannedFiles.set(f, scanned);
      holders.push({ text, ranges: scanned.usages.map((u) => u.value ?? u.range) });
    }
  };
  const done = (id: number, result: TaskResult): void => {
    results[id] = result;
    children[id] = result.tasks.map(add);
    filesFound += result.files;
    filesScanned += result.read;
    for (const e of result.entries) if (typeof e !== 'number') settle(e);
  };

  /** The roots (a folder's task, or a file read here) and then the extra files, in the order they are scanned. */
  const top: ({ readonly task: number } | { readonly file: FileOutcome; readonly inTree: boolean })[] = [];
  o.roots.forEach((path, i) => top.push(folders[i] === true ? { task: add({ kind: 'folder', path, rel: '' }) } : { file: { path, outcome: scanReader.read({ path, noFollow: false }) }, inTree: true }));
  for (const path of o.extraFiles ?? []) top.push({ file: { path, outcome: scanReader.read({ path, noFollow: false }) }, inTree: false });
  for (const t of top) {
    if (!('file' in t)) continue;
    settle(t.file);
    if (t.file.outcome.kind !== 'error' && t.file.outcome.kind !== 'special') filesScanned++;
  }

  try {
    o.signal?.throwIfAborted();
    let sliceStart = performance.now();
    for (;;) {
      if (pool === undefined && workers > 0 && filesFound > parallelAfter && queue.length > head) {
        pool = new ReaderPool(workers, setup, done);
      }
      if (pool !== undefined && !pool.running) for (const id of pool.takeBack()) queue.push(id);
      pool?.feed(() => (head < queue.length ? queue[head++] : undefined), queue.length - head, (id) => tasks[id] ?? { kind: 'files', paths: [] });
      // What no worker has room for is run here, newest first.
      const id = queue.length > head ? queue.pop() : undefined;
      if (id !== undefined) done(id, scanReader.run(tasks[id] ?? { kind: 'files', paths: [] }));
      else if (pool?.pending === true) await pool.answer(o.signal);
      else break;
      o.signal?.throwIfAborted();
      if (performance.now() - sliceStart >= (pool?.running === true ? SLICE_WITH_THREADS_MS : SLICE_MS)) {
        o.onProgress?.(filesScanned);
        await yieldToEventLoop();
        o.signal?.throwIfAborted();
        sliceStart = performance.now();
      }
    }
  } finally {
    await pool?.close();
  }

  /** Puts a file's outcome in its lists, in the order of a sequential scan; a missing extra file is no error. */
  const record = (f: FileOutcome, inTree: boolean): void => {
    const { path, outcome } = f;
    if (outcome.kind === 'error') {
      if (inTree || outcome.code !== 'ENOENT') unreadable.push(path);
    } else if (outcome.kind === 'special') skipped.push({ path, reason: 'special' });
    else if (outcome.kind === 'large') tooLarge.push(path);
    else if (outcome.kind !== 'text') skipped.push({ path, reason: outcome.kind });
    else {
      if (outcome.hint) referenceCandidates.push(path);
      const scanned = scannedFiles.get(f);
      if (scanned !== undefined) files.push(scanned);
    }
  };
  /** A folder's task: its listing's links and special entries, then its files and sub-folders in name order. */
  const emit = (id: number): void => {
    const task = tasks[id];
    const result = results[id];
    if (task === undefined || result === undefined) return;
    if (result.unreadable) unreadable.push(task.kind === 'folder' ? task.path : '');
    for (const l of result.listed) skipped.push(l);
    for (const e of result.entries) {
      if (typeof e !== 'number') record(e, true);
      else emit(children[id]?.[e] ?? -1);
    }
  };
  for (const t of top) {
    if ('file' in t) record(t.file, t.inTree);
    else emit(t.task);
  }

  const known = new Set(conventionalSecretNames(o.robot));
  if (referenceCandidates.length > 0) for (const h of holders) for (const name of secretsHolding(h.text, h.ranges)) known.add(name);
  const nonUpdatable: NonUpdatable[] = [];
  const externalSecrets: (FileVaultExternalSecret & { file: string })[] = [];
  for (const file of referenceCandidates) {
    o.signal?.throwIfAborted();
    let bytes: Buffer | 'large' | 'special';
    try {
      bytes = reader.read(file);
    } catch {
      continue;
    }
    if (bytes === 'large' || bytes === 'special') continue;
    const text = decode(bytes);
    const vault = vaultExternalSecretsIn(text, o.robot, known);
    externalSecrets.push(...vault.map((v) => ({ ...v, file })));
    // A vault-backed ExternalSecret is listed once, with what to do about it, not also as a plain reference.
    for (const r of findReferences(text, known)) if (!(r.kind === 'externalSecret' && vault.some((v) => v.line === r.line))) nonUpdatable.push({ ...r, file });
  }
  o.onProgress?.(filesScanned);
  return { files, nonUpdatable, externalSecrets, filesScanned, tooLarge, unreadable, skipped };
}
