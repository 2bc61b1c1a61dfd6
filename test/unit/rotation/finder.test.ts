/** The folder scan (src/core/rotation/finder.ts) on a temporary tree, and the non-updatable references. */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { basicAuth } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { findTokenUsages, globMatcher, literalPrefilter, MAX_FILE_BYTES, readRegularFile, scanIncomplete, userCredentialFiles, verifyUnchanged } from '../../../src/core/rotation/finder';
import type { FindResult } from '../../../src/core/rotation/finder';
import { ROBOT, TOKEN } from './helpers';
import { seededRandom } from '../../sandbox/util';

let root = '';
let home = '';

function put(base: string, rel: string, content: string | Buffer): string {
  const path = join(base, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const SECRET = pullSecretManifest({ host: 'quay.io', robot: ROBOT, token: TOKEN, scope: 'org', name: 'ci-pull', namespace: 'prod' });

before(() => {
  root = mkdtempSync(join(tmpdir(), 'rotfind-'));
  home = mkdtempSync(join(tmpdir(), 'rotfind-home-'));
  put(root, '.gitignore', '.env\nsecrets/\n');
  put(root, '.env', `QUAY_TOKEN=${TOKEN}\n`);
  put(root, 'secrets/pull.yaml', `${SECRET}\n`);
  put(root, 'ci/.gitlab-ci.yml', `variables:\n  ROBOT: ${ROBOT}\nscript:\n  - docker login -u ${ROBOT} -p ${TOKEN} quay.io\n`);
  put(root, 'bom.json', `\ufeff{"note": "é", "auths": {"quay.io": {"auth": "${basicAuth(ROBOT, TOKEN)}"}}}`);
  put(root, 'docs/robot.md', `The robot ${ROBOT} pulls images.\n`);
  put(root, '.git/config', `token = ${TOKEN}\n`);
  put(root, 'node_modules/pkg/index.js', `const t = '${TOKEN}';\n`);
  put(root, 'dist/bundle.js', `const t = '${TOKEN}';\n`);
  put(root, 'image.png', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), Buffer.from(TOKEN)]));
  put(root, 'big.log', Buffer.concat([Buffer.alloc(MAX_FILE_BYTES, 0x61), Buffer.from(`\n${TOKEN}\n`)]));
  put(
    root,
    'sealed/ci-pull.yaml',
    'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: ci-pull\n  namespace: prod\nspec:\n  encryptedData:\n    .dockerconfigjson: AgBy3i4OJSWK\n---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: unrelated\nspec:\n  encryptedData:\n    x: AgB\n',
  );
  put(
    root,
    'sops/secret.enc.yaml',
    'apiVersion: v1\nkind: Secret\nmetadata:\n  name: acme-ci-bot-pull-secret\ndata:\n  .dockerconfigjson: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:xyz]\n  version: 3.9.0\n  encrypted_regex: ^(data|stringData)$\n',
  );
  put(
    root,
    'eso/external.yaml',
    'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: pull\nspec:\n  target:\n    name: ci-pull\n---\napiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata:\n  name: vault\nspec:\n  provider:\n    vault:\n      auth:\n        tokenSecretRef:\n          name: ci-pull\n          key: token\n---\napiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: other\nspec:\n  target:\n    name: something-else\n',
  );
  put(home, '.docker/config.json', JSON.stringify({ auths: { 'quay.io': { auth: basicAuth(ROBOT, TOKEN) } } }));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

const rel = (r: FindResult): string[] => r.files.map((f) => f.file.slice(root.length + 1).split('\\').join('/'));

void test('scans git-ignored and hidden files; skips .git, node_modules, binaries, files over 5 MiB and excludes', async () => {
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root], excludes: ['dist/**'] });
  assert.deepEqual(rel(r), ['.env', 'bom.json', 'ci/.gitlab-ci.yml', 'secrets/pull.yaml']);
  assert.deepEqual(
    r.files.map((f) => f.usages.map((u) => u.encoding)),
    [['raw'], ['auth'], ['raw'], ['dockerconfigjson']],
  );
  assert.deepEqual(r.tooLarge, [join(root, 'big.log')]);
  assert.deepEqual(r.unreadable, []);
  const withDist = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root] });
  assert.ok(rel(withDist).includes('dist/bundle.js'));
});

void test('byte ranges count the BOM and multi-byte characters; offsets are the text VS Code shows', async () => {
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root] });
  const bom = r.files.find((f) => f.file.endsWith('bom.json'));
  const u = bom?.usages[0];
  assert.ok(bom !== undefined && u !== undefined);
  const bytes = readFileSync(bom.file);
  const auth = basicAuth(ROBOT, TOKEN);
  assert.equal(bytes.subarray(u.bytes.start, u.bytes.end).toString('utf8'), auth);
  const text = bytes.toString('utf8').replace(/^\ufeff/, '');
  assert.equal(text.slice(u.range.start, u.range.end), auth);
  assert.equal(u.bytes.start, u.range.start + 3 + 1); // BOM, and "é" is two bytes
  // verifyUnchanged: the same text (with or without its BOM) passes; an edit does not.
  assert.equal(verifyUnchanged(text, bom), true);
  assert.equal(verifyUnchanged(`\ufeff${text}`, bom), true);
  assert.equal(verifyUnchanged(text.replace('quay.io', 'quay.iO'), bom), false);
});

void test('user credential files are scanned when passed as extra files; missing ones are ignored', async () => {
  const candidates = userCredentialFiles(home, { XDG_RUNTIME_DIR: join(home, 'run') });
  assert.deepEqual(candidates, [join(home, '.docker', 'config.json'), join(home, 'run', 'containers', 'auth.json'), join(home, '.config', 'containers', 'auth.json')]);
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [join(root, 'docs')], extraFiles: candidates });
  assert.deepEqual(
    r.files.map((f) => f.file),
    [join(home, '.docker', 'config.json')],
  );
  assert.deepEqual(r.unreadable, []);
  assert.deepEqual(userCredentialFiles('/h', { XDG_CONFIG_HOME: '/cfg' }), [join('/h', '.docker', 'config.json'), join('/cfg', 'containers', 'auth.json')]);
});

void test('non-updatable: SealedSecret, SOPS Secret, ExternalSecret and SecretStore naming a Secret that holds the credentials', async () => {
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root] });
  const got = r.nonUpdatable.map((n) => `${n.file.slice(root.length + 1).split('\\').join('/')}:${n.line} ${n.kind} ${n.secretName}`);
  assert.deepEqual(got, [
    // "ci-pull" holds the token (secrets/pull.yaml); acme-ci-bot-pull-secret is Quay's name for this robot's Secret.
    'eso/external.yaml:1 externalSecret ci-pull',
    'eso/external.yaml:9 secretStore ci-pull',
    'sealed/ci-pull.yaml:1 sealedSecret ci-pull',
    'sops/secret.enc.yaml:1 sops acme-ci-bot-pull-secret',
  ]);
  // Without the plain Secret, ci-pull is not known to hold the robot's credentials.
  const without = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root], excludes: ['secrets'] });
  assert.deepEqual(
    without.nonUpdatable.map((n) => n.secretName),
    ['acme-ci-bot-pull-secret'],
  );
});

void test('progress is reported, a missing root is refused, and an aborted signal stops the scan', async () => {
  const seen: number[] = [];
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root], onProgress: (n) => seen.push(n) });
  assert.equal(seen[seen.length - 1], r.filesScanned);
  assert.equal(r.filesScanned, 12); // every file read: all but .git/ and node_modules/
  await assert.rejects(findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [join(root, 'nope')] }), /no such file or folder/);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root], signal: controller.signal }), { name: 'AbortError' });
});

void test('globMatcher: ** spans folders, * and ? stay within a name', () => {
  assert.ok(globMatcher('dist/**').test('dist/a/b.js'));
  assert.ok(globMatcher('**/*.min.js').test('a/b/c.min.js'));
  assert.ok(globMatcher('**/*.min.js').test('c.min.js'));
  assert.ok(!globMatcher('*.js').test('a/b.js'));
  assert.ok(globMatcher('secrets').test('secrets'));
  assert.ok(!globMatcher('secret?').test('secrets/x'));
});

void test('literalPrefilter: a literal anywhere in a buffer is found, at every offset and every length; no literal, no hit', () => {
  const random = seededRandom(7);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n :"';
  const text = (n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)] ?? 'A').join('');
  for (const lengths of [[8], [8, 28, 64], [28, 28, 30], [4, 9]]) {
    const literals = lengths.map((n) => Buffer.from(text(n), 'latin1'));
    const mayHold = literalPrefilter(literals);
    for (let round = 0; round < 300; round++) {
      const literal = literals[round % literals.length] ?? Buffer.alloc(0);
      const before = text(Math.floor(random() * 200));
      const after = text(Math.floor(random() * 200));
      const withIt = Buffer.concat([Buffer.from(before, 'latin1'), literal, Buffer.from(after, 'latin1')]);
      assert.equal(mayHold(withIt), true, `${lengths.join('/')}: literal at ${before.length}`);
      const without = Buffer.from(before + after, 'latin1');
      assert.equal(mayHold(without), literals.some((l) => without.includes(l)));
    }
  }
});

// Security review 2026-12, findings 7 and 8: files that could hold the token were skipped silently, and a FIFO
// given as a root (or as ~/.docker/config.json) blocked the scan forever.
void test('everything not searched as text is listed with why; a FIFO root, extra file or tree entry is never read', async (t) => {
  if (process.platform === 'win32') {
    t.skip('no FIFOs');
    return;
  }
  const tree = mkdtempSync(join(tmpdir(), 'rotfind-skip-'));
  const outside = mkdtempSync(join(tmpdir(), 'rotfind-outside-'));
  // A writer that opens each FIFO late: with a blocking open, the scan would wait for it (and then read nothing)
  // instead of hanging for ever, so this test ends either way.
  const writers: ChildProcess[] = [];
  try {
    put(tree, 'binary-with-token.bin', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0]), Buffer.from(TOKEN)]));
    put(tree, 'binary-clean.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]));
    put(tree, 'utf16le-bom.env', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`QUAY_TOKEN=${TOKEN}\n`, 'utf16le')]));
    put(tree, 'utf16le.env', Buffer.from(`QUAY_TOKEN=${TOKEN}\n`, 'utf16le'));
    put(tree, 'inside.txt', 'nothing here\n');
    const target = put(outside, 'token.env', `QUAY_TOKEN=${TOKEN}\n`);
    symlinkSync(target, join(tree, 'outside-link.env'));
    symlinkSync(join(tree, 'inside.txt'), join(tree, 'inside-link.txt'));
    symlinkSync(join(tree, 'missing'), join(tree, 'dangling-link'));
    const fifoIn = join(tree, 'pipe');
    const fifoRoot = join(outside, 'root-fifo');
    const fifoExtra = join(outside, 'config.json');
    for (const f of [fifoIn, fifoRoot, fifoExtra]) {
      execFileSync('mkfifo', [f]);
      writers.push(spawn('sh', ['-c', `sleep 3; : > '${f}'`], { stdio: 'ignore' }));
    }
    const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [tree, fifoRoot], extraFiles: [fifoExtra] });
    assert.deepEqual(r.files, []);
    assert.deepEqual(
      r.skipped.map((s) => [s.path.startsWith(tree) ? s.path.slice(tree.length + 1) : s.path, s.reason]).sort(),
      [
        ['binary-with-token.bin', 'binary'],
        ['outside-link.env', 'symlink'],
        ['pipe', 'special'],
        ['utf16le-bom.env', 'utf16'],
        ['utf16le.env', 'utf16'],
        [fifoExtra, 'special'],
        [fifoRoot, 'special'],
      ].sort(),
    );
    assert.equal(scanIncomplete(r), true);
    assert.equal(scanIncomplete(await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [join(tree, 'inside.txt')] })), false);
    // The reader the extension uses for ~/.docker/config.json refuses a FIFO without blocking, too.
    assert.equal(readRegularFile(fifoExtra), 'special');
    assert.equal(readRegularFile(join(tree, 'inside.txt'))?.toString(), 'nothing here\n');
    assert.equal(readRegularFile(join(tree, 'inside.txt'), 4), 'large');
  } finally {
    for (const w of writers) w.kill();
    rmSync(tree, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
