/** Contract §12: the registry login (`GET /v2/`, `GET /v2/auth`) and its side effects (§12.6). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { call, expectRaw500, expectShapeC, expectStatus, obj, type CallResult } from './helpers';

let sb: Sandbox;

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
});
after(async () => {
  await sb.close();
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function auth(user: string | undefined, password: string, query = '', headers: Record<string, string> = {}): Promise<CallResult> {
  const h: Record<string, string> = { ...headers };
  if (user !== undefined) h['Authorization'] = basic(user, password);
  return call(sb, 'GET', `/v2/auth${query}`, { headers: h });
}

function claims(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h = '', p = ''] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown> };
}

/** The access list of a successful `/v2/auth`. */
async function access(user: string | undefined, password: string, ...scopes: string[]): Promise<unknown> {
  const r = await auth(user, password, `?service=${sb.hostname}${scopes.map((s) => `&scope=${encodeURIComponent(s)}`).join('')}`);
  expectStatus(r, 200);
  return claims(String(obj(r)['token'])).payload['access'];
}

function challenge(on: Sandbox = sb): string {
  return `Bearer realm="${on.url}/v2/auth",service="${on.hostname}"`;
}

/** A V2 error: `jsonify` of `{"errors": [{"code", "detail", "message"}]}`, with the challenge on 401s. */
function expectV2Error(r: CallResult, status: number, code: string, message: string, on: Sandbox = sb): void {
  expectStatus(r, status);
  assert.equal(r.contentType, 'application/json');
  assert.equal(r.text, `${JSON.stringify({ errors: [{ code, detail: {}, message }] })}\n`);
  assert.equal(r.headers.get('www-authenticate'), status === 401 ? challenge(on) : null);
  assert.equal(r.headers.get('docker-distribution-api-version'), status === 401 ? 'registry/2.0' : null);
}

const token = (name: string): string => sb.state.robot(name)?.token ?? assert.fail(`no robot ${name}`);
const wrongSecret = (name: string): string => `Could not find robot with username: ${name} and supplied password.`;

async function login(name: string): Promise<string> {
  const r = await auth(name, token(name), `?account=${encodeURIComponent(name)}&service=${sb.hostname}`);
  expectStatus(r, 200);
  return String(obj(r)['token']);
}

void test('§12.1 GET /v2/ without credentials: 401 "true" as text/html with the Bearer challenge; /v2 redirects', async () => {
  const r = await call(sb, 'GET', '/v2/');
  expectStatus(r, 401);
  assert.equal(r.text, 'true');
  assert.equal(r.contentType, 'text/html; charset=utf-8');
  assert.equal(r.headers.get('www-authenticate'), challenge());
  assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.equal(r.headers.get('x-sparse-manifest-support'), 'false');
  const redirect = await call(sb, 'GET', '/v2');
  expectStatus(redirect, 308);
  assert.equal(redirect.headers.get('location'), `${sb.url}/v2/`);
});

void test('§12.1 GET /v2/ with its own token: 200 "true" (even with access: []); a foreign or malformed bearer: 401 {"error"} + challenge', async () => {
  const jwt = await login('acme+ci_pull');
  const ok = await call(sb, 'GET', '/v2/', { headers: { Authorization: `Bearer ${jwt}` } });
  expectStatus(ok, 200);
  assert.equal(ok.text, 'true');
  assert.equal(ok.headers.get('www-authenticate'), challenge());
  assert.equal(ok.headers.get('docker-distribution-api-version'), 'registry/2.0');

  const refused = async (authorization: string, reason: string): Promise<void> => {
    const r = await call(sb, 'GET', '/v2/', { headers: { Authorization: authorization } });
    expectShapeC(r, 401, reason);
    assert.equal(r.headers.get('www-authenticate'), challenge());
    assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
  };
  await refused(basic('acme+ci_pull', token('acme+ci_pull')), 'Invalid bearer token format');
  await refused(`Bearer ${sb.tokens.admin}`, 'Invalid bearer token format');
  await refused(`bearer ${jwt}`, 'Invalid bearer token format');
  await refused(`Bearer ${sb.issuer.mint({ sub: 'acme+ci_pull' })}`, 'Unknown service key');
  await refused(`Bearer ${sb.issuer.mint({ sub: 'acme+ci_pull' }, { kid: null })}`, 'Missing kid header');
  const [h, p] = jwt.split('.');
  await refused(`Bearer ${h}.${p}.${Buffer.from('forged').toString('base64url')}`, 'Signature verification failed');
  // No `service`: the token's aud is null, which Quay's own check then refuses.
  const noService = String(obj(await auth('acme+ci_pull', token('acme+ci_pull')))['token']);
  assert.equal(claims(noService).payload['aud'], null);
  await refused(`Bearer ${noService}`, 'Token is missing the "aud" claim');
});

void test('§12.2/§12.4 a robot login: 200 application/json, no-cache, exactly {"token"}; account, offline_token and client_id ignored', async () => {
  const r = await auth('acme+ci_pull', token('acme+ci_pull'), `?account=somebody-else&service=${sb.hostname}&offline_token=true&client_id=docker`);
  expectStatus(r, 200);
  assert.equal(r.contentType, 'application/json');
  assert.equal(r.headers.get('cache-control'), 'no-cache, no-store, must-revalidate');
  assert.deepEqual(Object.keys(obj(r)), ['token']);
  const { header, payload } = claims(String(obj(r)['token']));
  assert.deepEqual(Object.keys(header), ['alg', 'kid', 'typ']);
  assert.equal(header['alg'], 'RS256');
  assert.equal(header['typ'], 'JWT');
  assert.equal(payload['iss'], 'quay');
  assert.equal(payload['aud'], sb.hostname);
  assert.equal(payload['sub'], 'acme+ci_pull');
  assert.equal(payload['nbf'], payload['iat']);
  assert.equal(Number(payload['exp']) - Number(payload['iat']), 3600);
  assert.deepEqual(payload['access'], []);
  assert.deepEqual(payload['context'], {
    version: 2,
    entity_kind: 'robot',
    entity_reference: 'acme+ci_pull',
    kind: 'user',
    user: 'acme+ci_pull',
    'com.apostille.roots': {},
    'com.apostille.root': '$disabled',
  });
  expectStatus(await call(sb, 'POST', '/v2/auth', { headers: { Authorization: basic('acme+ci_pull', token('acme+ci_pull')) } }), 405);
});

void test('§12.2 #2/#3, §12.3 refusals: 401 UNAUTHORIZED in the errors shape with Quay\'s message and the challenge', async () => {
  expectV2Error(await auth('acme+ci_pull', 'WRONG'), 401, 'UNAUTHORIZED', wrongSecret('acme+ci_pull'));
  expectV2Error(await auth('acme+ci_pull', `${token('acme+ci_pull')}é`), 401, 'UNAUTHORIZED', wrongSecret('acme+ci_pull'));
  expectV2Error(await auth('acme+nobody', 'x'), 401, 'UNAUTHORIZED', 'Could not find robot with specified username');
  expectV2Error(await auth(undefined, '', '', { Authorization: `Bearer ${sb.tokens.admin}` }), 401, 'UNAUTHORIZED', 'Specified credentials are invalid');
  expectV2Error(await auth(undefined, '', '', { Authorization: 'Basic %%%' }), 401, 'UNAUTHORIZED', 'Specified credentials are invalid');
  // No credentials: no scope, or an empty one, is the start of a login, not an anonymous pull.
  expectV2Error(await auth(undefined, ''), 401, 'UNAUTHORIZED', 'access to the requested resource is not authorized');
  expectV2Error(await auth(undefined, '', '?scope='), 401, 'UNAUTHORIZED', 'access to the requested resource is not authorized');
  // Wrong credentials win over a valid scope: one failure fails the request.
  expectV2Error(await auth('acme+ci_pull', 'WRONG', '?scope=repository:acme/frontend:pull'), 401, 'UNAUTHORIZED', wrongSecret('acme+ci_pull'));
});

void test('§12.3 #5 a robot of a disabled owner is refused at login; §12.2 #7 a scope in a disabled namespace is 405 DENIED', async () => {
  sb.state.setEnabled('acme', false);
  try {
    expectV2Error(await auth('acme+ci_pull', token('acme+ci_pull')), 401, 'UNAUTHORIZED', 'Robot acme+ci_pull owner acme is disabled');
    const r = await auth('platform+scanner', token('platform+scanner'), '?scope=repository:acme/docs:pull');
    expectV2Error(r, 405, 'DENIED', 'Namespace acme has been disabled. Please contact a system administrator.');
  } finally {
    sb.state.setEnabled('acme', true);
  }
  await login('acme+ci_pull');
});

void test('§12.3 #1 ROBOTS_DISALLOW: every robot login is refused with Quay\'s (ungrammatical) message', async () => {
  const disallowed = await startSandbox({ seed: 'demo', robotsDisallow: true });
  try {
    const name = 'acme+ci_pull';
    const r = await call(disallowed, 'GET', '/v2/auth', { headers: { Authorization: basic(name, disallowed.state.robot(name)?.token ?? '') } });
    expectV2Error(r, 401, 'UNAUTHORIZED', 'Robot account have been disabled. Please contact your administrator.', disallowed);
  } finally {
    await disallowed.close();
  }
});

void test('§12.2 scopes: granted actions in push,pull,* order; a scope the robot cannot use is 200 with actions: []', async () => {
  const pull = 'acme+ci_pull';
  assert.deepEqual(await access(pull, token(pull), 'repository:acme/frontend:pull'), [{ type: 'repository', name: 'acme/frontend', actions: ['pull'] }]);
  assert.deepEqual(await access(pull, token(pull), 'repository:acme/payments:pull', 'repository:acme/frontend:push'), [
    { type: 'repository', name: 'acme/payments', actions: [] },
    { type: 'repository', name: 'acme/frontend', actions: [] },
  ]);
  assert.deepEqual(await access(pull, token(pull), 'repository:acme/docs:pull'), [{ type: 'repository', name: 'acme/docs', actions: ['pull'] }], 'public');
  assert.deepEqual(await access(pull, token(pull), 'repository:nowhere/app:pull'), [{ type: 'repository', name: 'nowhere/app', actions: [] }]);
  assert.deepEqual(await access(pull, token(pull), 'repository:frontend:pull'), [{ type: 'repository', name: 'frontend', actions: [] }], 'the library namespace does not exist');
  const push = 'acme+ci_push';
  assert.deepEqual(await access(push, token(push), 'repository:acme/frontend:*,pull,push'), [{ type: 'repository', name: 'acme/frontend', actions: ['push', 'pull'] }]);
  assert.deepEqual(await access(push, token(push), 'repository:acme/gateway:push'), [{ type: 'repository', name: 'acme/gateway', actions: ['push'] }], 'write through the deployers team');
  assert.deepEqual(await access(push, token(push), `repository:${sb.hostname}/acme/backend:pull`), [{ type: 'repository', name: `${sb.hostname}/acme/backend`, actions: ['pull'] }]);
  // An authenticated empty scope is skipped.
  assert.deepEqual(await access(pull, token(pull), ''), []);
  // Anonymous pulls of public repositories need no credentials.
  assert.deepEqual(await access(undefined, '', 'repository:acme/docs:pull', 'repository:acme/frontend:pull'), [
    { type: 'repository', name: 'acme/docs', actions: ['pull'] },
    { type: 'repository', name: 'acme/frontend', actions: [] },
  ]);
});

void test('§12.2 push to a repository that does not exist creates it for a robot that may create repositories', async () => {
  const push = 'acme+ci_push';
  assert.equal(sb.state.repository('acme/fresh-service'), undefined);
  assert.deepEqual(await access('acme+ci_pull', token('acme+ci_pull'), 'repository:acme/fresh-service:push'), [{ type: 'repository', name: 'acme/fresh-service', actions: [] }]);
  assert.equal(sb.state.repository('acme/fresh-service'), undefined);
  assert.deepEqual(await access(push, token(push), 'repository:acme/fresh-service:push,pull'), [{ type: 'repository', name: 'acme/fresh-service', actions: ['push', 'pull'] }]);
  assert.equal(sb.state.userPermission('acme/fresh-service', push), 'admin');
  assert.equal(sb.state.userPermission('acme/fresh-service', 'acme+ci_pull'), 'read', 'the org prototype applies');
  assert.deepEqual(await access(push, token(push), 'repository:acme/fresh-service:*'), [{ type: 'repository', name: 'acme/fresh-service', actions: ['*'] }], 'its creator is admin');
});

void test('§12.2 #5/#6 a malformed scope or repository name fails the whole request with 400', async () => {
  const pull = 'acme+ci_pull';
  const q = (...scopes: string[]): string => `?${scopes.map((s) => `scope=${encodeURIComponent(s)}`).join('&')}`;
  expectV2Error(await auth(pull, token(pull), q('repository:acme/frontend:pull', 'repository:acme/frontend:read')), 400, 'INVALID_REQUEST', 'Unable to decode repository and actions: repository:acme/frontend:read');
  expectV2Error(await auth(pull, token(pull), q('registry:catalog:*')), 400, 'INVALID_REQUEST', 'Unable to decode repository and actions: registry:catalog:*');
  expectV2Error(await auth(pull, token(pull), q('repository:acme/Frontend:pull')), 400, 'NAME_INVALID', 'Nested repositories are not supported. Found: acme/Frontend');
  expectV2Error(await auth(pull, token(pull), q('repository:acme/team/app:pull')), 400, 'NAME_INVALID', 'Nested repositories are not supported. Found: acme/team/app');
  expectV2Error(await auth(pull, token(pull), q('repository:Frontend:pull')), 400, 'NAME_INVALID', 'Invalid repository name: Frontend');
});

void test('§12.3 #6 a federated robot JWT is accepted as the password; another robot\'s is not; an external OIDC token is a 500', async () => {
  const oidc = sb.issuer.mint({ sub: 'system:serviceaccount:prod:app' });
  const exchanged = await call(sb, 'GET', '/oauth2/federation/robot/token', { headers: { Authorization: basic('acme+keyless', oidc) } });
  expectStatus(exchanged, 200);
  const jwt = String(obj(exchanged)['token']);
  const r = await auth('acme+keyless', jwt, `?service=${sb.hostname}&scope=repository:acme/backend:pull`);
  expectStatus(r, 200);
  const { payload } = claims(String(obj(r)['token']));
  assert.equal(payload['sub'], 'acme+keyless');
  assert.deepEqual(payload['access'], [{ type: 'repository', name: 'acme/backend', actions: ['pull'] }]);
  expectV2Error(await auth('acme+ci_pull', jwt), 401, 'UNAUTHORIZED', 'Token does not match robot');
  expectRaw500(await auth('acme+keyless', oidc));
});

void test('§12.6 last_accessed: set on a successful robot login, throttled to 60 s, untouched by failures and by Bearer use', async () => {
  const name = 'acme+k8s_prod_puller';
  const lastAccessed = (): number => sb.state.robot(name)?.lastAccessed?.getTime() ?? 0;
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  sb.state.touchRobot(name, twoHoursAgo);
  expectV2Error(await auth(name, 'WRONG'), 401, 'UNAUTHORIZED', wrongSecret(name));
  assert.equal(lastAccessed(), twoHoursAgo.getTime(), 'a failed login changes nothing');

  const before = Date.now();
  const jwt = await login(name);
  const updated = lastAccessed();
  assert.ok(updated >= before && updated <= Date.now(), `updated to now: ${new Date(updated).toISOString()}`);
  const robot = obj(await call(sb, 'GET', '/api/v1/organization/acme/robots/k8s_prod_puller', { token: sb.tokens.admin }));
  assert.equal(new Date(String(robot['last_accessed'])).getTime(), Math.floor(updated / 1000) * 1000, 'the API shows it');

  const thirtySecondsAgo = new Date(Date.now() - 30_000);
  sb.state.touchRobot(name, thirtySecondsAgo);
  await access(name, token(name), 'repository:acme/frontend:pull');
  assert.equal(lastAccessed(), thirtySecondsAgo.getTime(), 'within 60 s: not updated');
  sb.state.touchRobot(name, twoHoursAgo);
  expectStatus(await call(sb, 'GET', '/v2/', { headers: { Authorization: `Bearer ${jwt}` } }), 200);
  assert.equal(lastAccessed(), twoHoursAgo.getTime(), 'using the registry token is no login');
  const sixtyOneSecondsAgo = new Date(Date.now() - 61_000);
  sb.state.touchRobot(name, sixtyOneSecondsAgo);
  await access(name, token(name), 'repository:acme/frontend:pull');
  assert.ok(lastAccessed() > sixtyOneSecondsAgo.getTime(), 'a pull token counts as a login too');
});

void test('§12.6 login_success: only for a login without any scope parameter, in the robot\'s namespace, shown by the usage logs API', async () => {
  const name = 'acme+ci_pull';
  const count = (): number => sb.state.logs('acme').filter((l) => l.kind === 'login_success').length;
  const start = count();
  const r = await auth(name, token(name), `?account=${name}&service=${sb.hostname}`, { 'User-Agent': 'containers/5.24.1 (github.com/containers/image)' });
  expectStatus(r, 200);
  assert.equal(count(), start + 1);
  const logs = obj(await call(sb, 'GET', '/api/v1/organization/acme/logs', { token: sb.tokens.admin }))['logs'] as Record<string, unknown>[];
  const entry = logs[0] ?? {};
  assert.equal(entry['kind'], 'login_success');
  assert.deepEqual(entry['metadata'], { kind: 'robot', robot: name, type: 'v2auth', useragent: 'containers/5.24.1 (github.com/containers/image)' });
  assert.equal(entry['ip'], '127.0.0.1');
  const performer = entry['performer'] as Record<string, unknown>;
  assert.equal(performer['name'], name);
  assert.equal(performer['is_robot'], true);
  const byRobot = obj(await call(sb, 'GET', `/api/v1/organization/acme/logs?performer=${encodeURIComponent(name)}`, { token: sb.tokens.admin }))['logs'] as Record<string, unknown>[];
  assert.equal(byRobot[0]?.['kind'], 'login_success');

  await access(name, token(name), 'repository:acme/frontend:pull');
  await access(name, token(name), '');
  expectV2Error(await auth(name, 'WRONG'), 401, 'UNAUTHORIZED', wrongSecret(name));
  assert.equal(count(), start + 1, 'no entry for a scoped token request (even scope=), nor for a failure (login_failure is off by default)');
  assert.equal(sb.state.logs('acme').filter((l) => l.kind === 'login_failure').length, 0);
});
