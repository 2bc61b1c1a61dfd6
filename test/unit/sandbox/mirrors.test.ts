/**
 * Mirror configurations and the robots they use (AGENTS.md "Deleting a robot"), against quay/quay `ffba0c70` (= v3.18.0 here):
 * `endpoints/api/mirror.py` `RepoMirrorResource.get`, `endpoints/api/org_mirror.py` `OrgMirrorConfig.get`,
 * `endpoints/api/robot.py` `OrgRobot.delete` / `UserRobot.delete` with `data/model/repo_mirror.py`
 * `robot_has_mirror`, and `data/database.py` `User.delete_instance` for robots.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { isoZ } from '../../sandbox/api/mirrors';
import { call, expectShapeA, expectShapeD, expectStatus, obj } from './helpers';

let sb: Sandbox;
let off: Sandbox;

before(async () => {
  [sb, off] = await Promise.all([startSandbox({ seed: 'demo' }), startSandbox({ seed: 'demo', repoMirror: false, orgMirror: false })]);
});
after(async () => {
  await Promise.all([sb.close(), off.close()]);
});

void test('GET …/mirror: ViewMirrorConfig with robot_username, the keys in Quay\'s order', async () => {
  const body = obj(await call(sb, 'GET', '/api/v1/repository/platform/base-images/mirror', { token: sb.tokens.admin }));
  assert.deepEqual(Object.keys(body), [
    'is_enabled',
    'mirror_type',
    'external_reference',
    'external_registry_username',
    'external_registry_config',
    'sync_interval',
    'sync_start_date',
    'sync_expiration_date',
    'sync_retries_remaining',
    'sync_status',
    'root_rule',
    'robot_username',
    'skopeo_timeout_interval',
    'architecture_filter',
  ]);
  assert.equal(body['robot_username'], 'platform+mirror_bot');
  assert.equal(body['mirror_type'], 'PULL');
  assert.deepEqual(body['root_rule'], { rule_kind: 'tag_glob_csv', rule_value: ['latest'] });
  assert.match(String(body['sync_start_date']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?Z$/);
  // The repository list shows the mirror's state.
  const list = obj(await call(sb, 'GET', '/api/v1/repository?namespace=platform', { token: sb.tokens.admin }))['repositories'] as Record<string, unknown>[];
  assert.equal(list.find((r) => r['name'] === 'base-images')?.['state'], 'MIRROR');
  assert.equal(list.find((r) => r['name'] === 'ubi-tools')?.['state'], 'NORMAL');
});

void test('GET …/mirror: 404 without a mirror or repository, 403/401 without repository admin', async () => {
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/platform/ubi-tools/mirror', { token: sb.tokens.admin }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/platform/nothing/mirror', { token: sb.tokens.admin }), 404, 'not_found', 'Not Found');
  // bob is not an admin of platform: Unauthorized before anything else.
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/platform/base-images/mirror', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/platform/base-images/mirror'), 401, 'invalid_token', 'Requires authentication');
  // The repository admin check is capped by repo:admin (contract §0.3).
  const orgOnly = sb.mintToken('alice', ['org:admin']);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/platform/base-images/mirror', { token: orgOnly }), 403, 'insufficient_scope', 'Unauthorized');
});

void test('FEATURE_REPO_MIRROR off: the path is a repository named "<name>/mirror", so an org admin gets the same 404', async () => {
  expectShapeA(off, await call(off, 'GET', '/api/v1/repository/platform/base-images/mirror', { token: off.tokens.admin }), 404, 'not_found', 'Not Found');
  expectShapeA(off, await call(off, 'GET', '/api/v1/repository/platform/base-images/mirror', { token: off.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  // The configuration is still there, and the delete still refuses (robot_has_mirror does not look at the feature).
  expectShapeA(off, await call(off, 'DELETE', '/api/v1/organization/platform/robots/mirror_bot', { token: off.tokens.admin }), 400, 'invalid_request', 'Robot is being used by a mirror');
});

void test('GET /organization/{org}/mirror (3.17+): robot_username, 404 without one, Unauthorized for non-admins, HTML 404 when off', async () => {
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/platform/mirror', { token: sb.tokens.admin }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/nosuchorg/mirror', { token: sb.mintToken('alice', ['org:admin', 'user:admin', 'repo:admin']) }), 403, 'insufficient_scope', 'Unauthorized');
  sb.state.setOrgMirror('platform', 'platform+scanner');
  try {
    const body = obj(await call(sb, 'GET', '/api/v1/organization/platform/mirror', { token: sb.tokens.admin }));
    assert.equal(body['robot_username'], 'platform+scanner');
    assert.equal(body['external_registry_type'], 'harbor');
    assert.match(String(body['creation_date']), /Z$/);
    expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/platform/mirror', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  } finally {
    sb.state.setOrgMirror('platform', null);
  }
  const r = await call(off, 'GET', '/api/v1/organization/platform/mirror', { token: off.tokens.admin });
  assert.equal(r.status, 404);
  assert.match(r.text, /<title>404 Not Found<\/title>/);
});

void test('delete: a repository mirror\'s robot is refused until the mirror uses another robot; an org mirror\'s robot is deleted with the org mirror', async () => {
  const s = await startSandbox({ seed: 'demo' });
  try {
    const t = s.tokens.admin;
    expectShapeA(s, await call(s, 'DELETE', '/api/v1/organization/platform/robots/mirror_bot', { token: t }), 400, 'invalid_request', 'Robot is being used by a mirror');
    assert.ok(s.state.robot('platform+mirror_bot')?.usedByMirror);
    // Unknown robot: lookup_robot's 400 D comes first.
    expectShapeD(await call(s, 'DELETE', '/api/v1/organization/platform/robots/nobody', { token: t }), 'Could not find robot with specified username');
    // Change the mirror's robot first (what the extension tells the user to do), then the delete goes through.
    s.state.setRepoMirror('platform/base-images', 'platform+scanner');
    assert.equal(s.state.userPermission('platform/base-images', 'platform+scanner'), 'write');
    expectStatus(await call(s, 'DELETE', '/api/v1/organization/platform/robots/mirror_bot', { token: t }), 204);
    // Quay does not check organization mirrors: the robot goes, and the org mirror with it.
    s.state.setOrgMirror('platform', 'platform+scanner');
    s.state.setRepoMirror('platform/base-images', null);
    expectStatus(await call(s, 'DELETE', '/api/v1/organization/platform/robots/scanner', { token: t }), 204);
    assert.equal(s.state.orgMirrorRobot('platform'), undefined);
    // A user's robot used by a mirror of the user's repository: same refusal on the user endpoint.
    s.state.setRepoMirror('alice/dotfiles', 'alice+backup');
    expectShapeA(s, await call(s, 'DELETE', '/api/v1/user/robots/backup', { token: t }), 400, 'invalid_request', 'Robot is being used by a mirror');
  } finally {
    await s.close();
  }
});

void test('isoZ is Python\'s isoformat() + "Z" (microseconds only when non-zero)', () => {
  assert.equal(isoZ(Date.UTC(2026, 11, 7, 12, 0, 0)), '2026-12-07T12:00:00Z');
  assert.equal(isoZ(Date.UTC(2026, 11, 7, 12, 0, 0, 5)), '2026-12-07T12:00:00.005000Z');
});
