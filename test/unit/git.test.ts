import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gitPlace, gitWorkTree } from '../../src/core/git';

function repository(root: string): string {
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'k8s'), { recursive: true });
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(join(repo, 'k8s', 'tracked.yaml'), 'a: 1\n');
  writeFileSync(join(repo, 'k8s', 'new.yaml'), 'a: 1\n');
  execFileSync('git', ['-C', repo, 'add', 'k8s/tracked.yaml']);
  return repo;
}

void test('gitPlace tells tracked from untracked files in a work tree, and nothing outside one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'quay-git-'));
  try {
    const outside = join(root, 'outside.yaml');
    writeFileSync(outside, 'a: 1\n');
    assert.equal(await gitPlace(outside, true), undefined);
    const repo = repository(root);
    assert.equal(gitWorkTree(join(repo, 'k8s', 'new.yaml')), repo);
    assert.deepEqual(await gitPlace(join(repo, 'k8s', 'tracked.yaml'), true), { workTree: repo, tracked: true });
    assert.deepEqual(await gitPlace(join(repo, 'k8s', 'new.yaml'), true), { workTree: repo, tracked: false });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

void test('a repository whose config names programs (core.fsmonitor, hooks) does not get them run; untrusted: git is not run', async (t) => {
  if (process.platform === 'win32') {
    t.skip('a POSIX shell script as the program');
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'quay-git-'));
  try {
    const repo = repository(root);
    const marker = join(root, 'ran');
    const program = join(root, 'program.sh');
    writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(program, 0o755);
    execFileSync('git', ['-C', repo, 'config', 'core.fsmonitor', program]);
    // The same config as a git command without the extension's settings runs the program: the check is real.
    execFileSync('git', ['-C', repo, 'ls-files', '--error-unmatch', '--', 'k8s/tracked.yaml'], { stdio: 'ignore' });
    assert.ok(existsSync(marker), 'plain git ls-files runs core.fsmonitor');
    rmSync(marker);
    assert.deepEqual(await gitPlace(join(repo, 'k8s', 'tracked.yaml'), true), { workTree: repo, tracked: true });
    assert.ok(!existsSync(marker), 'core.fsmonitor was run by gitPlace');
    // Untrusted workspace: the work tree from the .git folder; git not asked (it would say "tracked").
    assert.deepEqual(await gitPlace(join(repo, 'k8s', 'tracked.yaml'), false), { workTree: repo, tracked: undefined });
    assert.ok(!existsSync(marker));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
