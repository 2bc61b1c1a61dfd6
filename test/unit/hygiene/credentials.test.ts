/** Robot credentials recognised by shape (src/core/hygiene/credentials.ts), in every encoding, at any alignment. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCredentials, tokenFingerprint } from '../../../src/core/hygiene/credentials';

const TOKEN = 'D7M1LLFHSAUZ37DKH39VAEGFVQFTCBMO66AKB7ITI0RGYGNPMOGTI9YIF25ALMTZ';
const ROBOT = 'acme+ci_push';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const auth = b64(`${ROBOT}:${TOKEN}`);

void test('raw: a token with the robot name on the same line or a few lines away', () => {
  const env = `# pulls\nQUAY_ROBOT=${ROBOT}\nQUAY_TOKEN=${TOKEN}\n`;
  const [c, ...rest] = findCredentials(env);
  assert.equal(rest.length, 0);
  assert.deepEqual({ robot: c?.robot, encoding: c?.encoding, line: c?.line, column: c?.column }, { robot: ROBOT, encoding: 'raw', line: 3, column: 12 });
  assert.equal(c?.fingerprint, tokenFingerprint(TOKEN));
  const login = `docker login -u='${ROBOT}' -p='${TOKEN}' quay.io`;
  assert.equal(findCredentials(login)[0]?.robot, ROBOT);
  // Two robots on one compact JSON line: each token goes to the nearest name.
  const other = 'GSNXTJGARDYXSZ3GE4NA7E9VALRSGACNNZFXS2DIY9ZZQA3F5UOMS2VYNDWIFXBH';
  const json = `{"a":{"username":"acme+one","password":"${TOKEN}"},"b":{"username":"acme+two","password":"${other}"}}`;
  assert.deepEqual(
    findCredentials(json).map((f) => f.robot),
    ['acme+one', 'acme+two'],
  );
});

void test('raw: no finding without a robot name nearby unless the token is known; hex digests and longer runs are not tokens', () => {
  const lone = `TOKEN=${TOKEN}\n`;
  assert.deepEqual(findCredentials(lone), []);
  assert.equal(findCredentials(lone, new Map([[tokenFingerprint(TOKEN), ROBOT]]))[0]?.robot, ROBOT);
  const far = `robot: ${ROBOT}\n\n\n\n\ntoken: ${TOKEN}\n`;
  assert.deepEqual(findCredentials(far), [], 'five lines apart');
  const hex = `${ROBOT} sha256 ${'0123456789ABCDEF'.repeat(4)}`;
  assert.deepEqual(findCredentials(hex), []);
  assert.deepEqual(findCredentials(`${ROBOT} ${TOKEN}X`), [], 'part of a longer run');
  assert.deepEqual(findCredentials(`${ROBOT} ${TOKEN.toLowerCase()}`), []);
  assert.deepEqual(findCredentials(`bob+news@example.com ${TOKEN}`), [], 'an e-mail address is not a robot name');
});

void test('auth: a base64 value of exactly name:token; the config host is reported when a Docker config says', () => {
  const config = JSON.stringify({ auths: { 'quay.example.com': { auth, email: '' } } }, null, 2);
  const [c] = findCredentials(config);
  assert.equal(c?.encoding, 'auth');
  assert.equal(c?.robot, ROBOT);
  assert.equal(c?.line, 4);
  assert.equal(c?.column, (config.split('\n')[3] ?? '').indexOf(auth) + 1);
});

void test('dockerconfigjson: found at every byte alignment of the inner value, wrapped or not, with the host', () => {
  for (const pad of ['', 'x', 'xx', 'xxx']) {
    for (const inner of ['auth', 'raw'] as const) {
      const entry = inner === 'auth' ? { auth, email: pad } : { username: ROBOT, password: TOKEN, email: pad };
      const json = JSON.stringify({ auths: { [`quay.example.com${pad.length > 0 ? `/${pad}` : ''}`]: entry } }, null, pad.length);
      const value = b64(json);
      const oneLine = `data:\n  .dockerconfigjson: ${value}\n`;
      const wrapped = `data:\n  .dockerconfigjson: >-\n${(value.match(/.{1,76}/g) ?? []).map((l) => `    ${l}`).join('\n')}\n`;
      for (const text of [oneLine, wrapped]) {
        const found = findCredentials(text);
        assert.equal(found.length, 1, `${inner} pad ${pad.length} ${text === wrapped ? 'wrapped' : 'one line'}`);
        assert.equal(found[0]?.encoding, 'dockerconfigjson');
        assert.equal(found[0]?.inner, inner);
        assert.equal(found[0]?.robot, ROBOT);
        assert.equal(found[0]?.host, 'quay.example.com');
        assert.equal(found[0]?.fingerprint, tokenFingerprint(TOKEN));
      }
    }
  }
});

void test('the token never appears in what is returned', () => {
  const text = `a: ${b64(JSON.stringify({ auths: { h: { auth } } }))}\nb: ${auth}\nQUAY_ROBOT=${ROBOT} QUAY_TOKEN=${TOKEN}\n`;
  const found = findCredentials(text);
  assert.equal(found.length, 3);
  assert.ok(!JSON.stringify(found).includes(TOKEN));
  assert.ok(!JSON.stringify(found).includes(auth));
});
