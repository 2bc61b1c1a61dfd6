/**
 * Whether a file lies in a git work tree, and whether git tracks it: asked before a robot token is written into
 * a file that could be committed. Uses the `git` executable when there is one; without it, only the work tree
 * is known (a `.git` entry in a parent folder).
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

/** Where `path` stands with git: undefined outside any work tree. */
export async function gitPlace(path: string): Promise<GitPlace | undefined> {
  const workTree = gitWorkTree(path);
  if (workTree === undefined) return undefined;
  const tracked = await new Promise<boolean | undefined>((resolve) => {
    execFile('git', ['ls-files', '--error-unmatch', '--', path], { cwd: workTree, timeout: 5000 }, (error) => {
      if (error === null) resolve(true);
      else resolve(typeof error.code === 'number' && error.code === 1 ? false : undefined);
    });
  });
  return { workTree, tracked };
}
