import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuayClient, type QuayClientOptions } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import type { Namespace } from '../../../src/core/quay/types';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { closedPort, memoryLogger, rejectsWith } from './helpers';

/** The client against the Quay-compatible sandbox (demo seed): every method's success path and every error reason from a real answer. */

let sandbox: Sandbox;
const clients: QuayClient[] = [];
const acme: Namespace = { kind: 'org', name: 'acme' };
const platform: Namespace = { kind: 'org', name: 'platform' };
const alice: Namespace = { kind: 'user', name: 'alice' };

function client(token: string | undefined, extra: Partial<QuayClientOptions> = {}): QuayClient {
  const c = new QuayClient({ baseUrl: sandbox.url, instanceLabel: 'quay.example.com', getToken: () => Promise.resolve(token), logger: memoryLogger().logger, ...extra });
  clients.push(c);
  return c;
}

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
});

after(async () => {
  for (const c of clients) await c.close();
  await sandbox.close();
});

void test('current user and organization with teams', async () => {
  const c = client(sandbox.tokens.admin);
  const user = await c.getCurrentUser();
  assert.equal(user.username, 'alice');
  const orgs = user.organizations.map((o) => o.name);
  for (const o of ['acme', 'platform', 'opensource']) assert.ok(orgs.includes(o), orgs.join());
  const org = await c.getOrganization('acme');
  assert.equal(org.name, 'acme');
  assert.equal(org.isAdmin, true);
  const teams = org.teams.map((t) => t.name);
  for (const t of ['owners', 'developers', 'deployers']) assert.ok(teams.includes(t), teams.join());
  assert.equal(org.teams.find((t) => t.name === 'owners')?.role, 'admin');
});

void test('repositories: iterator of pages and single page', async () => {
  const c = client(sandbox.tokens.admin);
  const all = [];
  for await (const page of c.listRepositories({ namespace: 'acme', lastModified: true })) all.push(...page.repositories);
  assert.ok(all.length > 0);
  assert.ok(all.every((r) => r.namespace === 'acme' && typeof r.isPublic === 'boolean'));
  const first = await c.listRepositoriesPage('acme');
  assert.equal(first.repositories[0]?.name, all[0]?.name);
});

void test('robots: list with permissions, user robots, create/get/regenerate/permissions/delete', async () => {
  const c = client(sandbox.tokens.admin);
  const robots = await c.listRobots(acme, { permissions: true });
  const names = robots.map((r) => r.shortName);
  for (const n of ['k8s_prod_puller', 'ci_pull', 'ci_push', 'keyless', 'unused_bot']) assert.ok(names.includes(n), names.join());
  const puller = robots.find((r) => r.shortName === 'k8s_prod_puller')!;
  assert.equal(puller.fullName, 'acme+k8s_prod_puller');
  assert.equal(puller.namespace, 'acme');
  assert.ok(puller.created instanceof Date);
  assert.deepEqual([...(puller.repositories ?? [])].sort(), ['backend', 'frontend', 'gateway', 'payments']);
  assert.deepEqual(puller.teams, []);
  assert.deepEqual(robots.find((r) => r.shortName === 'ci_push')?.teams, ['deployers']);
  assert.ok(robots.every((r) => r.token === undefined), 'token=false by default');

  const mine = await c.listRobots(alice);
  assert.deepEqual(mine.map((r) => r.shortName).sort(), ['backup', 'laptop']);

  const created = await c.createRobot(acme, 'client_test', { description: 'from the unit test', unstructuredMetadata: { by: 'test' } });
  assert.equal(created.fullName, 'acme+client_test');
  assert.equal(created.description, 'from the unit test');
  assert.match(created.token ?? '', /^[A-Z0-9]{64}$/);
  const got = await c.getRobot(acme, 'acme+client_test');
  assert.equal(got.token, created.token);
  const regenerated = await c.regenerateRobotToken(acme, 'client_test');
  assert.notEqual(regenerated.token, created.token);
  assert.deepEqual(await c.getRobotPermissions(acme, 'client_test'), []);
  await c.deleteRobot(acme, 'client_test');
  await rejectsWith(c.getRobot(acme, 'client_test'), 'invalidRequest');

  const laptop = await c.getRobot(alice, 'laptop');
  assert.equal(laptop.fullName, 'alice+laptop');
});

void test('repository permissions for a robot and a team; team permissions', async () => {
  const c = client(sandbox.tokens.admin);
  const repo = (await c.listRepositoriesPage('acme')).repositories[0];
  await c.createRobot(acme, 'perm_test');
  try {
    const granted = await c.setRepoUserPermission(repo, 'acme+perm_test', 'write');
    assert.deepEqual([granted.kind, granted.name, granted.role], ['robot', 'acme+perm_test', 'write']);
    assert.equal((await c.getRepoUserPermission(repo, 'acme+perm_test')).role, 'write');
    assert.ok((await c.listRepoUserPermissions(repo)).some((p) => p.name === 'acme+perm_test' && p.kind === 'robot'));
    assert.ok((await c.getTransitivePermissions(repo, 'acme+perm_test')).includes('write'));
    assert.deepEqual((await c.getRobotPermissions(acme, 'perm_test')).map((p) => [p.repository, p.role]), [[repo.name, 'write']]);
    await c.deleteRepoUserPermission(repo, 'acme+perm_test');
    const none = await rejectsWith(c.getRepoUserPermission(repo, 'acme+perm_test'), 'invalidRequest');
    assert.equal(none.serverMessage, 'User does not have permission for repo.');

    const team = await c.setRepoTeamPermission(repo, 'deployers', 'read');
    assert.deepEqual([team.kind, team.name, team.role], ['team', 'deployers', 'read']);
    assert.equal((await c.getRepoTeamPermission(repo, 'deployers')).role, 'read');
    assert.ok((await c.listRepoTeamPermissions(repo)).some((p) => p.name === 'deployers'));
    assert.ok((await c.listTeamPermissions('acme', 'deployers')).some((p) => p.repository === repo.name));
    await c.deleteRepoTeamPermission(repo, 'deployers');
  } finally {
    await c.deleteRobot(acme, 'perm_test');
  }
});

void test('prototypes: create (200), list, update, delete', async () => {
  const c = client(sandbox.tokens.admin);
  const created = await c.createPrototype('acme', { role: 'read', delegate: { kind: 'robot', name: 'acme+ci_pull' } });
  assert.deepEqual(created.delegate, { kind: 'robot', name: 'acme+ci_pull' });
  assert.equal(created.activatingUser, undefined);
  assert.ok((await c.listPrototypes('acme')).some((p) => p.id === created.id));
  assert.equal((await c.updatePrototype('acme', created.id, 'write')).role, 'write');
  await c.deletePrototype('acme', created.id);
  assert.ok(!(await c.listPrototypes('acme')).some((p) => p.id === created.id));
  await rejectsWith(c.deletePrototype('acme', created.id), 'notFound');
});

void test('federation: get, replace-all, delete, and the token exchange', async () => {
  const c = client(sandbox.tokens.admin);
  const keyless = await c.getFederation(acme, 'keyless');
  assert.ok(keyless.some((e) => e.issuer === sandbox.issuer.url && e.subject === 'system:serviceaccount:prod:app'), JSON.stringify(keyless));
  const entries = [
    { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' },
    { issuer: sandbox.issuer.url, subject: 'system:serviceaccount:ci:runner' },
  ];
  assert.deepEqual(await c.setFederation(acme, 'unused_bot', entries), entries);
  assert.deepEqual(await c.getFederation(acme, 'unused_bot'), entries);
  await c.deleteFederation(acme, 'unused_bot');
  assert.deepEqual(await c.getFederation(acme, 'unused_bot'), []);
  const dup = await rejectsWith(c.setFederation(acme, 'unused_bot', [entries[0], entries[0]]), 'conflict');
  assert.equal(dup.serverMessage, 'Duplicate federation config entry');

  const jwt = sandbox.issuer.mint({ sub: 'system:serviceaccount:prod:app' });
  const anonymous = client(undefined);
  const exchanged = await anonymous.exchangeFederatedToken('acme+keyless', jwt);
  assert.ok(exchanged.token.split('.').length === 3);
  assert.ok(exchanged.expiresAt instanceof Date && exchanged.expiresAt.getTime() > Date.now());
  const wrongSubject = sandbox.issuer.mint({ sub: 'system:serviceaccount:prod:other' });
  const refused = await rejectsWith(anonymous.exchangeFederatedToken('acme+keyless', wrongSubject), 'invalidRequest');
  assert.equal(refused.serverMessage, 'Token does not match robot');
  const noPlus = await rejectsWith(anonymous.exchangeFederatedToken('keyless', jwt), 'unauthorized');
  assert.equal(noPlus.serverMessage, 'Invalid robot');
});

void test('team members: add, list, remove; already a member is a conflict', async () => {
  const c = client(sandbox.tokens.admin);
  const added = await c.addTeamMember('acme', 'developers', 'acme+unused_bot');
  assert.deepEqual([added.name, added.isRobot], ['acme+unused_bot', true]);
  assert.ok((await c.listTeamMembers('acme', 'developers')).some((m) => m.name === 'acme+unused_bot' && m.kind === 'robot'));
  await rejectsWith(c.addTeamMember('acme', 'developers', 'acme+unused_bot'), 'conflict');
  await c.removeTeamMember('acme', 'developers', 'acme+unused_bot');
  assert.ok(!(await c.listTeamMembers('acme', 'developers')).some((m) => m.name === 'acme+unused_bot'));
});

void test('usage logs: org, user and repository pages with dates', async () => {
  const c = client(sandbox.tokens.admin);
  await c.createRobot(acme, 'log_test');
  await c.deleteRobot(acme, 'log_test');
  const entries = [];
  const today = new Date();
  for await (const page of c.listLogs({ kind: 'org', name: 'acme' }, { performer: 'alice', starttime: new Date(today.getTime() - 86_400_000), endtime: today })) {
    entries.push(...page.logs);
  }
  const kinds = entries.map((e) => e.kind);
  assert.ok(kinds.includes('create_robot') && kinds.includes('delete_robot'), kinds.join());
  assert.ok(entries.every((e) => e.datetime instanceof Date && e.performer?.name === 'alice'));
  await c.createRobot(alice, 'log_test');
  await c.deleteRobot(alice, 'log_test');
  const userKinds = (await c.listLogsPage({ kind: 'user' })).logs.map((e) => e.kind);
  assert.ok(userKinds.includes('create_robot') && userKinds.includes('delete_robot'), userKinds.join());
  const repo = (await c.listRepositoriesPage('acme')).repositories[0];
  await c.setRepoUserPermission(repo, 'acme+unused_bot', 'read');
  await c.deleteRepoUserPermission(repo, 'acme+unused_bot');
  const repoKinds = (await c.listLogsPage({ kind: 'repository', repository: repo })).logs.map((e) => e.kind);
  assert.ok(repoKinds.includes('change_repo_permission') && repoKinds.includes('delete_repo_permission'), repoKinds.join());
});

void test('unauthorized: a revoked token on a GET', async () => {
  const token = sandbox.mintToken('alice', ['user:read', 'user:admin', 'org:admin', 'repo:admin']);
  const c = client(token);
  assert.equal((await c.getCurrentUser()).username, 'alice');
  sandbox.revokeToken(token);
  const e = await rejectsWith(c.getCurrentUser(), 'unauthorized');
  assert.equal(e.status, 401);
  assert.equal(e.serverMessage, 'Requires authentication');
  assert.match(e.userHint ?? '', /Sign in again with a new token/);
});

void test('forbidden: org:admin-only token on robot permissions; CSRF on a write with a bad token', async () => {
  const orgOnly = client(sandbox.tokens.orgAdminOnly);
  const e = await rejectsWith(orgOnly.getRobotPermissions(acme, 'ci_pull'), 'forbidden');
  assert.equal(e.status, 403);
  assert.match(e.userHint ?? '', /user:admin scope and organization admin/);
  // bob has every scope but is no admin of acme: Werkzeug's abort(403), shape B.
  const member = client(sandbox.tokens.member);
  const b = await rejectsWith(member.getRobotPermissions(acme, 'ci_pull'), 'forbidden');
  assert.match(b.serverMessage ?? '', /You don't have the permission to access the requested resource/);

  const bad = client('X'.repeat(40));
  const csrf = await rejectsWith(bad.deleteRobot(acme, 'unused_bot'), 'forbidden');
  assert.equal(csrf.serverMessage, 'CSRF token was invalid or missing.');
  assert.match(csrf.message, /token may be invalid or expired/);
});

void test('notFound, and Quay\'s own 400 texts: unknown robot, invalid name, duplicate, mirror', async () => {
  const c = client(sandbox.tokens.admin);
  await rejectsWith(c.getOrganization('no-such-org'), 'notFound');
  const unknown = await rejectsWith(c.getRobot(acme, 'no_such_robot'), 'invalidRequest');
  assert.equal(unknown.serverMessage, 'Could not find robot with specified username');
  const invalid = await rejectsWith(c.createRobot(acme, 'Bad-Name!'), 'invalidRequest');
  assert.match(invalid.serverMessage ?? '', /^The name for the robot 'Bad-Name!' is invalid/);
  const dup = await rejectsWith(c.createRobot(acme, 'ci_pull'), 'conflict');
  assert.equal(dup.serverMessage, 'Existing robot with name: acme+ci_pull');
  const mirror = await rejectsWith(c.deleteRobot(platform, 'mirror_bot'), 'invalidRequest');
  assert.equal(mirror.message, 'Quay at quay.example.com refused to delete robot platform+mirror_bot: Robot is being used by a mirror (HTTP 400)');
});

void test('rateLimited: retried and paced until the bucket refills, then success; without retries it surfaces', async () => {
  const limited = await startSandbox({ port: 0, seed: 'demo', rateLimit: 5, rateBurst: 2 });
  try {
    const c = new QuayClient({ baseUrl: limited.url, getToken: () => Promise.resolve(limited.tokens.admin), logger: memoryLogger().logger, retries: 6 });
    const results = await Promise.all(Array.from({ length: 16 }, () => c.getOrganization('acme')));
    assert.equal(results.length, 16);
    assert.ok(c.stats.rateLimited > 0, JSON.stringify(c.stats));
    assert.ok(c.stats.retries > 0);
    // After the first 429s the client paces itself at 5 r/s instead of hammering the limit.
    assert.ok(c.stats.rateLimited <= 6, JSON.stringify(c.stats));
    await c.close();
    const once = new QuayClient({ baseUrl: limited.url, getToken: () => Promise.resolve(limited.tokens.admin), logger: memoryLogger().logger, retries: 0 });
    const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => once.getOrganization('acme')));
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.ok(rejected.length > 0 && rejected.every((o) => QuayApiError.is(o.reason, 'rateLimited')));
    await once.close();
  } finally {
    await limited.close();
  }
});

void test('server: a failing POST is not retried', async () => {
  const c = client(sandbox.tokens.admin);
  sandbox.setFaults({ failRate: 1 });
  try {
    const before = c.stats.requests;
    const e = await rejectsWith(c.regenerateRobotToken(acme, 'ci_push'), 'server');
    assert.ok((e.status ?? 0) >= 500);
    assert.equal(c.stats.requests - before, 1);
  } finally {
    sandbox.setFaults({ failRate: 0 });
  }
});

void test('network, timeout and cancelled', async () => {
  const port = await closedPort();
  const dead = client(undefined, { baseUrl: `http://127.0.0.1:${port}` });
  await rejectsWith(dead.getCurrentUser(), 'network');

  const slow = await startSandbox({ port: 0, seed: 'empty', latencyMs: 400 });
  try {
    const c = new QuayClient({ baseUrl: slow.url, getToken: () => Promise.resolve(slow.tokens.admin), logger: memoryLogger().logger, timeoutMs: 100 });
    await rejectsWith(c.getCurrentUser(), 'timeout');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const patient = new QuayClient({ baseUrl: slow.url, getToken: () => Promise.resolve(slow.tokens.admin), logger: memoryLogger().logger });
    await rejectsWith(patient.getCurrentUser({ signal: controller.signal }), 'cancelled');
    await c.close();
    await patient.close();
  } finally {
    await slow.close();
  }
});

void test('tls: the sandbox certificate is refused without its CA and accepted with it', async () => {
  const secure = await startSandbox({ port: 0, seed: 'demo', tls: true });
  try {
    assert.ok(secure.url.startsWith('https://'));
    const untrusted = new QuayClient({ baseUrl: secure.url, getToken: () => Promise.resolve(secure.tokens.admin), logger: memoryLogger().logger });
    const e = await rejectsWith(untrusted.getCurrentUser(), 'tls');
    // Signed by the sandbox's own CA, which this client was not given.
    assert.equal(e.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    await untrusted.close();
    const trusted = new QuayClient({ baseUrl: secure.url, getToken: () => Promise.resolve(secure.tokens.admin), logger: memoryLogger().logger, tls: { ca: secure.caPem! } });
    assert.equal((await trusted.getCurrentUser()).username, 'alice');
    await trusted.close();
  } finally {
    await secure.close();
  }
});

void test('dropped connections: GETs are retried to success, a dropped POST is not repeated; ROBOTS_DISALLOW text', async () => {
  const flaky = await startSandbox({ port: 0, seed: 'demo', dropRate: 0.3, randomSeed: 7, robotsDisallow: true });
  try {
    const c = new QuayClient({ baseUrl: flaky.url, getToken: () => Promise.resolve(flaky.tokens.admin), logger: memoryLogger().logger, retries: 8, backoffMs: 5 });
    const orgs = await Promise.all(Array.from({ length: 20 }, () => c.getOrganization('acme')));
    assert.ok(orgs.every((o) => o.name === 'acme'));
    assert.ok(c.stats.retries > 0, JSON.stringify(c.stats));
    flaky.setFaults({ dropRate: 1 });
    const before = c.stats.requests;
    const e = await rejectsWith(c.regenerateRobotToken(acme, 'ci_push'), 'network');
    assert.equal(c.stats.requests - before, 1, e.message);
    flaky.setFaults({ dropRate: 0 });
    const disallowed = await rejectsWith(c.createRobot(acme, 'new_bot'), 'invalidRequest');
    assert.equal(disallowed.serverMessage, 'Robot accounts have been disabled. Please contact your administrator.');
    await c.close();
  } finally {
    await flaky.close();
  }
});

void test('large seed: 5,000 repositories in 50 pages, 500 robots in one list', async () => {
  const large = await startSandbox({ port: 0, seed: 'large' });
  try {
    const c = new QuayClient({ baseUrl: large.url, getToken: () => Promise.resolve(large.tokens.admin), logger: memoryLogger().logger });
    let pages = 0;
    const names = new Set<string>();
    for await (const page of c.listRepositories({ namespace: 'bigcorp' })) {
      pages++;
      for (const r of page.repositories) names.add(r.name);
    }
    assert.equal(names.size, 5000);
    assert.equal(pages, 50);
    assert.equal((await c.listRobots({ kind: 'org', name: 'bigcorp' })).length, 500);
    await c.close();
  } finally {
    await large.close();
  }
});
