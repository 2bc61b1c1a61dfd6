import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { QuayClient, type QuayClientOptions } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import { parseBearerChallenge, type RegistryLoginResult } from '../../../src/core/quay/registry';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { closedPort, localServer, memoryLogger, sendJson } from './helpers';

/** `registryLogin` (contract §12): `docker login`'s flow against the sandbox, and what it must never do. */

let sandbox: Sandbox;
const clients: QuayClient[] = [];
const acme = { kind: 'org', name: 'acme' } as const;

function client(baseUrl: string, extra: Partial<QuayClientOptions> = {}): { c: QuayClient; lines: string[] } {
  const { logger, lines } = memoryLogger();
  const c = new QuayClient({ baseUrl, getToken: () => Promise.resolve(sandbox.tokens.admin), logger, retries: 0, ...extra });
  clients.push(c);
  return { c, lines };
}

function refusedMessage(r: RegistryLoginResult): string {
  assert.equal(r.kind, 'refused', JSON.stringify(r));
  return r.kind === 'refused' ? r.message : '';
}

function failure(r: RegistryLoginResult): QuayApiError {
  assert.equal(r.kind, 'failed', JSON.stringify(r));
  return r.kind === 'failed' ? r.error : assert.fail();
}

before(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
});
after(async () => {
  for (const c of clients) await c.close();
  await sandbox.close();
});

void test('a robot token logs in; after a rotation the new one does and the old one is refused with Quay\'s message; nothing secret is logged', async () => {
  const { c, lines } = client(sandbox.url);
  const old = sandbox.state.robot('acme+ci_pull')?.token ?? '';
  assert.deepEqual(await c.registryLogin('acme+ci_pull', old), { kind: 'ok' });
  const rotated = await c.regenerateRobotToken(acme, 'ci_pull');
  const fresh = rotated.token ?? '';
  assert.notEqual(fresh, old);
  assert.deepEqual(await c.registryLogin('acme+ci_pull', fresh), { kind: 'ok' });
  assert.equal(refusedMessage(await c.registryLogin('acme+ci_pull', old)), 'Could not find robot with username: acme+ci_pull and supplied password.');
  const log = lines.join('\n');
  assert.match(log, /GET \/v2\/auth\?account=acme\+ci_pull&service=127\.0\.0\.1:\d+ → 200/);
  for (const secret of [old, fresh, sandbox.tokens.admin]) assert.ok(!log.includes(secret), 'no token or password in the log');
});

void test('a federated robot JWT logs in as its robot; a disabled owner is refused with Quay\'s message', async () => {
  const { c } = client(sandbox.url);
  const { token } = await c.exchangeFederatedToken('acme+keyless', sandbox.issuer.mint({ sub: 'system:serviceaccount:prod:app' }));
  assert.deepEqual(await c.registryLogin('acme+keyless', token), { kind: 'ok' });
  assert.equal(refusedMessage(await c.registryLogin('acme+ci_push', token)), 'Token does not match robot');
  sandbox.state.setEnabled('platform', false);
  try {
    const scanner = sandbox.state.robot('platform+scanner')?.token ?? '';
    assert.equal(refusedMessage(await c.registryLogin('platform+scanner', scanner)), 'Robot platform+scanner owner platform is disabled');
  } finally {
    sandbox.state.setEnabled('platform', true);
  }
});

void test('a successful login is what the usage logs and last_accessed then show', async () => {
  const { c } = client(sandbox.url);
  sandbox.state.touchRobot('acme+unused_bot', new Date(Date.now() - 3600_000));
  assert.deepEqual(await c.registryLogin('acme+unused_bot', sandbox.state.robot('acme+unused_bot')?.token ?? ''), { kind: 'ok' });
  const robot = await c.getRobot(acme, 'unused_bot');
  assert.ok(robot.lastAccessed !== undefined && Date.now() - robot.lastAccessed.getTime() < 5000, String(robot.lastAccessed));
  const page = await c.listLogsPage(acme, { performer: 'acme+unused_bot' });
  assert.equal(page.logs[0]?.kind, 'login_success');
  assert.equal(page.logs[0]?.metadata['useragent'], 'quay-robots-vscode (undici)');
});

void test('GET /v2/ goes without any Authorization; only the realm gets the Basic credentials, with account and service', async () => {
  const seen: { path: string; authorization: string | undefined }[] = [];
  const quay = await localServer((req, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url === '/v2/') return sendJson(res, 401, true, { 'www-authenticate': `Bearer realm="${quay.url}/v2/auth?extra=1",service="quay.example"` });
    sendJson(res, 200, { token: 'registry-jwt' });
  });
  try {
    const { c } = client(quay.url);
    assert.deepEqual(await c.registryLogin('acme+ci', 'robot-secret-token'), { kind: 'ok' });
    assert.deepEqual(seen, [
      { path: '/v2/', authorization: undefined },
      { path: '/v2/auth?extra=1&account=acme%2Bci&service=quay.example', authorization: `Basic ${Buffer.from('acme+ci:robot-secret-token').toString('base64')}` },
    ]);
  } finally {
    await quay.close();
  }
});

void test('a realm on another origin is refused before any credentials go there', async () => {
  const elsewhere: IncomingHttpHeaders[] = [];
  const other = await localServer((req, res) => {
    elsewhere.push(req.headers);
    sendJson(res, 200, { token: 'stolen' });
  });
  const quay = await localServer((_req, res) => sendJson(res, 401, true, { 'www-authenticate': `Bearer realm="${other.url}/v2/auth",service="x"` }));
  try {
    const { c } = client(quay.url);
    const error = failure(await c.registryLogin('acme+ci', 'robot-secret-token'));
    assert.equal(error.reason, 'invalidResponse');
    assert.match(error.message, new RegExp(`token realm ${other.url} is not on ${quay.url}; the password is not sent there`));
    assert.deepEqual(elsewhere, []);
  } finally {
    await quay.close();
    await other.close();
  }
});

void test('answers that are not a Quay registry, server errors and unreachable hosts are failures; cancellation throws', async () => {
  type Mode = 'open' | 'no-realm' | 'no-token' | 'broken';
  let mode = 'open' as Mode;
  const server = await localServer((req, res) => {
    if (req.url === '/v2/') {
      if (mode === 'open') return sendJson(res, 200, true);
      if (mode === 'no-realm') return sendJson(res, 401, true, { 'www-authenticate': 'Basic realm="Registry"' });
      return sendJson(res, 401, true, { 'www-authenticate': `Bearer realm="${server.url}/v2/auth"` });
    }
    if (mode === 'broken') return sendJson(res, 500, { error: 'boom' });
    sendJson(res, 200, { access_token: 'only-the-oauth2-field' });
  });
  try {
    const { c } = client(server.url);
    const cases: [Mode, string, string][] = [
      ['open', 'invalidResponse', 'GET /v2/ answered 200 without asking for credentials'],
      ['no-realm', 'invalidResponse', 'GET /v2/ answered 401 without a Bearer realm'],
      ['no-token', 'invalidResponse', 'the token endpoint answered without a "token"'],
      ['broken', 'server', 'boom'],
    ];
    for (const [m, reason, text] of cases) {
      mode = m;
      const error = failure(await c.registryLogin('acme+ci', 'secret-password'));
      assert.equal(error.reason, reason, error.message);
      assert.ok(error.message.includes(text), error.message);
      assert.ok(!error.message.includes('secret-password'));
    }
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(c.registryLogin('acme+ci', 'secret-password', { signal: controller.signal }), (e: unknown) => QuayApiError.is(e, 'cancelled'));
  } finally {
    await server.close();
  }
  const { c } = client(`http://127.0.0.1:${await closedPort()}`);
  assert.equal(failure(await c.registryLogin('acme+ci', 'x')).reason, 'network');
});

void test('parseBearerChallenge: quoted and bare parameters, any case; not Bearer or no realm → undefined', () => {
  const c = parseBearerChallenge('bearer Realm="https://quay.example/v2/auth",service=quay.example,scope="repository:a/b:pull"', 'https://quay.example');
  assert.equal(c?.realm.href, 'https://quay.example/v2/auth');
  assert.equal(c?.service, 'quay.example');
  assert.equal(parseBearerChallenge('Basic realm="x"', 'https://q'), undefined);
  assert.equal(parseBearerChallenge('Bearer service="x"', 'https://q'), undefined);
  assert.equal(parseBearerChallenge(undefined, 'https://q'), undefined);
});
