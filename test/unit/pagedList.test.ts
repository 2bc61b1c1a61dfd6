import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadCache } from '../../src/core/cache';
import { PagedList, type Page } from '../../src/core/pagedList';

/** A fake paged endpoint: `total` items, `size` a page, the page token is the next index. */
function endpoint(total: number, size: number) {
  const calls: (string | undefined)[] = [];
  let failNext = false;
  const fetch = async (token: string | undefined): Promise<Page<number>> => {
    calls.push(token);
    await new Promise((r) => setTimeout(r, 5));
    if (failNext) {
      failNext = false;
      throw new Error('503');
    }
    const start = token === undefined ? 0 : Number(token);
    const items = Array.from({ length: Math.min(size, total - start) }, (_, i) => start + i);
    return { items, nextPage: start + size < total ? String(start + size) : undefined };
  };
  return { fetch, calls, failOnce: () => (failNext = true) };
}

void test('the first page loads alone; load more appends page by page until the end', async () => {
  const api = endpoint(250, 100);
  const list = await PagedList.load(api.fetch);
  assert.equal(list.items.length, 100);
  assert.equal(list.nextPage, '100');
  await list.loadMore();
  await list.loadMore();
  assert.equal(list.items.length, 250);
  assert.equal(list.nextPage, undefined);
  await list.loadMore();
  assert.deepEqual(api.calls, [undefined, '100', '200']);
  assert.deepEqual(list.items, Array.from({ length: 250 }, (_, i) => i));
});

void test('concurrent "load more" clicks share one request and append once', async () => {
  const api = endpoint(300, 100);
  const list = await PagedList.load(api.fetch);
  const fetched = await Promise.all([list.loadMore(), list.loadMore(), list.loadMore()]);
  assert.deepEqual(fetched, [true, false, false], 'only the call that fetched reports a change');
  assert.equal(list.items.length, 200);
  assert.deepEqual(api.calls, [undefined, '100']);
});

void test('a failed page leaves the list intact and can be retried', async () => {
  const api = endpoint(200, 100);
  const list = await PagedList.load(api.fetch);
  api.failOnce();
  await assert.rejects(list.loadMore(), /503/);
  assert.equal(list.items.length, 100);
  await list.loadMore();
  assert.equal(list.items.length, 200);
});

void test('through the tree cache, concurrent expansions of a group cost one request', async () => {
  const api = endpoint(5000, 100);
  const cache = new LoadCache();
  const key = 'quay://q/org/bigcorp/repos';
  const lists = await Promise.all([1, 2, 3].map(() => cache.get(key, () => PagedList.load(api.fetch))));
  assert.equal(new Set(lists).size, 1);
  assert.equal(api.calls.length, 1);
  cache.invalidate('quay://q/org/bigcorp');
  await cache.get(key, () => PagedList.load(api.fetch));
  assert.equal(api.calls.length, 2, 'a refresh of the org reloads its groups');
});
