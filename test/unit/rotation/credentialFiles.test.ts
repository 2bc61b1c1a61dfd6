/**
 * The rotation's writer for the user's credential files (src/core/rotation/credentialFiles.ts): found by the scan,
 * replaced on disk with mode 0600 through a temporary file and a rename (security review 2026-12, finding 10).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { basicAuth } from '../../../src/core/k8s/credentials';
import { rewriteCredentialFile } from '../../../src/core/rotation/credentialFiles';
import { findTokenUsages, reachedByScan, type ScannedFile } from '../../../src/core/rotation/finder';
import { needlesFor } from '../../../src/core/rotation/match';
import { ROBOT, TOKEN } from './helpers';

const NEW = 'NEWTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHI';
const r = { oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW };
const config = (token: string, bom = ''): string =>
  `${bom}${JSON.stringify({ auths: { 'quay.io': { auth: basicAuth(ROBOT, token) }, 'docker.io': { auth: basicAuth('someone', 'pw') } }, credsStore: 'desktop' }, null, '\t')}\n`;

async function scanned(file: string): Promise<ScannedFile> {
  const found = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [], extraFiles: [file] });
  const f = found.files[0];
  assert.ok(f !== undefined, `the scan finds the token in ${file}`);
  return f;
}

void test('a credential file is rewritten with mode 0600 through a new file (rename), other entries and the layout kept', async () => {
  const home = mkdtempSync(join(tmpdir(), 'credfile-'));
  try {
    const file = join(home, '.docker', 'config.json');
    mkdirSync(join(home, '.docker'));
    writeFileSync(file, config(TOKEN, '\ufeff'));
    chmodSync(file, 0o644);
    const before = statSync(file);
    const scan = await scanned(file);
    const done = await rewriteCredentialFile(file, scan, scan.usages, needlesFor(ROBOT, TOKEN), r);
    assert.equal(done.rescanned, false);
    assert.equal(done.updated.length, 1);
    assert.equal(readFileSync(file, 'utf8'), config(NEW, '\ufeff'), 'only the token changed; the byte-order mark is kept');
    const after = statSync(file);
    assert.equal(after.mode & 0o777, 0o600);
    assert.notEqual(after.ino, before.ino, 'a new file renamed over the old one, not a rewrite in place');
    assert.deepEqual(readdirSync(join(home, '.docker')), ['config.json'], 'no temporary file left');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

void test('a file changed since the scan is scanned again; a link is followed to its target; a FIFO or a missing file is refused', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'credfile-'));
  try {
    const dotfiles = join(home, 'dotfiles');
    mkdirSync(dotfiles);
    mkdirSync(join(home, '.docker'));
    const target = join(dotfiles, 'config.json');
    writeFileSync(target, config(TOKEN));
    const link = join(home, '.docker', 'config.json');
    symlinkSync(target, link);
    const scan = await scanned(link);
    writeFileSync(target, `\n${config(TOKEN)}`); // changed after the scan: offsets moved by one
    const done = await rewriteCredentialFile(link, scan, scan.usages, needlesFor(ROBOT, TOKEN), r);
    assert.equal(done.rescanned, true);
    assert.equal(readFileSync(target, 'utf8'), `\n${config(NEW)}`);
    assert.ok(statSync(link).isFile() && readdirSync(join(home, '.docker')).length === 1, 'the link is kept, its target replaced');
    await assert.rejects(rewriteCredentialFile(join(home, 'gone.json'), scan, scan.usages, needlesFor(ROBOT, TOKEN), r), /the file no longer exists/);
    if (process.platform !== 'win32') {
      const fifo = join(home, 'auth.json');
      execFileSync('mkfifo', [fifo]);
      await assert.rejects(rewriteCredentialFile(fifo, scan, scan.usages, needlesFor(ROBOT, TOKEN), r), /not a regular file/);
    } else t.diagnostic('no FIFO on Windows');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

// The review's note beside finding 10: unsaved editor text was searched for every open file, excluded ones and
// ones reached through a symbolic link included (saving then wrote through the link).
void test('reachedByScan: what the folder scan reaches, with the same excludes and no symbolic link on the way', () => {
  const root = mkdtempSync(join(tmpdir(), 'credfile-reach-'));
  const outside = mkdtempSync(join(tmpdir(), 'credfile-out-'));
  try {
    for (const f of ['a/b.env', 'dist/x.js', 'node_modules/p/i.js', '.git/config', 'ok.env']) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), 'x');
    }
    writeFileSync(join(outside, 'secret.env'), 'x');
    symlinkSync(join(outside, 'secret.env'), join(root, 'link.env'));
    symlinkSync(outside, join(root, 'linkdir'));
    const reached = (rel: string, excludes: string[] = ['dist/**']): boolean => reachedByScan(root, join(root, rel), excludes);
    assert.deepEqual(
      ['a/b.env', 'ok.env', 'dist/x.js', 'node_modules/p/i.js', '.git/config', 'link.env', 'linkdir/secret.env', 'missing.env'].map((f) => [f, reached(f)]),
      [['a/b.env', true], ['ok.env', true], ['dist/x.js', false], ['node_modules/p/i.js', false], ['.git/config', false], ['link.env', false], ['linkdir/secret.env', false], ['missing.env', false]],
    );
    assert.equal(reached('a/b.env', ['a']), false, 'an excluded folder excludes what it holds');
    assert.equal(reachedByScan(root, join(outside, 'secret.env'), []), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
