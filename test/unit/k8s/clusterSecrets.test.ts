import assert from 'node:assert/strict';
import { test } from 'node:test';
import { managedBy, matchSecrets, updatedSecret, type KubeSecret } from '../../../src/core/k8s/clusterSecrets';
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
