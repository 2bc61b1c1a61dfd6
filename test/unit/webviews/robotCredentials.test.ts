import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerConfigJson } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { credentialTexts } from '../../../src/webviews/robotCredentials';

const token = 'Q1W2E3R4T5Y6U7I8O9P0ASDFGHJKLZXCVBNMQWERTYUIOPASDFGHJKLZXCVBNM12';
const base = { host: 'quay.example.com', robot: 'acme+ci', scope: 'org' as const, namespace: 'web', mask: '<hidden>' };

void test('after Reveal the texts are exactly what the commands build', () => {
  const t = credentialTexts({ ...base, token });
  assert.equal(t.secretYaml, pullSecretManifest({ host: base.host, robot: base.robot, scope: 'org', token, namespace: 'web' }));
  assert.equal(t.dockerConfig, dockerConfigJson({ host: base.host, robot: base.robot, scope: 'org', token }));
  assert.equal(t.problem, undefined);
});

void test('before Reveal no field carries a credential, and the rest is the same', () => {
  const shown = credentialTexts({ ...base, token });
  const hidden = credentialTexts({ ...base, token: undefined });
  assert.match(hidden.secretYaml, /^ {2}\.dockerconfigjson: <hidden>$/m);
  assert.match(hidden.dockerConfig, /"auth": "<hidden>"/);
  assert.doesNotMatch(hidden.secretYaml + hidden.dockerConfig, /dG9rZW4|YWNtZStjaTp0b2tlbg/, 'no base64 of the stand-in token');
  const lines = (s: string) => s.split('\n').filter((l) => !/dockerconfigjson|"auth"/.test(l));
  assert.deepEqual(lines(hidden.secretYaml), lines(shown.secretYaml));
  assert.deepEqual(lines(hidden.dockerConfig), lines(shown.dockerConfig));
  assert.match(hidden.dockerConfig, /"quay\.example\.com\/acme"/, 'organization scope keys auths by host/namespace');
  assert.match(credentialTexts({ ...base, scope: 'registry', token: undefined }).dockerConfig, /"quay\.example\.com": \{/);
});

void test('an empty namespace leaves metadata.namespace out; an invalid one is a problem, not an exception', () => {
  assert.doesNotMatch(credentialTexts({ ...base, namespace: ' ', token: undefined }).secretYaml, /namespace:/);
  const bad = credentialTexts({ ...base, namespace: 'Not_Valid', token: undefined });
  assert.equal(bad.secretYaml, '');
  assert.ok(bad.problem !== undefined && bad.problem.length > 0);
});
