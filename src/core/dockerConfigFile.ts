/**
 * Writing robot credentials into a Docker `config.json` the way a careful user would by hand: merged into the
 * existing file's `auths` (every other key, `credHelpers` and `credsStore` kept), never over a file that is not
 * valid JSON, and written atomically (a temporary file in the same folder, then a rename) with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { DockerAuth } from './k8s/credentials';
import { errorMessage } from './log';

/** Where docker reads its configuration: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function defaultDockerConfigPath(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const dir = env.DOCKER_CONFIG;
  return join(dir !== undefined && dir !== '' ? dir : join(home, '.docker'), 'config.json');
}

export interface DockerConfigMerge {
  /** The file's new text. */
  readonly text: string;
  /** `auths` keys that were not in the file. */
  readonly added: readonly string[];
  /** `auths` keys whose entry is replaced. */
  readonly changed: readonly string[];
  /** Other `auths` keys, kept as they are. */
  readonly kept: readonly string[];
  /** For each written key whose host has a credential helper (`credHelpers[host]`, else `credsStore`): docker asks it instead. */
  readonly helpers: readonly { readonly key: string; readonly helper: string }[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameEntry(a: unknown, b: DockerAuth): boolean {
  return isObject(a) && Object.keys(a).length === 2 && a.auth === b.auth && a.email === b.email;
}

/**
 * Merges `auths` entries into a config file's text (undefined or blank: a new file). Throws, naming `fileName`,
 * when the text is not a JSON object whose `auths` (if any) is an object: such a file is left for the user to fix.
 * The indentation of the existing file is kept (2 spaces for a new one, as Quay renders it).
 */
export function mergeDockerAuths(existing: string | undefined, auths: Readonly<Record<string, DockerAuth>>, fileName = 'config.json'): DockerConfigMerge {
  let config: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch (error) {
      throw new Error(`${fileName} is not valid JSON (${errorMessage(error)}); it was left as it is. Fix it, or choose another file.`, { cause: error });
    }
    if (!isObject(parsed)) throw new Error(`${fileName} is not a Docker configuration (a JSON object); it was left as it is. Choose another file.`);
    if (parsed.auths !== undefined && !isObject(parsed.auths)) throw new Error(`The "auths" of ${fileName} is not an object; the file was left as it is. Fix it, or choose another file.`);
    config = parsed;
  }
  const current = isObject(config.auths) ? config.auths : {};
  const added: string[] = [];
  const changed: string[] = [];
  const merged: Record<string, unknown> = { ...current };
  for (const [key, entry] of Object.entries(auths)) {
    if (!Object.hasOwn(current, key)) added.push(key);
    else if (!sameEntry(current[key], entry)) changed.push(key);
    merged[key] = entry;
  }
  const kept = Object.keys(current).filter((k) => !Object.hasOwn(auths, k));
  const credHelpers = isObject(config.credHelpers) ? config.credHelpers : {};
  const helpers = Object.keys(auths).flatMap((key) => {
    const host = key.split('/')[0] ?? key;
    const helper = credHelpers[host] ?? config.credsStore;
    return typeof helper === 'string' && helper !== '' ? [{ key, helper }] : [];
  });
  const indent = existing === undefined ? undefined : /\n([ \t]+)"/.exec(existing)?.[1];
  const text = `${JSON.stringify({ ...config, auths: merged }, null, indent ?? 2)}\n`;
  return { text, added, changed, kept, helpers };
}

/** The file's text, or undefined when there is no file. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes `text` to `path` readable by its owner only (0600, whatever the umask), atomically: a reader sees the
 * old file or the new one, never a part. A symbolic link is followed (the file it points to is replaced); a
 * missing folder is created with mode 0700.
 */
export function writePrivateFile(path: string, text: string): Promise<void> {
  return writeFileAtomically(path, text, 0o600);
}

/**
 * Writes `text` to `path` atomically with `mode` (whatever the umask): a temporary file in the same folder, synced,
 * then a rename over the target (a symbolic link is followed). A missing folder is created with mode 0700.
 */
export async function writeFileAtomically(path: string, text: string, mode: number): Promise<void> {
  const target = await realpath(path).catch(() => path);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.chmod(mode);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Sets mode 0600 on an existing file (its content unchanged). */
export async function makePrivate(path: string): Promise<void> {
  await chmod(path, 0o600);
}
