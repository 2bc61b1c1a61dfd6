import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from '../../../src/core/federation/jwt';
import { precheck } from '../../../src/core/federation/precheck';
import type { FederationEntry } from '../../../src/core/quay/types';
import { fakeJwt } from './helpers';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const NOW_S = NOW / 1000;
const K8S = 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC';
const GH = 'https://token.actions.githubusercontent.com';
const ENTRIES: FederationEntry[] = [
  { issuer: K8S, subject: 'system:serviceaccount:prod:app' },
  { issuer: GH, subject: 'repo:acme/app:ref:refs/heads/main' },
  { issuer: GH, subject: 'repo:acme/app:environment:production' },
];
const HEADER = { alg: 'RS256', kid: 'k1', typ: 'JWT' };

function check(claims: Record<string, unknown>, header: Record<string, unknown> = HEADER, entries: FederationEntry[] = ENTRIES): ReturnType<typeof precheck> {
  return precheck(decodeJwt(fakeJwt(header, { iat: NOW_S - 60, exp: NOW_S + 600, ...claims })), entries, NOW);
}
const problems = (r: ReturnType<typeof precheck>): string[] => r.issues.map((i) => i.problem);

void test('a token Quay would accept: the matched entry and no issues', () => {
  const r = check({ iss: GH, sub: 'repo:acme/app:environment:production' });
  assert.deepEqual(r.match, ENTRIES[2]);
  assert.deepEqual(r.issues, []);
  assert.equal(r.closest, undefined);
  // RS384 is fine too, and exp within the 30 s leeway.
  assert.deepEqual(check({ iss: K8S, sub: 'system:serviceaccount:prod:app', exp: NOW_S - 29 }, { ...HEADER, alg: 'RS384' }).issues, []);
});

void test('no iss / no entries / an issuer no entry has: Quay\'s message and the closest entry', () => {
  const noIss = check({ sub: 'x' });
  assert.deepEqual(problems(noIss), ['noIssuer']);
  assert.equal(noIss.issues[0]?.quayMessage, 'Token does not contain issuer');
  const none = check({ iss: GH, sub: 'x' }, HEADER, []);
  assert.deepEqual(problems(none), ['notConfigured']);
  assert.equal(none.issues[0]?.quayMessage, 'Robot does not have federated login configured');
  assert.equal(none.closest, undefined);

  const slash = check({ iss: `${K8S}/`, sub: 'system:serviceaccount:prod:app' });
  assert.deepEqual(problems(slash), ['issuerNotConfigured']);
  assert.equal(slash.issues[0]?.quayMessage, `issuer ${K8S}/ not configured for this robot`);
  assert.deepEqual(slash.closest?.entry, ENTRIES[0]);
  assert.deepEqual(slash.closest?.differences, [{ field: 'issuer', configured: K8S, token: `${K8S}/`, how: 'only by a trailing slash' }]);
  const upper = check({ iss: GH.toUpperCase(), sub: 'repo:acme/app:ref:refs/heads/main' });
  assert.equal(upper.closest?.differences[0]?.how, 'only in upper and lower case');
});

void test('the subject differs: "Token does not match robot", closest entry of the same issuer and where it differs', () => {
  const r = check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/feature/x' });
  assert.deepEqual(problems(r), ['subjectMismatch']);
  assert.equal(r.issues[0]?.quayMessage, 'Token does not match robot');
  assert.deepEqual(r.closest?.entry, ENTRIES[1]);
  assert.equal(r.closest?.differences.length, 1);
  assert.equal(r.closest?.differences[0]?.field, 'subject');
  assert.equal(r.closest?.differences[0]?.how, 'from character 30 on: configured "main", token "feature/x"');
  // A nearer subject under another issuer does not win over the token's own issuer.
  const k8s = check({ iss: K8S, sub: 'repo:acme/app:ref:refs/heads/main' });
  assert.deepEqual(k8s.closest?.entry, ENTRIES[0]);
});

void test('header and time checks in Quay\'s order: kid, algorithm, required claims, iat, exp, sub type', () => {
  assert.deepEqual(check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main' }, { alg: 'RS256' }).issues.map((i) => i.quayMessage), ['Invalid token: Missing `kid` header']);
  const es = check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main' }, { alg: 'ES256', kid: 'k' });
  assert.deepEqual(es.issues.map((i) => [i.problem, i.quayMessage, i.detail]), [['algorithm', 'Invalid token: The specified alg value is not allowed', 'the token is signed with "ES256"']]);
  assert.equal(check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main' }, { kid: 'k' }).issues[0]?.quayMessage, 'Invalid token: Algorithm not specified');
  const noExp = check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main', exp: undefined, iat: undefined });
  assert.deepEqual(noExp.issues.map((i) => i.quayMessage), ['Invalid token: Token is missing the "iat" claim', 'Invalid token: Token is missing the "exp" claim']);
  const expired = check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main', exp: NOW_S - 31 });
  assert.deepEqual(expired.issues.map((i) => [i.problem, i.quayMessage, i.detail]), [['expired', 'Invalid token: Signature has expired', `expired at ${new Date((NOW_S - 31) * 1000).toISOString()}`]]);
  assert.deepEqual(problems(check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main', iat: NOW_S + 120 })), ['notYetValid']);
  assert.deepEqual(problems(check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main', exp: 'tomorrow' })), ['missingClaim']);
  assert.deepEqual(problems(check({ iss: GH, sub: 42 })), ['subjectNotString', 'subjectMismatch']);
  // Several at once, the first being what Quay answers first.
  assert.deepEqual(problems(check({ iss: 'https://other', sub: 'x', exp: NOW_S - 3600 }, { alg: 'HS256' })), ['issuerNotConfigured', 'missingKid', 'algorithm', 'expired']);
});

void test('audiences (Quay 3.18): checked only when an entry of the token\'s issuer has some, with PyJWT\'s messages; the last such entry wins', () => {
  // No entry has audiences: aud is not looked at.
  assert.deepEqual(check({ iss: GH, sub: 'repo:acme/app:ref:refs/heads/main', aud: 'anything' }).issues, []);
  const entries: FederationEntry[] = [
    { issuer: GH, subject: 'repo:acme/app:ref:refs/heads/main', audiences: ['first'] },
    { issuer: GH, subject: 'repo:acme/app:environment:production', audiences: ['quay', 'sts'] },
    { issuer: K8S, subject: 'system:serviceaccount:prod:app' },
  ];
  const sub = 'repo:acme/app:ref:refs/heads/main';
  assert.deepEqual(check({ iss: GH, sub, aud: ['x', 'sts'] }, HEADER, entries).issues, []);
  const wrong = check({ iss: GH, sub, aud: 'first' }, HEADER, entries);
  assert.deepEqual(wrong.issues.map((i) => i.quayMessage), ["Invalid token: Audience doesn't match"]);
  assert.match(wrong.issues[0]?.detail ?? '', /the token's aud is first; Quay wants one of quay, sts/);
  assert.match(wrong.issues[0]?.explanation ?? '', /checks the token's aud claim/);
  assert.deepEqual(check({ iss: GH, sub }, HEADER, entries).issues.map((i) => i.quayMessage), ['Invalid token: Token is missing the "aud" claim']);
  assert.deepEqual(check({ iss: GH, sub, aud: [3] }, HEADER, entries).issues.map((i) => i.quayMessage), ['Invalid token: Invalid claim format in token']);
  // Another issuer's audiences do not apply; the aud check comes before the subject's.
  assert.deepEqual(check({ iss: K8S, sub: 'system:serviceaccount:prod:app' }, HEADER, entries).issues, []);
  assert.deepEqual(problems(check({ iss: GH, sub: 'repo:acme/other', aud: 'first' }, HEADER, entries)), ['audience', 'subjectMismatch']);
});
