import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authsKey, dockerConfigJson, loginCommand, pullSecretName, robotPrefix } from '../../src/core/credentials';

const creds = { host: 'quay.example.com:8443', username: 'acme+ci_bot', token: 'ABC123' };

void test('robot prefix and secret name follow the Quay UI escaping', () => {
  assert.equal(robotPrefix('acme+ci_bot'), 'acme-ci-bot');
  assert.equal(robotPrefix('+odd'), 'odd');
  assert.equal(pullSecretName('acme+k8s_prod_puller'), 'acme-k8s-prod-puller-pull-secret');
});

void test('login commands are the Quay UI ones, quoted for a shell', () => {
  assert.equal(loginCommand('docker', creds), "docker login -u='acme+ci_bot' -p='ABC123' quay.example.com:8443");
  assert.equal(loginCommand('podman', { ...creds, token: "it's" }), "podman login -u='acme+ci_bot' -p='it'\\''s' quay.example.com:8443");
});

void test('config.json has the exact Quay UI structure for both scopes', () => {
  assert.equal(authsKey('quay.io', 'acme+ci', 'org'), 'quay.io/acme');
  const registry = dockerConfigJson(creds, 'registry');
  assert.equal(registry, JSON.stringify({ auths: { 'quay.example.com:8443': { auth: Buffer.from('acme+ci_bot:ABC123').toString('base64'), email: '' } } }, null, 2));
  const org = JSON.parse(dockerConfigJson(creds, 'org')) as { auths: Record<string, { auth: string; email: string }> };
  assert.deepEqual(Object.keys(org.auths), ['quay.example.com:8443/acme']);
  assert.equal(Buffer.from(org.auths['quay.example.com:8443/acme'].auth, 'base64').toString(), 'acme+ci_bot:ABC123');
});
