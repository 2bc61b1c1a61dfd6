/** Contract §3: robot accounts (demo seed), plus a ROBOTS_DISALLOW sandbox. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectShapeA, expectShapeB, expectShapeD, expectStatus, obj } from './helpers';

let sb: Sandbox;
let disallow: Sandbox;

before(async () => {
  [sb, disallow] = await Promise.all([startSandbox({ seed: 'demo' }), startSandbox({ seed: 'empty', robotsDisallow: true })]);
});
after(async () => {
  await Promise.all([sb.close(), disallow.close()]);
});

type Robot = Record<string, unknown>;
const robotsOf = (body: Record<string, unknown>): Robot[] => body['robots'] as Robot[];

void test('list: token included by default for admins, never for plain members; permissions only for admins', async () => {
  const admin = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots', { token: sb.tokens.admin })));
  assert.ok(admin.length >= 5);
  for (const r of admin) {
    assert.deepEqual(Object.keys(r), ['name', 'created', 'last_accessed', 'description', 'token']);
    assert.match(String(r['token']), /^[A-Z0-9]{64}$/);
  }
  const noToken = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?token=false', { token: sb.tokens.admin })));
  assert.deepEqual(Object.keys(noToken[0] ?? {}), ['name', 'created', 'last_accessed', 'description']);
  const member = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?permissions=true&token=true', { token: sb.tokens.member })));
  assert.deepEqual(Object.keys(member[0] ?? {}), ['name', 'created', 'last_accessed', 'description']);
  // Not a member at all.
  const carol = sb.mintToken('carol', ['org:admin', 'user:admin', 'user:read', 'repo:admin']);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/robots', { token: carol }), 403, 'insufficient_scope', 'Unauthorized');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/robots'), 401, 'invalid_token', 'Requires authentication');
});

void test('list with permissions=true: teams + direct repositories, ordered by last_accessed desc (never used first)', async () => {
  const robots = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?permissions=true', { token: sb.tokens.admin })));
  const byName = new Map(robots.map((r) => [r['name'], r]));
  const puller = byName.get('acme+k8s_prod_puller');
  assert.ok(puller);
  assert.deepEqual(Object.keys(puller), ['name', 'created', 'last_accessed', 'teams', 'repositories', 'description', 'token']);
  assert.equal(puller['description'], 'Pulls production images for the prod cluster');
  assert.deepEqual(puller['repositories'], ['frontend', 'backend', 'payments', 'gateway']);
  const push = byName.get('acme+ci_push');
  assert.deepEqual((push?.['teams'] as Robot[]).map((t) => t['name']), ['deployers']);
  assert.equal(((push?.['teams'] as Robot[])[0]?.['avatar'] as Robot)['kind'], 'team');
  assert.equal(byName.get('acme+unused_bot')?.['last_accessed'], null);
  const accessed = robots.map((r) => r['last_accessed']);
  const firstNonNull = accessed.findIndex((a) => a !== null);
  assert.ok(accessed.slice(firstNonNull).every((a) => a !== null), 'NULLs first (PostgreSQL DESC)');
  const times = accessed.slice(firstNonNull).map((a) => Date.parse(String(a)));
  assert.deepEqual(times, [...times].sort((a, b) => b - a));
});

void test('list limit applies to joined rows when permissions are included (quirk)', async () => {
  const plain = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?limit=3', { token: sb.tokens.admin })));
  assert.equal(plain.length, 3);
  // keyless (1 repo) and unused_bot (no rows but one) come first; then k8s_prod_puller has 4 rows.
  const joined = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/acme/robots?permissions=true&limit=4', { token: sb.tokens.admin })));
  assert.deepEqual(joined.map((r) => r['name']), ['acme+keyless', 'acme+unused_bot', 'acme+k8s_prod_puller']);
  assert.deepEqual(joined[2]?.['repositories'], ['frontend', 'backend']);
});

void test('get one: single-robot shape with unstructured_metadata; unknown robot is 400 shape D', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/k8s_prod_puller', { token: sb.tokens.admin }));
  assert.deepEqual(Object.keys(r), ['name', 'created', 'last_accessed', 'description', 'token', 'unstructured_metadata']);
  assert.deepEqual(r['unstructured_metadata'], { cluster: 'prod-eu-1', owner: 'platform-team' });
  assert.equal(r['token'], sb.state.robot('acme+k8s_prod_puller')?.token);
  expectShapeD(await call(sb, 'GET', '/api/v1/organization/acme/robots/ghost', { token: sb.tokens.admin }), 'Could not find robot with specified username');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/robots/ci_push', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
});

void test('create: 201 with token and metadata; body optional (empty, {}, non-JSON content type)', async () => {
  const r = await call(sb, 'PUT', '/api/v1/organization/acme/robots/deploy_bot', { token: sb.tokens.admin, body: { description: 'Deploys', unstructured_metadata: { env: 'prod' } } });
  expectStatus(r, 201);
  const body = obj(r);
  assert.deepEqual(Object.keys(body), ['name', 'created', 'last_accessed', 'description', 'token', 'unstructured_metadata']);
  assert.equal(body['name'], 'acme+deploy_bot');
  assert.equal(body['last_accessed'], null);
  assert.match(String(body['token']), /^[A-Z0-9]{64}$/);
  assert.deepEqual(body['unstructured_metadata'], { env: 'prod' });
  for (const [short, opts] of [
    ['empty_body', {}],
    ['empty_object', { body: {} }],
    ['form_body', { rawBody: 'description=x', contentType: 'application/x-www-form-urlencoded' }],
  ] as const) {
    const c = await call(sb, 'PUT', `/api/v1/organization/acme/robots/${short}`, { token: sb.tokens.admin, ...opts });
    expectStatus(c, 201);
    assert.equal(obj(c)['description'], '');
    assert.equal(sb.state.robot(`acme+${short}`)?.description, '');
  }
  // The create response echoes the request's metadata (null when absent); a GET shows the stored {}.
  const empty = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/empty_body', { token: sb.tokens.admin }));
  assert.deepEqual(empty['unstructured_metadata'], {});
});

void test('create: name validation messages (400 shape A), duplicate, schema, org checks', async () => {
  const t = sb.tokens.admin;
  expectShapeA(sb, await call(sb, 'PUT', '/api/v1/organization/acme/robots/Bad-Name', { token: t }), 400, 'invalid_request', "The name for the robot 'Bad-Name' is invalid: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$");
  expectShapeA(sb, await call(sb, 'PUT', '/api/v1/organization/acme/robots/a', { token: t }), 400, 'invalid_request', "The name for the robot 'a' is invalid: Namespace must be between 2 and 255 characters in length");
  expectShapeA(sb, await call(sb, 'PUT', '/api/v1/organization/acme/robots/ci_push', { token: t }), 400, 'invalid_request', 'Existing robot with name: acme+ci_push');
  const long = await call(sb, 'PUT', '/api/v1/organization/acme/robots/x1', { token: t, body: { description: 'd'.repeat(256) } });
  expectStatus(long, 400);
  assert.match(String(obj(long)['detail']), /^'d{256}' is too long\n/);
  // Quirk: your own username works as an "org" for listing, not for creating.
  expectShapeD(await call(sb, 'PUT', '/api/v1/organization/alice/robots/newbot', { token: t }), 'Organization does not exist: alice');
  const mine = robotsOf(obj(await call(sb, 'GET', '/api/v1/organization/alice/robots', { token: t })));
  assert.deepEqual(mine.map((r) => r['name']).sort(), ['alice+backup', 'alice+laptop']);
});

void test('ROBOTS_DISALLOW: creation refused first (even for an invalid name); reads still work', async () => {
  const t = disallow.mintToken('alice', ['user:admin', 'user:read']);
  const msg = 'Robot accounts have been disabled. Please contact your administrator.';
  expectShapeA(disallow, await call(disallow, 'PUT', '/api/v1/user/robots/okname', { token: t }), 400, 'invalid_request', msg);
  expectShapeA(disallow, await call(disallow, 'PUT', '/api/v1/user/robots/BAD!', { token: t }), 400, 'invalid_request', msg);
  expectStatus(await call(disallow, 'GET', '/api/v1/user/robots', { token: t }), 200);
});

void test('delete: 204 and cascade to team memberships, repository permissions and prototypes', async () => {
  const t = sb.tokens.admin;
  assert.deepEqual(sb.state.robot('acme+ci_push')?.teams, ['deployers']);
  expectStatus(await call(sb, 'DELETE', '/api/v1/organization/acme/robots/ci_push', { token: t }), 204);
  assert.equal(sb.state.robot('acme+ci_push'), undefined);
  assert.ok(!sb.state.teamMembers('acme', 'deployers')?.includes('acme+ci_push'));
  assert.equal(sb.state.userPermission('acme/frontend', 'acme+ci_push'), undefined);
  expectStatus(await call(sb, 'DELETE', '/api/v1/organization/acme/robots/ci_pull', { token: t }), 204);
  assert.ok(!sb.state.prototypes('acme').some((p) => p.delegate.name === 'acme+ci_pull'));
  expectShapeD(await call(sb, 'DELETE', '/api/v1/organization/acme/robots/ci_pull', { token: t }), 'Could not find robot with specified username');
  expectShapeA(sb, await call(sb, 'DELETE', '/api/v1/organization/platform/robots/mirror_bot', { token: t }), 400, 'invalid_request', 'Robot is being used by a mirror');
  assert.ok(sb.state.robot('platform+mirror_bot'));
});

void test('regenerate: POST 200, new 64-char token, no unstructured_metadata, body ignored', async () => {
  const before = sb.state.robot('acme+k8s_prod_puller')?.token;
  const r = await call(sb, 'POST', '/api/v1/organization/acme/robots/k8s_prod_puller/regenerate', { token: sb.tokens.admin, rawBody: 'garbage', contentType: 'text/plain' });
  expectStatus(r, 200);
  const body = obj(r);
  assert.deepEqual(Object.keys(body), ['name', 'created', 'last_accessed', 'description', 'token']);
  assert.match(String(body['token']), /^[A-Z0-9]{64}$/);
  assert.notEqual(body['token'], before);
  assert.equal(sb.state.robot('acme+k8s_prod_puller')?.token, body['token']);
  expectShapeD(await call(sb, 'POST', '/api/v1/organization/acme/robots/ghost/regenerate', { token: sb.tokens.admin }), 'Could not find robot with specified username');
});

void test('robot permissions: direct grants only; 403 shape B for a user:admin token of a non-admin', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/k8s_prod_puller/permissions', { token: sb.tokens.admin }));
  assert.deepEqual(r['permissions'], [
    { repository: { name: 'frontend', is_public: false }, role: 'read' },
    { repository: { name: 'backend', is_public: false }, role: 'read' },
    { repository: { name: 'payments', is_public: false }, role: 'read' },
    { repository: { name: 'gateway', is_public: false }, role: 'read' },
  ]);
  expectShapeB(
    await call(sb, 'GET', '/api/v1/organization/acme/robots/k8s_prod_puller/permissions', { token: sb.tokens.member }),
    403,
    "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  );
});

void test('user namespace robots: list, get, create, permissions, delete', async () => {
  const t = sb.tokens.admin;
  const list = robotsOf(obj(await call(sb, 'GET', '/api/v1/user/robots?permissions=true', { token: t })));
  assert.deepEqual(list.map((r) => r['name']).sort(), ['alice+backup', 'alice+laptop']);
  expectStatus(await call(sb, 'PUT', '/api/v1/user/robots/scratch', { token: t }), 201);
  const perms = obj(await call(sb, 'GET', '/api/v1/user/robots/backup/permissions', { token: t }));
  assert.deepEqual(perms['permissions'], [{ repository: { name: 'dotfiles', is_public: false }, role: 'read' }]);
  expectShapeD(await call(sb, 'GET', '/api/v1/user/robots/nope', { token: t }), 'Could not find robot with specified username');
  expectStatus(await call(sb, 'DELETE', '/api/v1/user/robots/scratch', { token: t }), 204);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/user/robots', { token: sb.tokens.userReadOnly }), 403, 'insufficient_scope', 'Unauthorized');
});
