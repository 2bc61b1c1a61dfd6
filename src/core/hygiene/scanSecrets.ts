/**
 * The offline `committed-token` check for pre-commit hooks and CI (`quay-robots scan-secrets`): robot credentials
 * of any Quay host, recognised by shape (credentials.ts), in
 * - the working tree: the files named, and under the folders named every file git tracks or could commit
 *   (git-ignored files are skipped: a token in an ignored `.env` is not committed); without git, every file;
 * - or the git index (`staged`): the staged version of each added, copied, modified or renamed file, read from
 *   git's object store, never from the working tree.
 * git always runs with GIT_SAFE_CONFIG (no fsmonitor, no hooks). Tokens are never returned.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { GIT_SAFE_CONFIG } from '../git';
import { MAX_FILE_BYTES } from '../rotation/finder';
import type { UsageEncoding } from '../rotation/match';
import { OVER_MAX_FILE_TEXT } from '../rotation/notScanned';
import { findCredentials } from './credentials';

export interface SecretHit {
  /** Relative to the working folder (or to the work tree's top for `staged`), `/`-separated. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly robot: string;
  readonly encoding: UsageEncoding;
  readonly host?: string;
}

export interface ScanResult {
  readonly hits: readonly SecretHit[];
  readonly filesScanned: number;
  /** Files not read (too large, unreadable). */
  readonly skipped: readonly string[];
}

const SKIPPED = new Set(['.git', 'node_modules']);
const BINARY_PROBE = 8000;

function git(cwd: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('git', [...GIT_SAFE_CONFIG, ...args], { cwd, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (error, stdout) => done(error === null ? stdout : undefined));
  });
}

/** Scans one text; binary content (a NUL byte early) is skipped. */
function scanBytes(file: string, bytes: Buffer, hits: SecretHit[]): void {
  if (bytes.subarray(0, BINARY_PROBE).includes(0)) return;
  for (const c of findCredentials(bytes.toString('utf8'))) {
    hits.push({ file, line: c.line, column: c.column, robot: c.robot, encoding: c.encoding, ...(c.host !== undefined ? { host: c.host } : {}) });
  }
}

/** The files under `dir` git would commit (tracked, or untracked and not ignored), absolute; undefined without git. */
async function committable(dir: string): Promise<Set<string> | undefined> {
  const top = (await git(dir, ['rev-parse', '--show-toplevel']))?.trim();
  if (top === undefined || top === '') return undefined;
  const out = await git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.']);
  if (out === undefined) return undefined;
  return new Set(out.split('\0').filter((f) => f !== '').map((f) => resolve(dir, f)));
}

/** The working tree: files named are always read; folders are walked, skipping what git ignores. */
export async function scanWorkingTree(paths: readonly string[], cwd: string): Promise<ScanResult> {
  const hits: SecretHit[] = [];
  const skipped: string[] = [];
  let filesScanned = 0;
  const buffer = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
  const shown = (abs: string): string => relative(cwd, abs).split(sep).join('/') || abs;
  const readFile = (abs: string): void => {
    let n = 0;
    try {
      const fd = openSync(abs, 'r');
      try {
        for (let r = 1; r > 0 && n < buffer.length; n += r) r = readSync(fd, buffer, n, buffer.length - n, null);
      } finally {
        closeSync(fd);
      }
    } catch {
      skipped.push(shown(abs));
      return;
    }
    filesScanned++;
    if (n > MAX_FILE_BYTES) skipped.push(`${shown(abs)} (${OVER_MAX_FILE_TEXT})`);
    else scanBytes(shown(abs), buffer.subarray(0, n), hits);
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let dir: boolean;
    try {
      dir = statSync(abs).isDirectory();
    } catch {
      throw new Error(`${p}: no such file or folder.`);
    }
    if (!dir) {
      readFile(abs);
      continue;
    }
    const allowed = await committable(abs);
    const stack = [abs];
    for (let d = stack.pop(); d !== undefined; d = stack.pop()) {
      let entries;
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch {
        skipped.push(shown(d));
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) {
        if (SKIPPED.has(e.name)) continue;
        const child = join(d, e.name);
        if (e.isDirectory()) stack.push(child);
        else if (e.isFile() && (allowed === undefined || allowed.has(child))) readFile(child);
      }
    }
  }
  hits.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { hits, filesScanned, skipped };
}

/** Blob contents by object id, through one `git cat-file --batch`. */
function catFiles(cwd: string, ids: readonly string[]): Promise<Buffer[]> {
  return new Promise((done, fail) => {
    const child = spawn('git', [...GIT_SAFE_CONFIG, 'cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`git cat-file failed: ${stderr.trim()}`));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (let i = 0; i < ids.length; i++) {
        const nl = all.indexOf(10, at);
        const header = all.subarray(at, nl).toString('utf8').split(' ');
        const size = Number(header[2] ?? '0');
        out.push(header[1] === 'missing' ? Buffer.alloc(0) : all.subarray(nl + 1, nl + 1 + size));
        at = header[1] === 'missing' ? nl + 1 : nl + 1 + size + 1;
      }
      done(out);
    });
    child.stdin.end(ids.map((id) => `${id}\n`).join(''));
  });
}

/** The staged version of every added, copied, modified or renamed file (limited to `paths` when given). */
export async function scanStaged(paths: readonly string[], cwd: string): Promise<ScanResult> {
  const top = (await git(cwd, ['rev-parse', '--show-toplevel']))?.trim();
  if (top === undefined || top === '') throw new Error(`${cwd} is not in a git work tree (or git is not installed): --staged reads the git index.`);
  const names = await git(top, ['diff', '--cached', '--name-only', '-z', '--diff-filter=ACMR', '--', ...(paths.length > 0 ? paths.map((p) => relative(top, resolve(cwd, p)) || '.') : ['.'])]);
  if (names === undefined) throw new Error('git could not list the staged files.');
  const files = names.split('\0').filter((f) => f !== '');
  if (files.length === 0) return { hits: [], filesScanned: 0, skipped: [] };
  const stage = await git(top, ['ls-files', '-s', '-z', '--', ...files]);
  if (stage === undefined) throw new Error('git could not read the index.');
  const entries = stage
    .split('\0')
    .filter((l) => l !== '')
    .map((l) => {
      const tab = l.indexOf('\t');
      const [, id = ''] = l.slice(0, tab).split(' ');
      return { id, file: l.slice(tab + 1) };
    })
    .filter((e) => e.id !== '');
  const blobs = await catFiles(top, entries.map((e) => e.id));
  const hits: SecretHit[] = [];
  const skipped: string[] = [];
  entries.forEach((e, i) => {
    const bytes = blobs[i] ?? Buffer.alloc(0);
    if (bytes.length > MAX_FILE_BYTES) skipped.push(`${e.file} (${OVER_MAX_FILE_TEXT})`);
    else scanBytes(e.file, bytes, hits);
  });
  hits.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { hits, filesScanned: entries.length, skipped };
}
