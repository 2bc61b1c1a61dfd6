/**
 * `quay-robots audit` and `quay-robots scan-secrets` as child processes (`node out/src/cli.js`), against the
 * sandbox's demo seed and the hygiene workspace fixture (test/fixtures/hygiene/, copied into a git repository).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CHECK_IDS } from '../../../src/core/hygiene/types';
import { HYGIENE_LEGACY_TOKEN } from '../../sandbox/seeds';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { git, writeHygieneWorkspace } from '../hygiene/helpers';
import { repoRoot } from '../yaml/helpers';

const CLI = join(repoRoot(), 'out', 'src', 'cli.js');
/** The sandbox's clock and the review's: dates in the findings are then fixed. */
const NOW = '2026-11-15T12:00:00Z';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Asynchronous: the sandbox answers from this process. */
function cli(args: readonly string[], o: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { cwd: o.cwd, env: { PATH: process.env.PATH ?? '', ...o.env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(o.input ?? '');
  });
}

let sandbox: Sandbox;
let workspace: string;

before(async () => {
  sandbox = await startSandbox({ seed: 'demo', now: NOW });
  workspace = mkdtempSync(join(tmpdir(), 'hygiene-ws-'));
  writeHygieneWorkspace(workspace, sandbox.hostname);
});

after(async () => {
  await sandbox.close();
  rmSync(workspace, { recursive: true, force: true });
});

void test('audit of acme on the demo seed with the fixture workspace lists findings under all nine check ids', async () => {
  const run = await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--dir', '.', '--format', 'json', '--now', NOW], { cwd: workspace, env: { QUAY_TOKEN: sandbox.tokens.admin } });
  assert.equal(run.code, 1, run.stderr);
  const findings = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { check: string; severity: string; namespace: string; robot: string; message: string; evidence: Record<string, unknown>; fix: unknown });
  const checks = new Set(findings.map((f) => f.check));
  for (const id of CHECK_IDS) assert.ok(checks.has(id), `${id} in ${[...checks].join(', ')}`);
  for (const f of findings) {
    assert.deepEqual(Object.keys(f).filter((k) => k !== 'host'), ['check', 'severity', 'namespace', 'robot', 'message', 'evidence', 'fix']);
    assert.equal(f.namespace, 'acme');
  }
  const of = (check: string, robot: string): (typeof findings)[number] | undefined => findings.find((f) => f.check === check && f.robot === robot);
  // The cases of the seed and the fixture, and their negatives.
  assert.ok(of('pull-secret-can-write', 'acme+ci_push'));
  assert.equal(of('pull-secret-can-write', 'acme+k8s_prod_puller'), undefined, 'a read-only robot used for pulls is not a finding');
  const never = of('write-never-pushed', 'acme+legacy_deployer');
  assert.ok(never);
  assert.deepEqual((never.evidence as { logs: unknown }).logs, { from: '2026-08-18', to: '2026-11-15', counts: { push_repo: 0 } });
  assert.match(never.message, /pushed nothing from 2026-08-18 to 2026-11-15/);
  assert.equal(of('write-never-pushed', 'acme+ci_push'), undefined, 'a robot that pushed is not write-never-pushed');
  assert.ok(of('unused-robot', 'acme+unused_bot'));
  assert.ok(of('org-wide-permission', 'acme+ci_pull'));
  assert.ok(of('org-wide-permission', 'acme+ci_push'));
  assert.deepEqual((of('shared-across-environments', 'acme+k8s_prod_puller')?.evidence as { environments: string[] }).environments.sort(), ['dev', 'prod']);
  assert.equal(of('token-overdue', 'acme+k8s_prod_puller')?.message, "acme+k8s_prod_puller's token is 120 days old (set at creation on 2026-07-18), over the 90-day limit.");
  assert.ok(of('static-token-in-production', 'acme+k8s_prod_puller'));
  assert.ok(of('non-descriptive-name', 'acme+robot1'));
  const committed = of('committed-token', 'acme+legacy_deployer');
  assert.equal(committed?.severity, 'error');
  assert.match(committed?.message ?? '', /current token is committed in deploy\/dev\/legacy-pull-secret\.yaml/);
  // The git-ignored .env holds a token of k8s_prod_puller: not a committed file.
  const files = JSON.stringify(findings.filter((f) => f.check === 'committed-token').map((f) => f.evidence));
  assert.doesNotMatch(files, /\.env/);
  // No token anywhere in the output.
  assert.ok(!run.stdout.includes(HYGIENE_LEGACY_TOKEN) && !run.stderr.includes(HYGIENE_LEGACY_TOKEN));
  for (const r of sandbox.state.robots('acme')) assert.ok(!run.stdout.includes(r.token), `the token of ${r.name}`);
  assert.match(run.stderr, /findings \(\d+ at or above warning\) for 7 robots of acme; \d+ requests to 127\.0\.0\.1/);
});

void test('audit: --fail-on error, markdown and sarif formats; exit 2 on bad input and when Quay refuses', async () => {
  const env = { QUAY_TOKEN: sandbox.tokens.admin };
  // Without a workspace, acme's findings are warnings and infos: exit 1 at the default threshold, 0 above it.
  const md = await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--format', 'markdown'], { env });
  assert.equal(md.code, 1, md.stderr);
  assert.equal((await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--fail-on', 'error'], { env })).code, 0);
  assert.match(md.stdout, /^# Robot hygiene review/);
  assert.match(md.stdout, /## Least privilege \(\d+\)/);
  const sarif = await cli(['audit', '--host', sandbox.url, '--org', 'platform', '--format', 'sarif', '--fail-on', 'error'], { env });
  const log = JSON.parse(sarif.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } } }[] };
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0]?.tool.driver.rules.length, 9);
  // platform: its write robots pushed or are read-only; nothing at error.
  assert.equal(sarif.code, 0, sarif.stderr);

  const noToken = await cli(['audit', '--host', sandbox.url, '--org', 'acme']);
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /no API token/);
  const http = await cli(['audit', '--host', 'http://quay.example.com', '--org', 'acme'], { env });
  assert.equal(http.code, 2);
  assert.match(http.stderr, /Plain http:\/\/ would send your token unencrypted/);
  const badFormat = await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--format', 'xml'], { env });
  assert.equal(badFormat.code, 2);
  const member = await cli(['audit', '--host', sandbox.url, '--org', 'opensource'], { env });
  assert.equal(member.code, 2);
  assert.match(member.stderr, /could not read Quay at 127\.0\.0\.1:\d+: .*opensource/);
  const stdinToken = await cli(['audit', '--host', sandbox.url, '--org', 'platform', '--fail-on', 'error'], { input: `${sandbox.tokens.admin}\n` });
  assert.equal(stdinToken.code, 0, stdinToken.stderr);
});

/**
 * A stand-in for kubectl (a shell script): context `prod-eu-1` lists two pull Secrets, `lab` cannot be reached.
 * The real API server path is covered by test/cluster/secrets.test.ts (findClusterSecrets); this checks the wiring.
 */
function fakeKubectl(dir: string): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const secret = (namespace: string, name: string, robot: string, labels: Record<string, string> = {}): object => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { namespace, name, labels },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { [sandbox.hostname]: { auth: b64(`${robot}:XXXX`) } } })) },
  });
  const list = { apiVersion: 'v1', kind: 'List', items: [secret('payments', 'release-pull', 'acme+ci_push'), secret('production', 'eso-pull', 'acme+ci_pull', { 'reconcile.external-secrets.io/managed': 'true' })] };
  writeFileSync(join(dir, 'secrets.json'), JSON.stringify(list));
  const script = join(dir, 'kubectl');
  writeFileSync(
    script,
    `#!/bin/sh\ncase "$*" in\n  *--context=prod-eu-1*) cat "${join(dir, 'secrets.json')}" ;;\n  *) echo 'Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout' >&2; exit 1 ;;\nesac\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

void test('audit --context: cluster pull Secrets are evidence; a cluster that cannot be read exits 2 naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  try {
    const kubectl = fakeKubectl(dir);
    const env = { QUAY_TOKEN: sandbox.tokens.admin };
    const run = await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--context', 'prod-eu-1', '--kubectl', kubectl, '--now', NOW], { env });
    assert.equal(run.code, 1, run.stderr);
    const findings = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { check: string; robot: string; evidence: { clusters?: unknown[] } });
    const canWrite = findings.find((f) => f.check === 'pull-secret-can-write' && f.robot === 'acme+ci_push');
    assert.deepEqual(canWrite?.evidence.clusters, [{ context: 'prod-eu-1', namespace: 'payments', name: 'release-pull' }]);
    assert.ok(!findings.some((f) => f.check === 'static-token-in-production' && f.robot === 'acme+ci_pull'), 'a Secret managed by External Secrets is not static');
    assert.match(run.stderr, /; 1 cluster\./);
    const down = await cli(['audit', '--host', sandbox.url, '--org', 'acme', '--context', 'prod-eu-1', '--context', 'lab', '--kubectl', kubectl], { env });
    assert.equal(down.code, 2);
    assert.match(down.stderr, /could not read a cluster: Cannot reach the cluster of context "lab": Unable to connect to the server/);
    assert.equal(down.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('scan-secrets: exit 1 on a committed .dockerconfigjson (file, line, column, robot, encoding; never the token), 0 with the token replaced', async () => {
  const found = await cli(['scan-secrets', 'deploy/dev/legacy-pull-secret.yaml'], { cwd: workspace });
  assert.equal(found.code, 1, found.stderr);
  assert.equal(found.stdout, 'deploy/dev/legacy-pull-secret.yaml:6:98: credential of robot acme+legacy_deployer (dockerconfigjson, for quay.acme.example)\n');
  assert.ok(!found.stdout.includes(HYGIENE_LEGACY_TOKEN) && !found.stderr.includes(HYGIENE_LEGACY_TOKEN));
  const json = await cli(['scan-secrets', '--format', 'json', 'deploy/dev/legacy-pull-secret.yaml'], { cwd: workspace });
  assert.deepEqual(JSON.parse(json.stdout), { file: 'deploy/dev/legacy-pull-secret.yaml', line: 6, column: 98, robot: 'acme+legacy_deployer', encoding: 'dockerconfigjson', host: 'quay.acme.example' });

  const dir = mkdtempSync(join(tmpdir(), 'scan-'));
  try {
    const text = readFileSync(join(workspace, 'deploy/dev/legacy-pull-secret.yaml'), 'utf8');
    const value = /\.dockerconfigjson: (\S+)/.exec(text)?.[1] ?? '';
    const replaced = Buffer.from(Buffer.from(value, 'base64').toString('utf8').replace(Buffer.from(`acme+legacy_deployer:${HYGIENE_LEGACY_TOKEN}`).toString('base64'), Buffer.from('acme+legacy_deployer:${TOKEN}').toString('base64'))).toString('base64');
    assert.notEqual(replaced, value);
    writeFileSync(join(dir, 'secret.yaml'), text.replace(value, replaced));
    const clean = await cli(['scan-secrets', 'secret.yaml'], { cwd: dir });
    assert.equal(clean.code, 0, clean.stdout);
    assert.equal(clean.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = await cli(['scan-secrets', 'no-such-file'], { cwd: workspace });
  assert.equal(bad.code, 2);
});

void test('scan-secrets over a folder skips the git-ignored .env; --staged reads the index, not the working tree', async () => {
  const all = await cli(['scan-secrets'], { cwd: workspace });
  assert.equal(all.code, 1);
  assert.doesNotMatch(all.stdout, /\.env/);
  assert.match(all.stdout, /deploy\/prod\/payments\.yaml:\d+:\d+: credential of robot acme\+k8s_prod_puller \(auth\)/);
  // The .env alone, named: it is read (a hook may pass any file), and found.
  const named = await cli(['scan-secrets', '.env'], { cwd: workspace });
  assert.equal(named.code, 1);
  assert.match(named.stdout, /^\.env:3:18: credential of robot acme\+k8s_prod_puller \(raw\)/);

  const repo = mkdtempSync(join(tmpdir(), 'staged-'));
  try {
    git(repo, ['init', '-q']);
    const secret = readFileSync(join(workspace, 'deploy/dev/legacy-pull-secret.yaml'), 'utf8');
    writeFileSync(join(repo, 'secret.yaml'), 'kind: Secret\n');
    git(repo, ['add', 'secret.yaml']);
    writeFileSync(join(repo, 'secret.yaml'), secret); // only in the working tree
    assert.equal((await cli(['scan-secrets', '--staged'], { cwd: repo })).code, 0, 'the index holds no credential');
    git(repo, ['add', 'secret.yaml']);
    writeFileSync(join(repo, 'secret.yaml'), 'kind: Secret\n'); // the working tree is clean again, the index is not
    const staged = await cli(['scan-secrets', '--staged'], { cwd: repo });
    assert.equal(staged.code, 1);
    assert.match(staged.stdout, /^secret\.yaml:6:98: credential of robot acme\+legacy_deployer/);
    const outside = mkdtempSync(join(tmpdir(), 'nogit-'));
    const refused = await cli(['scan-secrets', '--staged'], { cwd: outside });
    rmSync(outside, { recursive: true, force: true });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not in a git work tree/);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
