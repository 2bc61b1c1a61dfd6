/** Contract §13: `GET /config` (no authentication), with the sandbox's switches (version, billing, features, none). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectStatus, obj } from './helpers';

let plain: Sandbox;
let disallow: Sandbox;
let old: Sandbox;
let quayIo: Sandbox;
let none: Sandbox;
let noAggregation: Sandbox;

before(async () => {
  [plain, disallow, old, quayIo, none, noAggregation] = await Promise.all([
    startSandbox({ seed: 'empty' }),
    startSandbox({ seed: 'demo', robotsDisallow: true }),
    startSandbox({ seed: 'empty', robotsDisallow: true, quayVersion: '3.16.0' }),
    startSandbox({ seed: 'empty', billing: true }),
    startSandbox({ seed: 'empty', clientConfig: false }),
    startSandbox({ seed: 'demo', features: { AGGREGATED_LOG_COUNT_RETRIEVAL: false, REPO_MIRROR: true } }),
  ]);
});
after(async () => {
  await Promise.all([plain, disallow, old, quayIo, none, noAggregation].map((s) => s.close()));
});

void test('GET /config: no token needed; Flask jsonify (compact, sorted keys); the top-level keys of web.py config', async () => {
  const r = await call(plain, 'GET', '/config');
  expectStatus(r, 200);
  assert.equal(r.contentType, 'application/json');
  assert.ok(r.text.endsWith('\n'));
  assert.ok(!r.text.includes(': '), 'jsonify is compact');
  assert.equal(r.headers.get('access-control-allow-origin'), null, 'crossorigin(anonymous=False) adds nothing while CORS_ORIGIN is unset');
  const body = obj(r);
  assert.deepEqual(Object.keys(body), ['account_recovery_mode', 'config', 'external_login', 'features', 'oauth', 'registry_state', 'version_number']);
  assert.equal(body['version_number'], 'Quay 3.18.0');
  assert.equal(body['registry_state'], 'normal');
  assert.equal(body['account_recovery_mode'], false);
  const config = body['config'] as Record<string, unknown>;
  assert.equal(config['SERVER_HOSTNAME'], plain.hostname);
  assert.equal(config['PREFERRED_URL_SCHEME'], 'http');
  assert.equal(config['AUTHENTICATION_TYPE'], 'Database');
  assert.equal(config['FEATURE_REPO_MIRROR'], false);
  assert.ok(!('ROBOTS_DISALLOW' in config), 'an unset key is absent, not false or null');
  assert.ok(!('ROBOTS_WHITELIST' in config), 'not whitelisted');
  const features = body['features'] as Record<string, unknown>;
  assert.equal(features['BILLING'], false);
  assert.equal(features['AGGREGATED_LOG_COUNT_RETRIEVAL'], true);
  assert.equal(features['USER_LAST_ACCESSED'], true);
  assert.ok(!Object.keys(features).some((k) => k.startsWith('FEATURE_')), 'features are named without the prefix');
  // A token changes nothing (the view has no auth decorator).
  const withToken = await call(plain, 'GET', '/config', { token: plain.tokens.admin });
  assert.equal(withToken.text, r.text);
});

void test('OPTIONS /config: the route lists OPTIONS itself, so it answers the same JSON', async () => {
  const get = await call(plain, 'GET', '/config');
  const options = await call(plain, 'OPTIONS', '/config');
  expectStatus(options, 200);
  assert.equal(options.text, get.text);
  expectStatus(await call(plain, 'POST', '/config'), 405);
});

void test('ROBOTS_DISALLOW: true in config since 3.17; absent before 3.17 although robot creation is refused there too', async () => {
  const config = obj(await call(disallow, 'GET', '/config'))['config'] as Record<string, unknown>;
  assert.equal(config['ROBOTS_DISALLOW'], true);
  const older = obj(await call(old, 'GET', '/config'));
  assert.equal(older['version_number'], 'Quay 3.16.0');
  assert.ok(!('ROBOTS_DISALLOW' in (older['config'] as Record<string, unknown>)));
  const refused = await call(old, 'PUT', '/api/v1/user/robots/bot', { token: old.tokens.admin, body: {} });
  expectStatus(refused, 400);
});

void test('billing (quay.io): version_number is empty, BILLING on', async () => {
  const body = obj(await call(quayIo, 'GET', '/config'));
  assert.equal(body['version_number'], '');
  assert.equal((body['features'] as Record<string, unknown>)['BILLING'], true);
});

void test('no /config: Flask HTML 404, for GET and OPTIONS', async () => {
  for (const method of ['GET', 'OPTIONS']) {
    const r = await call(none, method, '/config');
    expectStatus(r, 404);
    assert.match(r.contentType, /^text\/html/);
  }
});

void test('features: overrides show in features and in the whitelisted config key; AGGREGATED_LOG_COUNT_RETRIEVAL off removes aggregatelogs (404), not logs', async () => {
  const body = obj(await call(noAggregation, 'GET', '/config'));
  assert.equal((body['features'] as Record<string, unknown>)['AGGREGATED_LOG_COUNT_RETRIEVAL'], false);
  assert.equal((body['features'] as Record<string, unknown>)['REPO_MIRROR'], true);
  assert.equal((body['config'] as Record<string, unknown>)['FEATURE_REPO_MIRROR'], true);
  const token = noAggregation.tokens.admin;
  for (const path of ['/api/v1/organization/acme/aggregatelogs', '/api/v1/user/aggregatelogs', '/api/v1/repository/acme/backend/aggregatelogs']) {
    const r = await call(noAggregation, 'GET', path, { token });
    expectStatus(r, 404);
    assert.match(r.contentType, /^text\/html/);
  }
  expectStatus(await call(noAggregation, 'GET', '/api/v1/organization/acme/logs', { token }), 200);
  expectStatus(await call(plain, 'GET', '/api/v1/user/aggregatelogs', { token: plain.tokens.admin }), 200);
});

void test('configure(): the configuration changes while the sandbox runs (as a config.yaml edit and restart)', async () => {
  const sb = await startSandbox({ seed: 'empty' });
  try {
    sb.configure({ robotsDisallow: true, quayVersion: '3.17.1' });
    let body = obj(await call(sb, 'GET', '/config'));
    assert.equal((body['config'] as Record<string, unknown>)['ROBOTS_DISALLOW'], true);
    assert.equal(body['version_number'], 'Quay 3.17.1');
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/bot', { token: sb.tokens.admin, body: {} }), 400);
    sb.configure({ robotsDisallow: false, billing: true });
    body = obj(await call(sb, 'GET', '/config'));
    assert.ok(!('ROBOTS_DISALLOW' in (body['config'] as Record<string, unknown>)));
    assert.equal(body['version_number'], '');
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/bot', { token: sb.tokens.admin, body: {} }), 201);
    sb.configure({ clientConfig: false });
    expectStatus(await call(sb, 'GET', '/config'), 404);
  } finally {
    await sb.close();
  }
});
