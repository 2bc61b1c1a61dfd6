import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { checkIssuer, internalHostReason, issuerUrlFindings, type IssuerCheck } from '../../../src/core/federation/issuer';
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

/** An https IdP (test CA) serving `discovery` (jwks_uri filled in unless given) and `jwks`. */
async function idp(discovery: (url: string) => Record<string, unknown>, jwks: unknown, status = 200): Promise<LocalServer> {
  const server: LocalServer = await localServer((req, res) => {
    if (req.url?.endsWith('/jwks')) sendJson(res, 200, jwks);
    else sendJson(res, status, { jwks_uri: `${server.url}/jwks`, ...discovery(server.url) });
  }, sb.issuer.tls);
  return server;
}

void test('the sandbox issuer: same issuer, RSA keys; 127.0.0.1 is flagged as internal; a trailing slash is fine', async () => {
  const c = await checkIssuer(sb.issuer.url, fetchJson);
  assert.deepEqual(kinds(c), ['clusterInternal', 'issuerMatches', 'rsaKeys']);
  assert.deepEqual(c.discovered, { issuer: sb.issuer.url, jwksUri: `${sb.issuer.url}/jwks` });
  assert.equal(c.keys?.[0]?.kty, 'RSA');
  assert.deepEqual(kinds(await checkIssuer(`${sb.issuer.url}/`, fetchJson)), ['clusterInternal', 'issuerMatches', 'rsaKeys']);
});

void test('a document naming another issuer; ES256-only keys; no RSA key; no jwks_uri; a failing document', async () => {
  const rsa = (await fetchJson(`${sb.issuer.url}/jwks`)).json;
  const ec = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'e1', alg: 'ES256' }] };
  const servers = await Promise.all([
    idp(() => ({ issuer: 'https://idp.example.com' }), rsa),
    idp((url) => ({ issuer: url, id_token_signing_alg_values_supported: ['ES256'] }), ec),
    idp((url) => ({ issuer: url }), { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', kid: 'p', alg: 'PS256' }] }),
    idp((url) => ({ issuer: url, jwks_uri: undefined }), rsa),
    idp(() => ({}), rsa, 404),
  ]);
  try {
    const [mismatch, es256, ps256, noJwks, missing] = await Promise.all(servers.map((s) => checkIssuer(s.url, fetchJson)));
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
  const rsa = (await fetchJson(`${sb.issuer.url}/jwks`)).json;
  const plain: LocalServer = await localServer((req, res) => sendJson(res, 200, req.url?.endsWith('/jwks') ? rsa : { issuer: plain.url, jwks_uri: `${plain.url}/jwks` }));
  try {
    const c = await checkIssuer(plain.url, fetchJson);
    assert.deepEqual(kinds(c), ['insecureHttp', 'clusterInternal', 'issuerMatches', 'rsaKeys']);
    assert.equal(c.findings[0]?.severity, 'error');
    assert.match(c.findings[0]?.message ?? '', /every exchange/);
  } finally {
    await plain.close();
  }
});

void test('unreachable or untrusted from the editor: this proves nothing about Quay', async () => {
  const closed = await checkIssuer(`https://127.0.0.1:${await closedPort()}/oidc`, fetchJson);
  assert.deepEqual(kinds(closed), ['clusterInternal', 'unreachable']);
  assert.match(closed.findings[1]?.message ?? '', /ECONNREFUSED.*proves nothing about Quay, which fetches it from its own network/);
  // The sandbox issuer without trusting its CA.
  const untrusted = await checkIssuer(sb.issuer.url, fetchJsonTrusting(rootCertificates.join('\n')));
  assert.deepEqual(kinds(untrusted), ['clusterInternal', 'unreachable']);
  assert.match(untrusted.findings[1]?.message ?? '', /certificate|self[- ]signed|issuer/i);
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
