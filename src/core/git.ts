/**
 * Whether a file lies in a git work tree, and whether git tracks it: asked before a robot token is written into
 * a file that could be committed. Uses the `git` executable when allowed (trusted workspaces) and present;
 * otherwise only the work tree is known (a `.git` entry in a parent folder).
 *
 * A repository's own `.git/config` can make git run a program: `core.fsmonitor` (run by `git ls-files` to
 * refresh the index) or a hook. Command-line `-c` settings override the repository's, so every git call here
 * turns both off ({@link GIT_SAFE_CONFIG}); and the caller does not run git at all in an untrusted workspace.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GitPlace {
  /** The work tree's top folder. */
  readonly workTree: string;
  /** True when git tracks the file, false when it does not, undefined when git could not be asked. */
  readonly tracked: boolean | undefined;
}

/** The git work tree a path lies in, if any (the nearest parent folder holding `.git`). */
export function gitWorkTree(path: string): string | undefined {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Settings before every git command: no fsmonitor program, no hooks, whatever the repository configures. */
export const GIT_SAFE_CONFIG: readonly string[] = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null'];

/**
 * Where `path` stands with git: undefined outside any work tree. With `runGit` false (an untrusted workspace),
 * git is not run and `tracked` is undefined.
 */
export async function gitPlace(path: string, runGit: boolean): Promise<GitPlace | undefined> {
  const workTree = gitWorkTree(path);
  if (workTree === undefined) return undefined;
  if (!runGit) return { workTree, tracked: undefined };
  const tracked = await new Promise<boolean | undefined>((resolve) => {
    execFile('git', [...GIT_SAFE_CONFIG, 'ls-files', '--error-unmatch', '--', path], { cwd: workTree, timeout: 5000 }, (error) => {
      if (error === null) resolve(true);
      else resolve(typeof error.code === 'number' && error.code === 1 ? false : undefined);
    });
  });
  return { workTree, tracked };
}

/** The `origin` remote's URL (else the first remote's) and the checked-out branch of a work tree; undefined parts when git cannot tell. */
export async function gitRemoteAndBranch(workTree: string): Promise<{ readonly remote?: string; readonly branch?: string }> {
  const run = (args: readonly string[]): Promise<string | undefined> =>
    new Promise((resolve) => {
      execFile('git', [...GIT_SAFE_CONFIG, ...args], { cwd: workTree, timeout: 5000 }, (error, stdout) => resolve(error === null ? stdout.trim() : undefined));
    });
  const [origin, remotes, branch] = await Promise.all([run(['remote', 'get-url', 'origin']), run(['remote']), run(['symbolic-ref', '--short', '-q', 'HEAD'])]);
  const first = remotes?.split('\n').find((r) => r !== '');
  const remote = origin ?? (first !== undefined ? await run(['remote', 'get-url', first]) : undefined);
  return { ...(remote !== undefined && remote !== '' ? { remote } : {}), ...(branch !== undefined && branch !== '' ? { branch } : {}) };
}
