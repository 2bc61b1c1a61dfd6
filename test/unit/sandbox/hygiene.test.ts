/**
 * What the hygiene review reads, as the sandbox serves it (contract §1.2, §3, §5, §7, §8) on the demo seed: robots
 * with teams, repositories, tokens and `last_accessed` in one list; team roles; default permissions to robots;
 * aggregate counts of `push_repo` / `pull_repo` with the robot as performer, in a window of 28 days; a registry
 * login moving `last_accessed`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { formatLogDate } from '../../../src/core/quay/logs';
import { HYGIENE_LEGACY_TOKEN } from '../../sandbox/seeds';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectStatus, obj } from './helpers';

const NOW = '2026-11-15T12:00:00Z';
const DAY = 86_400_000;
let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ seed: 'demo', now: NOW });
});
after(() => sb.close());

interface ListedRobot {
  name: string;
  last_accessed: string | null;
  teams?: { name: string; avatar: { kind: string } }[];
  repositories?: string[];
  token?: string;
}

void test('one list: teams (with avatars), repositories, tokens and last_accessed of every robot, last used first', async () => {
  const r = await call(sb, 'GET', '/api/v1/organization/acme/robots?permissions=true&token=true', { token: sb.tokens.admin });
  expectStatus(r, 200);
  const robots = obj(r)['robots'] as ListedRobot[];
  const by = new Map(robots.map((x) => [x.name, x]));
  assert.deepEqual(by.get('acme+ci_push')?.teams?.map((t) => [t.name, t.avatar.kind]), [['deployers', 'team']]);
  assert.deepEqual(by.get('acme+legacy_deployer')?.repositories?.slice().sort(), ['billing', 'payments']);
  assert.equal(by.get('acme+legacy_deployer')?.token, HYGIENE_LEGACY_TOKEN);
  for (const x of robots) assert.match(x.token ?? '', /^[A-Z0-9]{64}$/);
  assert.equal(by.get('acme+unused_bot')?.last_accessed, null);
  assert.match(by.get('acme+robot1')?.last_accessed ?? '', /^Thu, 12 Nov 2026 12:00:\d\d -0000$/);
  const accessed = robots.filter((x) => x.last_accessed !== null).map((x) => Date.parse(x.last_accessed ?? ''));
  assert.deepEqual(accessed, [...accessed].sort((a, b) => b - a), 'ordered by last_accessed, newest first');
  // Without token=true… Quay's default is true; token=false leaves the key out.
  const noTokens = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?permissions=true&token=false', { token: sb.tokens.admin }))['robots'] as ListedRobot[];
  assert.ok(noTokens.every((x) => !('token' in x)));
});

void test('team roles from the organization; robots in them; default permissions naming robots', async () => {
  const org = obj(await call(sb, 'GET', '/api/v1/organization/acme', { token: sb.tokens.admin }));
  const teams = org['teams'] as Record<string, { role: string }>;
  assert.equal(teams['deployers']?.role, 'creator');
  assert.equal(teams['developers']?.role, 'member');
  const members = obj(await call(sb, 'GET', '/api/v1/organization/acme/team/deployers/members', { token: sb.tokens.admin }))['members'] as { name: string; is_robot: boolean }[];
  assert.deepEqual(members.map((m) => [m.name, m.is_robot]), [['acme+ci_push', true]]);
  const perms = obj(await call(sb, 'GET', '/api/v1/organization/acme/team/deployers/permissions', { token: sb.tokens.admin }))['permissions'] as { repository: { name: string }; role: string }[];
  assert.deepEqual(perms.map((p) => [p.repository.name, p.role]).sort(), [['gateway', 'write'], ['website', 'write']]);
  const prototypes = obj(await call(sb, 'GET', '/api/v1/organization/acme/prototypes', { token: sb.tokens.admin }))['prototypes'] as { delegate: { name: string; is_robot?: boolean; kind: string }; role: string; activating_user: unknown }[];
  const robotRule = prototypes.find((p) => p.delegate.name === 'acme+ci_pull');
  assert.deepEqual([robotRule?.delegate.kind, robotRule?.delegate.is_robot, robotRule?.role, robotRule?.activating_user], ['user', true, 'read', null]);
  const roles = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/legacy_deployer/permissions', { token: sb.tokens.admin }))['permissions'] as { repository: { name: string }; role: string }[];
  assert.deepEqual(roles.map((p) => [p.repository.name, p.role]).sort(), [['billing', 'write'], ['payments', 'write']]);
});

async function counts(query: string): Promise<Record<string, number>> {
  const r = await call(sb, 'GET', `/api/v1/organization/acme/aggregatelogs?${query}`, { token: sb.tokens.admin });
  expectStatus(r, 200);
  const out: Record<string, number> = {};
  for (const a of obj(r)['aggregated'] as { kind: string; count: number }[]) out[a.kind] = (out[a.kind] ?? 0) + a.count;
  return out;
}

void test("aggregate counts with the robot as performer over 28 days: pushes of the pusher, only pulls of the write robot that never pushed, everyone's for an unknown performer", async () => {
  const end = new Date(NOW);
  const window = `starttime=${encodeURIComponent(formatLogDate(new Date(end.getTime() - 27 * DAY)))}&endtime=${encodeURIComponent(formatLogDate(end))}`;
  const pusher = await counts(`${window}&performer=${encodeURIComponent('acme+ci_push')}`);
  assert.deepEqual(pusher, { push_repo: 4 });
  const legacy = await counts(`${window}&performer=${encodeURIComponent('acme+legacy_deployer')}`);
  assert.deepEqual(legacy, { pull_repo: 2 }, 'the pull of 40 days ago is outside the window');
  const everyone = await counts(`${window}&performer=${encodeURIComponent('acme+no_such_robot')}`);
  assert.deepEqual(everyone, await counts(window), 'Quay drops an unknown performer (§8)');
  assert.ok((everyone['create_robot'] ?? 0) > 0, 'kinds a robot cannot perform are among them');
});

void test('a registry login of a robot moves its last_accessed (§12)', async () => {
  const token = sb.state.robot('acme+unused_bot')?.token ?? '';
  const r = await fetch(`${sb.url}/v2/auth?service=${encodeURIComponent(sb.hostname)}`, { headers: { authorization: `Basic ${Buffer.from(`acme+unused_bot:${token}`).toString('base64')}` } });
  assert.equal(r.status, 200);
  const robots = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots', { token: sb.tokens.admin }))['robots'] as ListedRobot[];
  assert.match(robots.find((x) => x.name === 'acme+unused_bot')?.last_accessed ?? '', /^Sun, 15 Nov 2026 12:/);
});
