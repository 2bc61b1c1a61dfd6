import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { QuayClient } from '../../../src/core/quay/client';
import { displayProxy, proxyFor } from '../../../src/core/quay/proxy';
import { startSandbox } from '../../sandbox/server';
import { memoryLogger } from './helpers';

void test('proxyFor: per-scheme proxies, no_proxy entries, loopback always direct', () => {
  const s = { httpsProxy: 'proxy.corp:3128', httpProxy: 'http://plain.corp:8080', noProxy: 'internal.example, .svc.local,registry.example:5000' };
  assert.equal(proxyFor('https://quay.io', s), 'http://proxy.corp:3128');
  assert.equal(proxyFor('http://quay.example.com', s), 'http://plain.corp:8080');
  assert.equal(proxyFor('https://internal.example', s), undefined);
  assert.equal(proxyFor('https://quay.internal.example', s), undefined);
  assert.equal(proxyFor('https://quay.svc.local', s), undefined);
  assert.equal(proxyFor('https://svc.local', s), undefined);
  assert.equal(proxyFor('https://notinternal.example', s), 'http://proxy.corp:3128');
  assert.equal(proxyFor('https://registry.example:5000', s), undefined);
  assert.equal(proxyFor('https://registry.example', s), 'http://proxy.corp:3128');
  assert.equal(proxyFor('https://127.0.0.1:8443', s), undefined);
  assert.equal(proxyFor('https://localhost', s), undefined);
  assert.equal(proxyFor('https://quay.io', { ...s, noProxy: ['*'] }), undefined);
  assert.equal(proxyFor('https://quay.io', {}), undefined);
  assert.equal(displayProxy('http://user:secret@proxy.corp:3128'), 'http://***@proxy.corp:3128');
});

/** A CONNECT proxy that records the targets it tunnels to. */
async function connectProxy(): Promise<{ server: Server; url: string; targets: string[] }> {
  const targets: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client, head) => {
    targets.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets };
}

void test('through a CONNECT proxy: the request is tunnelled and the instance CA still verifies Quay', async () => {
  const secure = await startSandbox({ port: 0, seed: 'demo', tls: true });
  const proxy = await connectProxy();
  try {
    const { logger, lines } = memoryLogger();
    const c = new QuayClient({ baseUrl: secure.url, getToken: () => Promise.resolve(secure.tokens.admin), logger, tls: { ca: secure.caPem! }, proxy: proxy.url });
    assert.equal((await c.getCurrentUser()).username, 'alice');
    assert.deepEqual(proxy.targets, [new URL(secure.url).host]);
    assert.ok(lines.some((l) => l.includes(`go through the proxy ${proxy.url}`)), lines.join('\n'));
    await c.close();
    // The instance CA applies to Quay through the tunnel: without it, the certificate is refused.
    const untrusted = new QuayClient({ baseUrl: secure.url, getToken: () => Promise.resolve(secure.tokens.admin), logger, proxy: proxy.url, retries: 0 });
    await assert.rejects(untrusted.getCurrentUser(), (e: Error) => /certificate|self.signed|TLS/i.test(e.message));
    await untrusted.close();
  } finally {
    proxy.server.close();
    await secure.close();
  }
});
