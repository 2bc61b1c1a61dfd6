/** The `quay-robots` CLI, in process through `main(argv, io)` and as a child process (`node out/src/cli.js`). */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli';
import { USAGE } from '../../../src/cliCommon';
import type { CliIo } from '../../../src/cliCommon';
import { dockerConfigJson } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { POD_SPEC_PATHS } from '../../../src/core/yaml/workloads';
import { parseAllDocuments } from 'yaml';
import { esoProblems } from '../k8s/esoSchema';
import { FIXTURES, repoRoot } from '../yaml/helpers';

const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  files: Map<string, string>;
}

async function run(argv: string[], opts: { stdin?: string; files?: Record<string, string | Uint8Array> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string | Uint8Array>(Object.entries(opts.files ?? {}));
  const written = new Map<string, string>();
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.resolve(opts.stdin ?? ''),
    readFile: (p) => {
      const f = files.get(p);
      if (f === undefined) return Promise.reject(new Error(`ENOENT: no such file, open '${p}'`));
      return Promise.resolve(typeof f === 'string' ? Buffer.from(f, 'utf8') : f);
    },
    writeFile: (p, t) => {
      written.set(p, t);
      return Promise.resolve();
    },
    stdinIsTTY: false,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr, files: written };
}

const DEPLOY = readFileSync(join(FIXTURES, 'deployment-indented', 'input.yaml'), 'utf8');
const DEPLOY_EXPECTED = readFileSync(join(FIXTURES, 'deployment-indented', 'expected.yaml'), 'utf8');

void test('the usage of add-pull-secret names every workload kind the code edits (it lists them by hand)', () => {
  const text = USAGE.slice(USAGE.indexOf('add-pull-secret'), USAGE.indexOf('quay-robots pull-secret')).replace(/\s+/g, ' ');
  const kinds = Object.entries(POD_SPEC_PATHS).filter(([, path]) => path.length > 0).map(([kind]) => kind);
  assert.ok(kinds.length >= 10, kinds.join(', '));
  for (const kind of kinds) assert.match(text, new RegExp(`[ (]${kind}[,)]`), kind);
});

void test('--help prints the usage; no arguments or an unknown command exit 2', async () => {
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.equal(help.stdout, USAGE);
  assert.equal((await run([])).code, 2);
  const unknown = await run(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  assert.equal((await run(['add-pull-secret', '--help'])).code, 0);
});

void test('add-pull-secret prints the edited file, or writes it with --write', async () => {
  const out = await run(['add-pull-secret', 'd.yaml', '--secret', 'quay-pull'], { files: { 'd.yaml': DEPLOY } });
  assert.equal(out.code, 0);
  assert.equal(out.stdout, DEPLOY_EXPECTED);
  assert.match(out.stderr, /added "quay-pull" to Deployment "api" \(document 1\)/);
  assert.equal(out.files.size, 0);
  const written = await run(['add-pull-secret', 'd.yaml', '--secret=quay-pull', '--write'], { files: { 'd.yaml': DEPLOY } });
  assert.equal(written.code, 0);
  assert.equal(written.stdout, '');
  assert.equal(written.files.get('d.yaml'), DEPLOY_EXPECTED);
  // Already present: exit 0, nothing written.
  const again = await run(['add-pull-secret', 'd.yaml', '--secret', 'quay-pull', '--write'], { files: { 'd.yaml': DEPLOY_EXPECTED } });
  assert.equal(again.code, 0);
  assert.equal(again.files.size, 0);
  assert.match(again.stderr, /already present/);
  // stdin.
  const piped = await run(['add-pull-secret', '-', '--secret', 'quay-pull'], { stdin: DEPLOY });
  assert.equal(piped.stdout, DEPLOY_EXPECTED);
});

void test('add-pull-secret refusals and bad arguments exit 2 with a message on stderr', async () => {
  const tpl = readFileSync(join(FIXTURES, 'refuse-helm-template', 'input.yaml'), 'utf8');
  const refused = await run(['add-pull-secret', 't.yaml', '--secret', 'quay-pull'], { files: { 't.yaml': tpl } });
  assert.equal(refused.code, 2);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /^quay-robots: t\.yaml: Document 1 contains a template directive/);
  assert.equal((await run(['add-pull-secret', 'd.yaml'], { files: { 'd.yaml': DEPLOY } })).code, 2);
  assert.equal((await run(['add-pull-secret', '--secret', 'x'])).code, 2);
  assert.equal((await run(['add-pull-secret', 'd.yaml', '--secret', 'x', '--bogus'], { files: { 'd.yaml': DEPLOY } })).code, 2);
  assert.equal((await run(['add-pull-secret', 'missing.yaml', '--secret', 'x'])).code, 2);
  assert.equal((await run(['add-pull-secret', '-', '--secret', 'x', '--write'])).code, 2);
  const invalidName = await run(['add-pull-secret', 'd.yaml', '--secret', 'Bad_Name'], { files: { 'd.yaml': DEPLOY } });
  assert.equal(invalidName.code, 2);
  const latin1 = await run(['add-pull-secret', 'l.yaml', '--secret', 'x'], { files: { 'l.yaml': Uint8Array.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]) } });
  assert.equal(latin1.code, 2);
  assert.match(latin1.stderr, /not UTF-8/);
});

void test('add-pull-secret keeps a BOM and CRLF', async () => {
  const text = '\ufeffapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: c\r\n    image: quay.io/a/b\r\n';
  const r = await run(['add-pull-secret', 'p.yaml', '--secret', 's', '--write'], { files: { 'p.yaml': Buffer.from(text, 'utf8') } });
  assert.equal(r.files.get('p.yaml'), `${text}  imagePullSecrets:\r\n  - name: s\r\n`);
});

void test('pull-secret prints the UI manifest; the token comes from stdin and appears nowhere in clear', async () => {
  const r = await run(['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci_bot', '--scope', 'org', '--namespace', 'prod'], { stdin: `${TOKEN}\n` });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, `${pullSecretManifest({ host: 'quay.io', robot: 'acme+ci_bot', token: TOKEN, scope: 'org', namespace: 'prod' })}\n`);
  assert.ok(!r.stdout.includes(TOKEN));
  assert.equal(r.stderr, '');
  const named = await run(['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'registry', '--name', 'creds'], { stdin: TOKEN });
  assert.match(named.stdout, /^ {2}name: creds$/m);
});

void test('pull-secret argument errors exit 2 without echoing the token', async () => {
  const bad: string[][] = [
    ['pull-secret', '--robot', 'acme+ci', '--scope', 'org'],
    ['pull-secret', '--host', 'quay.io', '--scope', 'org'],
    ['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci'],
    ['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'team'],
    ['pull-secret', '--host', 'quay.io', '--robot', 'not-a-robot', '--scope', 'org'],
    ['pull-secret', '--host', 'quay.io/x', '--robot', 'acme+ci', '--scope', 'org'],
    ['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'org', '--name', 'Bad'],
    ['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'org', 'extra'],
  ];
  for (const argv of bad) {
    const r = await run(argv, { stdin: TOKEN });
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '');
    assert.ok(!r.stderr.includes(TOKEN), 'token not echoed');
  }
  const empty = await run(['pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'org'], { stdin: '\n' });
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no token/);
});

void test('as a process: node out/src/cli.js', () => {
  const cli = join(repoRoot(), 'out', 'src', 'cli.js');
  const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /quay-robots add-pull-secret FILE --secret NAME/);
  const secret = spawnSync(process.execPath, [cli, 'pull-secret', '--host', 'quay.io', '--robot', 'acme+ci', '--scope', 'org'], { input: `${TOKEN}\n`, encoding: 'utf8' });
  assert.equal(secret.status, 0, secret.stderr);
  assert.equal(secret.stdout, `${pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org' })}\n`);
  assert.equal(secret.stderr, '');
  const dir = mkdtempSync(join(tmpdir(), 'quay-robots-cli-'));
  try {
    const file = join(dir, 'deploy.yaml');
    writeFileSync(file, DEPLOY);
    const edit = spawnSync(process.execPath, [cli, 'add-pull-secret', file, '--secret', 'quay-pull', '--write'], { encoding: 'utf8' });
    assert.equal(edit.status, 0, edit.stderr);
    assert.equal(readFileSync(file, 'utf8'), DEPLOY_EXPECTED);
    writeFileSync(file, 'a: [\n');
    const refused = spawnSync(process.execPath, [cli, 'add-pull-secret', file, '--secret', 'quay-pull'], { encoding: 'utf8' });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /not valid YAML/);
    const bad = spawnSync(process.execPath, [cli, 'nope'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('find-token prints one JSON line per usage, exits 1 when found and 0 when none, never prints the token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quay-robots-find-'));
  const auth = Buffer.from(`acme+ci:${TOKEN}`).toString('base64');
  try {
    writeFileSync(join(dir, '.env'), `QUAY_TOKEN=${TOKEN}\n`);
    writeFileSync(join(dir, 'pull.yaml'), pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org' }));
    writeFileSync(join(dir, 'clean.md'), 'The robot acme+ci pulls images.\n');
    const found = await run(['find-token', '--robot', 'acme+ci', dir], { stdin: `${TOKEN}\n` });
    assert.equal(found.code, 1, found.stderr);
    const lines = found.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
    // The auth value's first byte inside the outer base64, which starts at column 22 ("  .dockerconfigjson: ").
    const k = dockerConfigJson({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org' }).indexOf(auth);
    assert.deepEqual(lines, [
      { file: join(dir, '.env'), line: 1, column: 12, encoding: 'raw' },
      { file: join(dir, 'pull.yaml'), line: 6, column: 22 + 4 * Math.floor(k / 3) + (k % 3), encoding: 'dockerconfigjson', inner: 'auth' },
    ]);
    for (const out of [found.stdout, found.stderr]) assert.ok(!out.includes(TOKEN) && !out.includes(auth), 'token not printed');
    const none = await run(['find-token', '--robot', 'acme+ci', '--exclude', '.env', '--exclude', '*.yaml', dir], { stdin: TOKEN });
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    // As a process, with "." as the default folder: relative paths.
    const child = spawnSync(process.execPath, [join(repoRoot(), 'out', 'src', 'cli.js'), 'find-token', '--robot', 'acme+ci'], { cwd: dir, input: TOKEN, encoding: 'utf8' });
    assert.equal(child.status, 1, child.stderr);
    assert.deepEqual(
      child.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file),
      ['.env', 'pull.yaml'],
    );
    assert.ok(!child.stdout.includes(TOKEN) && !child.stderr.includes(TOKEN));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('find-token bad input exits 2 without echoing the token', async () => {
  const bad: [string[], string][] = [
    [['find-token'], TOKEN],
    [['find-token', '--robot', 'not-a-robot'], TOKEN],
    [['find-token', '--robot', 'acme+ci', '/nonexistent/quay-robots-dir'], TOKEN],
    [['find-token', '--robot', 'acme+ci', '--bogus'], TOKEN],
    [['find-token', '--robot', 'acme+ci'], '\n'],
    [['find-token', '--robot', 'acme+ci'], 'SHORT'],
    [['find-token', '--robot', 'acme+ci'], 'TWO WORDS HERE'],
  ];
  for (const [argv, stdin] of bad) {
    const r = await run(argv, { stdin });
    assert.equal(r.code, 2, `${argv.join(' ')} <<< ${stdin}`);
    assert.equal(r.stdout, '');
    assert.ok(!r.stderr.includes(TOKEN) && !r.stderr.includes('SHORT') && !r.stderr.includes('TWO WORDS'), r.stderr);
  }
});

void test('keyless-pull-secret prints ServiceAccount, QuayAccessToken and ExternalSecret as one stream', async () => {
  const out = await run(['keyless-pull-secret', '--host', 'quay.example.com', '--robot', 'acme+keyless', '--namespace', 'prod', '--service-account', 'quay-token', '--audience', 'quay.example.com']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stderr, '');
  const docs = parseAllDocuments(out.stdout).map((d) => ('toJS' in d ? (d.toJS() as { apiVersion: string; kind: string; metadata: { namespace: string } }) : undefined));
  assert.deepEqual(docs.map((d) => d?.kind), ['ServiceAccount', 'QuayAccessToken', 'ExternalSecret']);
  assert.deepEqual(docs.map((d) => d?.metadata.namespace), ['prod', 'prod', 'prod']);
  for (const d of docs.slice(1)) assert.deepEqual(d === undefined ? ['missing'] : esoProblems(d).errors, []);
  assert.match(out.stdout, /robotAccount: acme\+keyless/);

  const beta = await run(['keyless-pull-secret', '--host=quay.io', '--robot=a+b', '--namespace=n', '--service-account=s', '--api-version=v1beta1', '--secret=pull']);
  assert.equal(beta.code, 0);
  assert.match(beta.stdout, /apiVersion: external-secrets\.io\/v1beta1/);
  assert.match(beta.stdout, /name: pull\n/);
  assert.match(beta.stderr, /no longer served/);
});

void test('keyless-pull-secret: invalid input exits 2 with the reason on stderr and nothing on stdout', async () => {
  const base = ['keyless-pull-secret', '--host', 'quay.io', '--robot', 'a+b', '--namespace', 'n', '--service-account', 's'];
  const cases: [string[], RegExp][] = [
    [['keyless-pull-secret', '--host', 'quay.io', '--robot', 'a+b', '--service-account', 's'], /--namespace NS is required/],
    [[...base.slice(0, 5), '--namespace', 'n'], /--service-account SA is required/],
    [[...base, '--api-version', 'v2'], /--api-version must be/],
    [['keyless-pull-secret', '--host', 'quay.io', '--robot', 'nobot', '--namespace', 'n', '--service-account', 's'], /not a full robot name/],
    [['keyless-pull-secret', '--host', 'quay.io', '--robot', 'a+b', '--namespace', 'N_S', '--service-account', 's'], /not a valid namespace/],
    [['keyless-pull-secret', '--host', 'quay.io/x', '--robot', 'a+b', '--namespace', 'n', '--service-account', 's'], /not a registry host/],
    [[...base, '--bogus'], /Unknown option/],
  ];
  for (const [argv, reason] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, reason);
    assert.equal(r.stdout, '');
  }
});

// Security review 2026-12, findings 7 and 8: find-token said "none found" (exit 0) after skipping files that could
// hold the token, and hung for ever on a FIFO given as a path.
void test('find-token lists every file it could not search on stderr and exits 3 when it found nothing else; a FIFO does not hang it', (t) => {
  if (process.platform === 'win32') {
    t.skip('no FIFOs');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'quay-robots-skip-'));
  const outside = mkdtempSync(join(tmpdir(), 'quay-robots-outside-'));
  const cli = join(repoRoot(), 'out', 'src', 'cli.js');
  const findToken = (...paths: string[]): SpawnSyncReturns<string> =>
    spawnSync(process.execPath, [cli, 'find-token', '--robot', 'acme+ci', ...paths], { input: TOKEN, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  try {
    writeFileSync(join(dir, 'clean.md'), 'The robot acme+ci pulls images.\n');
    writeFileSync(join(dir, 'token.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(TOKEN)]));
    writeFileSync(join(dir, 'token-utf16.env'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`QUAY_TOKEN=${TOKEN}\n`, 'utf16le')]));
    writeFileSync(join(outside, 'token.env'), `QUAY_TOKEN=${TOKEN}\n`);
    symlinkSync(join(outside, 'token.env'), join(dir, 'linked.env'));
    const fifo = join(outside, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const r = findToken(dir, fifo);
    assert.equal(r.error, undefined, 'find-token ended');
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(r.stderr.trim().split('\n').sort(), [
      `quay-robots: ${fifo}: not a regular file (FIFO, socket or device), not read`,
      `quay-robots: ${join(dir, 'linked.env')}: symbolic link to a file outside the folders searched, not followed`,
      `quay-robots: ${join(dir, 'token-utf16.env')}: UTF-16 text, not searched`,
      `quay-robots: ${join(dir, 'token.bin')}: binary file holding the token, not searched as text`,
      'quay-robots: no usage found, but the scan is incomplete (see above): exit 3',
    ].sort());
    assert.ok(!r.stderr.includes(TOKEN));
    // A FIFO alone: listed, exit 3, no hang.
    const alone = findToken(fifo);
    assert.deepEqual([alone.error, alone.status], [undefined, 3], alone.stderr);
    // A usage found still exits 1, with the skips listed; a clean folder exits 0.
    writeFileSync(join(dir, '.env'), `QUAY_TOKEN=${TOKEN}\n`);
    const found = findToken(dir);
    assert.equal(found.status, 1, found.stderr);
    assert.match(found.stderr, /token\.bin: binary file holding the token/);
    assert.equal(findToken(join(dir, 'clean.md')).status, 0);
    assert.match(USAGE, /3 when none but the scan was\s+incomplete/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
