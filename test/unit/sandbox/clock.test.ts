/** The sandbox's clock (`test/sandbox/clock.ts`): `startSandbox({ now })` and `--now` date everything the sandbox dates. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clockTime, SandboxClock } from '../../sandbox/clock';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectStatus, obj } from './helpers';

const NOW = '2026-12-07T12:00:00Z';
const NOW_MS = Date.parse(NOW);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The sandbox's time runs with real time: what it dates lies in [set time, set time + this]. */
const SLACK_MS = 60_000;

function near(actual: number, expected: number, label: string): void {
  assert.ok(actual >= expected - 1000 && actual <= expected + SLACK_MS, `${label}: ${new Date(actual).toISOString()} is not near ${new Date(expected).toISOString()}`);
}

function jwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

void test('SandboxClock starts at the chosen instant and advances with real time; set() moves it', () => {
  let real = Date.parse('2030-01-01T00:00:00Z');
  const clock = new SandboxClock(NOW, () => real);
  assert.equal(clock.now(), NOW_MS);
  assert.equal(clock.date().toISOString(), '2026-12-07T12:00:00.000Z');
  real += 1500;
  assert.equal(clock.now(), NOW_MS + 1500);
  assert.equal(clock.nowS(), NOW_MS / 1000 + 1);
  clock.set(new Date('2027-03-30T23:59:00Z'));
  assert.equal(clock.date().toISOString(), '2027-03-30T23:59:00.000Z');
  real += 120_000;
  assert.equal(clock.date().toISOString(), '2027-03-31T00:01:00.000Z');
  assert.equal(clock.aheadMs, Date.parse('2027-03-30T23:59:00Z') - (real - 120_000));
});

void test('SandboxClock without a chosen instant is the real time', () => {
  const clock = new SandboxClock(undefined, () => 1234);
  assert.equal(clock.now(), 1234);
  assert.equal(clock.aheadMs, 0);
});

void test('clockTime takes Dates, epoch ms and ISO 8601 (date-only = UTC midnight), and refuses the rest', () => {
  assert.equal(clockTime(new Date(NOW)), NOW_MS);
  assert.equal(clockTime(NOW_MS), NOW_MS);
  assert.equal(clockTime('2026-12-07'), Date.parse('2026-12-07T00:00:00Z'));
  assert.equal(clockTime('2026-12-07T13:00:00+01:00'), NOW_MS);
  assert.equal(clockTime('2026-12-07T12:00:00.250Z'), NOW_MS + 250);
  for (const bad of ['', 'tomorrow', 'Dec 7 2026', '2026-13-01', '2026-02-30T00:00:00Z', '2026-12-07T12:00', new Date(NaN), NaN]) {
    assert.throws(() => clockTime(bad), /Not a valid time for the sandbox clock/, String(bad));
  }
});

void test('startSandbox refuses an invalid `now` before starting anything', async () => {
  await assert.rejects(startSandbox({ seed: 'empty', now: 'next tuesday' }), /Not a valid time for the sandbox clock: next tuesday/);
});

void test('no file of the sandbox reads the real time except clock.ts', () => {
  const root = join(__dirname, '..', '..', '..', '..', 'test', 'sandbox');
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && name !== 'clock.ts') {
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (/\bDate\.now\b|new Date\(\s*\)|performance\.now|process\.hrtime/.test(line)) offenders.push(`${relative(root, path)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});

void test('clock at 2026-12-07T12:00Z: seeds, API dates, logs, last_accessed and minted tokens follow it', async (t) => {
  const s = await startSandbox({ seed: 'demo', now: NOW });
  t.after(() => s.close());
  near(s.now().getTime(), NOW_MS, 'sandbox.now()');

  // The seeds' history is placed relative to the clock: ci_pull's token was regenerated 5 hours before it.
  const regen = s.state.logs('acme').find((l) => l.kind === 'regenerate_robot_token');
  near(regen?.datetime.getTime() ?? 0, NOW_MS - 5 * HOUR, 'seeded regeneration');
  assert.ok(s.state.logs('acme').every((l) => l.datetime.getTime() <= NOW_MS + SLACK_MS), 'no seeded log lies in the sandbox future');
  const ci = s.state.robot('acme+ci_pull');
  assert.ok(ci && ci.created.getTime() < NOW_MS - DAY && ci.created.getTime() > NOW_MS - 3 * 365 * DAY);

  // A creation over the API is dated by the clock, and so is its log.
  const created = await call(s, 'PUT', '/api/v1/organization/acme/robots/clocked', { token: s.tokens.admin, body: { description: 'clock' } });
  expectStatus(created, 201);
  const view = await call(s, 'GET', '/api/v1/organization/acme/robots/clocked', { token: s.tokens.admin });
  near(Date.parse(String(obj(view)['created'])), Math.floor(NOW_MS / 1000) * 1000, 'created');

  // A regeneration is logged at the clock's time, and /logs' default window (now − 1 day … now) finds it.
  expectStatus(await call(s, 'POST', '/api/v1/organization/acme/robots/clocked/regenerate', { token: s.tokens.admin }), 200);
  const logs = await call(s, 'GET', '/api/v1/organization/acme/logs', { token: s.tokens.admin });
  expectStatus(logs, 200);
  const body = obj(logs);
  assert.match(String(body['end_time']), /^Tue, 08 Dec 2026 12:0\d:\d\d -0000$/);
  assert.match(String(body['start_time']), /^Sun, 06 Dec 2026 12:0\d:\d\d -0000$/);
  const entries = body['logs'] as { kind: string; datetime: string; metadata: Record<string, unknown> }[];
  const entry = entries.find((l) => l.kind === 'regenerate_robot_token' && l.metadata['robot'] === 'clocked');
  assert.ok(entry, 'the regeneration is in the default window');
  near(Date.parse(entry.datetime), Math.floor(NOW_MS / 1000) * 1000, 'regeneration log');

  // last_accessed on a registry login, and the registry token's iat/nbf/exp.
  const token = s.state.robot('acme+clocked')?.token ?? assert.fail('no robot');
  const auth = await call(s, 'GET', `/v2/auth?account=acme%2Bclocked&service=${s.hostname}`, { headers: { Authorization: `Basic ${Buffer.from(`acme+clocked:${token}`).toString('base64')}` } });
  expectStatus(auth, 200);
  near(s.state.robot('acme+clocked')?.lastAccessed?.getTime() ?? 0, NOW_MS, 'last_accessed');
  const registry = jwtPayload(String(obj(auth)['token']));
  near(Number(registry['iat']) * 1000, Math.floor(NOW_MS / 1000) * 1000, 'registry token iat');
  assert.equal(Number(registry['exp']) - Number(registry['iat']), 3600);

  // The OIDC issuer mints at the sandbox's time, and the exchange accepts such a token (its own checks use the clock).
  const oidc = s.issuer.mint({ sub: 'system:serviceaccount:prod:app' });
  near(Number(jwtPayload(oidc)['iat']) * 1000, Math.floor(NOW_MS / 1000) * 1000, 'OIDC iat');
  const exchange = await call(s, 'GET', '/oauth2/federation/robot/token', { headers: { Authorization: `Basic ${Buffer.from(`acme+keyless:${oidc}`).toString('base64')}` } });
  expectStatus(exchange, 200);
  const robotJwt = jwtPayload(String(obj(exchange)['token']));
  near(Number(robotJwt['iat']) * 1000, Math.floor(NOW_MS / 1000) * 1000, 'federation token iat');
  // …and that robot token logs in to the registry (checked against the same clock).
  const keyless = await call(s, 'GET', `/v2/auth?account=acme%2Bkeyless&service=${s.hostname}`, {
    headers: { Authorization: `Basic ${Buffer.from(`acme+keyless:${String(obj(exchange)['token'])}`).toString('base64')}` },
  });
  expectStatus(keyless, 200);
});

void test('setNow moves the clock: later events, tokens and page tokens use the new time', async (t) => {
  const s = await startSandbox({ seed: 'history', now: NOW });
  t.after(() => s.close());
  const later = '2027-03-30T23:00:00Z';
  s.setNow(later);
  near(s.now().getTime(), Date.parse(later), 'after setNow');
  expectStatus(await call(s, 'POST', '/api/v1/organization/acme/robots/ci_pull/regenerate', { token: s.tokens.admin }), 200);
  const last = s.state.logs('acme').find((l) => l.kind === 'regenerate_robot_token');
  near(last?.datetime.getTime() ?? 0, Date.parse(later), 'regeneration after setNow');
  // Fernet page tokens carry the clock's time: paging still works when the clock is far from the real time.
  s.setNow('2020-02-29T12:00:00Z');
  const first = obj(await call(s, 'GET', '/api/v1/organization/fleet/logs?starttime=12/01/2026&endtime=12/07/2026', { token: s.tokens.admin }));
  assert.equal((first['logs'] as unknown[]).length, 20);
  const next = String(first['next_page']);
  const second = obj(await call(s, 'GET', `/api/v1/organization/fleet/logs?starttime=12/01/2026&endtime=12/07/2026&next_page=${encodeURIComponent(next)}`, { token: s.tokens.admin }));
  assert.ok((second['logs'] as unknown[]).length > 0, 'the page token is valid at the sandbox time');
  assert.throws(() => s.setNow('not a time'), /Not a valid time/);
});

let shared: Sandbox;
before(async () => {
  shared = await startSandbox({ seed: 'empty' });
});
after(async () => {
  await shared.close();
});

void test('without `now` the sandbox runs on the real time', () => {
  const diff = Math.abs(shared.now().getTime() - Date.now());
  assert.ok(diff < 5000, `the sandbox clock is off the real time by ${diff} ms`);
});
