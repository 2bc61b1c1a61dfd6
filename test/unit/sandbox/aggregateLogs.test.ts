/**
 * Contract §8, aggregate logs: the table (database) log storage reports days of the month rebuilt from the window's
 * start month and merged, and 500s on an impossible date; the document (Elasticsearch) storage reports real days.
 * Example dates from the contract and quay/quay's `table_logs_model.py` `get_aggregated_log_counts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateCounts, AGGREGATE_RANGE_LIMIT_DAYS, type CountedLog, type LogsModelName } from '../../sandbox/logModels';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectRaw500, expectShapeB, expectStatus, obj } from './helpers';

interface Agg {
  kind: string;
  count: number;
  datetime: string;
}

const DAY = 86_400_000;

/** A sandbox (seed `empty`: alice and bob) with the robot `alice+rot` regenerated at each of `times` (noon UTC unless given). */
async function sandboxWith(model: LogsModelName, times: readonly string[], t: { after(fn: () => Promise<void>): void }): Promise<Sandbox> {
  const sb = await startSandbox({ seed: 'empty', logsModel: model, now: times[0] ?? '2026-12-07T12:00:00Z' });
  t.after(() => sb.close());
  expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/rot', { token: sb.tokens.admin, body: {} }), 201);
  for (const time of times) {
    sb.setNow(time);
    expectStatus(await call(sb, 'POST', '/api/v1/user/robots/rot/regenerate', { token: sb.tokens.admin }), 200);
  }
  return sb;
}

async function aggregate(sb: Sandbox, query: string): Promise<Agg[]> {
  const r = await call(sb, 'GET', `/api/v1/user/aggregatelogs?${query}`, { token: sb.tokens.admin });
  expectStatus(r, 200);
  return obj(r)['aggregated'] as Agg[];
}

const of = (list: readonly Agg[], kind: string): { count: number; datetime: string }[] =>
  list
    .filter((a) => a.kind === kind)
    .map(({ count, datetime }) => ({ count, datetime }))
    .sort((a, b) => Date.parse(a.datetime) - Date.parse(b.datetime));

void test('table: window 11/07/2026–12/07/2026 reports a 7 Dec regeneration as Sat, 07 Nov 2026, merged with 7 Nov', async (t) => {
  const sb = await sandboxWith('table', ['2026-11-07T09:00:00Z', '2026-11-30T09:00:00Z', '2026-12-01T09:00:00Z', '2026-12-07T12:00:00Z'], t);
  const list = await aggregate(sb, 'starttime=11/07/2026&endtime=12/07/2026');
  assert.deepEqual(of(list, 'regenerate_robot_token'), [
    { count: 2, datetime: 'Sat, 07 Nov 2026 00:00:00 -0000' },
    { count: 1, datetime: 'Mon, 30 Nov 2026 00:00:00 -0000' },
    // Days before the start day move one month on: 1 Dec stays 1 Dec.
    { count: 1, datetime: 'Tue, 01 Dec 2026 00:00:00 -0000' },
  ]);
  assert.deepEqual(of(list, 'create_robot'), [{ count: 1, datetime: 'Sat, 07 Nov 2026 00:00:00 -0000' }]);
  // A window of 28 days or fewer keeps every day apart.
  assert.deepEqual(of(await aggregate(sb, 'starttime=11/10/2026&endtime=12/07/2026'), 'regenerate_robot_token'), [
    { count: 1, datetime: 'Mon, 30 Nov 2026 00:00:00 -0000' },
    { count: 1, datetime: 'Tue, 01 Dec 2026 00:00:00 -0000' },
    { count: 1, datetime: 'Mon, 07 Dec 2026 00:00:00 -0000' },
  ]);
});

void test('document: the same window reports real days and merges nothing', async (t) => {
  const sb = await sandboxWith('document', ['2026-11-07T09:00:00Z', '2026-12-07T12:00:00Z'], t);
  assert.deepEqual(of(await aggregate(sb, 'starttime=11/07/2026&endtime=12/07/2026'), 'regenerate_robot_token'), [
    { count: 1, datetime: 'Sat, 07 Nov 2026 00:00:00 -0000' },
    { count: 1, datetime: 'Mon, 07 Dec 2026 00:00:00 -0000' },
  ]);
});

void test('table: a window starting 27 or 28 Feb of a non-leap year with logs on 29/30 March → raw 500 (ValueError)', async (t) => {
  const sb = await sandboxWith('table', ['2027-03-29T12:00:00Z', '2027-03-30T12:00:00Z'], t);
  const get = (q: string): ReturnType<typeof call> => call(sb, 'GET', `/api/v1/user/aggregatelogs?${q}`, { token: sb.tokens.admin });
  expectRaw500(await get('starttime=02/28/2027&endtime=03/30/2027'));
  expectRaw500(await get('starttime=02/27/2027&endtime=03/29/2027'));
  // Without the 29th/30th in the window, or starting in March, the dates can be built.
  assert.deepEqual(of(await aggregate(sb, 'starttime=02/27/2027&endtime=03/28/2027'), 'regenerate_robot_token'), []);
  assert.deepEqual(of(await aggregate(sb, 'starttime=03/01/2027&endtime=03/30/2027'), 'regenerate_robot_token'), [
    { count: 1, datetime: 'Mon, 29 Mar 2027 00:00:00 -0000' },
    { count: 1, datetime: 'Tue, 30 Mar 2027 00:00:00 -0000' },
  ]);
});

void test('table: a window starting 29 Feb of a leap year with a log on 30 March → 500 too (datetime(2028, 2, 30))', async (t) => {
  const sb = await sandboxWith('table', ['2028-03-30T12:00:00Z'], t);
  expectRaw500(await call(sb, 'GET', '/api/v1/user/aggregatelogs?starttime=02/29/2028&endtime=03/30/2028', { token: sb.tokens.admin }));
  // Starting 28 Feb 2028: 29 March is day 29, which February 2028 has: reported as Tue, 29 Feb 2028.
  const sb2 = await sandboxWith('table', ['2028-03-29T12:00:00Z'], t);
  assert.deepEqual(of(await aggregate(sb2, 'starttime=02/28/2028&endtime=03/29/2028'), 'regenerate_robot_token'), [{ count: 1, datetime: 'Tue, 29 Feb 2028 00:00:00 -0000' }]);
});

void test('document: the late-March windows answer with real days', async (t) => {
  const sb = await sandboxWith('document', ['2027-03-29T12:00:00Z', '2027-03-30T12:00:00Z'], t);
  assert.deepEqual(of(await aggregate(sb, 'starttime=02/28/2027&endtime=03/30/2027'), 'regenerate_robot_token'), [
    { count: 1, datetime: 'Mon, 29 Mar 2027 00:00:00 -0000' },
    { count: 1, datetime: 'Tue, 30 Mar 2027 00:00:00 -0000' },
  ]);
});

void test('range limits: table 31 days, document 32 days (counting the day added to endtime)', async (t) => {
  const table = await sandboxWith('table', ['2026-12-07T12:00:00Z'], t);
  const document = await sandboxWith('document', ['2026-12-07T12:00:00Z'], t);
  const get = (sb: Sandbox, q: string): ReturnType<typeof call> => call(sb, 'GET', `/api/v1/user/aggregatelogs?${q}`, { token: sb.tokens.admin });
  expectStatus(await get(table, 'starttime=11/07/2026&endtime=12/07/2026'), 200);
  expectShapeB(await get(table, 'starttime=11/06/2026&endtime=12/07/2026'), 400, 'Invalid date range for logs');
  expectStatus(await get(document, 'starttime=11/06/2026&endtime=12/07/2026'), 200);
  expectShapeB(await get(document, 'starttime=11/05/2026&endtime=12/07/2026'), 400, 'Invalid date range for logs');
});

void test('unknown performer: aggregatelogs answers 200 with everyone\'s counts (both models); /logs 500s on the table model only', async (t) => {
  for (const model of ['table', 'document'] as const) {
    const sb = await sandboxWith(model, ['2026-12-07T12:00:00Z'], t);
    const everyone = await aggregate(sb, '');
    assert.ok(of(everyone, 'regenerate_robot_token').length > 0);
    assert.deepEqual(await aggregate(sb, 'performer=ghost'), everyone, model);
    // A known performer does filter: bob did nothing here.
    assert.deepEqual(await aggregate(sb, 'performer=bob'), [], model);
    const logs = await call(sb, 'GET', '/api/v1/user/logs?performer=ghost', { token: sb.tokens.admin });
    if (model === 'table') expectRaw500(logs);
    else {
      expectStatus(logs, 200);
      assert.ok((obj(logs)['logs'] as unknown[]).length > 0, 'the document model drops the unknown performer on /logs too');
    }
  }
});

void test('windows of at most 28 days: the table model answers as the document model on every start day of 2027 and 2028', () => {
  for (const year of [2027, 2028]) {
    for (let start = Date.UTC(year, 0, 1); start < Date.UTC(year + 1, 0, 1); start += DAY) {
      // One log per day of the window [start, start + 28 days), at noon.
      const logs: CountedLog[] = Array.from({ length: 28 }, (_, i) => ({ kind: 'regenerate_robot_token', timeMs: start + i * DAY + DAY / 2 }));
      const table = aggregateCounts('table', logs, start);
      const document = aggregateCounts('document', logs, start);
      assert.deepEqual(table, document, new Date(start).toISOString());
    }
  }
  assert.ok(28 <= AGGREGATE_RANGE_LIMIT_DAYS.table && 28 <= AGGREGATE_RANGE_LIMIT_DAYS.document);
});
