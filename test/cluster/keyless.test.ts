/**
 * Keyless access with real service-account tokens: the test API server signs a TokenRequest for a
 * ServiceAccount (through kubectl 1.20's `create --raw`), and the sandbox, trusting the API server's CA, fetches
 * its discovery document and JWKS over https and verifies the RS256 signature before exchanging the token.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeJwt } from '../../src/core/federation/jwt';
import { QuayApiError } from '../../src/core/quay/errors';
import { QuayClient } from '../../src/core/quay/client';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { memoryLogger } from '../unit/quay/helpers';
import { clusterSkip as skip, startCluster, type TestCluster } from './cluster';

let cluster: TestCluster;
let sandbox: Sandbox;
let admin: QuayClient;
let anonymous: QuayClient;
const acme = { kind: 'org', name: 'acme' } as const;

before(async () => {
  if (skip !== undefined) return;
  cluster = await startCluster();
  sandbox = await startSandbox({ seed: 'demo', trustedCaPem: cluster.caPem });
  const client = (token: string | undefined): QuayClient => new QuayClient({ baseUrl: sandbox.url, instanceLabel: 'sandbox', getToken: () => Promise.resolve(token), logger: memoryLogger().logger });
  admin = client(sandbox.tokens.admin);
  anonymous = client(undefined);
  await cluster.createNamespace('ci');
  await cluster.admin(['create', 'serviceaccount', 'builder', '-n', 'ci']);
  await cluster.admin(['create', 'serviceaccount', 'intruder', '-n', 'ci']);
});
after(async () => {
  if (skip !== undefined) return;
  await admin.close();
  await anonymous.close();
  await sandbox.close();
  await cluster.stop();
});

void test('the API server publishes its issuer: discovery and JWKS are public, over https with its CA', { skip }, async () => {
  const discovery = JSON.parse(await cluster.kubectl.getRaw('admin', '/.well-known/openid-configuration')) as Record<string, unknown>;
  assert.equal(discovery.issuer, cluster.issuer);
  assert.equal(discovery.jwks_uri, `${cluster.url}/openid/v1/jwks`);
  // Anonymous, as the sandbox (and Quay) fetch it.
  const res = await fetch(`${cluster.url}/openid/v1/jwks`).catch((e: unknown) => e);
  assert.ok(res instanceof Error, 'the CA is not in Node\'s default trust store, so a plain fetch fails');
});

void test('TokenRequest → exchange at the sandbox: the robot trusting system:serviceaccount:ci:builder gets a registry token; another ServiceAccount is refused', { skip }, async () => {
  await admin.setFederation(acme, 'keyless', [{ issuer: cluster.issuer, subject: 'system:serviceaccount:ci:builder' }]);
  const audience = sandbox.hostname;
  const sa = await cluster.kubectl.requestToken('admin', 'ci', 'builder', audience, 600);
  const claims = decodeJwt(sa.token);
  assert.deepEqual([claims.header.alg, claims.claims.iss, claims.claims.sub, claims.claims.aud], ['RS256', cluster.issuer, 'system:serviceaccount:ci:builder', [audience]]);
  assert.ok(sa.expiresAt !== undefined && Date.parse(sa.expiresAt) > Date.now());

  const exchanged = await anonymous.exchangeFederatedToken('acme+keyless', sa.token);
  assert.equal(exchanged.token.split('.').length, 3);
  const login = await anonymous.registryLogin('acme+keyless', exchanged.token);
  assert.equal(login.kind, 'ok');
  assert.ok(sandbox.state.logs('acme').some((l) => l.kind === 'federated_robot_token_exchange' && l.metadata.subject === 'system:serviceaccount:ci:builder' && l.metadata.issuer === cluster.issuer));

  const other = await cluster.kubectl.requestToken('admin', 'ci', 'intruder', audience, 600);
  await assert.rejects(anonymous.exchangeFederatedToken('acme+keyless', other.token), (e: unknown) => e instanceof QuayApiError && e.serverMessage === 'Token does not match robot');

  // A token whose signature is not the API server's is refused: the exchange really verifies RS256 against the JWKS.
  const [h, p] = sa.token.split('.');
  const forged = `${h ?? ''}.${p ?? ''}.${Buffer.from('not the signature').toString('base64url')}`;
  await assert.rejects(anonymous.exchangeFederatedToken('acme+keyless', forged), (e: unknown) => e instanceof QuayApiError && /^Invalid token: /.test(e.serverMessage ?? ''));
});

void test('without the trusted CA the sandbox cannot fetch the API server\'s discovery (as a Quay without the extra CA)', { skip }, async () => {
  const plain = await startSandbox({ seed: 'demo' });
  const c = new QuayClient({ baseUrl: plain.url, instanceLabel: 'sandbox', getToken: () => Promise.resolve(plain.tokens.admin), logger: memoryLogger().logger });
  try {
    await c.setFederation(acme, 'keyless', [{ issuer: cluster.issuer, subject: 'system:serviceaccount:ci:builder' }]);
    const sa = await cluster.kubectl.requestToken('admin', 'ci', 'builder', plain.hostname, 600);
    await assert.rejects(c.exchangeFederatedToken('acme+keyless', sa.token), (e: unknown) => e instanceof QuayApiError && e.status === 500);
  } finally {
    await c.close();
    await plain.close();
  }
});
