/**
 * The workspace side of the hygiene review: every robot credential written in a file (credentials.ts, any
 * encoding the rotation finder knows), pull Secrets in manifests (core/yaml/pullSecrets.ts) with the
 * `imagePullSecrets` entries naming them (core/yaml/workloads.ts), and whether git tracks each file holding a
 * credential (one `git ls-files` per work tree, with GIT_SAFE_CONFIG).
 *
 * Files are walked as the rotation finder does (finder.ts): `.git` and `node_modules` skipped, no symbolic links,
 * binary files (a NUL byte in the first 8,000 bytes) and files over 5 MiB not read. Git-ignored files are read
 * too (a `.env` there is a usage, not a committed token).
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { GIT_SAFE_CONFIG, gitWorkTree } from '../git';
import { MAX_FILE_BYTES } from '../rotation/finder';
import { lineStarts, position } from '../rotation/match';
import { OVER_MAX_FILE_TEXT } from '../rotation/notScanned';
import { parseManifests } from '../yaml/parse';
import { findPullSecrets } from '../yaml/pullSecrets';
import { findWorkloads } from '../yaml/workloads';
import { findCredentials, mayHoldCredential } from './credentials';
import type { WorkspaceCredential, WorkspaceInputs, WorkspacePullUsage } from './inputs';

const SKIPPED = new Set(['.git', 'node_modules']);
const BINARY_PROBE = 8000;
const MANIFEST = /\.ya?ml$/i;

export interface WorkspaceOptions {
  /** Folders or files. */
  readonly roots: readonly string[];
  /** Run git to tell tracked files (false in an untrusted workspace: `tracked` is then undefined). */
  readonly runGit?: boolean;
  /** Fingerprint → robot, to name tokens written without a robot name near them (from the robot list). */
  readonly knownTokens?: ReadonlyMap<string, string>;
  /** Report paths relative to this folder (the CLI's working folder); absolute otherwise. */
  readonly relativeTo?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (filesScanned: number) => void;
}

const hostOf = (key: string): string => key.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split('/')[0] ?? key;

/** Pull Secrets and `imagePullSecrets` references in one manifest text. */
export function manifestPullUsages(text: string, path: string): WorkspacePullUsage[] {
  if (!text.includes('imagePullSecrets') && !text.includes('dockerconfigjson') && !text.includes('dockercfg')) return [];
  let parsed;
  try {
    parsed = parseManifests(text);
  } catch {
    return [];
  }
  const starts = lineStarts(text);
  const out: WorkspacePullUsage[] = [];
  const bySecret = new Map<string, { robot: string; host: string; namespace: string | undefined }[]>();
  for (const s of findPullSecrets(parsed)) {
    const at = position(starts, s.valueRange?.start ?? s.range.start);
    for (const e of s.entries) {
      if (e.username === undefined || !e.username.includes('+')) continue;
      const host = hostOf(e.key);
      out.push({ robot: e.username, host, path, ...at, kind: 'secret', ...(s.name !== undefined ? { secret: s.name } : {}), ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) });
      if (s.name !== undefined) bySecret.set(s.name, [...(bySecret.get(s.name) ?? []), { robot: e.username, host, namespace: s.namespace }]);
    }
  }
  if (!text.includes('imagePullSecrets')) return out;
  for (const w of findWorkloads(parsed)) {
    for (const ref of w.imagePullSecrets) {
      for (const held of bySecret.get(ref.name) ?? []) {
        if (held.namespace !== undefined && w.namespace !== undefined && held.namespace !== w.namespace) continue;
        const namespace = w.namespace ?? held.namespace;
        out.push({ robot: held.robot, host: held.host, path, ...position(starts, ref.range.start), kind: 'imagePullSecrets', secret: ref.name, ...(namespace !== undefined ? { namespace } : {}) });
      }
    }
  }
  return out;
}

/** Git-tracked files of a work tree (absolute paths), or undefined when git cannot say. */
export function gitTrackedFiles(workTree: string): Promise<Set<string> | undefined> {
  return new Promise((done) => {
    execFile('git', [...GIT_SAFE_CONFIG, 'ls-files', '-z'], { cwd: workTree, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (error, stdout) => {
      if (error !== null) return done(undefined);
      done(new Set(stdout.split('\0').filter((f) => f !== '').map((f) => join(workTree, ...f.split('/')))));
    });
  });
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Reads the workspace once. Pull Secret references across files are joined by Secret name. */
export async function gatherWorkspace(o: WorkspaceOptions): Promise<WorkspaceInputs> {
  const buffer = Buffer.allocUnsafe(MAX_FILE_BYTES + 1);
  const credentials: Omit<WorkspaceCredential, 'tracked'>[] = [];
  const credentialFiles = new Map<string, string>(); // shown path → absolute
  const secretTexts: { path: string; text: string }[] = [];
  const notExamined: string[] = [];
  let filesScanned = 0;
  const shown = (abs: string): string => (o.relativeTo !== undefined ? relative(o.relativeTo, abs).split(sep).join('/') || abs : abs);

  const stack: string[] = [];
  for (const root of [...o.roots].reverse()) {
    try {
      statSync(root);
    } catch {
      throw new Error(`${root}: no such file or folder.`);
    }
    stack.push(resolve(root));
  }
  let last = Date.now();
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      notExamined.push(shown(p));
      continue;
    }
    if (isDir) {
      let entries;
      try {
        entries = readdirSync(p, { withFileTypes: true });
      } catch {
        notExamined.push(shown(p));
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const e of entries) if (!SKIPPED.has(e.name) && (e.isDirectory() || e.isFile())) stack.push(join(p, e.name));
      continue;
    }
    let n = 0;
    try {
      const fd = openSync(p, 'r');
      try {
        for (let r = 1; r > 0 && n < buffer.length; n += r) r = readSync(fd, buffer, n, buffer.length - n, null);
      } finally {
        closeSync(fd);
      }
    } catch {
      notExamined.push(shown(p));
      continue;
    }
    filesScanned++;
    if (n > MAX_FILE_BYTES) {
      notExamined.push(`${shown(p)} (${OVER_MAX_FILE_TEXT})`);
      continue;
    }
    const bytes = buffer.subarray(0, n);
    if (bytes.subarray(0, BINARY_PROBE).includes(0)) continue;
    const text = bytes.toString('utf8');
    if (mayHoldCredential(text)) {
      for (const c of findCredentials(text, o.knownTokens)) {
        credentials.push({ robot: c.robot, ...(c.host !== undefined ? { host: c.host } : {}), path: shown(p), line: c.line, column: c.column, encoding: c.encoding, fingerprint: c.fingerprint });
        credentialFiles.set(shown(p), p);
      }
    }
    if (MANIFEST.test(p)) secretTexts.push({ path: shown(p), text });
    if (Date.now() - last > 10) {
      o.onProgress?.(filesScanned);
      await yieldToEventLoop();
      o.signal?.throwIfAborted();
      last = Date.now();
    }
  }

  const pullUsages: WorkspacePullUsage[] = [];
  // Secrets defined in one file and referenced in another: index Secret → robots across the workspace.
  const perFile = secretTexts.map((f) => ({ path: f.path, text: f.text, usages: manifestPullUsages(f.text, f.path) }));
  const secrets = new Map<string, WorkspacePullUsage[]>();
  for (const f of perFile) for (const u of f.usages) if (u.kind === 'secret' && u.secret !== undefined) secrets.set(u.secret, [...(secrets.get(u.secret) ?? []), u]);
  for (const f of perFile) {
    pullUsages.push(...f.usages);
    if (!f.text.includes('imagePullSecrets')) continue;
    const local = new Set(f.usages.filter((u) => u.kind === 'secret').map((u) => u.secret));
    let parsed;
    try {
      parsed = parseManifests(f.text);
    } catch {
      continue;
    }
    const starts = lineStarts(f.text);
    for (const w of findWorkloads(parsed)) {
      for (const ref of w.imagePullSecrets) {
        if (local.has(ref.name)) continue;
        for (const held of secrets.get(ref.name) ?? []) {
          if (held.namespace !== undefined && w.namespace !== undefined && held.namespace !== w.namespace) continue;
          const namespace = w.namespace ?? held.namespace;
          pullUsages.push({ robot: held.robot, ...(held.host !== undefined ? { host: held.host } : {}), path: f.path, ...position(starts, ref.range.start), kind: 'imagePullSecrets', secret: ref.name, ...(namespace !== undefined ? { namespace } : {}) });
        }
      }
    }
  }

  // Tracked or not: one `git ls-files` per work tree holding a credential.
  const tracked = new Map<string, boolean | undefined>();
  const trees = new Map<string, Promise<Set<string> | undefined>>();
  for (const [name, abs] of credentialFiles) {
    const tree = gitWorkTree(abs);
    if (tree === undefined || o.runGit === false) {
      tracked.set(name, undefined);
      continue;
    }
    let files = trees.get(tree);
    if (files === undefined) trees.set(tree, (files = gitTrackedFiles(tree)));
    const set = await files;
    tracked.set(name, set === undefined ? undefined : set.has(abs));
  }
  o.onProgress?.(filesScanned);
  return {
    roots: o.roots,
    credentials: credentials.map((c) => ({ ...c, tracked: tracked.get(c.path) })),
    pullUsages,
    filesScanned,
    notExamined,
  };
}
