import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFetchJson, MAX_ISSUER_DOCUMENT_BYTES } from '../../../src/core/federation/fetchJson';
import { localServer, sendJson } from '../quay/helpers';

const direct = createFetchJson({ proxyFor: () => undefined, timeoutMs: 5000 });

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
    assert.deepEqual(await direct(`${server.url}/doc`), { status: 200, json: { issuer: 'x' } });
    assert.deepEqual(await direct(`${server.url}/text`), { status: 200, json: undefined });
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
    for (const path of ['/declared', '/streamed']) await assert.rejects(direct(`${server.url}${path}`), /larger than 1 MiB/);
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
    assert.deepEqual(await direct(`${server.url}/3`), { status: 200, json: { done: true } });
    await assert.rejects(direct(`${server.url}/4`), /more than 3 redirects/);
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
  });
  try {
    await assert.rejects(viaProxy('https://issuer.invalid/.well-known/openid-configuration'), /403|[Pp]roxy/);
    assert.deepEqual(asked, ['https://issuer.invalid/.well-known/openid-configuration']);
    assert.deepEqual(proxied, ['CONNECT issuer.invalid:443']);
  } finally {
    await new Promise((resolve) => proxy.close(resolve));
  }
});
