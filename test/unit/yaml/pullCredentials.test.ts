import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { parseManifests } from '../../../src/core/yaml/parse';
import { coveringSecrets, imagePulls, normalizeHosts, pullRobots } from '../../../src/core/yaml/pullCredentials';
import { findPullSecrets } from '../../../src/core/yaml/pullSecrets';

const secret = (robot: string, scope: 'org' | 'registry', host = 'quay.io', namespace = 'prod'): string =>
  `${pullSecretManifest({ host, robot, token: 'T0KEN', scope, namespace })}\n`;

const deployment = (image: string, extra = '', ns = 'prod'): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
spec:
  template:
    spec:
${extra}      containers:
        - name: web
          image: ${image}
`;

void test('hosts are normalised from URLs and host:port', () => {
  assert.deepEqual([...normalizeHosts(['https://quay.io/', 'quay.example.com:8443', 'http://127.0.0.1:9000'])], ['quay.io', 'quay.example.com:8443', '127.0.0.1:9000']);
});

void test('an image uses its pod spec secrets, else its ServiceAccount\'s in the same namespace, and only Quay hosts count', () => {
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: prod\nimagePullSecrets:\n  - name: from-sa\n';
  const text = [
    deployment('quay.io/acme/api:1', '      imagePullSecrets: [{name: own}]\n'),
    deployment('quay.io/acme/worker:2', '      serviceAccountName: runner\n'),
    deployment('quay.io/acme/other:3', '      serviceAccountName: runner\n', 'staging'),
    deployment('docker.io/library/nginx'),
    sa,
  ].join('---\n');
  const pulls = imagePulls(parseManifests(text), ['quay.io']);
  assert.deepEqual(
    pulls.map((p) => [p.image, p.secrets, p.via]),
    [
      ['quay.io/acme/api:1', ['own'], 'this pod spec'],
      ['quay.io/acme/worker:2', ['from-sa'], 'ServiceAccount "runner"'],
      ['quay.io/acme/other:3', [], 'this pod spec'],
    ],
  );
  assert.equal(text.slice(pulls[0].range.start, pulls[0].range.end), 'quay.io/acme/api:1');
  assert.deepEqual(imagePulls(parseManifests(text), []), []);
});

void test('the robots behind the pull secrets are those whose auths key covers the image', () => {
  const text = [
    deployment('quay.io/acme/api:1', '      imagePullSecrets: [{name: acme-puller-pull-secret}, {name: other-bot-pull-secret}, {name: unknown}]\n'),
    secret('acme+puller', 'org'),
    secret('other+bot', 'org'),
  ].join('---\n');
  const parsed = parseManifests(text);
  const known = findPullSecrets(parsed);
  const [pull] = imagePulls(parsed, ['quay.io']);
  assert.deepEqual(pullRobots(pull, known), [{ secret: 'acme-puller-pull-secret', robot: 'acme+puller', key: 'quay.io/acme' }]);
  assert.deepEqual(coveringSecrets(pull, known).map((s) => s.name), ['acme-puller-pull-secret']);
  // A Secret in another namespace is not the one the pod uses.
  const elsewhere = parseManifests([deployment('quay.io/acme/api:1', '      imagePullSecrets: [{name: acme-puller-pull-secret}]\n'), secret('acme+puller', 'registry', 'quay.io', 'dev')].join('---\n'));
  assert.deepEqual(pullRobots(imagePulls(elsewhere, ['quay.io'])[0], findPullSecrets(elsewhere)), []);
});
