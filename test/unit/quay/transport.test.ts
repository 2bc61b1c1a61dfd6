import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { MockAgent } from 'undici';
import { QuayClient, type QuayClientOptions } from '../../../src/core/quay/client';
import type { QuayApiError } from '../../../src/core/quay/errors';
import { isLoopbackHost } from '../../../src/core/instances';
import { seg } from '../../../src/core/quay/paths';
import { parseRetryAfter } from '../../../src/core/quay/retryPolicy';
import { closedPort, localServer, memoryLogger, rejectsWith, sendJson } from './helpers';

const TOKEN = 'TOKENabcdefghijklmnopqrstuvwxyz0123456789';
const USER = { anonymous: false, username: 'alice', organizations: [] };

function client(baseUrl: string, extra: Partial<QuayClientOptions> = {}): QuayClient {
  return new QuayClient({ baseUrl, getToken: () => Promise.resolve(TOKEN), logger: memoryLogger().logger, ...extra });
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

  for (const h of ['localhost', '127.0.0.1', '127.10.0.3', '[::1]', '::1']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['quay.io', '128.0.0.1', '127.0.0.1.nip.io']) assert.ok(!isLoopbackHost(h), h);
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
  assert.ok(messages.some((m) => m.includes('Invalid token')), messages.join('\n'));
  for (const text of [...lines, ...messages]) {
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

const MiB = 1024 * 1024;

/**
 * Streams `total` bytes of blanks (chunked, no content-length) unless the client goes away first.
 * Resolves `closed` with the number of bytes written once the connection is gone.
 */
function streamBlanks(res: ServerResponse, total: number): Promise<number> {
  const chunk = Buffer.alloc(MiB, 0x20);
  let sent = 0;
  let open = true;
  const closed = new Promise<number>((resolve) => res.on('close', () => {
    open = false;
    resolve(sent);
  }));
  res.writeHead(200, { 'content-type': 'application/json' });
  const pump = (): void => {
    while (open && sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (open) res.end();
  };
  pump();
  return closed;
}

void test('a 400 MiB body, also behind a redirect, is not read past 8 MiB; the server sees the client hang up', async () => {
  const written: Promise<number>[] = [];
  const other = await localServer((_req, res) => {
    written.push(streamBlanks(res, 400 * MiB));
  });
  const main = await localServer((req, res) => {
    if (req.url === '/api/v1/user/') written.push(streamBlanks(res, 400 * MiB));
    else {
      res.writeHead(302, { location: `${other.url}/api/v1/user/` });
      res.end();
    }
  });
  const c = client(main.url);
  try {
    const direct = await rejectsWith(c.getCurrentUser(), 'invalidResponse');
    assert.match(direct.message, new RegExp(`The response of 127\\.0\\.0\\.1:${main.port} was larger than 8 MiB; stopped reading it\\.`));
    const redirected = await rejectsWith(c.getOrganization('acme'), 'invalidResponse');
    assert.match(redirected.message, new RegExp(`The response of 127\\.0\\.0\\.1:${other.port} was larger than 8 MiB; stopped reading it\\.`));
    assert.equal(c.stats.retries, 0, 'an oversized answer is not retried');
    const sent = await Promise.all(written);
    assert.equal(sent.length, 2);
    // What the servers managed to write before the client hung up: the cap plus socket buffers, far from 400 MiB.
    for (const bytes of sent) assert.ok(bytes < 64 * MiB, `the server wrote ${bytes / MiB} MiB`);
  } finally {
    await c.close();
    await main.close();
    await other.close();
  }
});

void test('a content-length above 8 MiB is refused before the body is read', async () => {
  let closed: Promise<void> | undefined;
  const s = await localServer((_req, res) => {
    closed = new Promise((resolve) => res.on('close', () => resolve()));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1e9) });
    res.write('{"username": "alice", ');
    // …and nothing more: only a client that waits for the announced 1e9 bytes would hang here.
  });
  const c = client(s.url, { timeoutMs: 5000 });
  try {
    const e = await rejectsWith(c.getCurrentUser(), 'invalidResponse');
    assert.match(e.message, /The response of 127\.0\.0\.1:\d+ was larger than 8 MiB; stopped reading it\./);
    assert.equal(e.code, 'ERR_RESPONSE_TOO_LARGE');
    await closed;
  } finally {
    await c.close();
    await s.close();
  }
});

void test('a server that echoes the credentials (bearer or basic) into its answer never gets them into a QuayApiError', async () => {
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3VlciJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
  const s = await localServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    const raw = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : auth.slice(7);
    const echo = `${auth} | ${auth.slice(6)} | ${raw} | ${raw.split(':').pop() ?? ''}`;
    if (req.url === '/api/v1/user/') sendJson(res, 401, { detail: `Bad header ${echo}`, error_message: echo });
    else if (req.url?.startsWith('/oauth2/') === true) sendJson(res, 400, { message: `Invalid token: ${echo}` });
    else if (req.url?.startsWith('/api/v1/organization/') === true) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream said ${echo}`);
    } else sendJson(res, 200, { role: echo, name: 'acme+ci', is_robot: true });
  });
  const c = client(s.url, { retries: 0 });
  const errors: QuayApiError[] = [];
  try {
    errors.push(await rejectsWith(c.getCurrentUser(), 'unauthorized'));
    errors.push(await rejectsWith(c.exchangeFederatedToken('acme+keyless', JWT), 'invalidRequest'));
    errors.push(await rejectsWith(c.getOrganization('acme'), 'server'));
    errors.push(await rejectsWith(c.getRepoUserPermission({ namespace: 'acme', name: 'app' }, 'acme+ci'), 'invalidResponse'));
  } finally {
    await c.close();
    await s.close();
  }
  const forms = [TOKEN, JWT, `acme+keyless:${JWT}`, Buffer.from(`acme+keyless:${JWT}`).toString('base64')];
  for (const e of errors) {
    assert.match(e.message, /«redacted»/, 'the echo is in the message, cleaned');
    const texts = [e.message, e.stack ?? '', JSON.stringify(e), ...Object.values(e).filter((v): v is string => typeof v === 'string')];
    for (const text of texts) for (const secret of forms) assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 12)}… in: ${text}`);
  }
});

void test('a write redirected to another origin stops with a clear error; the other origin receives nothing', async () => {
  const received: string[] = [];
  const other = await localServer((req, res) => {
    received.push(`${req.method ?? ''} ${req.url ?? ''} ${req.headers.authorization ?? '(no auth)'}`);
    sendJson(res, 200, { name: 'acme+ci', token: 'X', role: 'read', is_robot: true });
  });
  const main = await localServer((req, res) => {
    res.writeHead(req.method === 'POST' ? 303 : 307, { location: `${other.url}${req.url ?? ''}` });
    res.end();
  });
  const c = client(main.url);
  const acme = { kind: 'org', name: 'acme' } as const;
  try {
    for (const [method, call] of [
      ['PUT', () => c.setRepoUserPermission({ namespace: 'acme', name: 'app' }, 'acme+ci', 'read')],
      ['PUT', () => c.createRobot(acme, 'ci')],
      ['DELETE', () => c.deleteRobot(acme, 'ci')],
      ['POST', () => c.regenerateRobotToken(acme, 'ci')],
    ] as const) {
      const e = await rejectsWith(call(), 'invalidResponse');
      assert.match(e.message, new RegExp(`it redirected the ${method} request to another origin \\(${other.url.replace(/\./g, '\\.')}\\); only a GET follows such a redirect`));
      assert.equal(e.code, 'ERR_CROSS_ORIGIN_REDIRECT');
    }
    assert.deepEqual(received, []);
  } finally {
    await c.close();
    await main.close();
    await other.close();
  }
});

void test('".", ".." and empty names are refused before anything is sent', async () => {
  for (const bad of ['', '.', '..']) assert.throws(() => seg(bad), /cannot be a name in a Quay API path/, JSON.stringify(bad));
  assert.equal(seg('acme+ci'), 'acme+ci');
  assert.equal(seg('...'), '...');
  assert.equal(seg('a/..'), 'a%2F..');
  let hits = 0;
  const s = await localServer((_req, res) => {
    hits++;
    sendJson(res, 200, {});
  });
  const c = client(s.url);
  const acme = { kind: 'org', name: 'acme' } as const;
  const app = { namespace: 'acme', name: 'app' };
  try {
    for (const call of [
      () => c.setRepoUserPermission(app, '..', 'read'),
      () => c.deleteRepoUserPermission(app, '.'),
      () => c.getRepoUserPermission(app, ''),
      () => c.setRepoUserPermission({ namespace: 'acme', name: 'app/../other' }, 'bob', 'read'),
      () => c.deleteRobot(acme, '..'),
      () => c.removeTeamMember('acme', '..', 'acme+ci'),
      () => c.getOrganization('.'),
    ]) {
      await assert.rejects(async () => call(), TypeError);
    }
    assert.equal(hits, 0);
  } finally {
    await c.close();
    await s.close();
  }
});

void test('every credential is registered before it is sent, and every token Quay returns as it arrives', async () => {
  const remembered: string[] = [];
  const knownWhenSent: boolean[] = [];
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
  const s = await localServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    knownWhenSent.push(auth.startsWith('Bearer ') ? remembered.includes(TOKEN) : remembered.includes(JWT) && remembered.includes(auth.slice(6)));
    const url = req.url ?? '';
    if (url === '/api/v1/user/') sendJson(res, 200, USER);
    else if (url.startsWith('/oauth2/')) sendJson(res, 200, { token: 'FEDERATED-PASSWORD-1234' });
    else if (url.startsWith('/api/v1/organization/acme/robots?')) sendJson(res, 200, { robots: [{ name: 'acme+listed', token: 'LISTED-TOKEN-1234' }] });
    else if (url.endsWith('/regenerate')) sendJson(res, 200, { name: 'acme+ci', token: 'REGENERATED-TOKEN-1234' });
    else if (req.method === 'PUT') sendJson(res, 201, { name: 'acme+new', token: 'CREATED-TOKEN-1234' });
    else sendJson(res, 200, { name: 'acme+ci', token: 'READ-TOKEN-1234' });
  });
  const c = client(s.url, { rememberSecret: (secret) => remembered.push(secret) });
  const acme = { kind: 'org', name: 'acme' } as const;
  try {
    await c.getCurrentUser();
    await c.createRobot(acme, 'new');
    await c.regenerateRobotToken(acme, 'ci');
    await c.getRobot(acme, 'ci');
    await c.listRobots(acme, { token: true });
    await c.exchangeFederatedToken('acme+ci', JWT);
  } finally {
    await c.close();
    await s.close();
  }
  assert.deepEqual(knownWhenSent, [true, true, true, true, true, true]);
  for (const token of ['CREATED-TOKEN-1234', 'REGENERATED-TOKEN-1234', 'READ-TOKEN-1234', 'LISTED-TOKEN-1234', 'FEDERATED-PASSWORD-1234']) {
    assert.ok(remembered.includes(token), token);
  }
});
