/**
 * The finder's reader threads (src/core/rotation/readerPool.ts) give the very result of the
 * main-thread reader, on a tree with every skip kind, usages in several encodings, references, vault
 * ExternalSecrets, excludes and extra files; and the byte prefilter's in-place check is exact.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { basicAuth } from '../../../src/core/k8s/credentials';
import { vaultExternalSecret } from '../../../src/core/k8s/externalSecrets';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { hintAndWord, literalPrefilter } from '../../../src/core/rotation/fileRead';
import { findTokenUsages, MAX_FILE_BYTES } from '../../../src/core/rotation/finder';
import { needlesFor } from '../../../src/core/rotation/match';
import { endIdleReaders, prestartReaders } from '../../../src/core/rotation/readerPool';
import { REFERENCE_HINT, REFERENCE_WORDS } from '../../../src/core/rotation/references';
import { seededRandom } from '../../sandbox/util';
import { b64, ROBOT, TOKEN } from './helpers';

function put(base: string, rel: string, content: string | Buffer): string {
  const path = join(base, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

void test('reader threads find exactly what the main thread finds, skips, references and order included', async (t) => {
  if (process.platform === 'win32') {
    t.skip('FIFOs and symbolic links need a POSIX system');
    return;
  }
  const tree = mkdtempSync(join(tmpdir(), 'rotpool-'));
  const outside = mkdtempSync(join(tmpdir(), 'rotpool-out-'));
  const locked = join(tree, 'm-locked');
  try {
    const rand = seededRandom(22);
    const auth = basicAuth(ROBOT, TOKEN);
    // Enough plain files that the scan passes the threshold and spreads over several batches.
    for (let i = 0; i < 400; i++) {
      const other = `acme+bot${i % 7}`;
      const filler = i % 3 === 0 ? pullSecretManifest({ host: 'quay.io', robot: other, token: `${TOKEN.slice(0, 20)}${String(i).padStart(44, 'x')}`, scope: 'org', name: `p-${i}` }) : `line ${rand()}\n`.repeat(50);
      put(tree, `d${i % 13}/f-${i}.yaml`, filler);
    }
    // A long listing (its files shared out in runs between threads) with a sub-folder amid its files.
    for (let i = 0; i < 150; i++) put(tree, `flat/f-${String(i).padStart(3, '0')}.txt`, [10, 120].includes(i) ? `QUAY_TOKEN=${TOKEN}\n` : `line ${i}\n`);
    put(tree, 'flat/f-100/x.env', `QUAY_TOKEN=${TOKEN}\n`);
    put(tree, 'd3/.env', `QUAY_TOKEN=${TOKEN}\n`);
    put(tree, 'd5/config.json', JSON.stringify({ auths: { 'quay.io': { auth } } }));
    put(tree, 'd7/pull.yaml', pullSecretManifest({ host: 'quay.io', robot: ROBOT, token: TOKEN, scope: 'org', name: 'ci-pull', namespace: 'prod' }));
    put(tree, 'd8/opaque.yaml', `kind: Secret\ntype: Opaque\ndata:\n  token: ${b64(TOKEN)}\n`);
    put(tree, 'd9/sealed.yaml', 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: ci-pull\nspec:\n  encryptedData:\n    .dockerconfigjson: AgBy3i4OJSWK\n');
    put(tree, 'd9/sops.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci-pull\ndata:\n  .dockerconfigjson: ENC[AES256_GCM,data:abc]\nsops:\n  mac: ENC[AES256_GCM,data:xyz]\n');
    put(tree, 'd9/vault.yaml', vaultExternalSecret({ host: 'quay.io', robot: ROBOT, scope: 'org', store: { kind: 'ClusterSecretStore', name: 'vault' }, remoteKey: 'quay/ci', property: 'token', namespace: 'prod' }).manifest);
    put(tree, 'bin/with-token.bin', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), Buffer.from(TOKEN)]));
    put(tree, 'bin/clean.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    put(tree, 'text/utf16-bom.env', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`QUAY_TOKEN=${TOKEN}\n`, 'utf16le')]));
    put(tree, 'text/utf16.env', Buffer.from(`QUAY_TOKEN=${TOKEN}\n`, 'utf16le'));
    put(tree, 'logs/big.log', Buffer.concat([Buffer.alloc(MAX_FILE_BYTES, 0x61), Buffer.from(`\n${TOKEN}\n`)]));
    put(tree, 'dist/bundle.js', `const t = '${TOKEN}';\n`);
    put(locked, 'inside.env', `QUAY_TOKEN=${TOKEN}\n`);
    symlinkSync(put(outside, 'token.env', `QUAY_TOKEN=${TOKEN}\n`), join(tree, 'links-outside.env'));
    symlinkSync(join(tree, 'd3/.env'), join(tree, 'links-inside.env'));
    execFileSync('mkfifo', [join(tree, 'pipe')]);
    chmodSync(locked, 0);
    const extra = put(outside, 'docker/config.json', JSON.stringify({ auths: { 'quay.io': { auth } } }));
    const options = { robot: ROBOT, token: TOKEN, roots: [tree], extraFiles: [extra, join(outside, 'missing.json')], excludes: ['dist/**'] };

    const main = await findTokenUsages({ ...options, readers: { workers: 0 } });
    const threads = await findTokenUsages({ ...options, readers: { workers: 2, after: 0 } });
    assert.deepEqual(threads, main);
    // The tree holds what it should, so the equality above compares something.
    const root = process.getuid?.() === 0; // root reads a folder without permissions
    assert.deepEqual(
      main.files.map((f) => (f.file === extra ? 'extra' : f.file.slice(tree.length + 1))),
      ['d3/.env', 'd5/config.json', 'd7/pull.yaml', 'd8/opaque.yaml', 'flat/f-010.txt', 'flat/f-100/x.env', 'flat/f-120.txt', ...(root ? ['m-locked/inside.env'] : []), 'extra'],
    );
    // In walk order: a folder's links and special files as its listing is read (last name first), its files as they are read.
    assert.deepEqual(main.skipped.map((s) => [s.path.slice(tree.length + 1), s.reason]), [
      ['pipe', 'special'],
      ['links-outside.env', 'symlink'],
      ['bin/with-token.bin', 'binary'],
      ['text/utf16-bom.env', 'utf16'],
      ['text/utf16.env', 'utf16'],
    ]);
    assert.deepEqual(main.tooLarge, [join(tree, 'logs/big.log')]);
    assert.deepEqual(main.nonUpdatable.map((n) => `${n.file.slice(tree.length + 1)} ${n.kind}`), ['d9/sealed.yaml sealedSecret', 'd9/sops.yaml sops']);
    assert.deepEqual(main.externalSecrets.map((e) => e.file.slice(tree.length + 1)), ['d9/vault.yaml']);
    assert.deepEqual(main.unreadable, root ? [] : [locked]);
    // A second scan reuses the idle threads and still agrees.
    assert.deepEqual(await findTokenUsages({ ...options, readers: { workers: 2, after: 0 } }), main);
    // Threads started ahead of a scan (a rotation starts them while it asks Quay for the token) agree too.
    await endIdleReaders();
    prestartReaders(2);
    assert.deepEqual(await findTokenUsages({ ...options, readers: { workers: 2, after: 0 } }), main);
  } finally {
    chmodSync(locked, 0o700);
    rmSync(tree, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

void test('the byte prefilter answers exactly whether a literal is in the bytes, grams shared with other text included', () => {
  const needles = needlesFor(ROBOT, TOKEN);
  const literals = needles.literals.map((l) => Buffer.from(l, 'latin1'));
  const mayHold = literalPrefilter(literals);
  const rand = seededRandom(7);
  const alphabet = needles.literals.join('');
  for (let n = 0; n < 400; n++) {
    // Text made of pieces of the literals themselves: full of their grams, rarely a whole literal.
    let s = '';
    while (s.length < 2000) {
      const from = Math.floor(rand() * alphabet.length);
      s += alphabet.slice(from, from + 3 + Math.floor(rand() * 20));
    }
    if (n % 4 === 0) {
      const l = needles.literals[n % needles.literals.length] ?? '';
      const at = Math.floor(rand() * s.length);
      s = s.slice(0, at) + l + s.slice(at);
    }
    const bytes = Buffer.from(s, 'latin1');
    assert.equal(mayHold(bytes), literals.some((l) => bytes.includes(l)), `case ${n}`);
    // At every alignment in memory (a 4-byte-aligned buffer is probed a word at a time, others byte by byte).
    const shifted = Buffer.alloc(bytes.length + 3);
    for (const shift of [1, 2, 3]) {
      bytes.copy(shifted, shift);
      assert.equal(mayHold(shifted.subarray(shift, shift + bytes.length)), mayHold(bytes), `case ${n}, shifted by ${shift}`);
    }
  }
});

void test('the references hint answers exactly "the hint and one of the words", words around the hint checked in place', () => {
  const holds = hintAndWord(REFERENCE_HINT, REFERENCE_WORDS);
  const rand = seededRandom(9);
  // Pieces of the words and their neighbours: full of near misses (`Secrets`, `PullSecret`, `SealedSecre`, `sop`).
  const pieces = [...REFERENCE_WORDS, 'Secret', 'Secrets', 'PullSecret', 'Sealed', 'External', 'Push', 'Store', 'sop', 'ops', 'l', 'd', 'h', 'S', ' ', '\n'];
  let found = 0;
  for (let n = 0; n < 2000; n++) {
    let s = '';
    for (let k = Math.floor(rand() * 8); k > 0; k--) s += pieces[Math.floor(rand() * pieces.length)] ?? '';
    const bytes = Buffer.from(s, 'latin1');
    const expected = bytes.includes(REFERENCE_HINT) && REFERENCE_WORDS.some((w) => bytes.includes(w));
    if (expected) found++;
    assert.equal(holds(bytes), expected, JSON.stringify(s));
  }
  assert.ok(found > 100 && found < 1900, `both answers are tested (${found} of 2000 hold a word)`);
});
