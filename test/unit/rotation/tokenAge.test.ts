import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QuayClient } from '../../../src/core/quay/client';
import type { LogEntry, LogPage, Robot } from '../../../src/core/quay/types';
import { DAY_MS, isOverdue, tokenAges, type LogSource } from '../../../src/core/rotation/tokenAge';
import { FLEET_HISTORY } from '../../sandbox/seeds';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { memoryLogger } from '../quay/helpers';

let sandbox: Sandbox;
let client: QuayClient;
let robots: readonly Robot[];
const fleet = { kind: 'org', name: 'fleet' } as const;

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'history' });
  client = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
  robots = await client.listRobots(fleet);
});

after(async () => {
  await client.close();
  await sandbox.close();
});

/** The seed's ground truth: when each robot's token was last set (creation or the newest campaign). */
function truth(now: number): Map<string, number> {
  const h = FLEET_HISTORY;
  const out = new Map<string, number>();
  for (let r = 0; r < h.robots; r++) out.set(`fleet+${h.shortName(r)}`, now - h.createdDaysAgo(r) * DAY_MS);
  h.campaigns.forEach((daysAgo, c) => {
    for (const r of h.rotatedIn(c)) {
      const name = `fleet+${h.shortName(r)}`;
      out.set(name, Math.max(out.get(name) ?? 0, now - daysAgo * DAY_MS));
    }
  });
  return out;
}

void test('a year of logs of a 500-robot organization: at most 20 requests, every settled age right, every bound true', async () => {
  assert.equal(robots.length, 500);
  const now = new Date();
  const before = client.stats.requests;
  const result = await tokenAges(client, fleet, robots, { now, maxRequests: 20 });
  const sent = client.stats.requests - before;
  assert.equal(result.requests, sent, 'the count it reports is what went on the wire');
  assert.ok(sent <= 20, `${sent} requests`);
  const expected = truth(now.getTime());
  let known = 0;
  let overdue = 0;
  for (const r of robots) {
    const age = result.ages.get(r.fullName);
    assert.ok(age !== undefined, r.fullName);
    const real = expected.get(r.fullName) ?? NaN;
    if (age.kind === 'known') {
      known++;
      // Log dates have one-second resolution and the seed places events hours inside their day.
      assert.ok(Math.abs(age.since.getTime() - real) < DAY_MS, `${r.fullName}: ${age.since.toISOString()} vs ${new Date(real).toISOString()}`);
    } else {
      assert.ok(real < age.notSince.getTime(), `${r.fullName}: token of ${new Date(real).toISOString()} is older than the bound ${age.notSince.toISOString()}`);
    }
    const due = isOverdue(age, now, 90);
    if (due !== undefined) assert.equal(due, now.getTime() - real > 90 * DAY_MS, r.fullName);
    if (due === true) overdue++;
  }
  // Every robot is either settled or known to be overdue: the 90-day decision is made for all 500.
  const undecided = robots.filter((r) => isOverdue(result.ages.get(r.fullName) ?? { kind: 'bounded', notSince: now }, now, 90) === undefined);
  assert.deepEqual(
    undecided.map((r) => r.fullName),
    [],
  );
  console.log(`# token ages: ${sent} requests, ${known}/500 settled, ${overdue} overdue, logs examined back to ${result.examinedBack.toISOString().slice(0, 10)}`);
});

void test('a rotation this extension remembers wins over an older log entry', async () => {
  const now = new Date();
  const name = robots[3]?.fullName ?? '';
  const here = new Date(now.getTime() - 2 * DAY_MS);
  const result = await tokenAges(client, fleet, robots.slice(0, 5), { now, remembered: new Map([[name, here]]) });
  assert.deepEqual(result.ages.get(name), { kind: 'known', since: here, source: 'rotatedHere' });
});

/** A fake organization where every day is busy: 200 pulls a day and one regeneration at the start of each day. */
function busySource(now: number, robotNames: readonly string[]): LogSource & { calls: number } {
  const logsOf = (start: number): LogEntry[] => {
    const d = Math.round((Math.floor(now / DAY_MS) * DAY_MS - start) / DAY_MS);
    const pulls = Array.from({ length: 200 }, (_, i): LogEntry => ({ kind: 'pull_repo', datetime: new Date(start + DAY_MS - 1000 - i * 1000), metadata: {} }));
    const regen: LogEntry = { kind: 'regenerate_robot_token', datetime: new Date(start + 1000), metadata: { robot: robotNames[d % robotNames.length] ?? '' } };
    return [...pulls, regen];
  };
  const src = {
    calls: 0,
    aggregateLogs: (_of: unknown, q: { starttime?: Date; endtime?: Date } = {}) => {
      src.calls++;
      const rows = [];
      for (let t = q.endtime?.getTime() ?? 0; t >= (q.starttime?.getTime() ?? 0); t -= DAY_MS) {
        rows.push({ kind: 'pull_repo', count: 200, day: new Date(t) }, { kind: 'regenerate_robot_token', count: 1, day: new Date(t) });
      }
      return Promise.resolve(rows);
    },
    listLogsPage: (_of: unknown, q: { starttime?: Date } = {}, next?: string): Promise<LogPage> => {
      src.calls++;
      const all = logsOf(q.starttime?.getTime() ?? 0);
      const offset = next === undefined ? 0 : Number(next);
      const logs = all.slice(offset, offset + 20);
      return Promise.resolve({ startTime: undefined, endTime: undefined, logs, ...(offset + 20 < all.length ? { nextPage: String(offset + 20) } : {}) });
    },
  };
  return src;
}

void test('a busy organization: the budget is kept, and what it did not reach is a bound, never a guess', async () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const names = ['a', 'b', 'c', 'd'];
  const robotsHere: Robot[] = names.map((n) => ({ fullName: `o+${n}`, namespace: 'o', shortName: n, description: '', created: new Date('2020-01-01T00:00:00Z'), lastAccessed: undefined }));
  const src = busySource(now.getTime(), names);
  const result = await tokenAges(src, { kind: 'org', name: 'o' }, robotsHere, { now, maxRequests: 20 });
  assert.equal(src.calls, 20);
  assert.equal(result.requests, 20);
  // One aggregate, then 11 pages per day: today (d=0, robot a) is read, the next day (b) only partly.
  const a = result.ages.get('o+a');
  assert.equal(a?.kind, 'known');
  for (const n of ['b', 'c', 'd']) {
    const age = result.ages.get(`o+${n}`);
    assert.deepEqual(age, { kind: 'bounded', notSince: result.examinedBack }, n);
  }
  assert.equal(result.examinedBack.getTime(), Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  assert.equal(isOverdue(result.ages.get('o+b') ?? a ?? { kind: 'bounded', notSince: now }, now, 90), undefined, 'half a day of logs says nothing about 90 days');
});
