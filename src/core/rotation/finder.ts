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
 * Speed (issue 22 §4, test/bench/rotation.ts compares the whole with ripgrep): the main thread walks the folders
 * while reader threads (readerPool.ts, one per core, kept idle 30 s between scans) read each file into a reused
 * buffer and search it for the needles' literals as bytes (fileRead.ts); only a file holding one comes back to be
 * decoded and scanned for real (match.ts). Reads are synchronous, in batches: asynchronous reads cost several
 * thread-pool round trips per file, which for thousands of small files is slower than the search itself. Small
 * scans (200 files or fewer) read on the main thread, in slices of about 10 ms between which the event loop runs,
 * the signal is checked and progress is reported. Either way the result is the same, in the same order.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TextRange } from '../yaml/edits';
import { needlesFor, scanText } from './match';
import type { Needles, TextUsage } from './match';
import { vaultExternalSecretsIn, type FileVaultExternalSecret } from './externalSecrets';
import { conventionalSecretNames, findReferences, REFERENCE_HINT, REFERENCE_WORDS, secretsHolding } from './references';
import type { SecretReference } from './references';
import { Reader, ScanReader, type ReadOutcome } from './fileRead';
import { defaultReaderWorkers, ReaderPool } from './readerPool';

export { literalPrefilter, MAX_FILE_BYTES, openRegularFile, readRegularFile } from './fileRead';

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
  /**
   * Reader threads (readerPool.ts): `workers` of them (default one per core, at most 4; 0 reads on the main
   * thread) once more than `after` files are found (default 200: below that, starting threads costs more than it
   * saves). The result is the same either way.
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

interface Pending {
  readonly path: string;
  /** `/`-separated path relative to its root, for excludes; undefined for extra files. */
  readonly rel: string | undefined;
  readonly dir: boolean;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A place in scan order: what the walk found, or a file with what reading it found (filled in later by a worker). */
type Item =
  | { readonly kind: 'skipped'; readonly skipped: SkippedFile }
  | { readonly kind: 'unreadable'; readonly path: string }
  | { readonly kind: 'file'; readonly p: Pending; outcome?: ReadOutcome; scanned?: ScannedFile };

const DEFAULT_PARALLEL_AFTER = 200;

/** Find every usage of the robot's token under the roots and in the extra files. */
export async function findTokenUsages(o: FindOptions): Promise<FindResult> {
  const needles = needlesFor(o.robot, o.token);
  const scanReader = new ScanReader(needles.literals, REFERENCE_HINT, REFERENCE_WORDS);
  const excludes = (o.excludes ?? []).map(globMatcher);
  const excluded = (rel: string | undefined): boolean => rel !== undefined && excludes.some((re) => re.test(rel));
  const reader = new Reader();
  const files: ScannedFile[] = [];
  /** The texts holding a usage, and where: what Secrets hold the token is read from them only if a file may reference one. */
  const holders: { readonly text: string; readonly ranges: readonly TextRange[] }[] = [];
  const referenceCandidates: string[] = [];
  const tooLarge: string[] = [];
  const unreadable: string[] = [];
  const skipped: SkippedFile[] = [];
  let filesScanned = 0;
  /** The roots' real paths: a symbolic link into one of them points at something that is searched anyway. */
  const realRoots: string[] = [];
  /** Everything the scan meets, in the order a sequential scan meets it: the result is assembled from it. */
  const items: Item[] = [];
  const workers = o.readers?.workers ?? defaultReaderWorkers();
  const parallelAfter = o.readers?.after ?? DEFAULT_PARALLEL_AFTER;
  let pool: ReaderPool | undefined;
  let filesFound = 0;
  let filesRead = 0;

  /** What a file's outcome means as soon as it is known: a file that may hold the token is decoded and scanned. */
  const settle = (slot: number, outcome: ReadOutcome): void => {
    const item = items[slot];
    if (item?.kind !== 'file') return;
    if (outcome.kind === 'text' && outcome.bytes !== undefined) {
      const bytes = outcome.bytes;
      const text = decode(bytes);
      const scanned = scanFile(item.p.path, bytes, text, needles);
      if (scanned.usages.length > 0) {
        item.scanned = scanned;
        holders.push({ text, ranges: scanned.usages.map((u) => u.value ?? u.range) });
      }
      item.outcome = { kind: 'text', hint: outcome.hint };
    } else item.outcome = outcome;
    if (outcome.kind !== 'error' && outcome.kind !== 'special') filesRead++;
  };

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
    if (!insideRoots(real)) items.push({ kind: 'skipped', skipped: { path, reason: 'symlink' } });
  };

  const visit = (p: Pending): void => {
    if (p.dir) {
      let entries;
      try {
        entries = readdirSync(p.path, { withFileTypes: true });
      } catch {
        items.push({ kind: 'unreadable', path: p.path });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // popped in name order
      for (const e of entries) {
        if (SKIPPED_NAMES.has(e.name)) continue;
        const rel = p.rel === '' ? e.name : `${p.rel}/${e.name}`;
        if (excluded(rel)) continue;
        // Below a root, the folder's path is already normalised: joining is appending (what `join` returns).
        const path = p.rel === '' ? join(p.path, e.name) : p.path + sep + e.name;
        if (e.isSymbolicLink()) link(path); // symbolic links are not followed
        else if (e.isDirectory() || e.isFile()) stack.push({ path, rel, dir: e.isDirectory() });
        else items.push({ kind: 'skipped', skipped: { path, reason: 'special' } });
      }
      return;
    }
    const slot = items.push({ kind: 'file', p }) - 1;
    // A file found in a folder was listed as a regular file: a symbolic link swapped in since is refused.
    const request = { path: p.path, noFollow: p.rel !== undefined && p.rel !== '' };
    if (++filesFound > parallelAfter && workers > 0 && pool === undefined) {
      pool = new ReaderPool(workers, { literals: needles.literals, hint: REFERENCE_HINT, words: REFERENCE_WORDS }, settle);
    }
    if (pool?.running === true) pool.add(slot, request);
    else settle(slot, scanReader.read(request));
  };

  try {
    let sliceStart = performance.now();
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      visit(next);
      if (performance.now() - sliceStart >= SLICE_MS) {
        o.onProgress?.(filesRead);
        await yieldToEventLoop();
        o.signal?.throwIfAborted();
        sliceStart = performance.now();
      }
    }
    await pool?.drain((request) => scanReader.read(request), o.signal);
  } finally {
    await pool?.close();
  }

  for (const [slot, item] of items.entries()) {
    if (item.kind === 'skipped') skipped.push(item.skipped);
    else if (item.kind === 'unreadable') unreadable.push(item.path);
    else {
      // Not answered by a reader worker (one failed): read here.
      if (item.outcome === undefined) settle(slot, scanReader.read({ path: item.p.path, noFollow: item.p.rel !== undefined && item.p.rel !== '' }));
      const outcome = item.outcome ?? { kind: 'error', code: undefined };
      const path = item.p.path;
      if (outcome.kind === 'error') {
        if (item.p.rel !== undefined || outcome.code !== 'ENOENT') unreadable.push(path);
        continue;
      }
      if (outcome.kind === 'special') {
        skipped.push({ path, reason: 'special' });
        continue;
      }
      filesScanned++;
      if (outcome.kind === 'large') tooLarge.push(path);
      else if (outcome.kind !== 'text') skipped.push({ path, reason: outcome.kind });
      else if (outcome.kind === 'text') {
        if (outcome.hint) referenceCandidates.push(path);
        if (item.scanned !== undefined) files.push(item.scanned);
      }
    }
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
