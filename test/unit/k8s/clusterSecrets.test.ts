import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findClusterSecrets, managedBy, matchSecrets, updateClusterSecret, updatedSecret, type KubeSecret, type SecretMatch } from '../../../src/core/k8s/clusterSecrets';
import { Kubectl } from '../../../src/core/k8s/kubectl';
import { basicAuth, dockerConfigJson, kubectlDockerConfigJson } from '../../../src/core/k8s/credentials';

const HOST = 'quay.example.com';
const TOKEN = 'OLDTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(name: string, type: string, body: { data?: Record<string, string>; stringData?: Record<string, string> }, meta: Partial<NonNullable<KubeSecret['metadata']>> = {}): KubeSecret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'team-a', resourceVersion: '7', ...meta }, type, ...body };
}
const dcj = (json: string): KubeSecret['data'] => ({ '.dockerconfigjson': b64(json) });
const robot = { robot: 'acme+deployer', host: HOST };

void test('data and stringData, both Secret types, auth or username: every form holding the robot matches', () => {
  const legacy = JSON.stringify({ [`https://${HOST}`]: { auth: basicAuth('acme+deployer', TOKEN), email: '' } });
  const found = matchSecrets('ctx', [
    secret('quay-ui', 'kubernetes.io/dockerconfigjson', { data: dcj(dockerConfigJson({ host: HOST, robot: 'acme+deployer', token: TOKEN, scope: 'org' })) }),
    secret('kubectl-made', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) }),
    secret('string-data', 'kubernetes.io/dockerconfigjson', { stringData: { '.dockerconfigjson': kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN) } }),
    secret('legacy', 'kubernetes.io/dockercfg', { data: { '.dockercfg': b64(legacy) } }),
    secret('opaque', 'Opaque', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) }),
  ], robot);
  assert.deepEqual(found.problems, []);
  assert.deepEqual(found.matches.map((m) => [m.name, m.type, m.registry, m.managedBy]), [
    ['quay-ui', 'kubernetes.io/dockerconfigjson', `${HOST}/acme`, null],
    ['kubectl-made', 'kubernetes.io/dockerconfigjson', HOST, null],
    ['string-data', 'kubernetes.io/dockerconfigjson', HOST, null],
    ['legacy', 'kubernetes.io/dockercfg', `https://${HOST}`, null],
  ]);
});

void test('several auths entries: only the robot on this host counts; another robot on the same host does not match', () => {
  const json = JSON.stringify({
    auths: {
      'docker.io': { auth: basicAuth('someone', 'pw') },
      [HOST]: { auth: basicAuth('acme+other', TOKEN) },
      'elsewhere.example.com': { auth: basicAuth('acme+deployer', TOKEN) },
      [`${HOST}/acme`]: { username: 'acme+deployer', password: TOKEN },
    },
  });
  const found = matchSecrets('ctx', [secret('mixed', 'kubernetes.io/dockerconfigjson', { data: dcj(json) })], robot);
  assert.equal(found.matches.length, 1);
  assert.equal(found.matches[0]?.registry, `${HOST}/acme`);
  const other = matchSecrets('ctx', [secret('other', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+other', TOKEN)) })], robot);
  assert.deepEqual(other, { matches: [], problems: [] });
  // Without a host (the CLI), the robot matches on any registry.
  assert.equal(matchSecrets('ctx', [secret('mixed', 'kubernetes.io/dockerconfigjson', { data: dcj(json) })], { robot: 'acme+deployer' }).matches[0]?.registry, 'elsewhere.example.com');
});

void test('with a token (Finish Rotation), only entries still holding it match, in the auth and the username/password forms', () => {
  const NEW = 'NEWTOKEN0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
  const secrets = [
    secret('old-auth', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) }),
    secret('old-user', 'kubernetes.io/dockerconfigjson', { data: dcj(JSON.stringify({ auths: { [HOST]: { username: 'acme+deployer', password: TOKEN } } })) }),
    secret('new-auth', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', NEW)) }),
    secret('new-user', 'kubernetes.io/dockerconfigjson', { data: dcj(JSON.stringify({ auths: { [HOST]: { username: 'acme+deployer', password: NEW } } })) }),
  ];
  assert.deepEqual(matchSecrets('ctx', secrets, { ...robot, token: TOKEN }).matches.map((m) => m.name), ['old-auth', 'old-user']);
  assert.deepEqual(matchSecrets('ctx', secrets, { ...robot, token: NEW }).matches.map((m) => m.name), ['new-auth', 'new-user']);
  assert.equal(matchSecrets('ctx', secrets, robot).matches.length, 4, 'without a token every entry of the robot matches');
});

void test('malformed base64 or JSON is reported with the reason, never thrown', () => {
  const found = matchSecrets('ctx', [
    secret('bad-b64', 'kubernetes.io/dockerconfigjson', { data: { '.dockerconfigjson': 'not*base64!' } }),
    secret('bad-json', 'kubernetes.io/dockerconfigjson', { data: dcj('{"auths": {') }),
    secret('no-auths', 'kubernetes.io/dockerconfigjson', { data: dcj('{"credHelpers": {}}') }),
    secret('no-key', 'kubernetes.io/dockerconfigjson', { data: {} }),
    secret('legacy-array', 'kubernetes.io/dockercfg', { data: { '.dockercfg': b64('[1]') } }),
    secret('bad-entry', 'kubernetes.io/dockerconfigjson', { data: dcj(JSON.stringify({ auths: { [HOST]: { auth: '***' } } })) }),
  ], robot);
  assert.deepEqual(found.matches, []);
  assert.deepEqual(found.problems.map((p) => [p.name, p.kind, p.reason]), [
    ['bad-b64', 'malformed', 'data[.dockerconfigjson] is not valid base64'],
    ['bad-json', 'malformed', '.dockerconfigjson is not valid JSON'],
    ['no-auths', 'malformed', '.dockerconfigjson has no auths object'],
    ['no-key', 'malformed', 'has no .dockerconfigjson'],
    ['legacy-array', 'malformed', '.dockercfg is not a JSON object'],
    ['bad-entry', 'malformed', `.dockerconfigjson: the auths entry "${HOST}" has no username and no readable auth`],
  ]);
});

void test('managedBy: External Secrets by label or owner, another controller by Kind.group, plain owners ignored', () => {
  assert.equal(managedBy(secret('a', 'x', {}, { labels: { 'reconcile.external-secrets.io/managed': 'true' } })), 'external-secrets');
  assert.equal(managedBy(secret('a', 'x', {}, { ownerReferences: [{ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', name: 'pull', controller: true }] })), 'external-secrets');
  assert.equal(managedBy(secret('a', 'x', {}, { ownerReferences: [{ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', name: 'pull', controller: true }] })), 'SealedSecret.bitnami.com');
  assert.equal(managedBy(secret('a', 'x', {}, { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }] })), null);
});

void test('updatedSecret rewrites only the robot entries, keeps the others and the resourceVersion precondition', () => {
  const json = JSON.stringify({ auths: { 'docker.io': { auth: basicAuth('someone', 'pw') }, [HOST]: { username: 'acme+deployer', password: TOKEN, email: 'x@y', auth: basicAuth('acme+deployer', TOKEN) } } });
  const s = secret('mixed', 'kubernetes.io/dockerconfigjson', { data: { ...dcj(json), other: b64('kept') } });
  const out = updatedSecret(s, [HOST], { oldUser: 'acme+deployer', newUser: 'acme+deployer_2', newToken: 'NEW' });
  assert.equal(out.metadata?.resourceVersion, '7');
  assert.equal(out.data?.other, b64('kept'));
  const auths = (JSON.parse(Buffer.from(out.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, Record<string, string>> }).auths;
  assert.deepEqual(auths['docker.io'], { auth: basicAuth('someone', 'pw') });
  assert.deepEqual(auths[HOST], { username: 'acme+deployer_2', password: 'NEW', email: 'x@y', auth: basicAuth('acme+deployer_2', 'NEW') });
});

/**
 * A kubectl that logs its argv (one JSON array a line) and answers as `answers` says: the first argument after
 * the global flags picks the answer (`get`/`replace`), as a hostile API server (or proxy) would.
 */
function fakeKubectl(answers: { get?: unknown; replace?: { stderr: string } }): { kubectl: Kubectl; argv: () => string[][]; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'quay-fake-kubectl-'));
  const log = join(dir, 'argv.log');
  const program = join(dir, 'kubectl');
  writeFileSync(join(dir, 'answers.json'), JSON.stringify(answers));
  writeFileSync(
    program,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
const answers = JSON.parse(fs.readFileSync(${JSON.stringify(join(dir, 'answers.json'))}, 'utf8'));
const verb = args.find((a) => !a.startsWith('--context=') && !a.startsWith('--kubeconfig='));
if (verb === 'replace' && answers.replace) { process.stderr.write(answers.replace.stderr); process.exit(1); }
if (verb === 'get' && answers.get !== undefined) { process.stdout.write(JSON.stringify(answers.get)); process.exit(0); }
process.stderr.write('error: unexpected ' + args.join(' ') + '\\n');
process.exit(1);
`,
  );
  chmodSync(program, 0o755);
  return {
    kubectl: new Kubectl({ path: program }),
    argv: () => readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as string[]),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const CONFLICT = 'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on secrets "pull": the object has been modified; please apply your changes to the latest version and try again\n';

// Security review 2026-12, finding 4: a Secret name from the API answer became a kubectl flag (`--as=system:admin`).
void test('a Secret whose name or namespace breaks the DNS-1123 rules is reported as malformed, never matched', async () => {
  const holding = (name: string, namespace: string): KubeSecret => secret(name, 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) }, { namespace });
  const hostile = [holding('--as=system:admin', 'team-a'), holding('pull', '--server=http://127.0.0.1:9/'), holding('Pull_Secret', 'team-a'), holding('ok.pull-1', 'team-a'), holding('x'.repeat(254), 'team-a')];
  const found = matchSecrets('ctx', hostile, robot);
  assert.deepEqual(found.matches.map((m) => `${m.namespace}/${m.name}`), ['team-a/ok.pull-1']);
  assert.deepEqual(found.problems.map((p) => [p.kind, p.namespace, (p.name ?? '').slice(0, 20)]), [
    ['malformed', 'team-a', '--as=system:admin'],
    ['malformed', '--server=http://127.0.0.1:9/', 'pull'],
    ['malformed', 'team-a', 'Pull_Secret'],
    ['malformed', 'team-a', 'x'.repeat(20)],
  ]);
  assert.match(found.problems[0]?.reason ?? '', /Secret name "--as=system:admin", which is not a valid Kubernetes object name; the Secret is not touched/);
  assert.match(found.problems[1]?.reason ?? '', /namespace "--server=http:\/\/127\.0\.0\.1:9\/", which is not a valid namespace name/);
  assert.ok((found.problems[3]?.name ?? '').length <= 101, 'a long name is shown cut');
  // A control character in a name is shown escaped.
  assert.equal(matchSecrets('ctx', [holding('a\nb', 'team-a')], robot).problems[0]?.name, 'a\\nb');
  // Through kubectl: the hostile list never reaches a later kubectl call.
  const fake = fakeKubectl({ get: { items: hostile } });
  try {
    const listed = await findClusterSecrets(fake.kubectl, 'ctx', robot);
    assert.deepEqual(listed.matches.map((m) => m.name), ['ok.pull-1']);
    assert.equal(listed.problems.length, 4);
  } finally {
    fake.done();
  }
});

void test('the Secret read again after a conflict is named after "--", and a malformed match is never passed to kubectl', async () => {
  const pull = secret('pull', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) });
  const match = (s: KubeSecret): SecretMatch => ({ context: 'ctx', namespace: s.metadata?.namespace ?? '', name: s.metadata?.name ?? '', type: s.type ?? '', registry: HOST, managedBy: null, secret: s });
  const credentials = { oldUser: 'acme+deployer', newUser: 'acme+deployer', newToken: 'NEWTOKEN' };
  const fake = fakeKubectl({ get: pull, replace: { stderr: CONFLICT } });
  try {
    const update = await updateClusterSecret(fake.kubectl, match(pull), credentials, robot);
    assert.equal(update.outcome, 'failed');
    assert.deepEqual(fake.argv(), [
      ['--context=ctx', 'replace', '-o', 'json', '-f', '-'],
      ['--context=ctx', 'get', '-o', 'json', '-n', 'team-a', '--', 'secret', 'pull'],
      ['--context=ctx', 'replace', '-o', 'json', '-f', '-'],
    ]);
  } finally {
    fake.done();
  }
  // A match whose names are not Kubernetes names (from a hostile listing, or built by hand) fails before kubectl runs.
  const bad = fakeKubectl({ get: pull, replace: { stderr: CONFLICT } });
  try {
    const hostile = match(secret('--as=system:admin', 'kubernetes.io/dockerconfigjson', { data: dcj(kubectlDockerConfigJson(HOST, 'acme+deployer', TOKEN)) }, { namespace: '--server=http://127.0.0.1:9/' }));
    const update = await updateClusterSecret(bad.kubectl, hostile, credentials, robot);
    assert.equal(update.outcome, 'failed');
    assert.match(update.outcome === 'failed' ? update.reason : '', /not a valid namespace name; the Secret is not touched/);
    assert.throws(() => bad.argv(), /ENOENT/, 'kubectl never ran');
  } finally {
    bad.done();
  }
});
