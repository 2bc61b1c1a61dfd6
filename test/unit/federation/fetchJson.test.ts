import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFetchJson, MAX_ISSUER_DOCUMENT_BYTES } from '../../../src/core/federation/fetchJson';
import { RefusedTargetError } from '../../../src/core/federation/issuer';
import { localServer, sendJson } from '../quay/helpers';

const direct = createFetchJson({ proxyFor: () => undefined, timeoutMs: 5000 });
/** The loopback test server is internal: fetched only as the host the user agreed to (finding 5). */
const loopback = (server: { readonly url: string }): { allowInternalHost: string } => ({ allowInternalHost: new URL(server.url).host });

void test('the issuer fetch sends no credentials and reads JSON; a body that is not JSON gives json undefined', async () => {
  const seen: (string | undefined)[] = [];
  const server = await localServer((req, res) => {
    seen.push(req.headers.authorization, req.headers.cookie);
    if (req.url === '/text') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      return;
    }
    sendJson(res, 200, { issuer: 'x' });
  });
  try {
    assert.deepEqual(await direct(`${server.url}/doc`, undefined, loopback(server)), { status: 200, json: { issuer: 'x' } });
    assert.deepEqual(await direct(`${server.url}/text`, undefined, loopback(server)), { status: 200, json: undefined });
    assert.deepEqual(seen, [undefined, undefined, undefined, undefined]);
  } finally {
    await server.close();
  }
});

void test('an answer larger than 1 MiB is refused, declared or streamed', async () => {
  const big = Buffer.alloc(MAX_ISSUER_DOCUMENT_BYTES + 1, 0x20);
  const server = await localServer((req, res) => {
    if (req.url === '/declared') res.writeHead(200, { 'content-length': String(big.length) }).end(big);
    else {
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      res.write(big.subarray(0, 600_000));
      res.end(big.subarray(600_000));
    }
  });
  try {
    for (const path of ['/declared', '/streamed']) await assert.rejects(direct(`${server.url}${path}`, undefined, loopback(server)), /larger than 1 MiB/);
  } finally {
    await server.close();
  }
});

void test('redirects are followed up to 3 times, then refused', async () => {
  const server = await localServer((req, res) => {
    const n = Number(req.url?.slice(1) ?? '0');
    if (n > 0) res.writeHead(302, { location: `/${n - 1}` }).end();
    else sendJson(res, 200, { done: true });
  });
  try {
    assert.deepEqual(await direct(`${server.url}/3`, undefined, loopback(server)), { status: 200, json: { done: true } });
    await assert.rejects(direct(`${server.url}/4`, undefined, loopback(server)), /more than 3 redirects/);
  } finally {
    await server.close();
  }
});

void test('through the proxy the settings name for the target: the issuer host is tunnelled (CONNECT) through it', async () => {
  const proxied: string[] = [];
  const proxy = createServer();
  proxy.on('connect', (req: IncomingMessage, socket: Duplex) => {
    proxied.push(`${req.method ?? ''} ${req.url ?? ''}`);
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const asked: string[] = [];
  const viaProxy = createFetchJson({
    proxyFor: (url) => {
      asked.push(url);
      return `http://127.0.0.1:${port}`;
    },
    timeoutMs: 5000,
    resolve: () => Promise.reject(new Error('not resolved here: the proxy resolves it')),
  });
  try {
    await assert.rejects(viaProxy('https://issuer.invalid/.well-known/openid-configuration'), /403|[Pp]roxy/);
    assert.deepEqual(asked, ['https://issuer.invalid/.well-known/openid-configuration']);
    assert.deepEqual(proxied, ['CONNECT issuer.invalid:443']);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});

// ----- security review 2026-12, findings 5 (targets) and 6 (deadline) ----------------------------------------

void test('a redirect to a link-local address (cloud metadata) is refused, not followed', async () => {
  const server = await localServer((_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
  try {
    await assert.rejects(direct(`${server.url}/.well-known/openid-configuration`, undefined, loopback(server)), (e: unknown) => {
      assert.ok(e instanceof RefusedTargetError, String(e));
      assert.equal(e.url, 'http://169.254.169.254/latest/meta-data/');
      assert.match(e.reason, /169\.254\.169\.254 is a private, loopback or link-local address/);
      return true;
    });
  } finally {
    await server.close();
  }
});

void test('a redirect to another internal host than the one agreed to is refused: that host gets no request', async () => {
  let hits = 0;
  const other = await localServer((_req, res) => {
    hits++;
    sendJson(res, 200, { keys: [] });
  });
  const server = await localServer((_req, res) => res.writeHead(307, { location: `${other.url}/latest/meta-data/iam/security-credentials/role` }).end());
  try {
    await assert.rejects(direct(`${server.url}/jwks`, undefined, loopback(server)), RefusedTargetError);
    // Without any agreement, not even the first loopback target is fetched.
    await assert.rejects(direct(`${other.url}/jwks`), RefusedTargetError);
    assert.equal(hits, 0);
  } finally {
    await Promise.all([server.close(), other.close()]);
  }
});

void test('a name resolving to a private address is refused before any connection (injected resolver)', async () => {
  const asked: string[] = [];
  const resolved: string[] = [];
  const fetchJson = createFetchJson({
    proxyFor: (url) => {
      asked.push(url);
      return undefined;
    },
    timeoutMs: 5000,
    resolve: (host) => {
      resolved.push(host);
      return Promise.resolve(host === 'oidc.corp.example' ? ['203.0.113.9', '10.20.30.40'] : ['203.0.113.9']);
    },
  });
  await assert.rejects(fetchJson('https://oidc.corp.example/.well-known/openid-configuration'), (e: unknown) => {
    assert.ok(e instanceof RefusedTargetError);
    assert.match(e.reason, /oidc\.corp\.example resolves to 10\.20\.30\.40, a private, loopback or link-local address/);
    return true;
  });
  assert.deepEqual(resolved, ['oidc.corp.example']);
  assert.deepEqual(asked, [], 'no connection was prepared');
});

void test('a server dripping one byte every 200 ms is abandoned at the deadline, also when the caller passes its own signal', { timeout: 60_000 }, async () => {
  const timers = new Set<NodeJS.Timeout>();
  const server = await localServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"issuer":"');
    const timer = setInterval(() => res.write('x'), 200);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  const short = createFetchJson({ proxyFor: () => undefined, timeoutMs: 1000 });
  const caller = new AbortController();
  try {
    await assert.rejects(short(`${server.url}/.well-known/openid-configuration`, caller.signal, loopback(server)), /no complete answer from 127\.0\.0\.1:\d+ within 1 s/);
    assert.equal(caller.signal.aborted, false, "the caller's signal is not what ended it");
    // The caller's own signal still cancels at once.
    const cancel = new AbortController();
    const pending = short(`${server.url}/.well-known/openid-configuration`, cancel.signal, loopback(server));
    cancel.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof Error && !/no complete answer/.test(e.message));
  } finally {
    for (const t of timers) clearInterval(t);
    await server.close();
  }
});
