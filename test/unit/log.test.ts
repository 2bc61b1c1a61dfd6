import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../src/core/log';

void test('redact removes bearer tokens, JSON tokens and known secrets', () => {
  const token = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD';
  const line = `GET /api/v1/user/ Authorization: Bearer ${token} {"token": "SECRET64CHARS", "name": "acme+ci"} docker login -u='acme+ci' -p='ROBOTTOKEN' quay.io`;
  const out = redact(line, ['ROBOTTOKEN']);
  assert.ok(!out.includes(token), out);
  assert.ok(!out.includes('SECRET64CHARS'), out);
  assert.ok(!out.includes('ROBOTTOKEN'), out);
  assert.ok(out.includes('acme+ci'), 'non-secret text stays');
});
