import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, describePlan, planBulk } from '../../src/core/bulk/plan';
import { runBulk } from '../../src/core/bulk/runner';
import type { Role } from '../../src/core/quay/types';

void test('classify: add, upgrade, downgrade, unchanged, remove', () => {
  assert.equal(classify(undefined, 'read'), 'add');
  assert.equal(classify('read', 'write'), 'upgrade');
  assert.equal(classify('admin', 'read'), 'downgrade');
  assert.equal(classify('write', 'write'), 'unchanged');
  assert.equal(classify('write', undefined), 'remove');
  assert.equal(classify(undefined, undefined), 'unchanged');
});

void test('planBulk computes one entry per repository from the current roles, deduplicated and sorted', () => {
  const current = new Map<string, Role>([['a', 'read'], ['b', 'admin'], ['c', 'read']]);
  const plan = planBulk(['c', 'b', 'a', 'd', 'a'], current, 'read');
  assert.deepEqual(plan.map((p) => [p.repository, p.action]), [['a', 'unchanged'], ['b', 'downgrade'], ['c', 'unchanged'], ['d', 'add']]);
  assert.equal(describePlan(plan), '1 to add, 1 to downgrade, 2 unchanged');
});

void test('a plan recomputed after applying it is all unchanged (idempotence)', () => {
  const state = new Map<string, Role>([['x', 'write']]);
  const first = planBulk(['x', 'y', 'z'], state, 'write');
  for (const c of first) if (c.to !== undefined) state.set(c.repository, c.to);
  assert.deepEqual(planBulk(['x', 'y', 'z'], state, 'write').map((p) => p.action), ['unchanged', 'unchanged', 'unchanged']);
});

void test('runBulk bounds concurrency and collects failures without stopping', async () => {
  let active = 0;
  let peak = 0;
  const report = await runBulk(
    Array.from({ length: 20 }, (_, i) => i),
    async (i) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      if (i % 5 === 0) throw new Error(`boom ${i}`);
    },
    { concurrency: 3 },
  );
  assert.equal(peak, 3);
  assert.equal(report.applied.length, 16);
  assert.deepEqual(report.failed.map((f) => f.item).sort((a, b) => a - b), [0, 5, 10, 15]);
  assert.deepEqual(report.notRun, []);
  assert.equal(report.cancelled, false);
});

void test('cancel stops starting new items: those in flight finish and count as applied, the rest are reported not run', async () => {
  const controller = new AbortController();
  const started: number[] = [];
  const report = await runBulk(
    Array.from({ length: 10 }, (_, i) => i),
    async (i) => {
      started.push(i);
      // Cancelled as the second item starts, while the first is still in flight: the third never starts.
      if (i === 1) controller.abort();
      await Promise.resolve();
    },
    { concurrency: 2, signal: controller.signal },
  );
  assert.equal(report.cancelled, true);
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual([...report.applied].sort((a, b) => a - b), [0, 1]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(report.notRun, [2, 3, 4, 5, 6, 7, 8, 9]);
});
