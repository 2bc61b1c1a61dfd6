import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authsKeyCovers, parseAuthsKey, parseImageReference } from '../../../src/core/k8s/imageReference';
import type { ImageReference } from '../../../src/core/k8s/imageReference';

const DIGEST = 'sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945';

void test('parseImageReference', () => {
  const cases: [string, ImageReference | undefined][] = [
    ['nginx', { host: 'docker.io', namespace: 'library', repository: 'nginx' }],
    ['nginx:1.27', { host: 'docker.io', namespace: 'library', repository: 'nginx', tag: '1.27' }],
    ['bitnami/redis:7', { host: 'docker.io', namespace: 'bitnami', repository: 'redis', tag: '7' }],
    ['docker.io/library/busybox', { host: 'docker.io', namespace: 'library', repository: 'busybox' }],
    ['index.docker.io/library/busybox', { host: 'docker.io', namespace: 'library', repository: 'busybox' }],
    ['quay.io/acme/api:2.3.1', { host: 'quay.io', namespace: 'acme', repository: 'api', tag: '2.3.1' }],
    [`quay.io/acme/api@${DIGEST}`, { host: 'quay.io', namespace: 'acme', repository: 'api', digest: DIGEST }],
    [`quay.io/acme/api:1@${DIGEST}`, { host: 'quay.io', namespace: 'acme', repository: 'api', tag: '1', digest: DIGEST }],
    ['Quay.Example.com:8443/acme/team/api:v1', { host: 'quay.example.com:8443', namespace: 'acme', repository: 'team/api', tag: 'v1' }],
    ['localhost:5000/api', { host: 'localhost:5000', namespace: '', repository: 'api' }],
    ['localhost/api', { host: 'localhost', namespace: '', repository: 'api' }],
    ['registry.k8s.io/pause:3.9', { host: 'registry.k8s.io', namespace: '', repository: 'pause', tag: '3.9' }],
    ['', undefined],
    ['${IMAGE}', undefined],
    ['quay.io/Acme/api', undefined],
    ['quay.io/acme/api:', undefined],
    ['a b', undefined],
    ['quay.io/acme/api@sha256:short', undefined],
  ];
  for (const [image, expected] of cases) assert.deepEqual(parseImageReference(image), expected, image);
});

void test('auths keys: scheme, /v1/ and trailing slashes ignored', () => {
  assert.deepEqual(parseAuthsKey('https://index.docker.io/v1/'), { host: 'docker.io', path: '' });
  assert.deepEqual(parseAuthsKey('quay.io/acme'), { host: 'quay.io', path: 'acme' });
  assert.deepEqual(parseAuthsKey('QUAY.IO'), { host: 'quay.io', path: '' });
  assert.equal(parseAuthsKey(''), undefined);
});

void test('authsKeyCovers: registry scope covers the host, org scope covers its org only', () => {
  const ref = parseImageReference('quay.io/acme/api:1');
  assert.ok(ref);
  assert.ok(authsKeyCovers('quay.io', ref));
  assert.ok(authsKeyCovers('https://quay.io', ref));
  assert.ok(authsKeyCovers('quay.io/acme', ref));
  assert.ok(authsKeyCovers('quay.io/acme/api', ref));
  assert.ok(!authsKeyCovers('quay.io/acme-two', ref));
  assert.ok(!authsKeyCovers('quay.io/other', ref));
  assert.ok(!authsKeyCovers('quay.example.com', ref));
  assert.ok(!authsKeyCovers('quay.io:443', ref));
  assert.ok(authsKeyCovers('*.io', ref));
  const hub = parseImageReference('nginx');
  assert.ok(hub);
  assert.ok(authsKeyCovers('https://index.docker.io/v1/', hub));
});
