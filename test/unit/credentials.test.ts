import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loginCommand } from '../../src/core/k8s/credentials';

void test('login commands are the Quay UI ones, quoted for a shell', () => {
  const creds = { host: 'quay.example.com:8443', robot: 'acme+ci_bot', token: 'ABC123' };
  assert.equal(loginCommand('docker', creds), "docker login -u='acme+ci_bot' -p='ABC123' quay.example.com:8443");
  assert.equal(loginCommand('podman', { ...creds, token: "it's" }), "podman login -u='acme+ci_bot' -p='it'\\''s' quay.example.com:8443");
});
