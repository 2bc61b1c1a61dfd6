/** The exchange through the client against the sandbox: Quay's answers explained, the pre-check agreeing with them, and no token in any log line or error. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { explainExchangeError, type ExchangeProblem } from '../../../src/core/federation/explain';
import { decodeJwt } from '../../../src/core/federation/jwt';
import { precheck } from '../../../src/core/federation/precheck';
import { QuayClient } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { memoryLogger } from '../quay/helpers';

const SUBJECT = 'system:serviceaccount:prod:app';
let sb: Sandbox;
let client: QuayClient;
const log = memoryLogger();

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
  // Anonymous, as the exchange is; no waiting between retries of the 500s.
  client = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(undefined), logger: log.logger, sleep: () => Promise.resolve() });
});
after(async () => {
  await client.close();
  await sb.close();
});

async function refusal(robot: string, jwt: string): Promise<QuayApiError> {
  try {
    await client.exchangeFederatedToken(robot, jwt);
  } catch (error) {
    assert.ok(error instanceof QuayApiError, String(error));
    return error;
  }
  assert.fail('the exchange succeeded');
}

/** No secret, nor the Basic credentials built from it, in any log line or in anything an error carries. */
function assertNowhere(secrets: readonly string[], errors: readonly QuayApiError[]): void {
  const texts = [...log.lines, ...errors.flatMap((e) => [e.message, e.userHint ?? '', e.serverMessage ?? '', e.path, e.stack ?? '', JSON.stringify(e)])];
  for (const secret of secrets) {
    const forms = [secret, ...secret.split('.').filter((part) => part.length >= 16)];
    for (const text of texts) for (const form of forms) assert.ok(!text.includes(form), `a token (or part of it) leaked into: ${text.slice(0, 200)}`);
  }
}

void test('Quay\'s refusals explained, and the local pre-check names the same message first', async () => {
  const now = Math.floor(Date.now() / 1000);
  const entries = sb.state.robot('acme+keyless')?.federation ?? [];
  const cases: [string, string, string, ExchangeProblem][] = [
    ['wrong subject', 'acme+keyless', sb.issuer.mint({ sub: 'system:serviceaccount:prod:other' }), 'subjectMismatch'],
    ['issuer not configured', 'acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: 'https://other.example.com' }), 'issuerNotConfigured'],
    ['expired', 'acme+keyless', sb.issuer.mint({ sub: SUBJECT, iat: now - 900, exp: now - 300 }), 'expired'],
    ['no kid', 'acme+keyless', sb.issuer.mint({ sub: SUBJECT }, { kid: null }), 'missingKid'],
    ['no exp', 'acme+keyless', sb.issuer.mint({ sub: SUBJECT, exp: undefined }), 'missingClaim'],
    ['no iss', 'acme+keyless', sb.issuer.mint({ sub: SUBJECT, iss: undefined }), 'noIssuer'],
  ];
  const errors: QuayApiError[] = [];
  for (const [what, robot, jwt, problem] of cases) {
    const error = await refusal(robot, jwt);
    errors.push(error);
    const explained = explainExchangeError(error);
    assert.equal(explained.problem, problem, `${what}: ${error.serverMessage ?? ''}`);
    assert.equal(explained.quayMessage, error.serverMessage, 'Quay\'s words verbatim');
    assert.equal(precheck(decodeJwt(jwt), entries, Date.now()).issues[0]?.quayMessage, error.serverMessage, what);
  }
  const unconfigured = await refusal('acme+unused_bot', sb.issuer.mint({ sub: SUBJECT }));
  assert.equal(explainExchangeError(unconfigured).problem, 'notConfigured');
  assert.equal(precheck(decodeJwt(sb.issuer.mint({ sub: SUBJECT })), [], Date.now()).issues[0]?.quayMessage, unconfigured.serverMessage);
  assert.equal(explainExchangeError(await refusal('acme+ghost', sb.issuer.mint({ sub: SUBJECT }))).problem, 'unknownRobot');
  assert.equal(explainExchangeError(await refusal('keyless', sb.issuer.mint({ sub: SUBJECT }))).problem, 'credentials');
  // 500s: not a JWT, an unknown kid, an unreachable issuer (the sandbox stays on loopback).
  const notJwt = await refusal('acme+keyless', 'this-is-not-a-jwt-but-a-secret-password');
  const unknownKid = await refusal('acme+keyless', sb.issuer.mint({ sub: SUBJECT }, { kid: 'unknown' }));
  for (const e of [notJwt, unknownKid]) assert.deepEqual([e.status, explainExchangeError(e).problem, explainExchangeError(e).quayMessage], [500, 'server', undefined]);
  assert.equal(explainExchangeError({ status: 400, serverMessage: 'Something new' }).problem, 'unknown');
  assert.equal(explainExchangeError({ status: 400, serverMessage: "Invalid token: Issuer 'https://a' not in configured issuers: ['https://b']" }).problem, 'issuerMismatch');
  assert.equal(explainExchangeError({ status: 400, serverMessage: 'Invalid token: Signature verification failed' }).problem, 'signature');
});

void test('the external JWT and the minted token reach no log line and no error', async () => {
  log.lines.length = 0;
  const jwt = sb.issuer.mint({ sub: SUBJECT });
  const minted = await client.exchangeFederatedToken('acme+keyless', jwt);
  assert.equal(minted.token.split('.').length, 3);
  const wrong = sb.issuer.mint({ sub: 'system:serviceaccount:prod:other' });
  const refused = await refusal('acme+keyless', wrong);
  const password = 'this-is-not-a-jwt-but-a-secret-password';
  const failed = await refusal('acme+keyless', password);
  // One line per request: the log does see these calls.
  assert.deepEqual(log.lines.map((l) => /→ (\d+)/.exec(l)?.[1]), ['200', '400', '500'], log.lines.join('\n'));
  const basic = (secret: string): string => Buffer.from(`acme+keyless:${secret}`).toString('base64');
  assertNowhere([jwt, minted.token, wrong, password, basic(jwt), basic(wrong), basic(password)], [refused, failed]);
});

void test('Quay 3.18\'s audience refusals are explained as such, not as a missing iat or exp', () => {
  for (const message of ["Invalid token: Audience doesn't match", 'Invalid token: Token is missing the "aud" claim', 'Invalid token: Invalid claim format in token']) {
    assert.equal(explainExchangeError({ status: 400, serverMessage: message }).problem, 'audience', message);
  }
  assert.equal(explainExchangeError({ status: 400, serverMessage: 'Invalid token: Token is missing the "exp" claim' }).problem, 'missingClaim');
});
