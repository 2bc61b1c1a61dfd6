import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from '../../../src/core/quay/semaphore';

void test('never more than the limit; waiters served in order', async () => {
  const s = new Semaphore(2);
  const order: number[] = [];
  let active = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 8 }, async (_, i) => {
      const release = await s.acquire();
      active++;
      peak = Math.max(peak, active);
      order.push(i);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      release();
      release(); // a second release is a no-op
    }),
  );
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(s.inUse, 0);
});

void test('an aborted waiter leaves the queue without taking a slot', async () => {
  const s = new Semaphore(1);
  const release = await s.acquire();
  const controller = new AbortController();
  const waiting = s.acquire(controller.signal);
  assert.equal(s.queued, 1);
  controller.abort();
  await assert.rejects(waiting);
  assert.equal(s.queued, 0);
  release();
  assert.equal(s.inUse, 0);
  await assert.rejects(s.acquire(AbortSignal.abort()));
  assert.throws(() => new Semaphore(0), RangeError);
});
