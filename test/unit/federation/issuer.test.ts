import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { checkIssuer, internalHostReason, issuerInputProblem, issuerUrlFindings, type FetchJson, type IssuerCheck, type ResolveHost } from '../../../src/core/federation/issuer';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { closedPort, localServer, sendJson, type LocalServer } from '../quay/helpers';
import { fetchJsonTrusting } from './helpers';

let sb: Sandbox;
let fetchJson: ReturnType<typeof fetchJsonTrusting>;
before(async () => {
  sb = await startSandbox({ seed: 'empty' });
  fetchJson = fetchJsonTrusting(sb.issuer.caPem);
});
after(async () => {
  await sb.close();
});

const kinds = (c: IssuerCheck): string[] => c.findings.map((f) => f.kind);
/** The user agreed to fetch the loopback issuers of these tests (the editor asks first: finding 5). */
const agreed = { fetchInternal: true };

/** An https IdP (test CA) serving `discovery` (jwks_uri filled in unless given) and `jwks`. */
async function idp(discovery: (url: string) => Record<string, unknown>, jwks: unknown, status = 200): Promise<LocalServer> {
  const server: LocalServer = await localServer((req, res) => {
    if (req.url?.endsWith('/jwks')) sendJson(res, 200, jwks);
    else sendJson(res, status, { jwks_uri: `${server.url}/jwks`, ...discovery(server.url) });
  }, sb.issuer.tls);
  return server;
}

void test('the sandbox issuer: same issuer, RSA keys; 127.0.0.1 is flagged as internal; a trailing slash is fine', async () => {
  const c = await checkIssuer(sb.issuer.url, fetchJson, undefined, agreed);
  assert.deepEqual(kinds(c), ['clusterInternal', 'issuerMatches', 'rsaKeys']);
  assert.deepEqual(c.discovered, { issuer: sb.issuer.url, jwksUri: `${sb.issuer.url}/jwks` });
  assert.equal(c.keys?.[0]?.kty, 'RSA');
  assert.deepEqual(kinds(await checkIssuer(`${sb.issuer.url}/`, fetchJson, undefined, agreed)), ['clusterInternal', 'issuerMatches', 'rsaKeys']);
});

void test('a document naming another issuer; ES256-only keys; no RSA key; no jwks_uri; a failing document', async () => {
  const rsa = (await fetchJson(`${sb.issuer.url}/jwks`, undefined, { allowInternalHost: new URL(sb.issuer.url).host })).json;
  const ec = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'e1', alg: 'ES256' }] };
  const servers = await Promise.all([
    idp(() => ({ issuer: 'https://idp.example.com' }), rsa),
    idp((url) => ({ issuer: url, id_token_signing_alg_values_supported: ['ES256'] }), ec),
    idp((url) => ({ issuer: url }), { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', kid: 'p', alg: 'PS256' }] }),
    idp((url) => ({ issuer: url, jwks_uri: undefined }), rsa),
    idp(() => ({}), rsa, 404),
  ]);
  try {
    const [mismatch, es256, ps256, noJwks, missing] = await Promise.all(servers.map((s) => checkIssuer(s.url, fetchJson, undefined, agreed)));
    assert.deepEqual(kinds(mismatch), ['clusterInternal', 'issuerMismatch', 'rsaKeys']);
    assert.match(mismatch?.findings[1]?.message ?? '', /names the issuer https:\/\/idp\.example\.com/);
    assert.deepEqual(kinds(es256), ['clusterInternal', 'issuerMatches', 'es256Only']);
    assert.match(es256?.findings[2]?.message ?? '', /ES256.*RS256 and RS384/);
    assert.deepEqual(kinds(ps256), ['clusterInternal', 'issuerMatches', 'noRsaKeys']);
    assert.deepEqual(kinds(noJwks), ['clusterInternal', 'issuerMatches', 'noJwksUri']);
    assert.deepEqual(kinds(missing), ['clusterInternal', 'discoveryFailed']);
    assert.match(missing?.findings[1]?.message ?? '', /HTTP 404/);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
});

void test('an http:// issuer is an error even when its documents are fine', async () => {
  const rsa = (await fetchJson(`${sb.issuer.url}/jwks`, undefined, { allowInternalHost: new URL(sb.issuer.url).host })).json;
  const plain: LocalServer = await localServer((req, res) => sendJson(res, 200, req.url?.endsWith('/jwks') ? rsa : { issuer: plain.url, jwks_uri: `${plain.url}/jwks` }));
  try {
    const c = await checkIssuer(plain.url, fetchJson, undefined, agreed);
    assert.deepEqual(kinds(c), ['insecureHttp', 'clusterInternal', 'issuerMatches', 'rsaKeys']);
    assert.equal(c.findings[0]?.severity, 'error');
    assert.match(c.findings[0]?.message ?? '', /every exchange/);
  } finally {
    await plain.close();
  }
});

void test('unreachable or untrusted from the editor: this proves nothing about Quay', async () => {
  const closed = await checkIssuer(`https://127.0.0.1:${await closedPort()}/oidc`, fetchJson, undefined, agreed);
  assert.deepEqual(kinds(closed), ['clusterInternal', 'unreachable']);
  assert.match(closed.findings[1]?.message ?? '', /ECONNREFUSED.*proves nothing about Quay, which fetches it from its own network/);
  // The sandbox issuer without trusting its CA.
  const untrusted = await checkIssuer(sb.issuer.url, fetchJsonTrusting(rootCertificates.join('\n')), undefined, agreed);
  assert.deepEqual(kinds(untrusted), ['clusterInternal', 'unreachable']);
  assert.match(untrusted.findings[1]?.message ?? '', /certificate|self[- ]signed|issuer/i);
});

void test('the one issuer-URL input rule (Add Trust and Set Up Keyless Access): a non-URL is refused, http:// warns with why', () => {
  assert.equal(issuerInputProblem('https://token.actions.githubusercontent.com'), undefined);
  for (const typed of ['token.actions.githubusercontent.com', 'https://', 'ftp://issuer.example.com', 'https://exa mple.com']) {
    const problem = issuerInputProblem(typed);
    assert.equal(problem?.blocking, true, typed);
    // The message says what Quay accepts: http:// is accepted, so it must not ask for https:// alone.
    assert.match(problem.message, /http:\/\/ or https:\/\//, typed);
  }
  // Quay stores an http:// issuer but never exchanges with it (contract §6.2 step 6): accepted, with a warning that says so.
  const http = issuerInputProblem('http://issuer.example.com');
  assert.equal(http?.blocking, false);
  assert.match(http.message, /http:\/\/ issuer .*over https/);
  assert.equal(issuerInputProblem('https://kubernetes.default.svc')?.blocking, false);
});

void test('what the URL alone tells: not a URL, http, cluster-internal and private hosts', () => {
  assert.deepEqual(issuerUrlFindings('token.actions.githubusercontent.com').map((f) => f.kind), ['notUrl']);
  assert.deepEqual(issuerUrlFindings('https://token.actions.githubusercontent.com'), []);
  assert.deepEqual(issuerUrlFindings('http://kubernetes.default.svc').map((f) => f.kind), ['insecureHttp', 'clusterInternal']);
  const internal = ['kubernetes.default.svc', 'kubernetes.default', 'keycloak.sso.svc', 'oidc.spire.svc.cluster.local', 'keycloak', 'localhost', '10.0.0.5', '172.20.1.1', '192.168.1.10', '127.0.0.1', '169.254.169.254', '100.64.0.1', '[::1]', '[fd00::1]', '[fe80::1]', '[::ffff:10.1.2.3]'];
  for (const host of internal) assert.ok(internalHostReason(host) !== undefined, host);
  const external = ['token.actions.githubusercontent.com', 'gitlab.com', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]', 'svc.example.com'];
  for (const host of external) assert.equal(internalHostReason(host), undefined, host);
});

// ----- security review 2026-12, finding 5: no fetch of an internal target the user did not agree to ------------

/** A fetch that records its calls and answers from a table (no network). */
function spyFetch(answers: Record<string, unknown>): FetchJson & { readonly calls: string[] } {
  const calls: string[] = [];
  const f = (url: string): Promise<{ status: number; json: unknown }> => {
    calls.push(url);
    return Promise.resolve(url in answers ? { status: 200, json: answers[url] } : { status: 404, json: undefined });
  };
  return Object.assign(f, { calls });
}
const noDns: ResolveHost = () => Promise.reject(new Error('no DNS in this test'));

void test('an issuer on an internal host is not fetched until the user agrees; the editor is asked with the reason', async () => {
  const issuer = 'https://10.0.0.5:8443/realms/ci';
  const fetchJson = spyFetch({ [`${issuer}/.well-known/openid-configuration`]: { issuer, jwks_uri: `${issuer}/certs` }, [`${issuer}/certs`]: { keys: [{ kty: 'RSA', kid: 'k' }] } });
  const silent = await checkIssuer(issuer, fetchJson, undefined, { resolve: noDns });
  assert.deepEqual(kinds(silent), ['clusterInternal', 'notFetched']);
  assert.match(silent.findings[1]?.message ?? '', /did not fetch.*10\.0\.0\.5 is a private, loopback or link-local address/);
  const asked: string[] = [];
  const declined = await checkIssuer(issuer, fetchJson, undefined, { resolve: noDns, fetchInternal: (reason) => (asked.push(reason), Promise.resolve(false)) });
  assert.deepEqual(kinds(declined), ['clusterInternal', 'notFetched']);
  assert.deepEqual(fetchJson.calls, [], 'nothing fetched before the user agreed');
  const fetched = await checkIssuer(issuer, fetchJson, undefined, { resolve: noDns, fetchInternal: (reason) => (asked.push(reason), Promise.resolve(true)) });
  assert.deepEqual(kinds(fetched), ['clusterInternal', 'issuerMatches', 'rsaKeys']);
  assert.deepEqual(asked, ['10.0.0.5 is a private, loopback or link-local address', '10.0.0.5 is a private, loopback or link-local address']);
  assert.deepEqual(fetchJson.calls, [`${issuer}/.well-known/openid-configuration`, `${issuer}/certs`]);
  // A public issuer asks nothing.
  let askedPublic = false;
  await checkIssuer('https://idp.example.com', spyFetch({}), undefined, { resolve: () => Promise.resolve(['203.0.113.7']), fetchInternal: () => ((askedPublic = true), Promise.resolve(true)) });
  assert.equal(askedPublic, false);
});

void test('a name that resolves to a private address is flagged like one (injected resolver), and not fetched unasked', async () => {
  const fetchJson = spyFetch({});
  const c = await checkIssuer('https://sso.corp.example/realms/ci', fetchJson, undefined, { resolve: (h) => Promise.resolve(h === 'sso.corp.example' ? ['192.168.10.4'] : []) });
  assert.deepEqual(kinds(c), ['clusterInternal', 'notFetched']);
  assert.match(c.findings[0]?.message ?? '', /sso\.corp\.example resolves to 192\.168\.10\.4/);
  assert.deepEqual(fetchJson.calls, []);
});

void test('a jwks_uri on an internal host is reported, not fetched: on a public issuer, and beside an agreed internal one', async () => {
  const metadata = 'http://169.254.169.254/latest/meta-data/iam/security-credentials/role';
  const publicIssuer = 'https://idp.example.com';
  const pub = spyFetch({ [`${publicIssuer}/.well-known/openid-configuration`]: { issuer: publicIssuer, jwks_uri: metadata } });
  const c = await checkIssuer(publicIssuer, pub, undefined, { resolve: () => Promise.resolve(['203.0.113.7']) });
  assert.deepEqual(kinds(c), ['issuerMatches', 'refusedTarget']);
  assert.match(c.findings[1]?.message ?? '', /did not fetch the keys \(jwks_uri\) http:\/\/169\.254\.169\.254\/latest\/meta-data\/.*link-local/);
  assert.equal(c.keys, undefined);
  assert.deepEqual(pub.calls, [`${publicIssuer}/.well-known/openid-configuration`]);

  const loop = 'https://127.0.0.1:9443';
  const other = 'http://127.0.0.2:9444/latest/meta-data/';
  const agreedLoop = spyFetch({ [`${loop}/.well-known/openid-configuration`]: { issuer: loop, jwks_uri: other } });
  const d = await checkIssuer(loop, agreedLoop, undefined, { resolve: noDns, fetchInternal: true });
  assert.deepEqual(kinds(d), ['clusterInternal', 'issuerMatches', 'refusedTarget']);
  assert.deepEqual(agreedLoop.calls, [`${loop}/.well-known/openid-configuration`], 'only the host the user agreed to');
});

void test('a redirect from https to http is refused, even to the agreed host', async () => {
  const server: LocalServer = await localServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${server.port}/plain` }).end(), sb.issuer.tls);
  try {
    const c = await checkIssuer(server.url, fetchJson, undefined, agreed);
    assert.deepEqual(kinds(c), ['clusterInternal', 'refusedTarget']);
    assert.match(c.findings[1]?.message ?? '', /did not fetch the discovery document http:\/\/127\.0\.0\.1:\d+\/plain: a redirect from https \(127\.0\.0\.1:\d+\) to plain http/);
  } finally {
    await server.close();
  }
});
