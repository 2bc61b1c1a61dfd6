import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuayClient } from '../../../src/core/quay/client';
import type { LogQuery } from '../../../src/core/quay/types';
import { localServer, memoryLogger, sendJson, type LocalServer } from './helpers';

/**
 * Request shapes (method, path, query, body) and response parsing of every method, against canned
 * answers copied from the contract. The sandbox tests check behaviour; these check the exact wire format.
 */

interface Seen {
  method: string;
  url: string;
  body: unknown;
  auth: string | undefined;
}
const seen: Seen[] = [];
const routes = new Map<string, { status: number; body?: unknown }>();
let server: LocalServer;
let client: QuayClient;

const acme = { kind: 'org', name: 'acme' } as const;
const me = { kind: 'user', name: 'alice' } as const;
const app = { namespace: 'acme', name: 'app' };
const DATE = 'Wed, 21 Aug 2026 20:02:54 -0000';
const ROBOT = { name: 'acme+ci', created: DATE, last_accessed: null, description: 'CI', token: 'T'.repeat(64), unstructured_metadata: { team: 'platform' } };
const USER_PERM = { role: 'read', name: 'acme+ci', is_robot: true, avatar: { kind: 'robot' }, is_org_member: true };

function route(method: string, url: string, status: number, body?: unknown): void {
  routes.set(`${method} ${url}`, { status, body });
}

function last(): Seen {
  const s = seen.at(-1);
  assert.ok(s !== undefined, 'no request seen');
  return s;
}

before(async () => {
  server = await localServer((req, res, body) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body: body === '' ? undefined : (JSON.parse(body) as unknown), auth: req.headers.authorization });
    const r = routes.get(`${req.method} ${req.url}`);
    if (r === undefined) sendJson(res, 404, { detail: 'Not Found', status: 404 });
    else if (r.status === 204) {
      res.writeHead(204);
      res.end();
    } else sendJson(res, r.status, r.body);
  });
  client = new QuayClient({ baseUrl: server.url, getToken: () => Promise.resolve('A'.repeat(40)), logger: memoryLogger().logger });
});

after(async () => {
  await client.close();
  await server.close();
});

void test('user, organization', async () => {
  route('GET', '/api/v1/user/', 200, {
    anonymous: false,
    username: 'alice',
    email: 'alice@example.com',
    verified: true,
    can_create_repo: true,
    organizations: [{ name: 'acme', avatar: {}, can_create_repo: true, public: false, is_org_admin: true, preferred_namespace: false }],
    super_user: true,
  });
  const user = await client.getCurrentUser();
  assert.deepEqual(user, {
    username: 'alice',
    anonymous: false,
    email: 'alice@example.com',
    verified: true,
    canCreateRepo: true,
    superUser: true,
    organizations: [{ name: 'acme', isOrgAdmin: true, canCreateRepo: true, public: false }],
  });
  assert.equal(last().auth, `Bearer ${'A'.repeat(40)}`);

  route('GET', '/api/v1/organization/acme', 200, {
    name: 'acme',
    email: 'admin@acme.example',
    is_admin: true,
    is_member: true,
    teams: { owners: { name: 'owners', description: '', role: 'admin', can_view: true, repo_count: 0, member_count: 1, is_synced: false } },
    ordered_teams: ['owners'],
  });
  const org = await client.getOrganization('acme');
  assert.equal(org.isAdmin, true);
  assert.deepEqual(org.teams, [{ name: 'owners', description: '', role: 'admin', canView: true, memberCount: 1, repoCount: 0, isSynced: false }]);
});

void test('repositories: pages follow next_page; single page; create', async () => {
  route('GET', '/api/v1/repository?namespace=acme&last_modified=true', 200, {
    repositories: [{ namespace: 'acme', name: 'app', description: null, is_public: false, kind: 'image', state: 'NORMAL', last_modified: 1724270000 }],
    next_page: 'tok1',
  });
  route('GET', '/api/v1/repository?namespace=acme&last_modified=true&next_page=tok1', 200, {
    repositories: [{ namespace: 'acme', name: 'infra', description: 'x', is_public: true, last_modified: null }],
  });
  const pages = [];
  for await (const page of client.listRepositories({ namespace: 'acme', lastModified: true })) pages.push(page);
  assert.equal(pages.length, 2);
  assert.equal(pages[0]?.nextPage, 'tok1');
  assert.deepEqual(pages[0]?.repositories[0], {
    namespace: 'acme',
    name: 'app',
    description: '',
    isPublic: false,
    kind: 'image',
    state: 'NORMAL',
    lastModified: new Date(1724270000 * 1000),
  });
  assert.equal(pages[1]?.nextPage, undefined);
  assert.equal(pages[1]?.repositories[0]?.lastModified, undefined);

  route('GET', '/api/v1/repository?namespace=acme&next_page=tok1', 200, { repositories: [] });
  assert.deepEqual(await client.listRepositoriesPage('acme', 'tok1'), { repositories: [] });

  route('POST', '/api/v1/repository', 201, { namespace: 'acme', name: 'new', kind: 'image' });
  assert.deepEqual(await client.createRepository({ namespace: 'acme', name: 'new', visibility: 'private' }), { namespace: 'acme', name: 'new' });
  assert.deepEqual(last().body, { namespace: 'acme', repository: 'new', visibility: 'private', description: '', repo_kind: 'image' });
});

void test('robots: org and user paths, list flags, create/get/regenerate/delete/permissions', async () => {
  route('GET', '/api/v1/organization/acme/robots?permissions=true&token=false', 200, {
    robots: [{ name: 'acme+ci', created: DATE, last_accessed: DATE, teams: [{ name: 'deployers', avatar: {} }], repositories: ['app'], description: '' }],
  });
  const robots = await client.listRobots(acme, { permissions: true });
  assert.deepEqual(robots[0]?.teams, ['deployers']);
  assert.deepEqual(robots[0]?.repositories, ['app']);
  assert.equal(robots[0]?.token, undefined);

  route('GET', '/api/v1/user/robots?permissions=false&token=true&limit=5', 200, { robots: [{ name: 'alice+laptop', created: DATE, last_accessed: null, description: '', token: 'L' }] });
  const mine = await client.listRobots(me, { token: true, limit: 5 });
  assert.equal(mine[0]?.namespace, 'alice');
  assert.equal(mine[0]?.token, 'L');

  route('PUT', '/api/v1/organization/acme/robots/ci', 201, ROBOT);
  const created = await client.createRobot(acme, 'ci', { description: 'CI', unstructuredMetadata: { team: 'platform' } });
  assert.deepEqual(last().body, { description: 'CI', unstructured_metadata: { team: 'platform' } });
  assert.deepEqual(created, {
    fullName: 'acme+ci',
    namespace: 'acme',
    shortName: 'ci',
    description: 'CI',
    created: new Date('2026-08-21T20:02:54Z'),
    lastAccessed: undefined,
    token: 'T'.repeat(64),
    unstructuredMetadata: { team: 'platform' },
  });

  route('GET', '/api/v1/user/robots/laptop', 200, { ...ROBOT, name: 'alice+laptop' });
  assert.equal((await client.getRobot(me, 'alice+laptop')).shortName, 'laptop');

  route('POST', '/api/v1/organization/acme/robots/ci/regenerate', 200, { name: 'acme+ci', created: DATE, last_accessed: null, description: 'CI', token: 'N'.repeat(64) });
  assert.equal((await client.regenerateRobotToken(acme, 'acme+ci')).token, 'N'.repeat(64));
  assert.deepEqual(last().body, {});

  route('DELETE', '/api/v1/organization/acme/robots/ci', 204);
  assert.equal(await client.deleteRobot(acme, 'ci'), undefined);

  route('GET', '/api/v1/organization/acme/robots/ci/permissions', 200, { permissions: [{ repository: { name: 'app', is_public: false }, role: 'write' }] });
  assert.deepEqual(await client.getRobotPermissions(acme, 'ci'), [{ repository: 'app', isPublic: false, role: 'write' }]);
});

void test('repository permissions of users, robots and teams; team permissions', async () => {
  route('GET', '/api/v1/repository/acme/app/permissions/user/', 200, {
    permissions: { alice: { role: 'admin', name: 'alice', is_robot: false, avatar: {}, is_org_member: true }, 'acme+ci': USER_PERM },
  });
  assert.deepEqual(await client.listRepoUserPermissions(app), [
    { kind: 'user', name: 'alice', role: 'admin', isOrgMember: true },
    { kind: 'robot', name: 'acme+ci', role: 'read', isOrgMember: true },
  ]);
  route('GET', '/api/v1/repository/acme/app/permissions/user/acme+ci', 200, USER_PERM);
  assert.equal((await client.getRepoUserPermission(app, 'acme+ci')).kind, 'robot');
  route('PUT', '/api/v1/repository/acme/app/permissions/user/acme+ci', 200, { ...USER_PERM, role: 'write' });
  assert.equal((await client.setRepoUserPermission(app, 'acme+ci', 'write')).role, 'write');
  assert.deepEqual(last().body, { role: 'write' });
  route('DELETE', '/api/v1/repository/acme/app/permissions/user/acme+ci', 204);
  await client.deleteRepoUserPermission(app, 'acme+ci');
  route('GET', '/api/v1/repository/acme/app/permissions/user/bob/transitive', 200, { permissions: [{ role: 'read' }, { role: 'admin' }] });
  assert.deepEqual(await client.getTransitivePermissions(app, 'bob'), ['read', 'admin']);

  route('GET', '/api/v1/repository/acme/app/permissions/team/', 200, { permissions: { deployers: { role: 'write', name: 'deployers', avatar: {} } } });
  assert.deepEqual(await client.listRepoTeamPermissions(app), [{ kind: 'team', name: 'deployers', role: 'write' }]);
  route('GET', '/api/v1/repository/acme/app/permissions/team/deployers', 200, { role: 'write' });
  assert.deepEqual(await client.getRepoTeamPermission(app, 'deployers'), { kind: 'team', name: 'deployers', role: 'write' });
  route('PUT', '/api/v1/repository/acme/app/permissions/team/deployers', 200, { role: 'read', name: 'deployers', avatar: {} });
  assert.equal((await client.setRepoTeamPermission(app, 'deployers', 'read')).role, 'read');
  route('DELETE', '/api/v1/repository/acme/app/permissions/team/deployers', 204);
  await client.deleteRepoTeamPermission(app, 'deployers');
  route('GET', '/api/v1/organization/acme/team/deployers/permissions', 200, { permissions: [{ repository: { name: 'app', is_public: false }, role: 'write' }] });
  assert.deepEqual(await client.listTeamPermissions('acme', 'deployers'), [{ repository: 'app', isPublic: false, role: 'write' }]);
});

void test('prototypes: list, create (200, robot delegate as kind user + is_robot), update, delete', async () => {
  const proto = {
    activating_user: null,
    delegate: { name: 'acme+ci', is_robot: true, kind: 'user', is_org_member: true, avatar: {} },
    role: 'write',
    id: '6f1c2a4e',
  };
  route('GET', '/api/v1/organization/acme/prototypes', 200, { prototypes: [proto] });
  assert.deepEqual(await client.listPrototypes('acme'), [{ id: '6f1c2a4e', role: 'write', delegate: { kind: 'robot', name: 'acme+ci' } }]);
  route('POST', '/api/v1/organization/acme/prototypes', 200, { ...proto, activating_user: { name: 'alice', is_robot: false, kind: 'user' } });
  const created = await client.createPrototype('acme', { role: 'write', delegate: { kind: 'robot', name: 'acme+ci' }, activatingUser: 'alice' });
  assert.deepEqual(last().body, { role: 'write', delegate: { kind: 'user', name: 'acme+ci', is_robot: true }, activating_user: { name: 'alice' } });
  assert.equal(created.activatingUser?.name, 'alice');
  route('PUT', '/api/v1/organization/acme/prototypes/6f1c2a4e', 200, { ...proto, role: 'read' });
  assert.equal((await client.updatePrototype('acme', '6f1c2a4e', 'read')).role, 'read');
  route('DELETE', '/api/v1/organization/acme/prototypes/6f1c2a4e', 204);
  await client.deletePrototype('acme', '6f1c2a4e');
});

void test('federation: get, replace-all, delete; token exchange uses Basic, not the bearer token', async () => {
  const entries = [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' }];
  route('GET', '/api/v1/organization/acme/robots/keyless/federation', 200, entries);
  assert.deepEqual(await client.getFederation(acme, 'keyless'), entries);
  route('POST', '/api/v1/organization/acme/robots/keyless/federation', 200, entries);
  const withExtra = entries.map((e) => ({ ...e, audiences: ['x'] }));
  assert.deepEqual(await client.setFederation(acme, 'keyless', withExtra), entries);
  assert.deepEqual(last().body, entries, 'only issuer and subject are sent');
  route('DELETE', '/api/v1/user/robots/laptop/federation', 204);
  await client.deleteFederation(me, 'laptop');

  const exp = 1_800_000_000;
  const jwt = `e30.${Buffer.from(JSON.stringify({ exp, sub: 'acme+keyless' })).toString('base64url')}.sig`;
  route('GET', '/oauth2/federation/robot/token', 200, { token: jwt });
  const result = await client.exchangeFederatedToken('acme+keyless', 'external.jwt.value');
  assert.equal(result.token, jwt);
  assert.equal(result.expiresAt?.getTime(), exp * 1000);
  assert.equal(last().auth, `Basic ${Buffer.from('acme+keyless:external.jwt.value').toString('base64')}`);
});

void test('team members: list, add (PUT, no body), remove', async () => {
  route('GET', '/api/v1/organization/acme/team/deployers/members', 200, {
    name: 'deployers',
    members: [
      { name: 'acme+ci', kind: 'user', is_robot: true, avatar: {}, invited: false },
      { name: 'bob', kind: 'user', is_robot: false, avatar: {}, invited: false },
    ],
    can_edit: true,
  });
  assert.deepEqual(await client.listTeamMembers('acme', 'deployers'), [
    { name: 'acme+ci', kind: 'robot', isRobot: true, invited: false },
    { name: 'bob', kind: 'user', isRobot: false, invited: false },
  ]);
  route('PUT', '/api/v1/organization/acme/team/deployers/members/acme+ci', 200, { name: 'acme+ci', kind: 'user', is_robot: true, avatar: {}, invited: false });
  assert.equal((await client.addTeamMember('acme', 'deployers', 'acme+ci')).isRobot, true);
  assert.equal(last().body, undefined);
  route('DELETE', '/api/v1/organization/acme/team/deployers/members/acme+ci', 204);
  await client.removeTeamMember('acme', 'deployers', 'acme+ci');
});

void test('usage logs: MM/DD/YYYY dates, performer, pages; repository logs filter performer locally', async () => {
  const entry = (performer: string) => ({ kind: 'pull_repo', metadata: {}, datetime: DATE, performer: { kind: 'user', name: performer, is_robot: performer.includes('+') } });
  route('GET', '/api/v1/organization/acme/logs?starttime=08%2F01%2F2026&endtime=08%2F21%2F2026&performer=acme%2Bci', 200, {
    start_time: DATE,
    end_time: DATE,
    logs: [entry('acme+ci')],
    next_page: 'p2',
  });
  route('GET', '/api/v1/organization/acme/logs?starttime=08%2F01%2F2026&endtime=08%2F21%2F2026&performer=acme%2Bci&next_page=p2', 200, {
    start_time: DATE,
    end_time: DATE,
    logs: [entry('acme+ci')],
  });
  const pages = [];
  for await (const page of client.listLogs({ kind: 'org', name: 'acme' }, { performer: 'acme+ci', starttime: new Date('2026-08-01T00:00:00Z'), endtime: new Date('2026-08-21T10:00:00Z') })) {
    pages.push(page);
  }
  assert.equal(pages.length, 2);
  assert.equal(pages[0]?.logs[0]?.performer?.isRobot, true);

  route('GET', '/api/v1/repository/acme/app/logs', 200, { start_time: DATE, end_time: DATE, logs: [entry('acme+ci'), entry('alice')] });
  const repoPage = await client.listLogsPage({ kind: 'repository', repository: app }, { performer: 'alice' });
  assert.deepEqual(repoPage.logs.map((l) => l.performer?.name), ['alice']);

  route('GET', '/api/v1/user/logs', 200, { start_time: null, end_time: null, logs: [] });
  assert.deepEqual((await client.listLogsPage({ kind: 'user' })).logs, []);
});

void test('usage logs: a performer Quay ignored (Elasticsearch, unknown name) never yields everyone\'s entries; aggregates never send one (§8)', async () => {
  const entry = (performer: string) => ({ kind: 'pull_repo', metadata: {}, datetime: DATE, performer: { kind: 'user', name: performer, is_robot: performer.includes('+') } });
  route('GET', '/api/v1/organization/acme/logs?performer=acme%2Bgone', 200, { start_time: DATE, end_time: DATE, logs: [entry('acme+ci'), entry('alice')] });
  assert.deepEqual((await client.listLogsPage({ kind: 'org', name: 'acme' }, { performer: 'acme+gone' })).logs, []);
  route('GET', '/api/v1/organization/acme/aggregatelogs?starttime=12%2F01%2F2026&endtime=12%2F07%2F2026', 200, { aggregated: [{ kind: 'pull_repo', count: 3, datetime: 'Tue, 01 Dec 2026 00:00:00 -0000' }] });
  // A LogQuery with a performer is assignable to AggregateLogQuery: its performer is still not sent.
  const query: LogQuery = { performer: 'acme+ci', starttime: new Date('2026-12-01T00:00:00Z'), endtime: new Date('2026-12-07T00:00:00Z') };
  const counts = await client.aggregateLogs({ kind: 'org', name: 'acme' }, query);
  assert.deepEqual(counts, [{ kind: 'pull_repo', count: 3, day: new Date('2026-12-01T00:00:00Z') }]);
  assert.equal(new URL(last().url, 'http://x').searchParams.get('performer'), null);
});
