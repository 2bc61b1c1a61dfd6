/** Contract §6: federation config (§6.1) and the token exchange (§6.2) with the sandbox's own OIDC issuer. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { makeTlsMaterial } from '../../sandbox/tls';
import { localServer, sendJson, type LocalServer } from '../quay/helpers';
import { call, expectRaw500, expectShapeA, expectShapeD, expectStatus, obj, type CallResult } from './helpers';

let sb: Sandbox;
let t: string;

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
  t = sb.tokens.admin;
});
after(async () => {
  await sb.close();
});

const FED = '/api/v1/organization/acme/robots/keyless/federation';
const SUBJECT = 'system:serviceaccount:prod:app';

async function exchange(user: string, password: string): Promise<CallResult> {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return call(sb, 'GET', '/oauth2/federation/robot/token', { headers: { Authorization: auth } });
}

/** A request to the test issuer over https, trusting `ca` (default: the sandbox's test CA). */
function issuerCall(path: string, options: { method?: string; body?: unknown; ca?: string } = {}): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(`${sb.issuer.url}${path}`, { method: options.method ?? 'GET', ca: options.ca ?? sb.issuer.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    req.on('error', reject);
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}

/** A loopback IdP serving `discovery` (its `jwks_uri` filled in) and `keys`, counting requests per path. */
async function idp(tls: { certPem: string; keyPem: string } | undefined, discovery: (url: string) => Record<string, unknown>, keys: () => unknown): Promise<LocalServer & { readonly hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const server = await localServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    sendJson(res, 200, path.endsWith('/jwks') ? keys() : { jwks_uri: `${server.url}/jwks`, ...discovery(server.url) });
  }, tls);
  return Object.assign(server, { hits });
}

const sandboxKeys = async (): Promise<unknown> => (await issuerCall('/jwks')).json;

function decode(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h = '', p = ''] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown> };
}

void test('§0 the test issuer: https with the test CA, discovery and JWKS under <issuer>', async () => {
  assert.match(sb.issuer.url, /^https:\/\/127\.0\.0\.1:\d+\/oidc$/);
  assert.match(sb.issuer.caPem, /^-----BEGIN CERTIFICATE-----/);
  const d = (await issuerCall('/.well-known/openid-configuration')).json as Record<string, unknown>;
  assert.equal(d['issuer'], sb.issuer.url);
  assert.equal(d['jwks_uri'], `${sb.issuer.url}/jwks`);
  const keys = ((await sandboxKeys()) as { keys: Record<string, unknown>[] }).keys;
  assert.equal(keys[0]?.['kty'], 'RSA');
  assert.equal(decode(sb.issuer.mint({ sub: 'x' })).header['kid'], keys[0]?.['kid']);
  const minted = (await issuerCall('/mint', { method: 'POST', body: { sub: SUBJECT } })).json as Record<string, unknown>;
  assert.equal(decode(String(minted['token'])).payload['sub'], SUBJECT);
  // Its certificate does not verify against another CA.
  await assert.rejects(issuerCall('/jwks', { ca: (await makeTlsMaterial()).caPem }), /self[- ]signed|unable to verify|certificate/i);
  // The issuer is no longer served by the Quay app itself.
  expectStatus(await call(sb, 'GET', '/oidc/jwks'), 404);
});

void test('§6.1 seeded config; POST replaces everything (200), drops extra keys; [] clears; DELETE 204', async () => {
  const seeded = (await call(sb, 'GET', FED, { token: t })).json;
  assert.deepEqual(seeded, [
    { issuer: sb.issuer.url, subject: SUBJECT },
    { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' },
  ]);
  const body = [{ issuer: 'https://issuer.example.com', subject: 'one', audiences: ['x'] }];
  const r = await call(sb, 'POST', FED, { token: t, body });
  expectStatus(r, 200);
  assert.deepEqual(r.json, [{ issuer: 'https://issuer.example.com', subject: 'one' }]);
  assert.deepEqual(sb.state.robot('acme+keyless')?.federation, [{ issuer: 'https://issuer.example.com', subject: 'one' }]);
  expectStatus(await call(sb, 'POST', FED, { token: t, body: [] }), 200);
  assert.deepEqual((await call(sb, 'GET', FED, { token: t })).json, []);
  expectStatus(await call(sb, 'POST', FED, { token: t, body: [{ issuer: sb.issuer.url, subject: SUBJECT }] }), 200);
  expectStatus(await call(sb, 'DELETE', '/api/v1/organization/acme/robots/unused_bot/federation', { token: t }), 204);
  assert.deepEqual((await call(sb, 'GET', '/api/v1/organization/acme/robots/unused_bot/federation', { token: t })).json, []);
});

void test('§6.1 validation order and messages', async () => {
  const post = (body: unknown): Promise<CallResult> => call(sb, 'POST', FED, { token: t, body });
  const schema = await post([{ subject: 'x' }]);
  expectStatus(schema, 400);
  assert.equal(String(obj(schema)['detail']).split('\n')[0], "'issuer' is a required property");
  expectShapeA(sb, await post([{ issuer: '', subject: 'x' }]), 400, 'invalid_request', 'Missing one or more required fields (issuer, subject)');
  expectShapeA(sb, await post([{ issuer: 'issuer.example.com', subject: 'x' }]), 400, 'invalid_request', 'Issuer must be a URL (http:// or https://)');
  expectShapeA(sb, await post([{ issuer: 'https://a', subject: 'x' }, { issuer: 'https://a', subject: 'x' }]), 400, 'invalid_request', 'Duplicate federation config entry');
  expectShapeA(sb, await call(sb, 'POST', FED, { token: t, rawBody: 'null' }), 400, 'invalid_request', 'Missing JSON body');
  // The config is validated before the robot is looked up.
  expectShapeA(sb, await call(sb, 'POST', '/api/v1/organization/acme/robots/ghost/federation', { token: t, body: [{ issuer: 'nope', subject: 'x' }] }), 400, 'invalid_request', 'Issuer must be a URL (http:// or https://)');
  expectShapeD(await call(sb, 'POST', '/api/v1/organization/acme/robots/ghost/federation', { token: t, body: [] }), 'Could not find robot with specified username');
  expectShapeD(await call(sb, 'GET', '/api/v1/organization/acme/robots/ghost/federation', { token: t }), 'Could not find robot with specified username');
});

void test('§6.2 exchange success: a Quay robot JWT (RS256, instance key, 3600 s) and an audit entry', async () => {
  const r = await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, aud: 'anything', nbf: Math.floor(Date.now() / 1000) + 3600 }));
  expectStatus(r, 200);
  assert.equal(r.contentType, 'application/json');
  const { header, payload } = decode(String(obj(r)['token']));
  assert.equal(header['alg'], 'RS256');
  assert.equal(typeof header['kid'], 'string');
  assert.equal(payload['iss'], 'quay');
  assert.equal(payload['aud'], sb.hostname);
  assert.equal(payload['sub'], 'acme+keyless');
  assert.equal(Number(payload['exp']) - Number(payload['iat']), 3600);
  // An empty object, not a list (contract §6.2).
  assert.equal(JSON.stringify(payload['access']), '{}');
  assert.deepEqual(payload['context'], {
    version: 2,
    entity_kind: 'robot',
    entity_reference: 'acme+keyless',
    kind: 'user',
    user: 'acme+keyless',
    'com.apostille.roots': null,
    'com.apostille.root': '$disabled',
  });
  const log = sb.state.logs('acme')[0];
  assert.equal(log?.kind, 'federated_robot_token_exchange');
  assert.equal(log?.performer, null);
  assert.deepEqual(log?.metadata, { subject: SUBJECT, issuer: sb.issuer.url, robot: 'keyless' });
  // RS384 is accepted too.
  expectStatus(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT }, { alg: 'RS384' })), 200);
});

void test('§6.2 header errors are 401 {"error"}', async () => {
  const raw = (authorization?: string): Promise<CallResult> => call(sb, 'GET', '/oauth2/federation/robot/token', { headers: authorization ? { Authorization: authorization } : {} });
  const expect401 = (r: CallResult, error: string): void => {
    expectStatus(r, 401);
    assert.deepEqual(r.json, { error });
  };
  expect401(await raw(), 'No auth header');
  expect401(await raw('Bearer abc'), 'Invalid basic auth header');
  expect401(await raw('Basic abc def'), 'Invalid basic auth header');
  expect401(await raw('Basic a'), 'Could not parse basic auth header');
  expect401(await raw(`Basic ${Buffer.from('no-colon').toString('base64')}`), 'Unexpected number of credentials found in basic auth header');
  expect401(await exchange('keyless', 'x'), 'Invalid robot');
  // GET only: POST is Flask's HTML 405.
  const post = await call(sb, 'POST', '/oauth2/federation/robot/token');
  expectStatus(post, 405);
  assert.match(post.contentType, /^text\/html/);
});

void test('§6.2 robot, issuer and config errors are 400 shape D; a non-JWT password is a raw 500', async () => {
  expectShapeD(await exchange('acme+ghost', sb.issuer.mint({ sub: SUBJECT })), 'Could not find robot with specified username');
  expectRaw500(await exchange('acme+keyless', 'not-a-jwt'));
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: undefined })), 'Token does not contain issuer');
  expectShapeD(await exchange('acme+unused_bot', sb.issuer.mint({ sub: SUBJECT })), 'Robot does not have federated login configured');
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: 'https://other.example.com' })), 'issuer https://other.example.com not configured for this robot');
});

void test('§6.2 JWT errors: kid, expiry (30 s leeway), iat, signature, algorithm, subject', async () => {
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT }, { kid: null })), 'Invalid token: Missing `kid` header');
  const now = Math.floor(Date.now() / 1000);
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iat: now - 600, exp: now - 60 })), 'Invalid token: Signature has expired');
  expectStatus(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iat: now - 600, exp: now - 10 })), 200);
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iat: undefined })), 'Invalid token: Token is missing the "iat" claim');
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, exp: undefined })), 'Invalid token: Token is missing the "exp" claim');
  const good = sb.issuer.mint({ sub: SUBJECT });
  const p = good.split('.')[1] ?? '';
  const tampered = `${good.split('.')[0] ?? ''}.${Buffer.from(JSON.stringify({ ...decode(good).payload, sub: 'someone-else' })).toString('base64url')}.${good.split('.')[2]}`;
  expectShapeD(await exchange('acme+keyless', tampered), 'Invalid token: Signature verification failed');
  const hs256 = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: decode(good).header['kid'] })).toString('base64url')}.${p}.c2ln`;
  expectShapeD(await exchange('acme+keyless', hs256), 'Invalid token: The specified alg value is not allowed');
  expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: 'system:serviceaccount:prod:other' })), 'Token does not match robot');
});

void test('§6.2 iss vs discovery issuer: trailing-slash-insensitive, else "not in configured issuers"', async () => {
  // An IdP trusted by the exchange (test CA) whose discovery document names another issuer and serves the sandbox issuer's keys.
  const keys = await sandboxKeys();
  const other = await idp(sb.issuer.tls, () => ({ issuer: 'https://idp.example.com' }), () => keys);
  try {
    const slashed = `${sb.issuer.url}/`;
    await call(sb, 'POST', FED, { token: t, body: [{ issuer: sb.issuer.url, subject: SUBJECT }, { issuer: other.url, subject: SUBJECT }, { issuer: slashed, subject: SUBJECT }] });
    expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: other.url })), `Invalid token: Issuer '${other.url}' not in configured issuers: ['https://idp.example.com']`);
    expectStatus(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: slashed })), 200);
  } finally {
    await other.close();
  }
});

void test('§0/§6.2 an http:// issuer is stored but every exchange is a raw 500, before anything is fetched', async () => {
  const keys = await sandboxKeys();
  const plain = await idp(undefined, (url) => ({ issuer: url }), () => keys);
  try {
    expectStatus(await call(sb, 'POST', FED, { token: t, body: [{ issuer: plain.url, subject: SUBJECT }] }), 200);
    expectRaw500(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: plain.url })));
    assert.deepEqual([...plain.hits], [], '"OIDC server must be accessed over SSL" is raised before discovery');
    // The kid check comes first (oauth/oidc.py decode_user_jwt), so that message still wins.
    expectShapeD(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: plain.url }, { kid: null })), 'Invalid token: Missing `kid` header');
  } finally {
    await plain.close();
  }
});

void test('§0/§6.2 an issuer whose certificate the exchange does not trust is a raw 500', async () => {
  const keys = await sandboxKeys();
  const untrusted = await idp(await makeTlsMaterial(), (url) => ({ issuer: url }), () => keys);
  const trusted = await idp(sb.issuer.tls, (url) => ({ issuer: url }), () => keys);
  try {
    await call(sb, 'POST', FED, { token: t, body: [{ issuer: untrusted.url, subject: SUBJECT }, { issuer: trusted.url, subject: SUBJECT }] });
    expectRaw500(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: untrusted.url })));
    assert.deepEqual([...untrusted.hits], [], 'the TLS handshake fails: no request is served');
    // The same IdP with a certificate from the test CA is fine.
    expectStatus(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: trusted.url })), 200);
  } finally {
    await untrusted.close();
    await trusted.close();
  }
});

void test('§0/§6.2 discovery and JWKS are fetched again on every exchange (no cache)', async () => {
  const sandboxJwks = await sandboxKeys();
  let keys: unknown = sandboxJwks;
  const counted = await idp(sb.issuer.tls, (url) => ({ issuer: url }), () => keys);
  try {
    await call(sb, 'POST', FED, { token: t, body: [{ issuer: counted.url, subject: SUBJECT }] });
    const mint = (): string => sb.issuer.mint({ sub: SUBJECT, iss: counted.url });
    expectStatus(await exchange('acme+keyless', mint()), 200);
    expectStatus(await exchange('acme+keyless', mint()), 200);
    assert.deepEqual(Object.fromEntries(counted.hits), { '/.well-known/openid-configuration': 2, '/jwks': 2 });
    // Keys removed at the IdP take effect at once.
    keys = { keys: [] };
    expectRaw500(await exchange('acme+keyless', mint()));
    keys = sandboxJwks;
    expectStatus(await exchange('acme+keyless', mint()), 200);
  } finally {
    await counted.close();
  }
});

void test('§6.2 an unknown kid and an unreachable issuer are raw 500s', async () => {
  await call(sb, 'POST', FED, { token: t, body: [{ issuer: sb.issuer.url, subject: SUBJECT }, { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' }] });
  expectRaw500(await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT }, { kid: 'unknown-kid' })));
  // The sandbox never leaves loopback: GitHub's issuer is "unreachable".
  expectRaw500(await exchange('acme+keyless', sb.issuer.mint({ sub: 'repo:acme/app:ref:refs/heads/main', iss: 'https://token.actions.githubusercontent.com' })));
});

void test('§6.2 the returned token is not an API bearer token (401 "Issuer quay not configured")', async () => {
  const r = await exchange('acme+keyless', sb.issuer.mint({ sub: SUBJECT }));
  const token = String(obj(r)['token']);
  const api = await call(sb, 'GET', '/api/v1/user/', { token });
  expectStatus(api, 401);
  assert.deepEqual(api.json, { error: 'Issuer quay not configured' });
});

void test('user-namespace federation endpoints', async () => {
  const path = '/api/v1/user/robots/laptop/federation';
  assert.deepEqual((await call(sb, 'GET', path, { token: t })).json, []);
  expectStatus(await call(sb, 'POST', path, { token: t, body: [{ issuer: sb.issuer.url, subject: 'laptop' }] }), 200);
  expectStatus(await exchange('alice+laptop', sb.issuer.mint({ sub: 'laptop' })), 200);
  expectStatus(await call(sb, 'DELETE', path, { token: t }), 204);
  expectShapeA(sb, await call(sb, 'GET', path, { token: sb.tokens.orgAdminOnly }), 403, 'insufficient_scope', 'Unauthorized');
});

// ----- Quay 3.18 -------------------------------------------------------------------------------------

const USER_FED = '/api/v1/user/robots/laptop/federation';

void test('3.18 audiences: the API accepts an audiences key of any value and stores only issuer and subject; GET returns audiences an administrator stored', async () => {
  // `_parse_federation_config` (3.18.0) builds {"issuer", "subject"}: the schema has no additionalProperties: false.
  for (const audiences of [['quay'], 'not-a-list', [], [1]]) {
    const r = await call(sb, 'POST', USER_FED, { token: t, body: [{ issuer: sb.issuer.url, subject: 'laptop', audiences }] });
    expectStatus(r, 200);
    assert.deepEqual(r.json, [{ issuer: sb.issuer.url, subject: 'laptop' }], JSON.stringify(audiences));
    assert.deepEqual((await call(sb, 'GET', USER_FED, { token: t })).json, [{ issuer: sb.issuer.url, subject: 'laptop' }]);
  }
  const log = sb.state.logs('alice').find((l) => l.kind === 'create_robot_federation');
  assert.deepEqual(log?.metadata['config'], [{ issuer: sb.issuer.url, subject: 'laptop' }], 'the log holds what was stored');
  // `get_robot_federation_config` returns the stored list as it is: audiences set in the database come back.
  sb.state.setFederationInDatabase('alice+laptop', [{ issuer: sb.issuer.url, subject: 'laptop', audiences: ['quay', 'sts'] }]);
  assert.deepEqual((await call(sb, 'GET', USER_FED, { token: t })).json, [{ issuer: sb.issuer.url, subject: 'laptop', audiences: ['quay', 'sts'] }]);
  // A write through the API (replace-all) drops them.
  expectStatus(await call(sb, 'POST', USER_FED, { token: t, body: [{ issuer: sb.issuer.url, subject: 'laptop', audiences: ['quay', 'sts'] }] }), 200);
  assert.deepEqual(sb.state.robot('alice+laptop')?.federation, [{ issuer: sb.issuer.url, subject: 'laptop' }]);
  expectStatus(await call(sb, 'DELETE', USER_FED, { token: t }), 204);
});

void test('3.18 exchange: aud unchecked and the deprecation warning logged without stored audiences; checked (PyJWT\'s messages) with them', async () => {
  const robot = 'alice+laptop';
  sb.state.setFederationInDatabase(robot, [{ issuer: sb.issuer.url, subject: 'laptop' }]);
  const before = sb.warnings.length;
  expectStatus(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: 'anything' })), 200);
  assert.equal(sb.warnings.length, before + 1);
  assert.match(sb.warnings.at(-1) ?? '', /^Federated robot 'alice\+laptop' authenticated without audience validation\. .*Audience-less federation is deprecated and will be removed in a future release\.$/);

  // The audiences of the last entry of the token's issuer that has any apply to every subject of that issuer.
  sb.state.setFederationInDatabase(robot, [
    { issuer: sb.issuer.url, subject: 'laptop', audiences: ['first'] },
    { issuer: sb.issuer.url, subject: 'other', audiences: ['quay', 'sts'] },
  ]);
  const n = sb.warnings.length;
  expectStatus(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: ['x', 'sts'] })), 200);
  expectStatus(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: 'quay' })), 200);
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: 'first' })), "Invalid token: Audience doesn't match");
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'laptop' })), 'Invalid token: Token is missing the "aud" claim');
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: [] })), 'Invalid token: Token is missing the "aud" claim');
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'laptop', aud: [7] })), 'Invalid token: Invalid claim format in token');
  // The audience is checked before the subject (PyJWT's claims, then Quay's subject match).
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'nobody', aud: 'first' })), "Invalid token: Audience doesn't match");
  expectShapeD(await exchange(robot, sb.issuer.mint({ sub: 'nobody', aud: 'quay' })), 'Token does not match robot');
  assert.equal(sb.warnings.length, n, 'no deprecation warning with audiences');
  sb.state.setFederationInDatabase(robot, []);
});

void test('before 3.18 (emulateBefore318): Flask\'s HTML 404 on the user-namespace federation routes only; organization robots keep theirs', async () => {
  sb.emulateBefore318(true);
  try {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await call(sb, method, USER_FED, { token: t, ...(method === 'POST' ? { body: [] } : {}) });
      expectStatus(r, 404);
      assert.match(r.contentType, /text\/html/, method);
    }
    expectStatus(await call(sb, 'GET', FED, { token: t }), 200);
    expectStatus(await call(sb, 'GET', '/api/v1/user/robots/laptop', { token: t }), 200);
  } finally {
    sb.emulateBefore318(false);
  }
  expectStatus(await call(sb, 'GET', USER_FED, { token: t }), 200);
  // The pre-3.13 switch still covers both.
  sb.emulateBefore313(true);
  try {
    expectStatus(await call(sb, 'GET', USER_FED, { token: t }), 404);
    expectStatus(await call(sb, 'GET', FED, { token: t }), 404);
  } finally {
    sb.emulateBefore313(false);
  }
});
