import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authsKey,
  dockerConfigJson,
  kubectlDockerConfigJson,
  pullSecretName,
  readDockerConfig,
  registryHost,
  robotPrefix,
} from '../../../src/core/k8s/credentials';
import { pullSecretManifest, serviceAccountManifest } from '../../../src/core/k8s/manifests';

const TOKEN = 'R0B0TT0KENABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOP';

void test('robotPrefix escapes like the Quay UI: non-alphanumerics to "-", one leading "-" dropped, case kept', () => {
  assert.equal(robotPrefix('myorg+ci_bot'), 'myorg-ci-bot');
  assert.equal(robotPrefix('acme+deploy.prod-1'), 'acme-deploy-prod-1');
  assert.equal(robotPrefix('Acme+Bot'), 'Acme-Bot');
  assert.equal(robotPrefix('_org+bot'), 'org-bot');
  assert.equal(robotPrefix('__org+bot'), '-org-bot');
  assert.equal(robotPrefix('+bot'), 'bot');
  assert.equal(pullSecretName('myorg+ci_bot'), 'myorg-ci-bot-pull-secret');
});

void test('dockerConfigJson is the UI docker config byte for byte (2-space JSON, email "")', () => {
  const auth = Buffer.from(`acme+ci:${TOKEN}`).toString('base64');
  assert.equal(
    dockerConfigJson({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'registry' }),
    `{\n  "auths": {\n    "quay.io": {\n      "auth": "${auth}",\n      "email": ""\n    }\n  }\n}`,
  );
  assert.equal(
    dockerConfigJson({ host: 'quay.example.com:8443', robot: 'acme+ci', token: TOKEN, scope: 'org' }),
    `{\n  "auths": {\n    "quay.example.com:8443/acme": {\n      "auth": "${auth}",\n      "email": ""\n    }\n  }\n}`,
  );
});

void test('auths key per scope; hosts lose a scheme and trailing slash, anything else is refused', () => {
  assert.equal(authsKey('quay.io', 'acme+ci', 'org'), 'quay.io/acme');
  assert.equal(authsKey('quay.io', 'acme+ci', 'registry'), 'quay.io');
  assert.equal(registryHost('https://quay.example.com/'), 'quay.example.com');
  assert.equal(registryHost('[::1]:5000'), '[::1]:5000');
  assert.throws(() => registryHost('quay.io/acme'), /not a registry host/);
  assert.throws(() => registryHost(''), /not a registry host/);
});

void test('pullSecretManifest: the UI\'s seven lines; .dockerconfigjson decodes to the UI structure', () => {
  const text = pullSecretManifest({ host: 'quay.io', robot: 'myorg+ci_bot', token: TOKEN, scope: 'org' });
  const lines = text.split('\n');
  assert.equal(lines.length, 7);
  assert.ok(!text.endsWith('\n'));
  assert.deepEqual(lines.slice(0, 5), ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: myorg-ci-bot-pull-secret', 'data:']);
  assert.equal(lines[6], 'type: kubernetes.io/dockerconfigjson');
  const encoded = /^ {2}\.dockerconfigjson: ([A-Za-z0-9+/=]+)$/.exec(lines[5] ?? '')?.[1];
  assert.ok(encoded !== undefined);
  const json = Buffer.from(encoded, 'base64').toString('utf8');
  assert.equal(json, dockerConfigJson({ host: 'quay.io', robot: 'myorg+ci_bot', token: TOKEN, scope: 'org' }));
  const parsed = JSON.parse(json) as { auths: Record<string, { auth: string; email: string }> };
  assert.deepEqual(Object.keys(parsed.auths), ['quay.io/myorg']);
  assert.deepEqual(Object.keys(parsed.auths['quay.io/myorg'] ?? {}), ['auth', 'email']);
  assert.equal(parsed.auths['quay.io/myorg']?.email, '');
  assert.equal(Buffer.from(parsed.auths['quay.io/myorg']?.auth ?? '', 'base64').toString(), `myorg+ci_bot:${TOKEN}`);
});

void test('pullSecretManifest with namespace and name', () => {
  const text = pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'registry', namespace: 'prod', name: 'quay-creds' });
  const lines = text.split('\n');
  assert.equal(lines.length, 8);
  assert.equal(lines[3], '  name: quay-creds');
  assert.equal(lines[4], '  namespace: prod');
  assert.throws(() => pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org', name: 'Bad_Name' }), /not a valid Kubernetes object name/);
  assert.throws(() => pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org', namespace: 'a.b' }), /not a valid namespace/);
});

void test('errors never echo the token', () => {
  const secretish = 'SECRET TOKEN WITH SPACE';
  for (const f of [
    () => dockerConfigJson({ host: 'quay.io', robot: 'acme+ci', token: secretish, scope: 'org' }),
    () => dockerConfigJson({ host: 'quay.io', robot: 'nope', token: secretish, scope: 'org' }),
    () => pullSecretManifest({ host: 'bad host', robot: 'acme+ci', token: secretish, scope: 'org' }),
  ]) {
    assert.throws(f, (e: unknown) => e instanceof Error && !e.message.includes(secretish));
  }
  assert.throws(() => dockerConfigJson({ host: 'quay.io', robot: 'acme+ci', token: '', scope: 'org' }), /empty/);
});

void test('kubectl stores another shape: {"auths":{host:{username,password,auth}}}, same auth value', () => {
  // A published `kubectl create secret docker-registry … --dry-run=client -o yaml` output, byte for byte:
  assert.equal(
    Buffer.from(kubectlDockerConfigJson('myprivateregistry.com:5000', 'docker_user', 'dock_password', 'dock_user@myprivateregistry.com')).toString('base64'),
    'eyJhdXRocyI6eyJteXByaXZhdGVyZWdpc3RyeS5jb206NTAwMCI6eyJ1c2VybmFtZSI6ImRvY2tlcl91c2VyIiwicGFzc3dvcmQiOiJkb2NrX3Bhc3N3b3JkIiwiZW1haWwiOiJkb2NrX3VzZXJAbXlwcml2YXRlcmVnaXN0cnkuY29tIiwiYXV0aCI6IlpHOWphMlZ5WDNWelpYSTZaRzlqYTE5d1lYTnpkMjl5WkE9PSJ9fX0=',
  );
  const kubectl = kubectlDockerConfigJson('quay.io/acme', 'acme+ci', TOKEN);
  const auth = Buffer.from(`acme+ci:${TOKEN}`).toString('base64');
  assert.equal(kubectl, `{"auths":{"quay.io/acme":{"username":"acme+ci","password":"${TOKEN}","auth":"${auth}"}}}`);
  const ui = JSON.parse(dockerConfigJson({ host: 'quay.io', robot: 'acme+ci', token: TOKEN, scope: 'org' })) as { auths: Record<string, { auth: string }> };
  assert.equal(ui.auths['quay.io/acme']?.auth, auth);
  // Both read the same for our finders.
  assert.deepEqual(readDockerConfig(kubectl), [{ key: 'quay.io/acme', username: 'acme+ci' }]);
  assert.deepEqual(readDockerConfig(JSON.stringify(ui)), [{ key: 'quay.io/acme', username: 'acme+ci' }]);
  assert.deepEqual(readDockerConfig('{"quay.io": {"auth": "' + auth + '"}}', true), [{ key: 'quay.io', username: 'acme+ci' }]);
  assert.equal(readDockerConfig('not json'), undefined);
  assert.equal(readDockerConfig('{"auths": []}'), undefined);
});

void test('serviceAccountManifest, default and kubectl styles', () => {
  assert.equal(
    serviceAccountManifest('builder', 'ci', ['a', 'b']),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder\n  namespace: ci\nimagePullSecrets:\n  - name: a\n  - name: b',
  );
  assert.equal(
    serviceAccountManifest('builder', undefined, ['a'], { indent: 4, indentSequences: false }),
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n    name: builder\nimagePullSecrets:\n- name: a',
  );
  assert.equal(serviceAccountManifest('builder', undefined, []), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: builder');
  assert.throws(() => serviceAccountManifest('Builder', undefined, []));
});
