import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkInstanceUrl, parseInstances } from '../../src/core/instances';

void test('checkInstanceUrl normalises to an origin and defaults to https', () => {
  assert.deepEqual(checkInstanceUrl('quay.io'), { ok: true, origin: 'https://quay.io', host: 'quay.io', loopback: false });
  assert.deepEqual(checkInstanceUrl(' https://Quay.Example.com:8443/ '), {
    ok: true, origin: 'https://quay.example.com:8443', host: 'quay.example.com:8443', loopback: false,
  });
});

void test('checkInstanceUrl refuses plain http except on loopback or with the opt-in', () => {
  const refused = checkInstanceUrl('http://quay.internal');
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.message, /unencrypted.*allowHttp/);
  assert.equal(checkInstanceUrl('http://quay.internal', true).ok, true);
  assert.equal(checkInstanceUrl('http://127.0.0.1:8080').ok, true);
  assert.equal(checkInstanceUrl('http://localhost:8080').ok, true);
  assert.equal(checkInstanceUrl('http://[::1]:8080').ok, true);
});

void test('checkInstanceUrl explains bad input', () => {
  for (const bad of ['', 'ftp://quay.io', 'https://quay.io/organization/acme', 'http://exa mple']) {
    const r = checkInstanceUrl(bad);
    assert.equal(r.ok, false, bad);
  }
});

void test('parseInstances keeps valid entries and reports the rest', () => {
  const { instances, problems } = parseInstances([
    { url: 'https://quay.io/' },
    { url: 'https://quay.io' },
    { url: 'http://quay.corp' },
    { nope: 1 },
    { url: 'https://q.corp', verifyTls: false, caFile: '/etc/ca.pem', label: 'Corp', tokenEnvironmentVariable: 'QUAY_TOKEN' },
  ]);
  assert.deepEqual(instances, [
    { url: 'https://quay.io' },
    { url: 'https://q.corp', label: 'Corp', caFile: '/etc/ca.pem', verifyTls: false, tokenEnvironmentVariable: 'QUAY_TOKEN' },
  ]);
  assert.equal(problems.length, 3);
  assert.deepEqual(parseInstances('nope').instances, []);
});
