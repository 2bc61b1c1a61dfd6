import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuayClient } from '../../../src/core/quay/client';
import { featureTruthy, parseClientConfig, pythonTruthy, versionAtLeast } from '../../../src/core/quay/clientConfig';
import { QuayApiError } from '../../../src/core/quay/errors';
import { ShapeError } from '../../../src/core/quay/parse';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { localServer, memoryLogger, sendJson, type LocalServer } from './helpers';

/** `getClientConfig` (contract §13): parsing at the edge, against canned answers and the sandbox. */

const clients: QuayClient[] = [];
let sandboxes: Sandbox[] = [];
let server: LocalServer;
let answer: { status: number; body: string; type?: string } = { status: 200, body: '{}' };
const seen: { url: string; auth: string | undefined }[] = [];

function client(baseUrl: string): QuayClient {
  const c = new QuayClient({ baseUrl, getToken: () => Promise.resolve('A'.repeat(40)), logger: memoryLogger().logger, retries: 0 });
  clients.push(c);
  return c;
}

before(async () => {
  server = await localServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
    res.end(answer.body);
  });
});
after(async () => {
  for (const c of clients) await c.close();
  await Promise.all(sandboxes.map((s) => s.close()));
  await server.close();
});

const QUAY = {
  config: { SERVER_HOSTNAME: 'quay.example.com', PREFERRED_URL_SCHEME: 'https', REGISTRY_TITLE: 'Project Quay', FEATURE_REPO_MIRROR: true, ROBOTS_DISALLOW: true, SOMETHING_NEW: { nested: [1] } },
  features: { BILLING: false, AGGREGATED_LOG_COUNT_RETRIEVAL: true, REPO_MIRROR: 'True', SUPER_USERS: 'false', USER_LAST_ACCESSED: 1, lower_case: true },
  oauth: {},
  external_login: [],
  registry_state: 'normal',
  account_recovery_mode: false,
  version_number: 'Quay v3.18.0',
};

void test('parse: version without "Quay ", its major.minor, ROBOTS_DISALLOW, features as Quay reads them; unknown keys ignored', () => {
  const c = parseClientConfig(QUAY);
  assert.equal(c.version, 'v3.18.0');
  assert.deepEqual(c.versionParts, { major: 3, minor: 18 });
  assert.equal(c.robotsDisallow, true);
  assert.equal(c.serverHostname, 'quay.example.com');
  assert.equal(c.registryTitle, 'Project Quay');
  assert.equal(c.features.get('BILLING'), false);
  assert.equal(c.features.get('AGGREGATED_LOG_COUNT_RETRIEVAL'), true);
  assert.equal(c.features.get('REPO_MIRROR'), true, '"True" reads true (FeatureNameValue.__bool__)');
  assert.equal(c.features.get('SUPER_USERS'), false, '"false" reads false');
  assert.equal(c.features.get('USER_LAST_ACCESSED'), true);
  assert.equal(c.features.has('lower_case'), false, 'not a feature name');
  assert.equal(versionAtLeast(c, 3, 17), true);
  assert.equal(versionAtLeast(c, 3, 19), false);
});

void test('parse: quay.io (empty version), a pre-3.17 Quay (no ROBOTS_DISALLOW), dev and nightly versions', () => {
  const io = parseClientConfig({ ...QUAY, version_number: '', config: {} });
  assert.equal(io.version, undefined);
  assert.equal(io.versionParts, undefined);
  assert.equal(io.robotsDisallow, undefined, 'absent: not said');
  assert.equal(versionAtLeast(io, 3, 17), undefined);
  assert.deepEqual(parseClientConfig({ ...QUAY, version_number: 'Quay 3.16.2' }).versionParts, { major: 3, minor: 16 });
  assert.deepEqual(parseClientConfig({ ...QUAY, version_number: 'Quay v3.19.0-nightly-20260820' }).versionParts, { major: 3, minor: 19 });
  const dev = parseClientConfig({ ...QUAY, version_number: 'Quay local-dev' });
  assert.equal(dev.version, 'local-dev');
  assert.equal(dev.versionParts, undefined);
  assert.equal(parseClientConfig({ config: {}, features: {} }).version, undefined, 'no version_number at all');
});

void test('parse: ROBOTS_DISALLOW with Python truthiness (Quay tests it with a bare `if`)', () => {
  const disallow = (v: unknown): boolean | undefined => parseClientConfig({ config: { ROBOTS_DISALLOW: v }, features: {} }).robotsDisallow;
  assert.equal(disallow(false), false);
  assert.equal(disallow(null), false);
  assert.equal(disallow('false'), true, 'a non-empty string is true for Python');
  assert.equal(disallow(''), false);
  assert.equal(disallow(0), false);
  assert.equal(pythonTruthy([]), false);
  assert.equal(pythonTruthy({ a: 1 }), true);
  assert.equal(featureTruthy('TRUE'), true);
  assert.equal(featureTruthy('yes'), false);
});

void test('parse: hostile or broken answers', () => {
  assert.throws(() => parseClientConfig([]), ShapeError);
  assert.throws(() => parseClientConfig({ features: {} }), /config/);
  assert.throws(() => parseClientConfig({ config: {} }), /features/);
  // A control character or an overlong text is not kept (it would land in a tooltip).
  assert.equal(parseClientConfig({ config: {}, features: {}, version_number: 'Quay 3.18.0\n**bold**' }).version, undefined);
  assert.equal(parseClientConfig({ config: {}, features: {}, version_number: `Quay ${'9'.repeat(200)}` }).version, undefined);
  assert.equal(parseClientConfig({ config: {}, features: {}, version_number: 42 }).version, undefined);
  const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`F${i}`, true]));
  assert.equal(parseClientConfig({ config: {}, features: many }).features.size, 500, 'capped');
});

void test('getClientConfig: GET /config without the API token; 404 → undefined; HTML 200 → invalidResponse', async () => {
  const c = client(server.url);
  answer = { status: 200, body: JSON.stringify(QUAY) };
  seen.length = 0;
  const config = await c.getClientConfig();
  assert.equal(config?.robotsDisallow, true);
  assert.deepEqual(seen, [{ url: '/config', auth: undefined }]);

  answer = { status: 404, body: '<!doctype html><title>404 Not Found</title>', type: 'text/html; charset=utf-8' };
  assert.equal(await c.getClientConfig(), undefined);

  answer = { status: 200, body: '<!doctype html><html><body>Sign in to the proxy</body></html>', type: 'text/html' };
  await assert.rejects(c.getClientConfig(), (e: unknown) => QuayApiError.is(e, 'invalidResponse') && /GET \/config/.test(e.message));

  answer = { status: 200, body: JSON.stringify({ config: [], features: {} }) };
  await assert.rejects(c.getClientConfig(), (e: unknown) => QuayApiError.is(e, 'invalidResponse') && /config/.test(e.message));

  answer = { status: 500, body: '<html>Internal Server Error</html>', type: 'text/html' };
  await assert.rejects(c.getClientConfig(), (e: unknown) => QuayApiError.is(e, 'server'));
});

void test('getClientConfig: a body over the transport cap is not read', async () => {
  const big = await localServer((_req, res) => sendJson(res, 200, { config: {}, features: {}, padding: 'x'.repeat(9 * 1024 * 1024) }));
  try {
    await assert.rejects(client(big.url).getClientConfig(), (e: unknown) => QuayApiError.is(e) && /8 MiB|too large|larger/i.test(e.message));
  } finally {
    await big.close();
  }
});

void test('getClientConfig against the sandbox: version, ROBOTS_DISALLOW since 3.17, billing, no /config', async () => {
  sandboxes = await Promise.all([
    startSandbox({ seed: 'empty', robotsDisallow: true }),
    startSandbox({ seed: 'empty', robotsDisallow: true, quayVersion: '3.16.0' }),
    startSandbox({ seed: 'empty', billing: true }),
    startSandbox({ seed: 'empty', clientConfig: false }),
  ]);
  const [on, old, io, none] = await Promise.all(sandboxes.map((s) => client(s.url).getClientConfig()));
  assert.equal(on?.version, '3.18.0');
  assert.equal(on?.robotsDisallow, true);
  assert.equal(on?.features.get('AGGREGATED_LOG_COUNT_RETRIEVAL'), true);
  assert.equal(old?.version, '3.16.0');
  assert.equal(old?.robotsDisallow, undefined);
  assert.equal(io?.version, undefined);
  assert.equal(io?.features.get('BILLING'), true);
  assert.equal(none, undefined);
});
