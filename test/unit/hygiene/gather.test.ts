/** The Quay gatherer's request budget and its reading of aggregate logs (src/core/hygiene/gather.ts), on a fake client. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherQuay, logWindows, MAX_WINDOW_DAYS } from '../../../src/core/hygiene/gather';
import { QuayApiError } from '../../../src/core/quay/errors';
import type { HygieneSource } from '../../../src/core/hygiene/gather';
import type { AggregatedLogCount, AggregateLogQuery, LogQuery, Organization, Prototype, Robot, RobotPermission, TeamRepositoryPermission } from '../../../src/core/quay/types';

const NOW = new Date('2026-11-15T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number): Date => new Date(NOW.getTime() - days * DAY);

function robot(short: string, repositories: string[], lastAccessedDaysAgo: number | null, teams: string[] = []): Robot {
  return { fullName: `acme+${short}`, namespace: 'acme', shortName: short, description: short, created: ago(300), lastAccessed: lastAccessedDaysAgo === null ? undefined : ago(lastAccessedDaysAgo), repositories, teams, token: `${short.toUpperCase()}TOKEN` };
}

interface Call {
  readonly what: string;
  readonly query?: LogQuery;
}

/** A fake organization: `pushes` are (performer, days ago); an unknown performer gets everyone's counts, as Quay does (§8). */
function fake(o: {
  robots: Robot[];
  perms: Record<string, RobotPermission[]>;
  teamPerms?: Record<string, TeamRepositoryPermission[]>;
  pushes: [string, number][];
  teams?: Organization['teams'];
  deleted?: string[];
  /** No admin activity in the window: everyone's counts hold only pushes. */
  quietOrg?: boolean;
}): { source: HygieneSource; calls: Call[] } {
  const calls: Call[] = [];
  const counts = (q: LogQuery): AggregatedLogCount[] => {
    const from = q.starttime?.getTime() ?? 0;
    const to = (q.endtime?.getTime() ?? 0) + DAY;
    const known = q.performer === undefined || !(o.deleted ?? []).includes(q.performer);
    const pushes = o.pushes.filter(([who, d]) => (!known || q.performer === undefined || who === q.performer) && ago(d).getTime() >= from && ago(d).getTime() < to);
    const out: AggregatedLogCount[] = pushes.map(([, d]) => ({ kind: 'push_repo', count: 1, day: ago(d) }));
    if ((!known || q.performer === undefined) && o.quietOrg !== true) out.push({ kind: 'change_repo_permission', count: 2, day: ago(1) });
    return out;
  };
  const source: HygieneSource = {
    listRobots: () => (calls.push({ what: 'robots' }), Promise.resolve(o.robots)),
    getRobot: (_ns, name) => {
      calls.push({ what: `robot ${name}` });
      const found = o.robots.find((r) => r.fullName === name && !(o.deleted ?? []).includes(name));
      if (found !== undefined) return Promise.resolve(found);
      const message = 'Could not find robot with specified username';
      return Promise.reject(new QuayApiError({ reason: 'invalidRequest', instance: 'h', method: 'GET', path: '/', operation: { action: 'read robot', object: name }, status: 400, serverMessage: message }));
    },
    getOrganization: () => (calls.push({ what: 'org' }), Promise.resolve({ name: 'acme', email: '', isAdmin: true, isMember: true, teams: o.teams ?? [] })),
    listPrototypes: () => (calls.push({ what: 'prototypes' }), Promise.resolve([] as Prototype[])),
    getRobotPermissions: (_ns, name) => (calls.push({ what: `perms ${name}` }), Promise.resolve(o.perms[name] ?? [])),
    listTeamPermissions: (_org, team) => (calls.push({ what: `team ${team}` }), Promise.resolve(o.teamPerms?.[team] ?? [])),
    aggregateLogs: (_of, q: AggregateLogQuery = {}) => (calls.push({ what: 'aggregate org', query: q }), Promise.resolve(counts(q))),
    aggregateLogsByPerformer: (_of, performer, q: AggregateLogQuery = {}) => (calls.push({ what: `aggregate ${performer}`, query: { ...q, performer } }), Promise.resolve(counts({ ...q, performer }))),
    listLogsPage: () => (calls.push({ what: 'page' }), Promise.resolve({ startTime: undefined, endTime: undefined, logs: [] })),
  };
  return { source, calls };
}

const W = (repository: string): RobotPermission => ({ repository, isPublic: false, role: 'write' });
const R = (repository: string): RobotPermission => ({ repository, isPublic: false, role: 'read' });

void test('windows: at most 28 days each (inclusive), newest first, covering the look-back exactly', () => {
  const windows = logWindows(NOW, 90);
  assert.equal(windows.length, 4);
  assert.equal(windows[0]?.to.toISOString().slice(0, 10), '2026-11-15');
  assert.equal(windows[windows.length - 1]?.from.toISOString().slice(0, 10), '2026-08-18');
  for (const w of windows) assert.ok((w.to.getTime() - w.from.getTime()) / DAY + 1 <= MAX_WINDOW_DAYS);
  for (let i = 1; i < windows.length; i++) assert.equal((windows[i - 1]?.from.getTime() ?? 0) - (windows[i]?.to.getTime() ?? 0), DAY, 'adjacent, no gap, no overlap');
});

void test('budget: one list, the organization, the prototypes, roles only for robots with a grant, team roles, org logs per window, robot logs only for writers and only where someone pushed', async () => {
  const robots = [
    robot('pusher', ['app'], 1),
    robot('idle', ['app', 'web'], 2),
    robot('stale', ['app'], 200),
    robot('reader', ['app'], 1),
    robot('nothing', [], 1),
    robot('owner', [], 1, ['owners']),
  ];
  const { source, calls } = fake({
    robots,
    perms: { 'acme+pusher': [W('app')], 'acme+idle': [W('app'), R('web')], 'acme+stale': [W('app')], 'acme+reader': [R('app')] },
    teams: [{ name: 'owners', description: '', role: 'admin' }],
    pushes: [['acme+pusher', 3]],
  });
  const q = await gatherQuay(source, { host: 'quay.example.com', org: 'acme', now: NOW, maxTokenAgeRequests: 0 });
  const whats = calls.map((c) => c.what);
  assert.deepEqual(whats.filter((w) => w.startsWith('perms')).sort(), ['perms acme+idle', 'perms acme+pusher', 'perms acme+reader', 'perms acme+stale'], 'nothing for a robot without a grant');
  assert.deepEqual(whats.filter((w) => w.startsWith('team')), ['team owners']);
  assert.equal(whats.filter((w) => w === 'aggregate org').length, 4, 'one per window');
  // Only the newest window had a push: one request each for the writers last used inside the window; the admin-team robot counts as a writer.
  assert.deepEqual(whats.filter((w) => w.startsWith('aggregate acme+')).sort(), ['aggregate acme+idle', 'aggregate acme+owner', 'aggregate acme+pusher']);
  for (const c of calls.filter((x) => x.what.startsWith('aggregate'))) {
    const days = ((c.query?.endtime?.getTime() ?? 0) - (c.query?.starttime?.getTime() ?? 0)) / DAY + 1;
    assert.ok(days <= 28, `${c.what}: ${days} days`);
  }
  assert.equal(q.requests, calls.length);
  assert.deepEqual(q.usage.get('acme+pusher')?.counts, { push_repo: 1 });
  assert.deepEqual(q.usage.get('acme+idle'), { from: '2026-08-18', to: '2026-11-15', counts: { push_repo: 0 }, basis: 'robot-logs' });
  assert.equal(q.usage.get('acme+stale')?.basis, 'last-accessed');
  assert.equal(q.usage.get('acme+reader'), undefined, 'read-only robots: no logs');
  assert.deepEqual(
    q.robots.find((r) => r.name === 'acme+idle')?.grants,
    [
      { repository: 'app', role: 'write' },
      { repository: 'web', role: 'read' },
    ],
  );
});

void test('nobody pushed in the window: no robot logs at all, the verdict rests on the organization\'s counts', async () => {
  const { source, calls } = fake({ robots: [robot('idle', ['app'], 2)], perms: { 'acme+idle': [W('app')] }, pushes: [] });
  const q = await gatherQuay(source, { host: 'h', org: 'acme', now: NOW, maxTokenAgeRequests: 0 });
  assert.equal(calls.filter((c) => c.what.startsWith('aggregate acme+')).length, 0);
  assert.deepEqual(q.usage.get('acme+idle'), { from: '2026-08-18', to: '2026-11-15', counts: { push_repo: 0 }, basis: 'org-logs' });
});

void test("an answer with everyone's counts (the performer filter dropped) is never read as the robot's", async () => {
  // The robot was deleted between the list and the log read: Quay drops the unknown performer (§8).
  const { source } = fake({ robots: [robot('gone', ['app'], 2), robot('pusher', ['app'], 1)], perms: { 'acme+gone': [W('app')], 'acme+pusher': [W('app')] }, pushes: [['acme+pusher', 3]], deleted: ['acme+gone'] });
  const q = await gatherQuay(source, { host: 'h', org: 'acme', now: NOW, maxTokenAgeRequests: 0 });
  const gone = q.usage.get('acme+gone');
  assert.deepEqual(gone?.counts, { push_repo: 0 }, "the pusher's push is not counted as the deleted robot's");
  assert.match(gone?.notExamined ?? '', /change_repo_permission, which a robot cannot perform: the performer filter was dropped/);
});

void test('a dropped filter without a sign (only pushes and pulls in the window): the robot is looked up, once, and its answer refused', async () => {
  const { source, calls } = fake({ robots: [robot('gone', ['app'], 2), robot('alone', ['app'], 1)], perms: { 'acme+gone': [W('app')], 'acme+alone': [W('app')] }, pushes: [['acme+alone', 3]], deleted: ['acme+gone'], quietOrg: true });
  const q = await gatherQuay(source, { host: 'h', org: 'acme', now: NOW, maxTokenAgeRequests: 0 });
  assert.match(q.usage.get('acme+gone')?.notExamined ?? '', /acme\+gone no longer exists, so Quay answered everyone's counts/);
  assert.deepEqual(q.usage.get('acme+gone')?.counts, { push_repo: 0 });
  // The robot that really acted alone gets the same answer as the organization: it exists, so its push counts.
  assert.deepEqual(q.usage.get('acme+alone')?.counts, { push_repo: 1 });
  assert.deepEqual(calls.filter((c) => c.what.startsWith('robot ')).map((c) => c.what).sort(), ['robot acme+alone', 'robot acme+gone']);
});

void test('the request budget: what it does not reach is said, never guessed', async () => {
  const { source } = fake({
    robots: [robot('a', ['app'], 1), robot('b', ['app'], 1)],
    perms: { 'acme+a': [W('app')], 'acme+b': [W('app')] },
    pushes: [['acme+x', 3], ['acme+x', 40], ['acme+x', 70]],
  });
  const q = await gatherQuay(source, { host: 'h', org: 'acme', now: NOW, maxTokenAgeRequests: 0, maxLogRequests: 4, concurrency: 1 });
  assert.equal(q.usage.get('acme+a')?.notExamined, undefined);
  assert.deepEqual(q.usage.get('acme+a')?.counts, { push_repo: 0 });
  const b = q.usage.get('acme+b');
  // a took three requests (a window each where someone pushed), b one: its two older windows were not read.
  assert.equal(b?.notExamined, 'Not examined: 2026-09-21 to 2026-10-18 (request budget spent); 2026-08-24 to 2026-09-20 (request budget spent).');
});

void test('a member who is not an admin: the review says it needs admin rights', async () => {
  const { source } = fake({ robots: [{ ...robot('a', [], 1), repositories: undefined }], perms: {}, pushes: [] });
  await assert.rejects(gatherQuay(source, { host: 'h', org: 'acme', now: NOW }), /needs organization admin rights/);
});
