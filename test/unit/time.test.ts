import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exactTime, relativeTime } from '../../src/core/time';

void test('relativeTime picks the largest sensible unit', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  const ago = (s: number) => relativeTime(new Date(now.getTime() - s * 1000), now);
  assert.equal(ago(10), 'just now');
  assert.equal(ago(60), '1 minute ago');
  assert.equal(ago(3 * 3600), '3 hours ago');
  assert.equal(ago(86400), '1 day ago');
  assert.equal(ago(3 * 86400), '3 days ago');
  assert.equal(ago(60 * 86400), '2 months ago');
  assert.equal(ago(800 * 86400), '2 years ago');
  assert.equal(relativeTime(new Date(now.getTime() + 7200_000), now), 'in 2 hours');
});

void test('exactTime is ISO-like in UTC', () => {
  assert.equal(exactTime(new Date('2026-08-21T20:02:54Z')), '2026-08-21 20:02 UTC');
});
