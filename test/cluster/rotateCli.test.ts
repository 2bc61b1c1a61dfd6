/**
 * `quay-robots rotate` with clusters: the API server goes away halfway through the
 * Secret updates. The CLI (a child process) reaches a real API server (cluster.ts) through a VanishingProxy that
 * goes away exactly when the second Secret's update arrives: the first Secret holds the new token, the other two are
 * reported as left (exit 1, the finishing command printed, the journal kept); once it is back, that command updates
 * them and deletes the journal.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeSecret } from '../../src/core/k8s/clusterSecrets';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { clusterSkip as skip, pullSecretJson, startCluster, TEST_KUBECTL, type TestCluster } from './cluster';
import { VanishingProxy } from './vanishingProxy';

const CLI = resolve(__dirname, '..', '..', 'src', 'cli.js');
const ROBOT = 'acme+ci_pull';
const NAMESPACES = ['team-a', 'team-b', 'team-c'];

let cluster: TestCluster | undefined;
let proxy: VanishingProxy | undefined;
let sandbox: Sandbox | undefined;
const root = mkdtempSync(join(tmpdir(), 'rotate-cli-cluster-'));
const kubeconfig = join(root, 'kubeconfig');

before(async () => {
  if (skip !== undefined) return;
  cluster = await startCluster();
  proxy = new VanishingProxy(cluster);
  await proxy.listen();
  // The CLI's kubeconfig: the cluster's, with the proxy as the server (same CA, same 127.0.0.1 certificate).
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig, 'utf8').replace(cluster.url, proxy.url), { mode: 0o600 });
  sandbox = await startSandbox({ seed: 'demo' });
});

after(async () => {
  proxy?.close();
  await cluster?.stop();
  await sandbox?.close();
  rmSync(root, { recursive: true, force: true });
});

function cli(args: readonly string[], sb: Sandbox): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: root, QUAY_TOKEN: sb.tokens.admin, QUAY_ROBOTS_STATE_DIR: join(root, 'state') }, encoding: 'utf8' },
      (error, stdout, stderr) => done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
    );
    child.stdin?.end('');
  });
}

/** `user:token` of `host` in the Secret, read from the API server itself (not through the proxy). */
async function credentialsIn(c: TestCluster, namespace: string, host: string): Promise<string> {
  const s = (await c.kubectl.getJson('admin', ['secret', 'quay-pull', '-n', namespace])) as KubeSecret;
  const auths = (JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { username: string; password: string }> }).auths;
  return `${auths[host]?.username ?? ''}:${auths[host]?.password ?? ''}`;
}

void test('the API server goes away at the second Secret: the first holds the new token, the others are left (exit 1), and --finish completes once it is back', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const p = proxy ?? assert.fail('no proxy');
  const sb = sandbox ?? assert.fail('no sandbox');
  const host = sb.hostname;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  for (const ns of NAMESPACES) {
    await c.createNamespace(ns);
    await c.admin(['apply', '-f', '-'], pullSecretJson(ns, 'quay-pull', host, ROBOT, oldToken));
  }
  const workspace = mkdtempSync(join(root, 'ws-'));
  const kube = ['--context', 'admin', '--kubeconfig', kubeconfig, '--kubectl', TEST_KUBECTL];
  p.goAwayOn((method, path) => method === 'PUT' && path.startsWith('/api/v1/namespaces/team-b/secrets/quay-pull'));
  const run = await cli(['rotate', '--host', sb.url, '--robot', ROBOT, workspace, ...kube, '--yes', '--format', 'json'], sb);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(p.listening, false, 'the API server went away during the updates');
  const newToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  assert.equal(await credentialsIn(c, 'team-a', host), `${ROBOT}:${newToken}`, 'replaced before it went away');
  for (const ns of ['team-b', 'team-c']) assert.equal(await credentialsIn(c, ns, host), `${ROBOT}:${oldToken}`, `${ns} is left`);
  const doc = JSON.parse(run.stdout) as { plan: { secrets: { namespace: string }[] }; result: { updated: { secrets: { namespace: string }[] }; left: { place: string; reason: string }[] }; finishCommand: string; exitCode: number };
  assert.deepEqual(doc.plan.secrets.map((s) => s.namespace), NAMESPACES);
  assert.deepEqual(doc.result.updated.secrets.map((s) => s.namespace), ['team-a']);
  assert.deepEqual(doc.result.left.map((l) => l.place), ['admin · team-b/quay-pull', 'admin · team-c/quay-pull']);
  assert.ok(doc.result.left.every((l) => l.reason.startsWith('failed: ')), JSON.stringify(doc.result.left));
  assert.equal(doc.finishCommand, `quay-robots rotate --finish --host ${sb.url} --robot ${ROBOT} ${workspace} ${kube.join(' ')}`);
  assert.equal(readdirSync(join(root, 'state', 'rotations')).length, 1, 'the journal is kept');

  await p.comeBack();
  const finished = await cli(doc.finishCommand.split(' ').slice(1), sb);
  assert.equal(finished.code, 0, finished.stderr);
  assert.match(finished.stdout, /Rotation of acme\+ci_pull \(finished\): 2 places updated, 0 left\. The registry accepts the new token and refuses the old one\./);
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, host), `${ROBOT}:${newToken}`, ns);
  assert.ok(!existsSync(join(root, 'state', 'rotations')) || readdirSync(join(root, 'state', 'rotations')).length === 0, 'a finished rotation deletes its journal');
});
