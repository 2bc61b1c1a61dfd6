/** Contract §2 (repository listing and paging, large seed) and §8 (usage logs and their paging). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectShapeA, expectShapeB, expectStatus, obj } from './helpers';

let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ seed: 'large' });
});
after(async () => {
  await sb.close();
});

type Repo = Record<string, unknown>;

void test('large seed: bigcorp with 5,000 repositories and 500 robots', () => {
  assert.equal(sb.state.repositories('bigcorp').length, 5000);
  assert.equal(sb.state.robots('bigcorp').length, 500);
  const robot = sb.state.robots('bigcorp')[0];
  assert.equal(robot?.permissions.length, 10);
  assert.ok(sb.state.robot('acme+k8s_prod_puller'), 'the demo seed is included');
});

void test('§2 repositories page by 100 in id order with an opaque Fernet next_page: 5,000 → 50 pages', async () => {
  const seen: string[] = [];
  let next: string | undefined;
  let pages = 0;
  do {
    const r = obj(await call(sb, 'GET', `/api/v1/repository?namespace=bigcorp${next ? `&next_page=${encodeURIComponent(next)}` : ''}`, { token: sb.tokens.admin }));
    const repos = r['repositories'] as Repo[];
    pages++;
    if (r['next_page'] !== undefined) {
      assert.equal(repos.length, 100);
      assert.match(r['next_page'] as string, /^gAAAAA[A-Za-z0-9_=-]+$/);
    }
    seen.push(...repos.map((x) => String(x['name'])));
    next = r['next_page'] as string | undefined;
  } while (next);
  assert.equal(pages, 50);
  assert.equal(seen.length, 5000);
  assert.equal(new Set(seen).size, 5000);
  const ids = seen.map((name) => sb.state.repository(`bigcorp/${name}`)?.id ?? -1);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
});

void test('§2 an invalid or tampered next_page is silently the first page', async () => {
  const first = obj(await call(sb, 'GET', '/api/v1/repository?namespace=bigcorp', { token: sb.tokens.admin }));
  const token = String(first['next_page']);
  const tampered = `${token.slice(0, -6)}AAAAAA`;
  for (const bad of ['garbage', tampered]) {
    const r = obj(await call(sb, 'GET', `/api/v1/repository?namespace=bigcorp&next_page=${encodeURIComponent(bad)}`, { token: sb.tokens.admin }));
    assert.deepEqual((r['repositories'] as Repo[]).map((x) => x['name']), (first['repositories'] as Repo[]).map((x) => x['name']));
  }
});

void test('§2 response fields, last_modified/popularity on request, is_starred only when signed in', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/repository?namespace=acme&last_modified=true&popularity=1', { token: sb.tokens.admin }));
  const repos = r['repositories'] as Repo[];
  assert.equal(repos.length, 14);
  assert.equal(r['next_page'], undefined);
  assert.deepEqual(Object.keys(repos[0] ?? {}), ['namespace', 'name', 'description', 'is_public', 'kind', 'state', 'last_modified', 'popularity', 'is_starred']);
  assert.equal(repos[0]?.['state'], 'NORMAL');
  assert.equal(typeof repos[0]?.['last_modified'], 'number');
  const raw = await call(sb, 'GET', '/api/v1/repository?namespace=acme&popularity=true', { token: sb.tokens.admin });
  assert.match(raw.text, /"popularity": \d+\.\d+/, 'a Python float');
  const anon = obj(await call(sb, 'GET', '/api/v1/repository?namespace=acme&public=true'));
  assert.deepEqual((anon['repositories'] as Repo[]).map((x) => x['name']), ['docs']);
  assert.deepEqual(Object.keys((anon['repositories'] as Repo[])[0] ?? {}), ['namespace', 'name', 'description', 'is_public', 'kind', 'state']);
});

void test('§2 visibility: bob sees team repositories; namespace, starred or public is required', async () => {
  const bob = obj(await call(sb, 'GET', '/api/v1/repository?namespace=acme', { token: sb.tokens.member }));
  assert.deepEqual((bob['repositories'] as Repo[]).map((x) => x['name']).sort(), ['backend', 'frontend', 'search']);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository', { token: sb.tokens.admin }), 400, 'invalid_request', 'namespace, starred or public are required for this API call');
  expectShapeB(await call(sb, 'GET', '/api/v1/repository?starred=true'), 400, 'The browser (or proxy) sent a request that this server could not understand.');
  const starred = obj(await call(sb, 'GET', '/api/v1/repository?starred=true', { token: sb.tokens.admin }));
  assert.deepEqual((starred['repositories'] as Repo[]).map((x) => x['name']), ['frontend', 'backend']);
});

// ----- §8 logs -----------------------------------------------------------------------------------

type Log = Record<string, unknown>;

void test('§8 org logs: 20 per page, newest first, opaque next_page; the last page still links to an empty one (quirk)', async () => {
  const all: Log[] = [];
  const pages: number[] = [];
  let next: string | undefined;
  let first: Record<string, unknown> | undefined;
  do {
    const r = obj(await call(sb, 'GET', `/api/v1/organization/acme/logs${next ? `?next_page=${encodeURIComponent(next)}` : ''}`, { token: sb.tokens.admin }));
    first ??= r;
    const logs = r['logs'] as Log[];
    pages.push(logs.length);
    all.push(...logs);
    next = r['next_page'] as string | undefined;
    if (next) assert.match(next, /^gAAAAA/);
  } while (next);
  assert.ok(all.length > 20, `the seed has ${all.length} entries in the last day`);
  assert.ok(pages.slice(0, -2).every((n) => n === 20), pages.join());
  assert.equal(pages.at(-1), 0, 'following the final next_page yields an empty page without next_page');
  const times = all.map((l) => Date.parse(String(l['datetime'])));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
  assert.deepEqual(Object.keys(first ?? {}), ['start_time', 'end_time', 'logs', 'next_page']);
  const pull = all.find((l) => l['kind'] === 'pull_repo');
  assert.deepEqual(Object.keys(pull ?? {}), ['kind', 'metadata', 'ip', 'datetime', 'performer']);
  assert.deepEqual({ ...(pull?.['performer'] as Log), avatar: undefined }, { kind: 'user', name: String((pull?.['performer'] as Log)['name']), is_robot: true, avatar: undefined });
  const exchange = all.find((l) => l['kind'] === 'federated_robot_token_exchange');
  assert.equal(exchange?.['performer'], undefined, 'no performer key at all');
});

void test('§8 performer filter; unknown performer is a raw 500; date range with +1 day on the end', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/organization/acme/logs?performer=acme%2Bci_push', { token: sb.tokens.admin }));
  const logs = r['logs'] as Log[];
  assert.ok(logs.length > 0);
  assert.ok(logs.every((l) => (l['performer'] as Log)['name'] === 'acme+ci_push'));
  expectStatus(await call(sb, 'GET', '/api/v1/organization/acme/logs?performer=nobody', { token: sb.tokens.admin }), 500);
  const ranged = obj(await call(sb, 'GET', '/api/v1/organization/acme/logs?starttime=1/02/2017&endtime=1/09/2017', { token: sb.tokens.admin }));
  assert.equal(ranged['start_time'], 'Mon, 02 Jan 2017 00:00:00 -0000');
  assert.equal(ranged['end_time'], 'Tue, 10 Jan 2017 00:00:00 -0000');
  assert.deepEqual(ranged['logs'], []);
  assert.equal(ranged['next_page'], undefined);
  expectShapeB(await call(sb, 'GET', '/api/v1/organization/acme/logs?starttime=1/09/2017&endtime=1/01/2017', { token: sb.tokens.admin }), 400, 'The browser (or proxy) sent a request that this server could not understand.');
  // A wide window shows the seed's older history.
  const start = new Date(Date.now() - 500 * 24 * 3600 * 1000);
  const mdY = `${start.getUTCMonth() + 1}/${start.getUTCDate()}/${start.getUTCFullYear()}`;
  const wide = obj(await call(sb, 'GET', `/api/v1/organization/acme/logs?starttime=${mdY}`, { token: sb.tokens.admin }));
  assert.ok(wide['next_page']);
});

void test('§8 repository logs, user logs, aggregates and access rules', async () => {
  const repo = obj(await call(sb, 'GET', '/api/v1/repository/acme/frontend/logs', { token: sb.tokens.admin }));
  assert.ok((repo['logs'] as Log[]).length > 0);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/acme/ghost/logs', { token: sb.tokens.admin }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/logs', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  expectStatus(await call(sb, 'GET', '/api/v1/user/logs', { token: sb.tokens.admin }), 200);
  const agg = obj(await call(sb, 'GET', '/api/v1/organization/acme/aggregatelogs', { token: sb.tokens.admin }));
  const pulls = (agg['aggregated'] as Log[]).filter((a) => a['kind'] === 'pull_repo');
  assert.ok(pulls.reduce((n, a) => n + Number(a['count']), 0) >= 20);
  expectShapeB(await call(sb, 'GET', '/api/v1/organization/acme/aggregatelogs?starttime=1/01/2017&endtime=6/01/2017', { token: sb.tokens.admin }), 400, 'Invalid date range for logs');
});
