import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { gitPlace, gitWorkTree } from '../../src/core/git';
import { applyEdits, singleEdit } from '../../src/core/yaml/edits';

void test('singleEdit replaces only the span between the common prefix and suffix, and applying it gives the target', () => {
  const cases: [string, string][] = [
    ['a: 1\nb: 2\n', 'a: 1\nx: 9\nb: 2\n'],
    ['a: 1\r\nb: 2\r\n', 'a: 1\r\nb: 2\r\n---\r\nc: 3\r\n'],
    ['same', 'same'],
    ['', 'new'],
    ['old', ''],
    ['x: "\u{1F600}"\n', 'x: "\u{1F601}"\n'],
  ];
  for (const [before, after] of cases) {
    const e = singleEdit(before, after);
    assert.equal(applyEdits(before, [e]), after, JSON.stringify([before, after]));
    // Never inside a CRLF or a surrogate pair.
    for (const i of [e.offset, e.offset + e.length]) {
      assert.ok(!(before[i - 1] === '\r' && before[i] === '\n'), `CRLF split at ${i}`);
      const c = before.charCodeAt(i);
      assert.ok(!(c >= 0xdc00 && c <= 0xdfff), `surrogate split at ${i}`);
    }
  }
  assert.deepEqual(singleEdit('a: 1\nb: 2\n', 'a: 1\nx: 9\nb: 2\n'), { offset: 5, length: 0, text: 'x: 9\n' });
});

void test('gitPlace tells tracked from untracked files in a work tree, and nothing outside one', async () => {
  const root = mkdtempSync(join(tmpdir(), 'quay-git-'));
  const outside = join(root, 'outside.yaml');
  writeFileSync(outside, 'a: 1\n');
  assert.equal(await gitPlace(outside), undefined);
  const repo = join(root, 'repo');
  mkdirSync(join(repo, 'k8s'), { recursive: true });
  execFileSync('git', ['init', '-q', repo]);
  writeFileSync(join(repo, 'k8s', 'tracked.yaml'), 'a: 1\n');
  writeFileSync(join(repo, 'k8s', 'new.yaml'), 'a: 1\n');
  execFileSync('git', ['-C', repo, 'add', 'k8s/tracked.yaml']);
  assert.equal(gitWorkTree(join(repo, 'k8s', 'new.yaml')), repo);
  assert.deepEqual(await gitPlace(join(repo, 'k8s', 'tracked.yaml')), { workTree: repo, tracked: true });
  assert.deepEqual(await gitPlace(join(repo, 'k8s', 'new.yaml')), { workTree: repo, tracked: false });
});
