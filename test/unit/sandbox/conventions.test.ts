/**
 * Contract §0: routing, authentication, scope caps and the five error shapes, each checked against
 * the sandbox (demo seed).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectRaw500, expectShapeA, expectShapeB, expectShapeC, expectShapeD, expectStatus, obj } from './helpers';

let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
});
after(async () => {
  await sb.close();
});

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

void test('§0.1 a slashless request for a slashed route redirects 308, keeping the query', async () => {
  const r = await call(sb, 'GET', '/api/v1/user?x=1', { token: sb.tokens.admin });
  expectStatus(r, 308);
  assert.equal(r.headers.get('location'), `${sb.url}/api/v1/user/?x=1`);
});

void test('§0.1 the slashed form of a slashless route is an HTML 404, as is an unknown path', async () => {
  for (const path of ['/api/v1/repository/', '/api/v1/organization/acme/robots/', '/api/v1/nope']) {
    const r = await call(sb, 'GET', path, { token: sb.tokens.admin });
    expectStatus(r, 404);
    assert.equal(r.contentType, 'text/html; charset=utf-8');
    assert.match(r.text, /<title>404 Not Found<\/title>/);
  }
});

void test('§0.1 paths are percent-decoded before routing ({repository} = namespace/name, + and %2B alike)', async () => {
  const t = sb.tokens.admin;
  const a = await call(sb, 'GET', '/api/v1/repository/acme%2Ffrontend/permissions/user/acme%2Bk8s_prod_puller', { token: t });
  expectStatus(a, 200);
  assert.equal(obj(a)['name'], 'acme+k8s_prod_puller');
  expectStatus(await call(sb, 'GET', '/api/v1/repository/acme/frontend/permissions/user/acme+k8s_prod_puller', { token: t }), 200);
});

void test('§0.1 a wrong method on a known route is a JSON 405 with Allow', async () => {
  const r = await call(sb, 'POST', '/api/v1/organization/acme/robots', { token: sb.tokens.admin, body: {} });
  expectShapeB(r, 405, 'The method is not allowed for the requested URL.');
  assert.equal(r.headers.get('allow'), 'GET, HEAD, OPTIONS');
  // Checked before authentication and CSRF.
  expectShapeB(await call(sb, 'PUT', '/api/v1/organization/acme/team/owners/permissions'), 405, 'The method is not allowed for the requested URL.');
});

void test('§0.1 success bodies are JSON with a trailing newline; DELETE is 204 with an empty body', async () => {
  const r = await call(sb, 'GET', '/api/v1/organization/acme', { token: sb.tokens.admin });
  expectStatus(r, 200);
  assert.equal(r.contentType, 'application/json');
  assert.ok(r.text.endsWith('}\n'));
  assert.ok(r.text.includes('"name": "acme"'), 'Python json.dumps separators');
  const d = await call(sb, 'DELETE', '/api/v1/organization/acme/robots/unused_bot', { token: sb.tokens.admin });
  expectStatus(d, 204);
  assert.equal(d.text, '');
});

void test('§0.2 the Bearer scheme is case-insensitive; a header of more than two parts is no token', async () => {
  const lower = await fetch(`${sb.url}/api/v1/user/`, { headers: { Authorization: `bearer ${sb.tokens.admin}` } });
  assert.equal(lower.status, 200);
  await lower.text();
  const three = await fetch(`${sb.url}/api/v1/user/`, { headers: { Authorization: `Bearer ${sb.tokens.admin} extra` } });
  assert.equal(three.status, 401);
  await three.text();
});

void test('§0.2 an unknown or revoked token is anonymous: 401 shape A on GET /user/ with session_required', async () => {
  const token = sb.mintToken('alice', ['user:read', 'user:admin']);
  expectStatus(await call(sb, 'GET', '/api/v1/user/', { token }), 200);
  sb.revokeToken(token);
  assert.equal(sb.state.token(token)?.revoked, true);
  const r = await call(sb, 'GET', '/api/v1/user/', { token });
  expectShapeA(sb, r, 401, 'invalid_token', 'Requires authentication', ['session_required']);
  assert.equal(obj(r)['session_required'], false);
  // Anonymous on an endpoint that allows it: public data only.
  const org = obj(await call(sb, 'GET', '/api/v1/organization/acme', { token }));
  assert.equal(org['is_member'], false);
  assert.equal(org['teams'], undefined);
});

void test('§0.2 a JWT-looking bearer aborts 401 shape C (no user, so no "(authorized: …)" suffix)', async () => {
  const jwt = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ iss: 'https://sso.example.com', sub: 'x' })}.c2ln`;
  expectShapeC(await call(sb, 'GET', '/api/v1/user/', { token: jwt }), 401, 'Issuer https://sso.example.com not configured');
  const noIss = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'x' })}.c2ln`;
  expectShapeC(await call(sb, 'GET', '/api/v1/user/', { token: noIss }), 401, 'Token does not contain issuer');
  // The federated robot token the sandbox itself issues is such a JWT (iss "quay").
  const robotToken = `${b64url({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${b64url({ iss: 'quay', sub: 'acme+keyless' })}.c2ln`;
  expectShapeC(await call(sb, 'GET', '/api/v1/user/', { token: robotToken }), 401, 'Issuer quay not configured');
});

void test('§0.5 a write with a missing or invalid token is 403 CSRF, shape C as text/html, before any permission check', async () => {
  for (const token of [undefined, 'NOTAVALIDTOKEN0000000000000000000000000']) {
    const r = await call(sb, 'PUT', '/api/v1/organization/acme/robots/newbot', { token, body: {} });
    expectShapeC(r, 403, 'CSRF token was invalid or missing.');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.ok(!r.text.endsWith('\n'), 'util.http.abort adds no newline');
  }
  expectShapeC(await call(sb, 'DELETE', '/api/v1/organization/nosuchorg/robots/x'), 403, 'CSRF token was invalid or missing.');
  assert.equal(sb.state.robot('acme+newbot'), undefined);
});

void test('§0.3 an org:admin-only token: 401 on /user/, 403 shape A on org robot permissions, but org robots are fine', async () => {
  const t = sb.tokens.orgAdminOnly;
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/user/', { token: t }), 401, 'invalid_token', 'Requires authentication', ['session_required']);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/robots/ci_push/permissions', { token: t }), 403, 'insufficient_scope', 'Unauthorized');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/user/robots', { token: t }), 403, 'insufficient_scope', 'Unauthorized');
  expectStatus(await call(sb, 'GET', '/api/v1/organization/acme/robots', { token: t }), 200);
});

void test('§0.3 repo-permission endpoints need repo:admin even for an org admin', async () => {
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/repository/acme/frontend/permissions/user/', { token: sb.tokens.orgAdminOnly }), 403, 'insufficient_scope', 'Unauthorized');
  const repoAdmin = sb.mintToken('alice', ['repo:admin']);
  expectStatus(await call(sb, 'GET', '/api/v1/repository/acme/frontend/permissions/user/', { token: repoAdmin }), 200);
  // …and the org-robot endpoints refuse that token (org roles need org:admin).
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/acme/robots/ci_push', { token: repoAdmin }), 403, 'insufficient_scope', 'Unauthorized');
});

void test('§1.1 /user/ blocks by scope: user:read hides the admin block and is_org_admin', async () => {
  const full = obj(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }));
  assert.equal(full['email'], 'alice@example.com');
  const orgs = full['organizations'] as Record<string, unknown>[];
  assert.deepEqual(orgs.map((o) => o['name']), ['acme', 'platform', 'opensource']);
  assert.deepEqual(orgs.map((o) => o['is_org_admin']), [true, true, false]);
  assert.equal((orgs[0]?.['avatar'] as Record<string, unknown>)['kind'], 'org');
  const read = obj(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.userReadOnly }));
  assert.deepEqual(Object.keys(read), ['anonymous', 'username', 'avatar', 'organizations']);
  const readOrgs = read['organizations'] as Record<string, unknown>[];
  assert.deepEqual(Object.keys(readOrgs[0] ?? {}), ['name', 'avatar', 'can_create_repo', 'public']);
  assert.equal(readOrgs[0]?.['can_create_repo'], false, 'capped by the token scopes');
});

void test('§1.2 organization: teams only for members, can_view per team, org avatar kind "user", 404 for a user namespace', async () => {
  const admin = obj(await call(sb, 'GET', '/api/v1/organization/acme', { token: sb.tokens.admin }));
  assert.equal(admin['email'], 'admin@acme.example');
  assert.deepEqual(admin['ordered_teams'], ['owners', 'developers', 'deployers']);
  assert.equal((admin['avatar'] as Record<string, unknown>)['kind'], 'user');
  assert.equal(admin['tag_expiration_s'], 1209600);
  const bob = obj(await call(sb, 'GET', '/api/v1/organization/acme', { token: sb.tokens.member }));
  assert.equal(bob['is_admin'], false);
  assert.equal(bob['is_member'], true);
  assert.equal(bob['email'], '');
  assert.equal(bob['tag_expiration_s'], undefined);
  const teams = bob['teams'] as Record<string, Record<string, unknown>>;
  assert.equal(teams['developers']?.['can_view'], true);
  assert.equal(teams['owners']?.['can_view'], false);
  assert.equal(teams['developers']?.['member_count'], 1);
  assert.equal(teams['developers']?.['repo_count'], 3);
  // alice is a plain member of opensource.
  const os = obj(await call(sb, 'GET', '/api/v1/organization/opensource', { token: sb.tokens.admin }));
  assert.equal(os['is_admin'], false);
  assert.equal((os['teams'] as Record<string, Record<string, unknown>>)['contributors']?.['can_view'], true);
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/alice', { token: sb.tokens.admin }), 404, 'not_found', 'Not Found');
  expectShapeA(sb, await call(sb, 'GET', '/api/v1/organization/nope'), 404, 'not_found', 'Not Found');
});

void test('§0.4 shape B: bad query-arg type (help text), non-JSON content type (415), malformed JSON (400)', async () => {
  expectShapeB(await call(sb, 'GET', '/api/v1/organization/acme/robots?limit=abc', { token: sb.tokens.admin }), 400, { limit: 'If specified, the number of robots to return.' });
  const t = sb.tokens.admin;
  expectShapeB(
    await call(sb, 'PUT', '/api/v1/repository/acme/frontend/permissions/user/acme+ci_pull', { token: t, rawBody: 'role=read', contentType: 'application/x-www-form-urlencoded' }),
    415,
    "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
  );
  expectShapeB(await call(sb, 'PUT', '/api/v1/repository/acme/frontend/permissions/user/acme+ci_pull', { token: t, rawBody: '{"role": ' }), 400, 'The browser (or proxy) sent a request that this server could not understand.');
});

void test('§0.4 shape A: JSON-schema violations carry jsonschema\'s text; a null body is "Missing JSON body"', async () => {
  const t = sb.tokens.admin;
  const r = await call(sb, 'PUT', '/api/v1/repository/acme/frontend/permissions/user/acme+ci_pull', { token: t, body: { role: 'owner' } });
  expectStatus(r, 400);
  const detail = String(obj(r)['detail']);
  assert.equal(detail.split('\n')[0], "'owner' is not one of ['read', 'write', 'admin']");
  assert.match(detail, /Failed validating 'enum' in schema\['properties'\]\['role'\]/);
  assert.match(detail, /On instance\['role'\]:\n {4}'owner'$/);
  const missing = await call(sb, 'PUT', '/api/v1/repository/acme/frontend/permissions/user/acme+ci_pull', { token: t, body: {} });
  assert.equal(String(obj(missing)['detail']).split('\n')[0], "'role' is a required property");
  expectShapeA(sb, await call(sb, 'PUT', '/api/v1/repository/acme/frontend/permissions/user/acme+ci_pull', { token: t, rawBody: 'null' }), 400, 'invalid_request', 'Missing JSON body');
});

void test('§0.4 shape D is compact jsonify with a newline; shape E (raw 500) for unhandled errors', async () => {
  const r = await call(sb, 'GET', '/api/v1/organization/acme/robots/nope', { token: sb.tokens.admin });
  expectShapeD(r, 'Could not find robot with specified username');
  assert.equal(r.text, '{"message":"Could not find robot with specified username"}\n');
  // PUT on a nonexistent repository by the org admin: unhandled DoesNotExist → raw 500.
  expectRaw500(await call(sb, 'PUT', '/api/v1/repository/acme/ghost/permissions/user/acme+ci_pull', { token: sb.tokens.admin, body: { role: 'read' } }));
});

void test('§0.4 GET /api/v1/error/{type}', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/error/invalid_token'));
  assert.deepEqual(r, { type: `${sb.url}/api/v1/error/invalid_token`, title: 'invalid_token', description: 'The access token provided was invalid.' });
  expectStatus(await call(sb, 'GET', '/api/v1/error/bogus'), 404);
});

void test('§0.8 dates are RFC 2822 with -0000; avatars hash the lowercased email', async () => {
  const r = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/ci_push', { token: sb.tokens.admin }));
  assert.match(String(r['created']), /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} -0000$/);
  const me = obj(await call(sb, 'GET', '/api/v1/user/', { token: sb.tokens.admin }));
  const { createHash } = await import('node:crypto');
  const avatar = me['avatar'] as Record<string, unknown>;
  assert.equal(avatar['hash'], createHash('sha256').update('alice@example.com').digest('hex'));
  assert.match(String(avatar['color']), /^#[0-9a-f]{6}$/);
});

void test('HEAD and OPTIONS on API routes', async () => {
  const head = await fetch(`${sb.url}/api/v1/user/`, { method: 'HEAD', headers: { Authorization: `Bearer ${sb.tokens.admin}` } });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), '');
  // Flask-RESTful resources define OPTIONS, so it runs the decorators: CSRF without a token.
  expectShapeC(await call(sb, 'OPTIONS', '/api/v1/user/'), 403, 'CSRF token was invalid or missing.');
  const ok = await call(sb, 'OPTIONS', '/api/v1/user/', { token: sb.tokens.admin });
  expectStatus(ok, 200);
  assert.equal(ok.text, 'null\n');
});
