/** The hygiene review's workspace fixture (test/fixtures/hygiene/), copied into a fresh git repository. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GIT_SAFE_CONFIG } from '../../../src/core/git';
import { repoRoot } from '../yaml/helpers';

export const HYGIENE_FIXTURE = join(repoRoot(), 'test', 'fixtures', 'hygiene');

export function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', [...GIT_SAFE_CONFIG, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

/**
 * Copies the fixture into `target` (`QUAY_HOST` → `quayHost`, `dot.env` → `.env`), makes it a git repository and
 * stages every file git does not ignore (the `.env` stays untracked).
 */
export function writeHygieneWorkspace(target: string, quayHost: string): void {
  for (const entry of readdirSync(HYGIENE_FIXTURE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = join(entry.parentPath, entry.name);
    const rel = relative(HYGIENE_FIXTURE, from);
    const to = join(target, entry.name === 'dot.env' ? join(dirname(rel), '.env') : rel);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, readFileSync(from, 'utf8').replaceAll('QUAY_HOST', quayHost));
  }
  git(target, ['init', '-q']);
  git(target, ['add', '.']);
}
