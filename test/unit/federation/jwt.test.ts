import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt, JwtFormatError, MAX_JWT_LENGTH, proposedEntry, summarizeJwt, type JwtProblem } from '../../../src/core/federation/jwt';
import { fakeJwt } from './helpers';

const HEADER = { alg: 'RS256', kid: 'k1', typ: 'JWT' };
const CLAIMS = { iss: 'https://token.actions.githubusercontent.com', sub: 'repo:acme/app:ref:refs/heads/main', aud: 'https://github.com/acme', exp: 1_700_000_000, iat: 1_699_999_400 };

void test('decodeJwt reads header and claims without verifying; whitespace and "Bearer " are ignored', () => {
  const token = fakeJwt(HEADER, CLAIMS);
  for (const pasted of [token, `  ${token}\n`, `Bearer ${token}`]) {
    const jwt = decodeJwt(pasted);
    assert.deepEqual(jwt.header, HEADER);
    assert.deepEqual(jwt.claims, CLAIMS);
  }
});

void test('summarizeJwt shows iss, sub, aud, exp and alg (and kid); proposedEntry takes iss and sub', () => {
  const jwt = decodeJwt(fakeJwt(HEADER, CLAIMS));
  assert.deepEqual(summarizeJwt(jwt), { iss: CLAIMS.iss, sub: CLAIMS.sub, aud: [CLAIMS.aud], expiresAt: new Date(CLAIMS.exp * 1000), alg: 'RS256', kid: 'k1' });
  assert.deepEqual(summarizeJwt(decodeJwt(fakeJwt({ alg: 'ES256' }, { aud: ['a', 2, 'b'], exp: 'soon' }))), { aud: ['a', 'b'], alg: 'ES256' });
  assert.deepEqual(proposedEntry(jwt), { issuer: CLAIMS.iss, subject: CLAIMS.sub });
  assert.equal(proposedEntry(decodeJwt(fakeJwt(HEADER, { iss: CLAIMS.iss }))), undefined);
  assert.equal(proposedEntry(decodeJwt(fakeJwt(HEADER, { iss: '', sub: 'x' }))), undefined);
});

void test('malformed tokens: a clear error naming the problem, never the token', () => {
  const good = fakeJwt(HEADER, CLAIMS);
  const [h = '', p = '', s = ''] = good.split('.');
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');
  const cases: [string, string, JwtProblem, RegExp][] = [
    ['empty', '   ', 'empty', /empty/],
    ['2 parts', `${h}.${p}`, 'segments', /3 parts.*this one has 2/],
    ['4 parts', `${good}.x`, 'segments', /this one has 4/],
    ['an opaque token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'segments', /this one has 1/],
    ['bad base64 in the header', `h€ader.${p}.${s}`, 'base64', /header is not base64url/],
    ['bad base64 in the payload', `${h}.pay+load.${s}`, 'base64', /payload is not base64url/],
    ['an empty payload', `${h}..${s}`, 'base64', /payload is not base64url/],
    ['impossible base64 length', `${h}.abcde.${s}`, 'base64', /payload is not base64url/],
    ['a non-JSON payload', `${h}.${b64('not json')}.${s}`, 'json', /payload is not JSON/],
    ['a non-JSON header', `${b64('{"alg":')}.${p}.${s}`, 'json', /header is not JSON/],
    ['a JSON array payload', `${h}.${b64('[1,2]')}.${s}`, 'notObject', /payload is not a JSON object/],
    ['a JSON string header', `${b64('"RS256"')}.${p}.${s}`, 'notObject', /header is not a JSON object/],
    ['huge', `${h}.${b64(JSON.stringify({ sub: 'x'.repeat(MAX_JWT_LENGTH) }))}.${s}`, 'tooLarge', /characters long/],
  ];
  for (const [what, token, problem, message] of cases) {
    assert.throws(
      () => decodeJwt(token),
      (e: unknown) => {
        assert.ok(e instanceof JwtFormatError, what);
        assert.equal(e.problem, problem, what);
        assert.match(e.message, message, what);
        if (token.trim().length >= 8) for (const part of token.split('.').filter((x) => x.length >= 8)) assert.ok(!e.message.includes(part), `${what}: the message quotes the token`);
        return true;
      },
      what,
    );
  }
});
