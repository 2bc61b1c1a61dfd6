/**
 * Cluster Secrets against a real API server (test/cluster/cluster.ts): listing across namespaces with one
 * namespace forbidden by RBAC, a resourceVersion conflict, an External Secrets managed Secret, and the
 * `quay-robots cluster-secrets` command.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli';
import type { CliIo } from '../../src/cliCommon';
import { findClusterSecrets, updateClusterSecret, type KubeSecret } from '../../src/core/k8s/clusterSecrets';
import { Kubectl } from '../../src/core/k8s/kubectl';
import { clusterSkip as skip, pullSecretJson, startCluster, TEST_KUBECTL, type TestCluster } from './cluster';

const HOST = 'quay.example.com';
const ROBOT = 'acme+deployer';
const OLD = 'OLDTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
const NEW = 'NEWTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
const filter = { robot: ROBOT, host: HOST };

let cluster: TestCluster;

const pullSecret = (namespace: string, name: string, robot = ROBOT, token = OLD, extra: Record<string, unknown> = {}): string => pullSecretJson(namespace, name, HOST, robot, token, extra);

async function readSecret(namespace: string, name: string): Promise<KubeSecret> {
  return (await cluster.kubectl.getJson('admin', ['secret', name, '-n', namespace])) as KubeSecret;
}
const userIn = (s: KubeSecret): string => {
  const json = JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { username: string; password: string }> };
  const e = json.auths[HOST];
  return `${e?.username ?? ''}:${e?.password === NEW ? 'NEW' : e?.password === OLD ? 'OLD' : '?'}`;
};

before(async () => {
  if (skip !== undefined) return;
  cluster = await startCluster();
  for (const ns of ['team-a', 'team-b', 'team-c']) await cluster.createNamespace(ns);
  // developer: may list namespaces everywhere, Secrets only in team-a and team-b (not team-c, not kube-system…).
  await cluster.admin(['create', 'clusterrole', 'ns-lister', '--verb=get,list', '--resource=namespaces']);
  await cluster.admin(['create', 'clusterrolebinding', 'developer-ns', '--clusterrole=ns-lister', '--user=developer']);
  await cluster.admin(['create', 'clusterrole', 'secret-editor', '--verb=get,list,update', '--resource=secrets']);
  for (const ns of ['team-a', 'team-b']) await cluster.admin(['create', 'rolebinding', 'developer-secrets', '--clusterrole=secret-editor', '--user=developer', '-n', ns]);
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-a', 'quay-pull'));
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-b', 'quay-pull'));
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-b', 'other-robot', 'acme+other'));
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-c', 'quay-pull'));
  // The API server refuses invalid JSON in a dockerconfigjson Secret, but not JSON without "auths".
  await cluster.admin(['create', 'secret', 'generic', 'broken', '-n', 'team-a', '--type=kubernetes.io/dockerconfigjson', '--from-literal=.dockerconfigjson={"credHelpers": {}}']);
});
after(async () => {
  if (skip === undefined) await cluster.stop();
});

void test('admin sees every matching Secret in all namespaces at once', { skip }, async () => {
  const found = await findClusterSecrets(cluster.kubectl, 'admin', filter);
  assert.deepEqual(found.matches.map((m) => `${m.namespace}/${m.name}`).sort(), ['team-a/quay-pull', 'team-b/quay-pull', 'team-c/quay-pull']);
  assert.ok(found.matches.every((m) => m.registry === HOST && m.managedBy === null && m.type === 'kubernetes.io/dockerconfigjson'));
  assert.deepEqual(found.problems.map((p) => [p.kind, p.namespace, p.name]), [['malformed', 'team-a', 'broken']]);
});

void test('a namespace RBAC forbids is reported, not silently skipped; the allowed ones are searched', { skip }, async () => {
  const found = await findClusterSecrets(cluster.kubectl, 'developer', filter);
  assert.deepEqual(found.matches.map((m) => `${m.namespace}/${m.name}`).sort(), ['team-a/quay-pull', 'team-b/quay-pull']);
  const forbidden = found.problems.filter((p) => p.kind === 'forbidden').map((p) => p.namespace);
  assert.ok(forbidden.includes('team-c'), `forbidden: ${forbidden.join(', ')}`);
  assert.ok(!forbidden.includes('team-a') && !forbidden.includes('team-b'));
  assert.match(found.problems.find((p) => p.namespace === 'team-c')?.reason ?? '', /^Forbidden in context "developer": .*cannot list resource "secrets".*"team-c"/);
});

void test('resourceVersion precondition: a Secret changed in between is re-read and re-planned, never overwritten blindly', { skip }, async () => {
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-a', 'race'));
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-a', 'race-gone'));
  const found = await findClusterSecrets(cluster.kubectl, 'admin', filter);
  const race = found.matches.find((m) => m.name === 'race');
  const gone = found.matches.find((m) => m.name === 'race-gone');
  assert.ok(race !== undefined && gone !== undefined);
  // Someone else changes both after the scan: a label on one, the other moved to another robot.
  await cluster.admin(['label', 'secret', 'race', '-n', 'team-a', 'touched=yes']);
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-a', 'race-gone', 'acme+other'));
  const creds = { oldUser: ROBOT, newUser: ROBOT, newToken: NEW };
  const r1 = await updateClusterSecret(cluster.kubectl, race, creds, filter);
  assert.equal(r1.outcome, 'updated');
  const after1 = await readSecret('team-a', 'race');
  assert.equal(userIn(after1), `${ROBOT}:NEW`);
  assert.equal(after1.metadata?.labels?.touched, 'yes', 'the concurrent change is kept');
  assert.notEqual(after1.metadata?.resourceVersion, race.secret.metadata?.resourceVersion);
  const r2 = await updateClusterSecret(cluster.kubectl, gone, creds, filter);
  assert.deepEqual([r2.outcome, r2.outcome !== 'updated' ? r2.reason : ''], ['skipped', 'changed since the scan and no longer holds the robot']);
  assert.equal(userIn(await readSecret('team-a', 'race-gone')), 'acme+other:OLD');
  // The API server itself refuses a stale resourceVersion (what the precondition relies on).
  await assert.rejects(cluster.kubectl.replace('admin', { ...race.secret, apiVersion: 'v1', kind: 'Secret' }), (e: unknown) => e instanceof Error && 'kind' in e && e.kind === 'conflict');
});

void test('an External Secrets managed Secret is listed with managedBy and never patched; forbidden updates fail with kubectl\'s message', { skip }, async () => {
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-b', 'eso-pull', ROBOT, OLD, {
    labels: { 'reconcile.external-secrets.io/managed': 'true' },
    ownerReferences: [{ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', name: 'eso-pull', uid: '5f1d3c1e-0000-4000-8000-000000000001', controller: true, blockOwnerDeletion: true }],
  }));
  const found = await findClusterSecrets(cluster.kubectl, 'admin', filter);
  const eso = found.matches.find((m) => m.name === 'eso-pull');
  assert.equal(eso?.managedBy, 'external-secrets');
  const before = await readSecret('team-b', 'eso-pull');
  const r = await updateClusterSecret(cluster.kubectl, eso, { oldUser: ROBOT, newUser: ROBOT, newToken: NEW }, filter);
  assert.deepEqual([r.outcome, r.outcome !== 'updated' ? r.reason : ''], ['skipped', 'managed by external-secrets: update its source instead']);
  assert.equal((await readSecret('team-b', 'eso-pull')).metadata?.resourceVersion, before.metadata?.resourceVersion);

  // developer may not update Secrets in team-c: kubectl's message is the reason.
  const c = (await findClusterSecrets(cluster.kubectl, 'admin', filter)).matches.find((m) => m.namespace === 'team-c');
  assert.ok(c !== undefined);
  const denied = await updateClusterSecret(cluster.kubectl, { ...c, context: 'developer' }, { oldUser: ROBOT, newUser: ROBOT, newToken: NEW }, filter);
  assert.equal(denied.outcome, 'failed');
  assert.match(denied.outcome === 'failed' ? denied.reason : '', /^Forbidden in context "developer": .*cannot update resource "secrets"/);
});

function capture(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: () => Promise.resolve(''), readFile: () => Promise.reject(new Error('no')), writeFile: () => Promise.resolve(), stdinIsTTY: false },
  };
}
const jsonLines = (chunks: readonly string[]): Record<string, unknown>[] => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

void test('quay-robots cluster-secrets: one JSON line per Secret, problems as JSON on stderr, exit 0; 2 when unreachable', { skip }, async () => {
  const c = capture();
  const code = await main(['cluster-secrets', '--robot', ROBOT, '--context', 'developer', '--kubeconfig', cluster.kubeconfig, '--kubectl', TEST_KUBECTL], c.io);
  assert.equal(code, 0);
  const lines = jsonLines(c.out);
  assert.deepEqual(lines.map((l) => `${String(l.namespace)}/${String(l.name)}`).sort(), ['team-a/quay-pull', 'team-a/race', 'team-b/eso-pull', 'team-b/quay-pull']);
  assert.deepEqual(Object.keys(lines[0] ?? {}), ['context', 'namespace', 'name', 'type', 'registry', 'managedBy']);
  assert.equal(lines.find((l) => l.name === 'eso-pull')?.managedBy, 'external-secrets');
  const problems = jsonLines(c.err);
  assert.ok(problems.some((p) => p.problem === 'forbidden' && p.namespace === 'team-c' && p.context === 'developer'));
  assert.ok(problems.some((p) => p.problem === 'malformed' && p.namespace === 'team-a' && p.name === 'broken' && p.reason === '.dockerconfigjson has no auths object'));

  // The current context (admin) by default.
  const d = capture();
  assert.equal(await main(['cluster-secrets', '--robot', ROBOT, '--kubeconfig', cluster.kubeconfig, '--kubectl', TEST_KUBECTL], d.io), 0);
  assert.ok(jsonLines(d.out).every((l) => l.context === 'admin') && jsonLines(d.out).some((l) => l.namespace === 'team-c'));

  const dead = new Kubectl({ path: TEST_KUBECTL, kubeconfig: cluster.kubeconfig });
  await dead.run(undefined, ['config', 'set-cluster', 'dead', '--server=https://127.0.0.1:1']);
  await dead.run(undefined, ['config', 'set-context', 'dead', '--cluster=dead', '--user=admin']);
  const u = capture();
  assert.equal(await main(['cluster-secrets', '--robot', ROBOT, '--context', 'dead', '--kubeconfig', cluster.kubeconfig, '--kubectl', TEST_KUBECTL], u.io), 2);
  assert.deepEqual(u.out, []);
  const [problem] = jsonLines(u.err);
  assert.equal(problem?.problem, 'unreachable');
  assert.match(String(problem?.reason), /^Cannot reach the cluster of context "dead": /);
  const m = capture();
  assert.equal(await main(['cluster-secrets', '--robot', ROBOT, '--kubectl', '/nonexistent/kubectl'], m.io), 2);
  assert.match(String(jsonLines(m.err)[0]?.reason), /^kubectl was not found at "\/nonexistent\/kubectl"/);
});

// Security review 2026-12, finding 4: with real kubectl 1.20, what follows "--" is a name, never a flag.
void test('kubectl 1.20 reads positionals after "--" as names: a Secret named like a flag is looked up, not obeyed', { skip }, async () => {
  await cluster.admin(['apply', '-f', '-'], pullSecret('team-a', 'after-dashes'));
  const read = (await cluster.kubectl.getJson('admin', ['-n', 'team-a', '--', 'secret', 'after-dashes'])) as KubeSecret;
  assert.equal(read.metadata?.name, 'after-dashes');
  await assert.rejects(cluster.kubectl.getJson('admin', ['-n', 'team-a', '--', 'secret', '--as=system:admin']), (e: unknown) => {
    assert.ok(e instanceof Error && 'kind' in e, String(e));
    assert.equal(e.kind, 'notFound', e.message);
    assert.match(e.message, /"--as=system:admin" not found/);
    return true;
  });
});
