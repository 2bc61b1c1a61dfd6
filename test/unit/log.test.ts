import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, redact, RedactingLogger } from '../../src/core/log';
import { memoryLogger } from './quay/helpers';

void test('redact removes bearer tokens, JSON tokens and known secrets', () => {
  const token = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCD';
  const line = `GET /api/v1/user/ Authorization: Bearer ${token} {"token": "SECRET64CHARS", "name": "acme+ci"} docker login -u='acme+ci' -p='ROBOTTOKEN' quay.io`;
  const out = redact(line, ['ROBOTTOKEN']);
  assert.ok(!out.includes(token), out);
  assert.ok(!out.includes('SECRET64CHARS'), out);
  assert.ok(!out.includes('ROBOTTOKEN'), out);
  assert.ok(out.includes('acme+ci'), 'non-secret text stays');
});

void test('redact catches query tokens, URL user-info, (escaped) JSON, password flags, X-Token and base64 auth values', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJl';
  const b64 = Buffer.from('acme+ci:ROBOTTOKEN1234567890').toString('base64');
  const cases: [string, string][] = [
    ['GET https://quay.io/api/v1/user/?access_token=SECRETQUERY1&x=1', 'SECRETQUERY1'],
    ['GET /x?a=1&ACCESS_TOKEN=SECRETQUERY2', 'SECRETQUERY2'],
    ['proxy https://robot:URLPASSWORD1@proxy.example.com:3128/', 'URLPASSWORD1'],
    ['clone https://ghp_URLTOKENONLY1@github.com/acme/app.git', 'ghp_URLTOKENONLY1'],
    ['{"access_token":"JSONACCESS1","token_type":"Bearer"}', 'JSONACCESS1'],
    ['{"access_token": "JSONACCESS2"}', 'JSONACCESS2'],
    ['{"password":"JSONPASSWORD1"}', 'JSONPASSWORD1'],
    ['body: "{\\"token\\":\\"ESCAPEDTOKEN1\\",\\"name\\":\\"acme+ci\\"}"', 'ESCAPEDTOKEN1'],
    ['{\\"access_token\\": \\"ESCAPEDTOKEN2\\"}', 'ESCAPEDTOKEN2'],
    ['skopeo copy --password FLAGPASSWORD1 docker://a docker://b', 'FLAGPASSWORD1'],
    ['helm registry login quay.io --username acme+ci --password=FLAGPASSWORD2', 'FLAGPASSWORD2'],
    ["kubectl create secret docker-registry s --docker-username=acme+ci --docker-password='FLAGPASSWORD3'", 'FLAGPASSWORD3'],
    ['kubectl create secret docker-registry s --docker-password=FLAGPASSWORD4 --docker-server=quay.io', 'FLAGPASSWORD4'],
    ['X-Token: HEADERTOKEN1', 'HEADERTOKEN1'],
    ['{"x-token": "HEADERTOKEN2"}', 'HEADERTOKEN2'],
    [`{"auths":{"quay.io":{"auth":"${b64}","email":""}}}`, b64],
    [`        auth: ${b64}`, b64],
    ['  .dockerconfigjson: eyJhdXRocyI6eyJxdWF5LmlvIjp7ImF1dGgiOiJZV050WlN0amFUcFVUMHRGVGc9PSJ9fX0=', 'eyJhdXRocyI6eyJxdWF5LmlvIjp7ImF1dGgiOiJZV050WlN0amFUcFVUMHRGVGc9PSJ9fX0='],
    [`Authorization: Bearer ${jwt}`, jwt],
    [`{"error": "echo Basic ${b64}"}`, b64],
    ['podman login -u acme+ci -p LOGINPASSWORD1 quay.io', 'LOGINPASSWORD1'],
    ["docker login -u='acme+ci' -p='LOGINPASSWORD2' quay.io", 'LOGINPASSWORD2'],
  ];
  for (const [text, secret] of cases) {
    const out = redact(text);
    assert.ok(!out.includes(secret), `${text} → ${out}`);
    assert.ok(out.includes('«redacted»'), out);
  }
  // What surrounds a secret stays readable.
  assert.equal(redact('GET /x?access_token=SECRETQUERY1&page=2'), 'GET /x?access_token=«redacted»&page=2');
  assert.equal(redact('https://robot:pw@proxy:3128/'), 'https://«redacted»@proxy:3128/');
  assert.equal(redact('--docker-username=acme+ci --docker-password=abc --docker-server=quay.io'), '--docker-username=acme+ci --docker-password=«redacted» --docker-server=quay.io');
});

void test('redact leaves ordinary text alone: -p is not always a password', () => {
  for (const text of [
    'cp -p file backup/',
    'ssh -p 2222 git@example.com',
    'mkdir -p /tmp/quay',
    'docker run -p 8080:80 quay.io/acme/app:1.0',
    'docker login --password-stdin -u acme+ci quay.io',
    'GET /api/v1/organization/acme/robots?permissions=false&token=false → 200 in 12 ms',
    'Redirected from https://a to https://b: the Authorization header is not forwarded.',
    'Quay at quay.io refused to read robot acme+ci: Could not find robot with specified username (HTTP 400)',
    'auth: required',
    'https://quay.io/repository/acme/app?tab=tags',
  ]) {
    assert.equal(redact(text), text);
  }
});

void test('RedactingLogger: tagged copies share the secrets it learns, and clean() is the same cleaner', () => {
  const { logger: sink, lines } = memoryLogger();
  const logger = new RedactingLogger(sink);
  const tagged = logger.tagged('http');
  tagged.rememberSecret('short');
  tagged.rememberSecret('LEARNED-SECRET-123');
  logger.info('sent LEARNED-SECRET-123 and short');
  tagged.warn('echo LEARNED-SECRET-123 -p x');
  assert.deepEqual(lines, ['info sent «redacted» and short', 'warn [http] echo «redacted» -p x']);
  assert.equal(logger.clean('Bearer LEARNED-SECRET-123'), 'Bearer «redacted»');
});

void test('redact catches a Python-style dict, the form of jsonschema errors Quay returns (contract §0.4: On instance: {…})', () => {
  const cases: [string, string][] = [
    ["Additional properties are not allowed ('token' was unexpected)\n\nOn instance:\n    {'token': 'PYTOKEN123456', 'name': 'ci'}", 'PYTOKEN123456'],
    ["{'access_token': 'PYACCESS1234'}", 'PYACCESS1234'],
    ["{'password':'PYPASSWORD12'}", 'PYPASSWORD12'],
    // Python's repr uses double quotes around a string that holds a single quote.
    ["{'token': \"PY'TOKEN9876\"}", "PY'TOKEN9876"],
    // A backslash-escaped quote inside the value does not end it.
    ["{'token': 'PY\\'TOKEN5555'}", "TOKEN5555"],
    ["{'auths': {'quay.io': {'auth': 'YWNtZStjaTpST0JPVA=='}}}", 'YWNtZStjaTpST0JPVA=='],
  ];
  for (const [text, secret] of cases) {
    const out = redact(text);
    assert.ok(!out.includes(secret), `${text} → ${out}`);
    assert.ok(out.includes('«redacted»'), out);
  }
  assert.equal(redact("{'token': 'PYTOKEN123456', 'name': 'ci'}"), "{'token': '«redacted»', 'name': 'ci'}");
  assert.equal(redact("{'name': 'ci', 'description': 'no token here'}"), "{'name': 'ci', 'description': 'no token here'}");
});

void test("errorMessage: an Error's message, anything else as a string", () => {
  assert.equal(errorMessage(new TypeError('bad input')), 'bad input');
  assert.equal(errorMessage('plain text'), 'plain text');
  assert.equal(errorMessage(404), '404');
  assert.equal(errorMessage(undefined), 'undefined');
});
