/**
 * Token ages against both of Quay's log storages (contract §8): the table model's aggregates are days of the month
 * rebuilt from the window's start month (merged, 500 on an impossible date), the document model's are real days.
 * The sweep sets `now` to every day of a non-leap and a leap year and checks regenerations of today, yesterday and
 * N days ago; the named cases are the month ends; the last cases go through the real sandbox and client.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QuayClient } from '../../../src/core/quay/client';
import type { Robot } from '../../../src/core/quay/types';
import { tokenAges, type TokenAge } from '../../../src/core/rotation/tokenAge';
import { LOGS_MODELS, type LogsModelName } from '../../sandbox/logModels';
import { startSandbox } from '../../sandbox/server';
import { memoryLogger } from '../quay/helpers';
import { DAY, fakeLogs, type FakeEvent } from './fakeLogs';

const HOUR = 3_600_000;
const NS = 'o';
const of = { kind: 'org', name: NS } as const;
/** Days ago of the single regeneration of robot `ago_<N>`: around month lengths, window lengths and 90 days. */
const AGO = [2, 6, 13, 20, 26, 27, 28, 29, 30, 31, 32, 33, 45, 55, 56, 57, 58, 59, 60, 61, 62, 84, 85, 89, 90, 91, 92, 150, 250, 340];

interface Scenario {
  readonly robots: Robot[];
  readonly events: FakeEvent[];
  /** When each robot's current token was set (undefined: before anything the logs hold). */
  readonly truth: Map<string, { at: number; source: 'regenerated' | 'created' } | { before: number }>;
}

const robot = (short: string, created: number): Robot => ({ fullName: `${NS}+${short}`, namespace: NS, shortName: short, description: '', created: new Date(created), lastAccessed: undefined });

/** Robots regenerated today (early and just now), yesterday (late), N days ago, twice, created recently, and one never touched; one pull a day as noise. */
function scenario(now: number): Scenario {
  const today = Math.floor(now / DAY) * DAY;
  const longAgo = today - 500 * DAY;
  const robots: Robot[] = [];
  const events: FakeEvent[] = [];
  const truth: Scenario['truth'] = new Map();
  const regenerated = (short: string, at: number): void => {
    robots.push(robot(short, longAgo));
    events.push({ kind: 'create_robot', timeMs: longAgo, robot: short }, { kind: 'regenerate_robot_token', timeMs: at, robot: short });
    truth.set(`${NS}+${short}`, { at, source: 'regenerated' });
  };
  regenerated('today_early', Math.min(now, today + 5_000));
  regenerated('today', now - 60_000);
  regenerated('yesterday', today - 10_000);
  for (const n of AGO) regenerated(`ago_${n}`, today - n * DAY + ((n * 7) % 24) * HOUR + 13 * 60_000);
  // Regenerated twice: the newer one counts.
  robots.push(robot('twice', longAgo));
  events.push({ kind: 'regenerate_robot_token', timeMs: today - 40 * DAY + HOUR, robot: 'twice' }, { kind: 'regenerate_robot_token', timeMs: today - 3 * DAY + 20 * HOUR, robot: 'twice' });
  truth.set(`${NS}+twice`, { at: today - 3 * DAY + 20 * HOUR, source: 'regenerated' });
  for (const n of [10, 45]) {
    const at = today - n * DAY + 9 * HOUR;
    robots.push(robot(`created_${n}`, at));
    events.push({ kind: 'create_robot', timeMs: at, robot: `created_${n}` });
    truth.set(`${NS}+created_${n}`, { at, source: 'created' });
  }
  robots.push(robot('old', longAgo));
  truth.set(`${NS}+old`, { before: longAgo + 1 });
  for (let d = 0; d <= 400; d++) events.push({ kind: 'pull_repo', timeMs: today - d * DAY + 6 * HOUR });
  return { robots, events: events.filter((e) => e.timeMs <= now), truth };
}

/** What is wrong with `ages` (empty: all right). Every regeneration and creation must be found with its exact second. */
function problems(s: Scenario, ages: ReadonlyMap<string, TokenAge>): string[] {
  const out: string[] = [];
  for (const [name, expected] of s.truth) {
    const age = ages.get(name);
    if (age === undefined) out.push(`${name}: no age`);
    else if ('before' in expected) {
      if (age.kind !== 'bounded' || age.notSince.getTime() < expected.before) out.push(`${name}: ${JSON.stringify(age)} (expected a bound after ${new Date(expected.before).toISOString()})`);
    } else if (age.kind !== 'known' || age.since.getTime() !== Math.floor(expected.at / 1000) * 1000 || age.source !== expected.source) {
      out.push(`${name}: ${age.kind === 'known' ? `${age.source} ${age.since.toISOString()}` : `bounded, not since ${age.notSince.toISOString()}`} (expected ${expected.source} ${new Date(expected.at).toISOString()})`);
    }
  }
  return out;
}

async function check(model: LogsModelName, now: number, maxRequests = 200): Promise<string[]> {
  const s = scenario(now);
  const source = fakeLogs(model, s.events, now);
  try {
    const result = await tokenAges(source, of, s.robots, { now: new Date(now), maxRequests });
    const found = problems(s, result.ages);
    if (result.requests !== source.calls) found.push(`reported ${result.requests} requests, sent ${source.calls}`);
    return found;
  } catch (e) {
    return [`failed: ${e instanceof Error ? e.message : String(e)}`];
  }
}

for (const model of LOGS_MODELS) {
  void test(`${model} model: every day of 2027 and 2028 (00:30, 12:00, 23:59 UTC), today's, yesterday's and older regenerations come back with their date`, async () => {
    const failedDays = new Map<string, string[]>();
    for (const year of [2027, 2028]) {
      for (let day = Date.UTC(year, 0, 1); day < Date.UTC(year + 1, 0, 1); day += DAY) {
        for (const time of [30 * 60_000, 12 * HOUR, DAY - 60_000]) {
          const found = await check(model, day + time);
          if (found.length > 0) failedDays.set(new Date(day + time).toISOString(), found);
        }
      }
    }
    const days = new Set([...failedDays.keys()].map((k) => k.slice(0, 10)));
    if (days.size > 0) {
      const [first] = failedDays;
      assert.fail(`${days.size} of 731 days fail (${failedDays.size} of 2193 instants); first: ${first?.[0]}: ${first?.[1].slice(0, 3).join('; ')}`);
    }
  });
}

const MONTH_ENDS = [
  '2026-12-07T12:00:00Z', // the contract's example: the 31-day window would start 7 Nov (a 30-day month)
  '2026-11-30T23:00:00Z',
  '2026-12-01T00:30:00Z',
  '2026-12-31T12:00:00Z',
  '2027-01-01T00:30:00Z',
  '2027-02-28T12:00:00Z',
  '2027-03-01T08:00:00Z',
  '2027-03-28T12:00:00Z',
  '2027-03-29T12:00:00Z', // a 31-day window would start 27 Feb: 500 on the table model
  '2027-03-30T12:00:00Z', // …28 Feb
  '2027-03-31T12:00:00Z',
  '2027-04-30T12:00:00Z',
  '2028-02-29T12:00:00Z',
  '2028-03-30T12:00:00Z', // …29 Feb 2028: datetime(2028, 2, 30)
  '2028-03-31T12:00:00Z',
];

for (const model of LOGS_MODELS) {
  void test(`${model} model: month ends (30-day months, February, 31 Dec → 1 Jan)`, async () => {
    for (const iso of MONTH_ENDS) assert.deepEqual(await check(model, Date.parse(iso)), [], iso);
  });
}

void test('the default budget (20 requests) is kept on both models, and what it misses is a true bound', async () => {
  for (const model of LOGS_MODELS) {
    for (const iso of MONTH_ENDS) {
      const now = Date.parse(iso);
      const s = scenario(now);
      const source = fakeLogs(model, s.events, now);
      const result = await tokenAges(source, of, s.robots, { now: new Date(now) });
      assert.ok(source.calls <= 20, `${model} ${iso}: ${source.calls} requests`);
      for (const [name, expected] of s.truth) {
        const age = result.ages.get(name);
        assert.ok(age !== undefined, name);
        const real = 'before' in expected ? expected.before - 1 : Math.floor(expected.at / 1000) * 1000;
        if (age.kind === 'known') assert.equal(age.since.getTime(), real, `${model} ${iso} ${name}`);
        else assert.ok(real < age.notSince.getTime(), `${model} ${iso} ${name}: the bound ${age.notSince.toISOString()} is not after ${new Date(real).toISOString()}`);
      }
      // Today's and yesterday's regenerations are always found first.
      for (const short of ['today', 'today_early', 'yesterday']) assert.equal(result.ages.get(`${NS}+${short}`)?.kind, 'known', `${model} ${iso} ${short}`);
    }
  }
});

void test('against the sandbox (both models) through the client: a regeneration "today" on month ends comes back dated today', async (t) => {
  for (const model of LOGS_MODELS) {
    for (const iso of ['2026-12-07T12:00:00Z', '2026-12-31T18:00:00Z', '2027-03-30T12:00:00Z', '2028-03-30T12:00:00Z']) {
      const sandbox = await startSandbox({ seed: 'demo', logsModel: model, now: iso });
      const client = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
      t.after(async () => {
        await client.close();
        await sandbox.close();
      });
      // Regenerated "today" per the sandbox, and one on the day a 31-day window would fold today onto.
      sandbox.setNow(new Date(Date.parse(iso) - 31 * DAY));
      await client.regenerateRobotToken({ kind: 'org', name: 'acme' }, 'ci_push');
      sandbox.setNow(iso);
      await client.regenerateRobotToken({ kind: 'org', name: 'acme' }, 'unused_bot');
      const robots = await client.listRobots({ kind: 'org', name: 'acme' });
      const now = sandbox.now();
      const result = await tokenAges(client, { kind: 'org', name: 'acme' }, robots, { now });
      const unused = result.ages.get('acme+unused_bot');
      assert.equal(unused?.kind, 'known', `${model} ${iso}`);
      assert.equal(unused.kind === 'known' ? unused.since.toISOString().slice(0, 10) : '', iso.slice(0, 10), `${model} ${iso}`);
      const push = result.ages.get('acme+ci_push');
      assert.equal(push?.kind === 'known' ? push.since.toISOString().slice(0, 10) : push?.kind, new Date(Date.parse(iso) - 31 * DAY).toISOString().slice(0, 10), `${model} ${iso}`);
      // ci_pull: the demo seed regenerated it 5 hours before the sandbox's start.
      const pull = result.ages.get('acme+ci_pull');
      assert.equal(pull?.kind === 'known' ? pull.since.toISOString().slice(0, 13) : pull?.kind, new Date(Date.parse(iso) - 5 * HOUR).toISOString().slice(0, 13), `${model} ${iso}`);
    }
  }
});
