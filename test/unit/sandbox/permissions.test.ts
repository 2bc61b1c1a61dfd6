/** Contract §4 (repository permissions) and §5 (prototypes and their application), demo seed. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectShapeA, expectShapeD, expectStatus, obj } from './helpers';

let sb: Sandbox;
let t: string;

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
  t = sb.tokens.admin;
});
after(async () => {
  await sb.close();
});

const USER = '/api/v1/repository/acme/payments/permissions/user';
const TEAM = '/api/v1/repository/acme/payments/permissions/team';

void test('list user permissions: a dict keyed by name, robots included, is_org_member on org repos', async () => {
  const perms = obj(await call(sb, 'GET', `${USER}/`, { token: t }))['permissions'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(perms), ['alice', 'acme+k8s_prod_puller', 'acme+legacy_deployer']);
  assert.deepEqual(Object.keys(perms['alice'] ?? {}), ['role', 'name', 'is_robot', 'avatar', 'is_org_member']);
  assert.deepEqual({ ...perms['acme+k8s_prod_puller'], avatar: undefined }, { role: 'read', name: 'acme+k8s_prod_puller', is_robot: true, avatar: undefined, is_org_member: true });
  assert.equal((perms['acme+k8s_prod_puller']?.['avatar'] as Record<string, unknown>)['kind'], 'robot');
  // A user namespace repository has no is_org_member.
  const own = obj(await call(sb, 'GET', '/api/v1/repository/alice/dotfiles/permissions/user/alice', { token: t }));
  assert.deepEqual(Object.keys(own), ['role', 'name', 'is_robot', 'avatar']);
});

void test('get user permission: 200, or 400 shape D when there is none', async () => {
  assert.equal(obj(await call(sb, 'GET', `${USER}/acme+k8s_prod_puller`, { token: t }))['role'], 'read');
  expectShapeD(await call(sb, 'GET', `${USER}/acme+ci_pull`, { token: t }), 'User does not have permission for repo.');
});

void test('put user permission: 200 for create and for update', async () => {
  const created = await call(sb, 'PUT', `${USER}/acme+ci_pull`, { token: t, body: { role: 'read' } });
  expectStatus(created, 200);
  assert.equal(obj(created)['role'], 'read');
  const updated = await call(sb, 'PUT', `${USER}/acme+ci_pull`, { token: t, body: { role: 'write' } });
  expectStatus(updated, 200);
  assert.equal(sb.state.userPermission('acme/payments', 'acme+ci_pull'), 'write');
  // A user who is not an org member gets is_org_member false.
  const carol = obj(await call(sb, 'PUT', `${USER}/carol`, { token: t, body: { role: 'read' } }));
  assert.equal(carol['is_org_member'], false);
});

void test('put user permission errors: owner, unknown user, foreign robots (400 shape A)', async () => {
  const put = (name: string): ReturnType<typeof call> => call(sb, 'PUT', `/api/v1/repository/alice/dotfiles/permissions/user/${name}`, { token: t, body: { role: 'read' } });
  expectShapeA(sb, await put('alice'), 400, 'invalid_request', 'Namespace owner must always be admin.');
  expectShapeA(sb, await call(sb, 'PUT', `${USER}/nobody`, { token: t, body: { role: 'read' } }), 400, 'invalid_request', 'Invalid username: nobody');
  expectShapeA(sb, await call(sb, 'PUT', `${USER}/platform+scanner`, { token: t, body: { role: 'read' } }), 400, 'invalid_request', 'Cannot add robot platform+scanner under namespace acme');
  expectShapeA(sb, await call(sb, 'PUT', `${USER}/alice+laptop`, { token: t, body: { role: 'read' } }), 400, 'invalid_request', 'Cannot add robot alice+laptop under namespace acme');
  assert.equal(sb.state.userPermission('acme/payments', 'platform+scanner'), undefined);
});

void test('delete user permission: 204, then 400 shape A; the namespace owner cannot be removed', async () => {
  expectStatus(await call(sb, 'DELETE', `${USER}/carol`, { token: t }), 204);
  expectShapeA(sb, await call(sb, 'DELETE', `${USER}/carol`, { token: t }), 400, 'invalid_request', 'User does not have permission for repo.');
  expectShapeA(sb, await call(sb, 'DELETE', '/api/v1/repository/alice/dotfiles/permissions/user/alice', { token: t }), 400, 'invalid_request', 'Namespace owner must always be admin.');
});

void test('transitive: direct and team-derived roles; 404 shape A without access', async () => {
  const bob = obj(await call(sb, 'GET', '/api/v1/repository/acme/frontend/permissions/user/bob/transitive', { token: t }));
  assert.deepEqual(bob['permissions'], [{ role: 'write' }]);
  const push = obj(await call(sb, 'GET', '/api/v1/repository/acme/gateway/permissions/user/acme+ci_push/transitive', { token: t }));
  assert.deepEqual(push['permissions'], [{ role: 'write' }], 'via the deployers team');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/acme/billing/permissions/user/bob/transitive', { token: t }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/acme/billing/permissions/user/nobody/transitive', { token: t }), 404, 'not_found', 'Not Found');
});

void test('team permissions: list, get (role only), put, delete, messages', async () => {
  const list = obj(await call(sb, 'GET', '/api/v1/repository/acme/frontend/permissions/team/', { token: t }))['permissions'] as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(list), ['developers']);
  assert.deepEqual(Object.keys(list['developers'] ?? {}), ['role', 'name', 'avatar']);
  expectShapeD(await call(sb, 'GET', `${TEAM}/developers`, { token: t }), 'Team does not have permission for repo.');
  const put = await call(sb, 'PUT', `${TEAM}/developers`, { token: t, body: { role: 'read' } });
  expectStatus(put, 200);
  assert.deepEqual(Object.keys(obj(put)), ['role', 'name', 'avatar']);
  assert.deepEqual(obj(await call(sb, 'GET', `${TEAM}/developers`, { token: t })), { role: 'read' });
  expectShapeA(sb, await call(sb, 'PUT', `${TEAM}/ghosts`, { token: t, body: { role: 'read' } }), 400, 'invalid_request', 'No team ghosts in organization acme');
  expectStatus(await call(sb, 'DELETE', `${TEAM}/developers`, { token: t }), 204);
  expectShapeA(sb, await call(sb, 'DELETE', `${TEAM}/developers`, { token: t }), 400, 'invalid_request', 'Team does not have permission for repo.');
  const teamPerms = obj(await call(sb, 'GET', '/api/v1/organization/acme/team/deployers/permissions', { token: t }));
  assert.deepEqual(teamPerms['permissions'], [
    { repository: { name: 'gateway', is_public: false }, role: 'write' },
    { repository: { name: 'website', is_public: false }, role: 'write' },
  ]);
});

void test('repository admin is required: a plain member gets 403, anonymous 401', async () => {
  expectShapeA(sb, await call(sb, 'GET', `${USER}/`, { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  expectShapeA(sb, await call(sb, 'GET', `${USER}/`), 401, 'invalid_token', 'Requires authentication');
  // Permission is checked before existence.
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/ghostorg/ghost/permissions/user/', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
});

// ----- §5 prototypes ----------------------------------------------------------------------------

const PROTO = '/api/v1/organization/acme/prototypes';

void test('prototypes: list shape; create is 200 (not 201) and accepts a foreign robot; update; delete', async () => {
  const list = obj(await call(sb, 'GET', PROTO, { token: t }))['prototypes'] as Record<string, unknown>[];
  assert.equal(list.length, 2);
  const global = list.find((p) => p['activating_user'] === null);
  assert.deepEqual(Object.keys(global ?? {}), ['activating_user', 'delegate', 'role', 'id']);
  assert.deepEqual(Object.keys((global?.['delegate'] as Record<string, unknown>) ?? {}), ['name', 'is_robot', 'kind', 'is_org_member', 'avatar']);
  const forAlice = list.find((p) => p['activating_user'] !== null);
  assert.deepEqual(Object.keys((forAlice?.['delegate'] as Record<string, unknown>) ?? {}), ['name', 'kind', 'avatar']);

  const created = await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'platform+scanner', kind: 'user', is_robot: true }, role: 'read' } });
  expectStatus(created, 200);
  const id = String(obj(created)['id']);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const updated = await call(sb, 'PUT', `${PROTO}/${id}`, { token: t, body: { role: 'write', id } });
  expectStatus(updated, 200);
  assert.equal(obj(updated)['role'], 'write');
  expectStatus(await call(sb, 'DELETE', `${PROTO}/${id}`, { token: t }), 204);
  expectShapeA(sb, await call(sb, 'DELETE', `${PROTO}/${id}`, { token: t }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'PUT', `${PROTO}/${id}`, { token: t, body: { role: 'read' } }), 404, 'not_found', 'Not Found');
});

void test('prototypes: error messages, including the tuple-ish missing-team text', async () => {
  expectShapeD(await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'ghosts', kind: 'team' }, role: 'read' } }), "('Team does not exist: %s/%s', 'acme', 'ghosts')");
  expectShapeA(sb, await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'bob', kind: 'user' }, role: 'read', activating_user: { name: 'nobody' } } }), 400, 'invalid_request', 'Unknown activating user');
  expectShapeA(sb, await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'nobody', kind: 'user' }, role: 'read' } }), 400, 'invalid_request', 'Missing delegate user or team');
  const schema = await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'bob' }, role: 'read' } });
  assert.equal(String(obj(schema)['detail']).split('\n')[0], "'kind' is a required property");
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/alice/prototypes', { token: t }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', PROTO, { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
});

void test('repository creation applies prototypes: creator admin, creator-specific beats global, creator skipped', async () => {
  // Rules on the delegate acme+ci_pull: global read (seed) and, for alice only, admin.
  await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'acme+ci_pull', kind: 'user' }, role: 'admin', activating_user: { name: 'alice' } } });
  // A rule whose delegate is the creator is skipped (the creator is admin anyway).
  await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'alice', kind: 'user' }, role: 'read' } });
  // A foreign robot delegated by prototype does get access (no namespace check).
  await call(sb, 'POST', PROTO, { token: t, body: { delegate: { name: 'platform+scanner', kind: 'user' }, role: 'read' } });
  const r = await call(sb, 'POST', '/api/v1/repository', { token: t, body: { namespace: 'acme', repository: 'new-service', visibility: 'private', description: 'created by a test' } });
  expectStatus(r, 201);
  assert.deepEqual(obj(r), { namespace: 'acme', name: 'new-service', kind: 'image' });
  assert.equal(sb.state.userPermission('acme/new-service', 'alice'), 'admin');
  assert.equal(sb.state.userPermission('acme/new-service', 'acme+ci_pull'), 'admin', 'creator-specific beats global');
  assert.equal(sb.state.userPermission('acme/new-service', 'platform+scanner'), 'read');
  assert.equal(sb.state.teamPermission('acme/new-service', 'developers'), 'write', 'team rule for alice');
  expectShapeA(sb, await call(sb, 'POST', '/api/v1/repository', { token: t, body: { namespace: 'acme', repository: 'new-service', visibility: 'private', description: '' } }), 400, 'invalid_request', 'Repository already exists');
  expectShapeA(sb, await call(sb, 'POST', '/api/v1/repository', { token: sb.tokens.member, body: { namespace: 'acme', repository: 'bobs', visibility: 'private', description: '' } }), 403, 'insufficient_scope', 'Unauthorized');
});

void test('repository creation by another creator, by a robot, and in a user namespace', () => {
  // bob is not the activating user of the alice-only rules: only the global ones apply.
  const bobRepo = sb.state.createRepository('acme', 'bobs-service', 'bob');
  assert.equal(sb.state.userPermission(bobRepo.fullName, 'bob'), 'admin');
  assert.equal(sb.state.userPermission(bobRepo.fullName, 'acme+ci_pull'), 'read');
  assert.equal(sb.state.teamPermission(bobRepo.fullName, 'developers'), undefined);
  assert.equal(sb.state.userPermission(bobRepo.fullName, 'alice'), 'read', 'the global rule delegating to alice applies to others');
  // A robot creating a repository (create-on-push) still gets the creator's admin.
  const robotRepo = sb.state.createRepository('acme', 'pushed-by-ci', 'acme+ci_push');
  assert.equal(sb.state.userPermission(robotRepo.fullName, 'acme+ci_push'), 'admin');
  // No prototypes in a user namespace.
  const own = sb.state.createRepository('alice', 'scratch', 'alice');
  assert.deepEqual(sb.state.userPermissions(own.fullName), { alice: 'admin' });
});
