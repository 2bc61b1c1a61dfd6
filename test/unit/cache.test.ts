import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadCache } from '../../src/core/cache';

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
