/** Contract §0.7 rate limiting, fault injection, latency, TLS mode and the CLI. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as https from 'node:https';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectStatus } from './helpers';

async function withSandbox(options: Parameters<typeof startSandbox>[0], body: (sb: Sandbox) => Promise<void>): Promise<void> {
  const sb = await startSandbox(options);
  try {
    await body(sb);
  } finally {
    await sb.close();
  }
}

void test('§0.7 rate limit: burst + 1 requests pass, then nginx\'s 429 HTML page without Retry-After; /api/ only', async () => {
  await withSandbox({ seed: 'empty', rateLimit: 1, rateBurst: 5 }, async (sb) => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 9; i++) {
      const r = await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin });
      statuses.push(r.status);
      if (r.status === 429) limited ??= r;
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429]);
    assert.ok(limited);
    assert.equal(limited.headers.get('retry-after'), null);
    assert.match(limited.contentType, /^text\/html/);
    assert.match(limited.text, /^<html>\r\n<head><title>429 Too Many Requests<\/title><\/head>/);
    assert.match(limited.text, /<center>nginx<\/center>/);
    // Outside /api/ nothing is limited.
    expectStatus(await call(sb, 'GET', '/health/instance'), 200);
    // Turning it off.
    sb.setFaults({ rateLimit: undefined });
    expectStatus(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }), 200);
    assert.equal(sb.stats.byStatus[429], 3);
  });
});

void test('§0.7 the default burst is 25', async () => {
  await withSandbox({ seed: 'empty', rateLimit: 1 }, async (sb) => {
    const statuses = await Promise.all(Array.from({ length: 30 }, () => call(sb, 'GET', '/api/v1/error/not_found').then((r) => r.status)));
    assert.equal(statuses.filter((s) => s === 200).length, 26);
    assert.equal(statuses.filter((s) => s === 429).length, 4);
  });
});

void test('fault injection: failRate gives raw 500s that have no effect; reproducible with randomSeed', async () => {
  const run = async (): Promise<number[]> => {
    const statuses: number[] = [];
    await withSandbox({ seed: 'empty', failRate: 0.5, randomSeed: 42 }, async (sb) => {
      for (let i = 0; i < 20; i++) {
        const r = await call(sb, 'PUT', `/api/v1/user/robots/bot${i}`, { token: sb.tokens.admin });
        statuses.push(r.status);
        if (r.status === 500) {
          assert.match(r.text, /Internal Server Error/);
          assert.equal(sb.state.robot(`alice+bot${i}`), undefined, 'decided before any effect');
        } else assert.ok(sb.state.robot(`alice+bot${i}`));
      }
      // Non-API paths are never failed.
      expectStatus(await call(sb, 'GET', '/health/instance'), 200);
    });
    return statuses;
  };
  const a = await run();
  const b = await run();
  assert.deepEqual(a, b);
  assert.ok(a.includes(500) && a.includes(201), a.join());
  // setFaults({ randomSeed }) restarts the sequence: the same statuses, however many requests came before.
  await withSandbox({ seed: 'empty' }, async (sb) => {
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/before', { token: sb.tokens.admin }), 201);
    sb.setFaults({ failRate: 0.5 });
    await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin });
    sb.setFaults({ randomSeed: 42 });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await call(sb, 'PUT', `/api/v1/user/robots/bot${i}`, { token: sb.tokens.admin })).status);
    assert.deepEqual(statuses, a);
  });
});

void test('hold: matching requests wait, without effect, until released; others pass; later requests are not held', async () => {
  await withSandbox({ seed: 'empty' }, async (sb) => {
    const hold = sb.hold((r) => r.method === 'PUT' && r.path.startsWith('/api/v1/user/robots/'));
    const puts = ['one', 'two'].map((name) => call(sb, 'PUT', `/api/v1/user/robots/${name}`, { token: sb.tokens.admin }));
    await hold.untilHeld(2);
    assert.equal(hold.held, 2);
    // Not matched: answered while the PUTs wait.
    expectStatus(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }), 200);
    assert.equal(sb.state.robot('alice+one'), undefined, 'a held request has no effect');
    assert.equal(sb.state.robot('alice+two'), undefined, 'a held request has no effect');
    assert.throws(() => sb.hold(() => true), /already holds/);
    hold.release();
    assert.deepEqual((await Promise.all(puts)).map((r) => r.status), [201, 201]);
    assert.ok(sb.state.robot('alice+one') && sb.state.robot('alice+two'));
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/three', { token: sb.tokens.admin }), 201);
    assert.equal(hold.held, 2, 'the released hold catches nothing more');
    sb.hold(() => true).release();
  });
});

void test('fault injection: dropRate destroys the connection without a response and without effect', async () => {
  await withSandbox({ seed: 'empty', dropRate: 1 }, async (sb) => {
    await assert.rejects(fetch(`${sb.url}/api/v1/user/robots/dropped`, { method: 'PUT', headers: { Authorization: `Bearer ${sb.tokens.admin}` } }));
    assert.equal(sb.state.robot('alice+dropped'), undefined);
    assert.equal(sb.stats.byStatus[0], 1);
    sb.setFaults({ dropRate: 0 });
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/kept', { token: sb.tokens.admin }), 201);
  });
});

void test('latency is added to every response; stats count requests', async () => {
  await withSandbox({ seed: 'empty', latencyMs: 150 }, async (sb) => {
    const t0 = performance.now();
    expectStatus(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }), 200);
    assert.ok(performance.now() - t0 >= 140);
    sb.setFaults({ latencyMs: 0 });
    sb.stats.reset();
    await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin });
    await call(sb, 'GET', '/api/v1/nope');
    assert.equal(sb.stats.requests, 2);
    assert.deepEqual(sb.stats.byStatus, { 200: 1, 404: 1 });
  });
});

void test('TLS mode: https with a throwaway CA exposed as caPem', async () => {
  await withSandbox({ seed: 'empty', tls: true }, async (sb) => {
    assert.match(sb.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(sb.caPem ?? '', /^-----BEGIN CERTIFICATE-----/);
    const get = (ca: string | undefined): Promise<number> =>
      new Promise((resolve, reject) => {
        https
          .get(`${sb.url}/api/v1/user/`, { ca, headers: { Authorization: `Bearer ${sb.tokens.admin}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
          .on('error', reject);
      });
    assert.equal(await get(sb.caPem), 200);
    await assert.rejects(get(undefined), /self-signed|unable to verify|certificate/i);
    // The issuer (and so federation) works over https too.
    const token = sb.issuer.mint({ sub: 'x' });
    assert.match(token, /^ey/);
  });
});

void test('CLI: --help prints usage; a bad option exits 2; the sandbox starts and stops on SIGTERM', async () => {
  const cli = join(__dirname, '..', '..', 'sandbox', 'cli.js');
  const help = await new Promise<string>((resolve, reject) => execFile(process.execPath, [cli, '--help'], (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout))));
  assert.match(help, /--rate-limit N/);
  const bad = await new Promise<number | null>((resolve) => execFile(process.execPath, [cli, '--seed', 'huge'], (err) => resolve(err ? (err as { code?: number }).code ?? 1 : 0)));
  assert.equal(bad, 2);
  const child = spawn(process.execPath, [cli, '--seed', 'empty', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ctrl-C')) resolve();
    });
    child.on('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  const admin = /admin\s+([A-Z0-9]{40})/.exec(out)?.[1];
  assert.ok(url && admin, out);
  const res = await fetch(`${url}/api/v1/user/`, { headers: { Authorization: `Bearer ${admin}` } });
  assert.equal(res.status, 200);
  await res.text();
  const code = await new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  assert.equal(code, 0);
});

void test('failNext: the next matching request fails (raw 500 or a dropped connection) without effect; the one after passes', async () => {
  await withSandbox({ seed: 'empty' }, async (sb) => {
    const regenerate = (r: { method: string; path: string }): boolean => r.method === 'POST' && r.path.endsWith('/regenerate');
    expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/bot', { token: sb.tokens.admin }), 201);
    const before = sb.state.robot('alice+bot')?.token;
    sb.failNext(regenerate, 'fail');
    // Not matched: untouched.
    expectStatus(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }), 200);
    const failed = await call(sb, 'POST', '/api/v1/user/robots/bot/regenerate', { token: sb.tokens.admin });
    assert.equal(failed.status, 500);
    assert.match(failed.text, /Internal Server Error/);
    assert.equal(sb.state.robot('alice+bot')?.token, before, 'no effect');
    sb.failNext(regenerate, 'drop');
    await assert.rejects(fetch(`${sb.url}/api/v1/user/robots/bot/regenerate`, { method: 'POST', headers: { Authorization: `Bearer ${sb.tokens.admin}` } }));
    assert.equal(sb.state.robot('alice+bot')?.token, before, 'no effect');
    expectStatus(await call(sb, 'POST', '/api/v1/user/robots/bot/regenerate', { token: sb.tokens.admin }), 200);
    assert.notEqual(sb.state.robot('alice+bot')?.token, before);
  });
});
