import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuayClient } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import { memoryLogger } from './helpers';

/**
 * TLS failures from a local https server with throwaway self-signed certificates (made with the openssl
 * CLI; skipped where it is missing). The sandbox test covers the same with the sandbox's own CA.
 */

function haveOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = !haveOpenssl();
const dir = mkdtempSync(join(tmpdir(), 'quay-tls-'));
const servers: Server[] = [];

function selfSigned(name: string, san: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`], {
    stdio: 'ignore',
  });
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

async function serve(creds: { key: string; cert: string }): Promise<string> {
  const server = createServer(creds, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ anonymous: false, username: 'alice', organizations: [] }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let good: { key: string; cert: string };
let wrongName: { key: string; cert: string };
let goodUrl: string;
let wrongNameUrl: string;

before(async () => {
  if (skip) return;
  good = selfSigned('localhost', 'IP:127.0.0.1,DNS:localhost');
  wrongName = selfSigned('other.example', 'DNS:other.example');
  goodUrl = await serve(good);
  wrongNameUrl = await serve(wrongName);
});

after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function reason(client: QuayClient): Promise<QuayApiError> {
  try {
    await client.getCurrentUser();
  } catch (error) {
    assert.ok(error instanceof QuayApiError);
    return error;
  } finally {
    await client.close();
  }
  assert.fail('expected a failure');
}

void test('an unknown self-signed certificate is a tls error; with its CA it works', { skip }, async () => {
  const opts = { getToken: () => Promise.resolve('t'.repeat(40)), logger: memoryLogger().logger };
  const e = await reason(new QuayClient({ baseUrl: goodUrl, ...opts }));
  assert.equal(e.reason, 'tls', e.message);
  assert.match(e.code ?? '', /SELF_SIGNED|UNABLE_TO_VERIFY/);
  assert.match(e.userHint ?? '', /CA bundle/);

  const trusted = new QuayClient({ baseUrl: goodUrl, ...opts, tls: { ca: good.cert } });
  assert.equal((await trusted.getCurrentUser()).username, 'alice');
  await trusted.close();

  const mismatch = await reason(new QuayClient({ baseUrl: wrongNameUrl, ...opts, tls: { ca: wrongName.cert } }));
  assert.equal(mismatch.reason, 'tls');
  assert.equal(mismatch.code, 'ERR_TLS_CERT_ALTNAME_INVALID');

  const { logger, lines } = memoryLogger();
  const insecure = new QuayClient({ baseUrl: wrongNameUrl, getToken: opts.getToken, logger, tls: { rejectUnauthorized: false } });
  assert.equal(insecure.insecureTls, true);
  assert.equal((await insecure.getCurrentUser()).username, 'alice');
  await insecure.close();
  assert.equal(lines.filter((l) => /verification is OFF/.test(l)).length, 1);
});
