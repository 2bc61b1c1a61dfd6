import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MockAgent } from 'undici';
import { QuayClient, type QuayClientOptions } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import { isLoopbackHostname, parseRetryAfter } from '../../../src/core/quay/transport';
import { closedPort, localServer, memoryLogger, sendJson } from './helpers';

const TOKEN = 'TOKENabcdefghijklmnopqrstuvwxyz0123456789';
const USER = { anonymous: false, username: 'alice', organizations: [] };

function client(baseUrl: string, extra: Partial<QuayClientOptions> = {}): QuayClient {
  return new QuayClient({ baseUrl, getToken: () => Promise.resolve(TOKEN), logger: memoryLogger().logger, ...extra });
}

async function rejectsWith(p: Promise<unknown>, reason: QuayApiError['reason']): Promise<QuayApiError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof QuayApiError, `expected a QuayApiError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected ${reason}, got success`);
}

void test('same-origin redirect keeps Authorization; cross-origin redirect drops it', async () => {
  const seen: { where: string; auth: string | undefined }[] = [];
  const other = await localServer((req, res) => {
    seen.push({ where: 'other', auth: req.headers.authorization });
    sendJson(res, 200, USER);
  });
  const main = await localServer((req, res) => {
    seen.push({ where: `main ${req.url}`, auth: req.headers.authorization });
    if (req.url === '/api/v1/user/') {
      res.writeHead(308, { location: '/api/v1/user/next' });
      res.end();
    } else {
      res.writeHead(302, { location: `${other.url}/api/v1/user/` });
      res.end();
    }
  });
  const c = client(main.url);
  try {
    const user = await c.getCurrentUser();
    assert.equal(user.username, 'alice');
    assert.deepEqual(seen, [
      { where: 'main /api/v1/user/', auth: `Bearer ${TOKEN}` },
      { where: 'main /api/v1/user/next', auth: `Bearer ${TOKEN}` },
      { where: 'other', auth: undefined },
    ]);
    assert.equal(c.stats.redirects, 2);
  } finally {
    await c.close();
    await main.close();
    await other.close();
  }
});

void test('more than 5 redirects fail', async () => {
  let hits = 0;
  const s = await localServer((_req, res) => {
    hits++;
    res.writeHead(307, { location: `/loop${hits}` });
    res.end();
  });
  const c = client(s.url);
  try {
    const e = await rejectsWith(c.getCurrentUser(), 'network');
    assert.match(e.message, /more than 5 redirects/);
    assert.equal(hits, 6);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('Retry-After (seconds, then HTTP date) is honoured on 429', async () => {
  let n = 0;
  const now = Date.parse('2026-08-21T12:00:00Z');
  const s = await localServer((_req, res) => {
    n++;
    if (n === 1) sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '2' });
    else if (n === 2) sendJson(res, 429, { error: 'slow down' }, { 'retry-after': new Date(now + 3000).toUTCString() });
    else sendJson(res, 200, USER);
  });
  const slept: number[] = [];
  const c = client(s.url, {
    clock: () => now,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  });
  try {
    assert.equal((await c.getCurrentUser()).username, 'alice');
    // Each retry waits the Retry-After (the cooldown before the next attempt is the same instant, not extra: clock is frozen).
    assert.ok(slept.includes(2000), String(slept));
    assert.ok(slept.includes(3000), String(slept));
    assert.equal(c.stats.retries, 2);
    assert.equal(c.stats.rateLimited, 2);
  } finally {
    await c.close();
    await s.close();
  }
  assert.equal(parseRetryAfter('120', 0), 120_000);
  assert.equal(parseRetryAfter('soon', 0), undefined);
});

void test('429 without Retry-After backs off long enough for a 5 r/s bucket; too long a Retry-After is not waited for', async () => {
  let n = 0;
  const s = await localServer((req, res) => {
    n++;
    if (req.url?.startsWith('/api/v1/organization/long') === true) {
      res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '3600' });
      res.end('<html><head><title>429 Too Many Requests</title></head><body><center>nginx</center></body></html>');
    } else if (n === 1) {
      res.writeHead(429, { 'content-type': 'text/html' });
      res.end('<html><head><title>429 Too Many Requests</title></head><body><center><h1>429</h1></center><hr><center>nginx</center></body></html>');
    } else sendJson(res, 200, USER);
  });
  const slept: number[] = [];
  const c = client(s.url, {
    random: () => 0,
    sleep: (ms) => {
      slept.push(ms);
      return Promise.resolve();
    },
  });
  try {
    await c.getCurrentUser();
    assert.ok(slept.length >= 1 && slept.every((ms) => ms >= 200), String(slept));
    const e = await rejectsWith(c.getOrganization('long'), 'rateLimited');
    assert.equal(e.serverMessage, '429 Too Many Requests');
    assert.equal(e.status, 429);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('502/503/504 retried for GET, PUT and idempotent POST; never for a plain POST or a read-only 503', async () => {
  const counts = new Map<string, number>();
  const s = await localServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    if (req.url?.includes('readonly') === true) {
      sendJson(res, 503, { message: 'System is currently read-only. Pulls will succeed but all write operations are currently suspended.', is_readonly: true });
      return;
    }
    if (n < 3) {
      sendJson(res, [502, 503, 504][n - 1] ?? 500, { message: 'busy' });
      return;
    }
    if (req.url?.endsWith('/federation') === true) sendJson(res, 200, []);
    else if (req.url?.endsWith('/regenerate') === true) sendJson(res, 200, { name: 'acme+ci', token: 'X' });
    else sendJson(res, 200, { role: 'read', name: 'acme+ci', is_robot: true });
  });
  const c = client(s.url, { sleep: () => Promise.resolve() });
  const acme = { kind: 'org', name: 'acme' } as const;
  try {
    await c.setRepoUserPermission({ namespace: 'acme', name: 'app' }, 'acme+ci', 'read');
    assert.equal(counts.get('PUT /api/v1/repository/acme/app/permissions/user/acme+ci'), 3);
    await c.setFederation(acme, 'ci', []);
    assert.equal(counts.get('POST /api/v1/organization/acme/robots/ci/federation'), 3);
    const e = await rejectsWith(c.regenerateRobotToken(acme, 'ci'), 'server');
    assert.equal(e.status, 502);
    assert.equal(counts.get('POST /api/v1/organization/acme/robots/ci/regenerate'), 1);
    const ro = await rejectsWith(c.deleteRobot(acme, 'readonly'), 'server');
    assert.equal(counts.get('DELETE /api/v1/organization/acme/robots/readonly'), 1);
    assert.match(ro.userHint ?? '', /read-only/);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('a connection reset is retried for a GET', async () => {
  let n = 0;
  const s = await localServer((req, res) => {
    n++;
    if (n === 1) req.socket.destroy();
    else sendJson(res, 200, USER);
  });
  const c = client(s.url, { sleep: () => Promise.resolve() });
  try {
    assert.equal((await c.getCurrentUser()).username, 'alice');
    assert.equal(c.stats.retries, 1);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('plain http:// is refused for a non-loopback host unless allowed; loopback is fine', async () => {
  const unused = new MockAgent();
  unused.disableNetConnect();
  const refused = client('http://quay.example.com', { dispatcher: unused });
  const e = await rejectsWith(refused.getCurrentUser(), 'tls');
  assert.equal(e.code, 'ERR_INSECURE_HTTP');
  assert.match(e.message, /unencrypted/);
  assert.equal(refused.stats.requests, 0);

  const agent = new MockAgent();
  agent.disableNetConnect();
  agent.get('http://quay.example.com').intercept({ path: '/api/v1/user/', method: 'GET' }).reply(200, USER);
  const allowed = client('http://quay.example.com', { dispatcher: agent, allowInsecureHttp: true });
  assert.equal((await allowed.getCurrentUser()).username, 'alice');
  await agent.close();
  await unused.close();

  for (const h of ['localhost', '127.0.0.1', '127.10.0.3', '[::1]', '::1']) assert.ok(isLoopbackHostname(h), h);
  for (const h of ['quay.io', '128.0.0.1', '127.0.0.1.nip.io']) assert.ok(!isLoopbackHostname(h), h);
});

void test('the per-instance concurrency limit is never exceeded', async () => {
  let active = 0;
  let peak = 0;
  const s = await localServer((_req, res) => {
    active++;
    peak = Math.max(peak, active);
    setTimeout(() => {
      active--;
      sendJson(res, 200, { name: 'acme' });
    }, 15);
  });
  const c = client(s.url, { maxConcurrency: 3 });
  try {
    await Promise.all(Array.from({ length: 20 }, () => c.getOrganization('acme')));
    assert.equal(peak, 3);
    assert.equal(c.stats.maxInFlight, 3);
    assert.equal(c.stats.requests, 20);
    assert.equal(c.stats.inFlight, 0);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('the token never reaches a log line or an error message', async () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3VlciJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
  let n = 0;
  const s = await localServer((req, res) => {
    n++;
    if (req.url === '/api/v1/user/' && n === 1) sendJson(res, 429, { error: `echo ${req.headers.authorization ?? ''}` });
    else if (req.url === '/api/v1/user/') sendJson(res, 401, { detail: 'Requires authentication', error_message: 'Requires authentication', status: 401 });
    else if (req.url?.startsWith('/oauth2/') === true) sendJson(res, 400, { message: `Invalid token: ${req.headers.authorization ?? ''}` });
    else req.socket.destroy();
  });
  const { logger, lines } = memoryLogger();
  const c = client(s.url, { logger, sleep: () => Promise.resolve(), retries: 1 });
  const messages: string[] = [];
  try {
    for (const call of [() => c.getCurrentUser(), () => c.exchangeFederatedToken('acme+keyless', JWT), () => c.getOrganization('acme')]) {
      try {
        await call();
      } catch (error) {
        messages.push(error instanceof Error ? `${error.message} ${(error as QuayApiError).serverMessage ?? ''}` : String(error));
      }
    }
  } finally {
    await c.close();
    await s.close();
  }
  assert.ok(lines.some((l) => /^debug GET \/api\/v1\/user\/ → 401 in \d+ ms$/.test(l)), lines.join('\n'));
  const basic = Buffer.from(`acme+keyless:${JWT}`).toString('base64');
  for (const text of [...lines, ...messages.filter((m) => !m.includes('Invalid token'))]) {
    assert.ok(!text.includes(TOKEN) && !text.includes(JWT) && !text.includes(basic), `leaked: ${text}`);
  }
  for (const line of lines) assert.ok(!line.includes(TOKEN) && !line.includes(JWT) && !line.includes(basic), `leaked in log: ${line}`);
});

void test('timeout, cancellation and a closed port', async () => {
  const s = await localServer((_req, res) => {
    setTimeout(() => sendJson(res, 200, USER), 400);
  });
  try {
    const slow = client(s.url, { timeoutMs: 100 });
    const t = await rejectsWith(slow.getCurrentUser(), 'timeout');
    assert.match(t.message, /did not answer in time/);
    assert.equal(slow.stats.requests, 1, 'a timeout is not retried');
    await slow.close();

    const c = client(s.url);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await rejectsWith(c.getCurrentUser({ signal: controller.signal }), 'cancelled');
    const before = c.stats.requests;
    await rejectsWith(c.getCurrentUser({ signal: AbortSignal.abort() }), 'cancelled');
    assert.equal(c.stats.requests, before, 'nothing sent when already aborted');
    await c.close();
  } finally {
    await s.close();
  }
  const port = await closedPort();
  const dead = client(`http://127.0.0.1:${port}`);
  const e = await rejectsWith(dead.getCurrentUser(), 'network');
  assert.equal(e.code, 'ECONNREFUSED');
  assert.match(e.message, new RegExp(`Could not reach Quay at 127\\.0\\.0\\.1:${port} to read the signed-in user: connection refused`));
  assert.equal(dead.stats.retries, 0, 'a refused connection is not retried');
  await dead.close();
});

void test('a 2xx that is not JSON, or lacks a required field, is invalidResponse naming endpoint and field', async () => {
  const s = await localServer((req, res) => {
    if (req.url === '/api/v1/user/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login page</html>');
    } else sendJson(res, 200, { robots: [{ name: 'acme+a' }, { description: 'no name' }] });
  });
  const c = client(s.url);
  try {
    const html = await rejectsWith(c.getCurrentUser(), 'invalidResponse');
    assert.match(html.message, /not JSON/);
    const missing = await rejectsWith(c.listRobots({ kind: 'org', name: 'acme' }), 'invalidResponse');
    assert.match(missing.message, /field "robots\[1\]\.name" is missing/);
    assert.match(missing.message, /GET \/api\/v1\/organization\/acme\/robots\?permissions=false&token=false/);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('insecureTls is exposed and warned about once; CSRF 403 hints at an invalid token', async () => {
  const { logger, lines } = memoryLogger();
  const insecure = new QuayClient({ baseUrl: 'https://quay.example.com', getToken: () => Promise.resolve(undefined), logger, tls: { rejectUnauthorized: false } });
  assert.equal(insecure.insecureTls, true);
  assert.equal(lines.filter((l) => l.startsWith('warn') && /verification is OFF/.test(l)).length, 1);
  await insecure.close();
  assert.equal(client('https://quay.example.com').insecureTls, false);

  const s = await localServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' });
    res.end('{"error": "CSRF token was invalid or missing."}');
  });
  const c = client(s.url, { instanceLabel: 'quay.example.com' });
  try {
    const e = await rejectsWith(c.deleteRobot({ kind: 'org', name: 'acme' }, 'ci'), 'forbidden');
    assert.equal(e.serverMessage, 'CSRF token was invalid or missing.');
    assert.equal(
      e.message,
      'Quay at quay.example.com refused to delete robot acme+ci: CSRF token was invalid or missing — the token may be invalid or expired (HTTP 403)',
    );
    assert.match(e.userHint ?? '', /Sign in again/);
  } finally {
    await c.close();
    await s.close();
  }
});
