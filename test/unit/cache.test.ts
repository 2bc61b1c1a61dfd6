import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadCache, TtlPromiseCache } from '../../src/core/cache';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

void test('concurrent gets of one key share a single load', async () => {
  const cache = new LoadCache();
  let calls = 0;
  const d = deferred<string>();
  const load = () => { calls++; return d.promise; };
  const a = cache.get('k', load);
  const b = cache.get('k', load);
  d.resolve('v');
  assert.deepEqual(await Promise.all([a, b]), ['v', 'v']);
  assert.equal(await cache.get('k', load), 'v');
  assert.equal(calls, 1);
  assert.equal(cache.loads, 1);
});

void test('invalidate forgets the key and its subtree only', async () => {
  const cache = new LoadCache();
  let n = 0;
  const load = () => Promise.resolve(++n);
  await cache.get('i/org/a', load);
  await cache.get('i/org/a/robots', load);
  await cache.get('i/org/ab', load);
  cache.invalidate('i/org/a');
  assert.equal(cache.has('i/org/a'), false);
  assert.equal(cache.has('i/org/a/robots'), false);
  assert.equal(cache.has('i/org/ab'), true, 'a sibling sharing a prefix is kept');
  assert.equal(await cache.get('i/org/a', load), 4);
});

void test('a failed load is not cached', async () => {
  const cache = new LoadCache();
  await assert.rejects(cache.get('k', () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await cache.get('k', () => Promise.resolve('ok')), 'ok');
});

void test('a load that finishes after an invalidation does not repopulate the cache', async () => {
  const cache = new LoadCache();
  const d = deferred<string>();
  const p = cache.get('k', () => d.promise);
  cache.invalidate('k');
  d.resolve('stale');
  assert.equal(await p, 'stale');
  assert.equal(cache.has('k'), false);
});

void test('TtlPromiseCache: a fresh key shares one load, concurrent or later; after the TTL (injected clock) it loads again', async () => {
  let now = 1000;
  const cache = new TtlPromiseCache<string, string>(60_000, () => now);
  let calls = 0;
  const d = deferred<string>();
  const load = () => { calls++; return calls === 1 ? d.promise : Promise.resolve(`v${calls}`); };
  const a = cache.get('k', load);
  const b = cache.get('k', load);
  assert.equal(a, b, 'concurrent gets share the promise');
  d.resolve('v1');
  assert.deepEqual(await Promise.all([a, b]), ['v1', 'v1']);
  assert.equal(cache.peek('k'), 'v1');
  now += 59_999;
  assert.equal(await cache.get('k', load), 'v1', 'still fresh 1 ms before the TTL');
  assert.equal(calls, 1);
  now += 1;
  assert.equal(cache.fresh('k'), undefined, 'expired at the TTL');
  assert.equal(cache.peek('k'), 'v1', 'peek answers the last value, fresh or not');
  assert.equal(await cache.get('k', load), 'v2');
  assert.equal(calls, 2);
});

void test('TtlPromiseCache: a failed load expires its entry at once; the next get loads again', async () => {
  const cache = new TtlPromiseCache<string, string>(60_000, () => 0);
  let calls = 0;
  const load = () => (++calls === 1 ? Promise.reject(new Error('502')) : Promise.resolve('ok'));
  await assert.rejects(cache.get('k', load), /502/);
  assert.equal(cache.fresh('k'), undefined);
  assert.equal(cache.peek('k'), undefined);
  assert.equal(await cache.get('k', load), 'ok');
  assert.equal(calls, 2);
});

void test('TtlPromiseCache: a failure of a replaced load does not remove the newer entry; deleteWhere forgets matching keys', async () => {
  const cache = new TtlPromiseCache<string, string>(60_000, () => 0);
  const old = deferred<string>();
  const first = cache.load('a/1', () => old.promise);
  const newer = cache.load('a/1', () => Promise.resolve('new'));
  old.reject(new Error('late failure'));
  await assert.rejects(first, /late failure/);
  assert.equal(cache.fresh('a/1'), newer);
  await cache.get('b/1', () => Promise.resolve('b'));
  cache.deleteWhere((k) => k.startsWith('a/'));
  assert.equal(cache.fresh('a/1'), undefined);
  assert.equal(await cache.fresh('b/1'), 'b');
});
