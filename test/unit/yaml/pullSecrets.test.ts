import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kubectlDockerConfigJson } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { parseManifests } from '../../../src/core/yaml/parse';
import { findPullSecrets } from '../../../src/core/yaml/pullSecrets';

void test('findPullSecrets: data (base64), stringData, legacy dockercfg, List items, problems', () => {
  const kubectl = Buffer.from(kubectlDockerConfigJson('quay.io', 'acme+ci', 'T')).toString('base64');
  const text = [
    pullSecretManifest({ host: 'quay.io', robot: 'acme+ci', token: 'TOKEN', scope: 'org', namespace: 'prod' }),
    '---',
    `apiVersion: v1
kind: Secret
metadata: {name: kubectl-made}
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: ${kubectl}
---
apiVersion: v1
kind: Secret
metadata:
  name: plain
stringData:
  .dockerconfigjson: |
    {"auths": {"quay.example.com:8443": {"auth": "${Buffer.from('other+bot:x').toString('base64')}"}}}
type: kubernetes.io/dockerconfigjson
---
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: legacy}
  type: kubernetes.io/dockercfg
  data:
    .dockercfg: ${Buffer.from('{"registry.example.com": {"username": "u", "password": "p"}}').toString('base64')}
- apiVersion: v1
  kind: Secret
  metadata: {name: broken}
  type: kubernetes.io/dockerconfigjson
  data:
    .dockerconfigjson: '%%%'
- apiVersion: v1
  kind: Secret
  metadata: {name: opaque}
  type: Opaque
  data: {a: YQ==}
`,
  ].join('\n');
  const found = findPullSecrets(parseManifests(text));
  assert.deepEqual(
    found.map((s) => [s.name, s.namespace, s.source, s.authsKeys, s.entries.map((e) => e.username), s.problem]),
    [
      ['acme-ci-pull-secret', 'prod', 'data', ['quay.io/acme'], ['acme+ci'], undefined],
      ['kubectl-made', undefined, 'data', ['quay.io'], ['acme+ci'], undefined],
      ['plain', undefined, 'stringData', ['quay.example.com:8443'], ['other+bot'], undefined],
      ['legacy', undefined, 'data', ['registry.example.com'], ['u'], undefined],
      ['broken', undefined, 'data', [], [], 'data..dockerconfigjson is not base64'],
    ],
  );
  const first = found[0];
  assert.ok(first?.valueRange);
  assert.match(text.slice(first.valueRange.start, first.valueRange.end), /^ewog/);
});
