import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { DIAGNOSTIC_MISSING_PULL_SECRET, DIAGNOSTIC_PULL_SECRET_MISMATCH, diagnoseDocument } from '../../../src/core/yaml/diagnostics';
import { parseManifests } from '../../../src/core/yaml/parse';
import { findPullSecrets } from '../../../src/core/yaml/pullSecrets';

function pod(name: string, image: string, extra = '', namespace = 'prod'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${extra}  containers:
    - name: c
      image: ${image}
`;
}

const secret = (robot: string, scope: 'org' | 'registry', name?: string, host = 'quay.io'): string =>
  pullSecretManifest({ host, robot, token: 'T', scope, name, namespace: 'prod' });

function codes(text: string, options: Parameters<typeof diagnoseDocument>[1] = { quayHosts: ['quay.io'] }): [string, string][] {
  return diagnoseDocument(parseManifests(text), options).map((d) => [d.code, text.slice(d.range.start, d.range.end)]);
}

void test('an image on a Quay host without any pull secret: information on the image', () => {
  const text = pod('a', 'quay.io/acme/api:1') + '---\n' + pod('b', 'docker.io/library/nginx');
  const diags = diagnoseDocument(parseManifests(text), { quayHosts: ['https://quay.io/'] });
  assert.equal(diags.length, 1);
  assert.equal(diags[0]?.severity, 'information');
  assert.equal(diags[0]?.code, DIAGNOSTIC_MISSING_PULL_SECRET);
  assert.equal(text.slice(diags[0]?.range.start, diags[0]?.range.end), 'quay.io/acme/api:1');
  assert.deepEqual(diags[0]?.data, { documentIndex: 0, itemIndex: undefined, host: 'quay.io', namespace: 'acme', repository: 'api', secrets: [] });
  assert.deepEqual(codes(text, { quayHosts: [] }), []);
});

void test('a ServiceAccount in the same text carrying a pull secret counts (serviceAccountName, else default; same namespace)', () => {
  const sa = (name: string, ns: string): string => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nimagePullSecrets:\n  - name: s\n`;
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api')}---\n${sa('default', 'prod')}`), []);
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api', '  serviceAccountName: builder\n')}---\n${sa('builder', 'prod')}`), []);
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api', '  serviceAccountName: builder\n')}---\n${sa('default', 'prod')}`), [
    [DIAGNOSTIC_MISSING_PULL_SECRET, 'quay.io/acme/api'],
  ]);
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api')}---\n${sa('default', 'staging')}`), [[DIAGNOSTIC_MISSING_PULL_SECRET, 'quay.io/acme/api']]);
});

void test('a known secret whose auths do not cover the image: warning; org scope covers its org only', () => {
  const uses = (s: string): string => `  imagePullSecrets:\n    - name: ${s}\n`;
  const orgOther = secret('other+bot', 'org', 'other-pull');
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api', uses('other-pull'))}---\n${orgOther}\n`), [[DIAGNOSTIC_PULL_SECRET_MISMATCH, 'quay.io/acme/api']]);
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api', uses('acme-pull'))}---\n${secret('acme+bot', 'org', 'acme-pull')}\n`), []);
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api', uses('any-pull'))}---\n${secret('other+bot', 'registry', 'any-pull')}\n`), []);
  const wrongHost = secret('acme+bot', 'registry', 'wrong-host', 'quay.example.com');
  const diags = diagnoseDocument(parseManifests(`${pod('a', 'quay.io/acme/api', uses('wrong-host'))}---\n${wrongHost}\n`), { quayHosts: ['quay.io', 'quay.example.com'] });
  assert.equal(diags[0]?.severity, 'warning');
  assert.match(diags[0]?.message ?? '', /"wrong-host".*quay\.example\.com, not for quay\.io\/acme/);
  // A secret the text does not define might cover the image: no warning.
  assert.deepEqual(codes(pod('a', 'quay.io/acme/api', uses('elsewhere'))), []);
  // ...unless the workspace knows it.
  const workspaceSecrets = findPullSecrets(parseManifests(secret('other+bot', 'org', 'elsewhere')));
  assert.deepEqual(codes(pod('a', 'quay.io/acme/api', uses('elsewhere')), { quayHosts: ['quay.io'], workspaceSecrets }), [
    [DIAGNOSTIC_PULL_SECRET_MISMATCH, 'quay.io/acme/api'],
  ]);
  // Through the ServiceAccount's secrets too.
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: prod\nimagePullSecrets:\n  - name: other-pull\n';
  assert.match(diagnoseDocument(parseManifests(`${pod('a', 'quay.io/acme/api')}---\n${sa}---\n${orgOther}\n`), { quayHosts: ['quay.io'] })[0]?.message ?? '', /ServiceAccount "default"/);
});

void test('documents that cannot be read get no diagnostics', () => {
  assert.deepEqual(codes(`${pod('a', 'quay.io/acme/api')}  bad: [\n`), []);
  assert.deepEqual(codes(pod('a', 'quay.io/acme/{{ .Values.repo }}')), []);
});
