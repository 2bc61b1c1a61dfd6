/** Contract §7 (teams) and §8's audit entries: every write endpoint logs what Quay logs. */
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

const MEMBERS = '/api/v1/organization/acme/team/developers/members';

void test('members list: users and robots, can_edit for admins; unknown team 404; non-members 403', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/organization/acme/team/deployers/members', { token: t }));
  assert.deepEqual(Object.keys(r), ['name', 'members', 'can_edit']);
  const m = (r['members'] as Record<string, unknown>[])[0];
  assert.deepEqual({ ...m, avatar: undefined }, { name: 'acme+ci_push', kind: 'user', is_robot: true, avatar: undefined, invited: false });
  assert.equal(r['can_edit'], true);
  const bob = obj(await call(sb, 'GET', MEMBERS, { token: sb.tokens.member }));
  assert.equal(bob['can_edit'], false);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/team/owners/members', { token: sb.tokens.member }), 403, 'insufficient_scope', 'Unauthorized');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/team/ghosts/members', { token: t }), 404, 'not_found', 'Not Found');
});

void test('add member: robots directly; unknown user 400 A; already a member 400 D; foreign robot 400 D; non-members invited', async () => {
  const added = await call(sb, 'PUT', `${MEMBERS}/acme+ci_pull`, { token: t });
  expectStatus(added, 200);
  assert.equal(obj(added)['invited'], false);
  assert.ok(sb.state.teamMembers('acme', 'developers')?.includes('acme+ci_pull'));
  expectShapeA(sb, await call(sb, 'PUT', `${MEMBERS}/nobody`, { token: t }), 400, 'invalid_request', 'Unknown user');
  expectShapeD(await call(sb, 'PUT', `${MEMBERS}/bob`, { token: t }), 'User bob is already a member of team developers');
  expectShapeD(await call(sb, 'PUT', `${MEMBERS}/platform+scanner`, { token: t }), 'Cannot add the specified robot to this team, as it is not a member of the organization');
  const invited = obj(await call(sb, 'PUT', `${MEMBERS}/carol`, { token: t }));
  assert.equal(invited['invited'], true);
  assert.deepEqual(sb.state.teams('acme').find((x) => x.name === 'developers')?.invited, ['carol']);
  const pending = obj(await call(sb, 'GET', `${MEMBERS}?includePending=true`, { token: t }));
  assert.ok((pending['members'] as Record<string, unknown>[]).some((x) => x['name'] === 'carol' && x['invited'] === true));
  expectShapeA(sb, await call(sb, 'PUT', '/api/v1/organization/acme/team/ghosts/members/bob', { token: t }), 404, 'not_found', 'Not Found');
});

void test('remove member: 204; unknown user 404 A; not a member 400 D; an invite is withdrawn', async () => {
  expectStatus(await call(sb, 'DELETE', `${MEMBERS}/acme+ci_pull`, { token: t }), 204);
  expectShapeD(await call(sb, 'DELETE', `${MEMBERS}/acme+ci_pull`, { token: t }), 'User acme+ci_pull does not belong to team developers');
  expectShapeA(sb, await call(sb, 'DELETE', `${MEMBERS}/nobody`, { token: t }), 404, 'not_found', 'Not Found');
  expectStatus(await call(sb, 'DELETE', `${MEMBERS}/carol`, { token: t }), 204);
  assert.deepEqual(sb.state.teams('acme').find((x) => x.name === 'developers')?.invited, []);
  expectShapeD(await call(sb, 'DELETE', '/api/v1/organization/acme/team/owners/members/alice', { token: t }), 'User cannot remove themselves from their only admin team.');
});

void test('create, update and delete a team', async () => {
  const created = obj(await call(sb, 'PUT', '/api/v1/organization/acme/team/qa', { token: t, body: { role: 'member', description: 'Quality' } }));
  assert.deepEqual({ ...created, avatar: undefined }, { name: 'qa', description: 'Quality', can_view: true, role: 'member', avatar: undefined, new_team: true });
  const updated = obj(await call(sb, 'PUT', '/api/v1/organization/acme/team/qa', { token: t, body: { role: 'creator' } }));
  assert.equal(updated['new_team'], false);
  assert.equal(updated['role'], 'creator');
  expectShapeD(await call(sb, 'PUT', '/api/v1/organization/acme/team/Bad!', { token: t, body: { role: 'member' } }), 'Invalid team name Bad!: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$');
  expectShapeD(await call(sb, 'PUT', '/api/v1/organization/acme/team/owners', { token: t, body: { role: 'member' } }), "Cannot remove admin from team 'owners' because calling user would no longer have admin on org 'acme'");
  expectStatus(await call(sb, 'DELETE', '/api/v1/organization/acme/team/qa', { token: t }), 204);
  expectShapeD(await call(sb, 'DELETE', '/api/v1/organization/acme/team/qa', { token: t }), "Team 'qa' is not a team in org 'acme'");
});

void test('audit: every write appends its entry with Quay\'s metadata, performer and oauth_token_* keys', async () => {
  const ns = 'platform';
  const oauthKeys = ['oauth_token_id', 'oauth_token_application_id', 'oauth_token_application'];
  const steps: [string, string, unknown, string, Record<string, unknown>][] = [
    ['PUT', '/api/v1/organization/platform/robots/audit_bot', { description: 'Audited' }, 'create_robot', { robot: 'audit_bot', description: 'Audited', unstructured_metadata: null }],
    ['POST', '/api/v1/organization/platform/robots/audit_bot/regenerate', undefined, 'regenerate_robot_token', { robot: 'audit_bot' }],
    ['POST', '/api/v1/organization/platform/robots/audit_bot/federation', [{ issuer: 'https://i.example', subject: 's' }], 'create_robot_federation', { config: [{ issuer: 'https://i.example', subject: 's' }], robot: 'audit_bot' }],
    ['DELETE', '/api/v1/organization/platform/robots/audit_bot/federation', undefined, 'delete_robot_federation', { robot: 'audit_bot' }],
    ['PUT', '/api/v1/repository/platform/operators/permissions/user/platform+audit_bot', { role: 'write' }, 'change_repo_permission', { username: 'platform+audit_bot', repo: 'operators', namespace: 'platform', role: 'write' }],
    ['DELETE', '/api/v1/repository/platform/operators/permissions/user/platform+audit_bot', undefined, 'delete_repo_permission', { username: 'platform+audit_bot', repo: 'operators', namespace: 'platform' }],
    ['PUT', '/api/v1/repository/platform/ubi-tools/permissions/team/sre', { role: 'read' }, 'change_repo_permission', { team: 'sre', repo: 'ubi-tools', role: 'read' }],
    ['DELETE', '/api/v1/repository/platform/ubi-tools/permissions/team/sre', undefined, 'delete_repo_permission', { team: 'sre', repo: 'ubi-tools' }],
    ['PUT', '/api/v1/organization/platform/team/sre/members/platform+audit_bot', undefined, 'org_add_team_member', { member: 'platform+audit_bot', team: 'sre' }],
    ['DELETE', '/api/v1/organization/platform/team/sre/members/platform+audit_bot', undefined, 'org_remove_team_member', { member: 'platform+audit_bot', team: 'sre' }],
    ['PUT', '/api/v1/organization/platform/team/builders', { role: 'creator' }, 'org_create_team', { team: 'builders' }],
    ['DELETE', '/api/v1/organization/platform/team/builders', undefined, 'org_delete_team', { team: 'builders' }],
    ['POST', '/api/v1/repository', { namespace: 'platform', repository: 'audited', visibility: 'private', description: '' }, 'create_repo', { repo: 'audited', namespace: 'platform' }],
    ['DELETE', '/api/v1/organization/platform/robots/audit_bot', undefined, 'delete_robot', { robot: 'audit_bot' }],
  ];
  for (const [method, path, body, kind, metadata] of steps) {
    const r = await call(sb, method, path, { token: t, body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    const log = sb.state.logs(ns)[0];
    assert.equal(log?.kind, kind, `${method} ${path}`);
    assert.equal(log?.performer, 'alice');
    assert.equal(log?.ip, '127.0.0.1');
    assert.deepEqual(Object.keys(log?.metadata ?? {}), [...Object.keys(metadata), ...oauthKeys], kind);
    for (const [k, v] of Object.entries(metadata)) assert.deepEqual(log?.metadata[k], v, `${kind}.${k}`);
  }
  // Prototypes log the actor, the rule and the delegate.
  const proto = obj(await call(sb, 'POST', '/api/v1/organization/platform/prototypes', { token: t, body: { delegate: { name: 'sre', kind: 'team' }, role: 'read' } }));
  const id = String(proto['id']);
  assert.deepEqual({ ...sb.state.logs(ns)[0]?.metadata }, {
    prototypeid: id,
    username: 'alice',
    activating_username: null,
    role: 'read',
    delegate_team: 'sre',
    ...Object.fromEntries(oauthKeys.map((k) => [k, sb.state.logs(ns)[0]?.metadata[k]])),
  });
  await call(sb, 'PUT', `/api/v1/organization/platform/prototypes/${id}`, { token: t, body: { role: 'write' } });
  assert.equal(sb.state.logs(ns)[0]?.kind, 'modify_prototype_permission');
  assert.equal(sb.state.logs(ns)[0]?.metadata['original_role'], 'read');
  await call(sb, 'DELETE', `/api/v1/organization/platform/prototypes/${id}`, { token: t });
  assert.equal(sb.state.logs(ns)[0]?.kind, 'delete_prototype_permission');
  // And they are visible through the API, newest first.
  const api = obj(await call(sb, 'GET', '/api/v1/organization/platform/logs', { token: t }));
  const kinds = (api['logs'] as Record<string, unknown>[]).map((l) => l['kind']);
  assert.deepEqual(kinds.slice(0, 3), ['delete_prototype_permission', 'modify_prototype_permission', 'create_prototype_permission']);
});
