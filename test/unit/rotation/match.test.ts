/** The token finder on one text (src/core/rotation/match.ts): every encoding, alignment, wrapping, boundaries. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuth, kubectlDockerConfigJson } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { needlesFor, scanText } from '../../../src/core/rotation/match';
import type { TextUsage } from '../../../src/core/rotation/match';
import { OTHER, ROBOT, TOKEN, b64, wrap } from './helpers';

const N = needlesFor(ROBOT, TOKEN);
const AUTH = basicAuth(ROBOT, TOKEN);

const kinds = (us: readonly TextUsage[]): string[] => us.map((u) => (u.inner === undefined ? u.encoding : `${u.encoding}/${u.inner}`));

/** The base64 characters of a usage must decode (with their neighbours) to bytes holding the inner value. */
function decodedAround(text: string, u: TextUsage): string {
  assert.ok(u.value !== undefined);
  return Buffer.from(text.slice(u.value.start, u.value.end).replace(/\s+/g, ''), 'base64').toString('utf8');
}

void test('raw: the token in .env, script, Helm values and CI config, with line and column', () => {
  const text = `# env\nQUAY_TOKEN=${TOKEN}\nexport T="${TOKEN}"\nimageCredentials:\n  password: ${TOKEN}\n`;
  const us = scanText(text, N);
  assert.deepEqual(kinds(us), ['raw', 'raw', 'raw']);
  assert.deepEqual(
    us.map((u) => [u.line, u.column]),
    [
      [2, 12],
      [3, 11],
      [5, 13],
    ],
  );
  for (const u of us) assert.equal(text.slice(u.range.start, u.range.end), TOKEN);
});

void test('auth: base64 of robot:token in config.json, auth.json, stringData and plain JSON; the whole value is the range', () => {
  const config = JSON.stringify({ auths: { 'quay.io': { auth: AUTH, email: '' } } }, null, 2);
  const stringData = `apiVersion: v1\nkind: Secret\nstringData:\n  .dockerconfigjson: '{"auths":{"quay.io":{"auth":"${AUTH}"}}}'\n`;
  for (const text of [config, stringData]) {
    const us = scanText(text, N);
    assert.deepEqual(kinds(us), ['auth']);
    const u = us[0];
    assert.ok(u !== undefined);
    assert.equal(text.slice(u.range.start, u.range.end), AUTH);
  }
  // The same base64 value for another robot with this token is an inner token, not this robot's auth.
  const other = scanText(`{"auth": "${basicAuth(OTHER, TOKEN)}"}`, N);
  assert.deepEqual(kinds(other), ['base64/raw']);
});

void test('dockerconfigjson: Quay UI, kubectl (password + auth) and all three byte alignments of token and auth', () => {
  const quay = pullSecretManifest({ host: 'quay.io', robot: ROBOT, token: TOKEN, scope: 'org' });
  assert.deepEqual(kinds(scanText(quay, N)), ['dockerconfigjson/auth']);
  const alignments = new Set<string>();
  for (const host of ['q.io', 'qu.io', 'quay.io', 'quay.example.com', 'quay.example.com:8443', 'x.y']) {
    const json = kubectlDockerConfigJson(host, ROBOT, TOKEN);
    alignments.add(`raw${json.indexOf(TOKEN) % 3}`).add(`auth${json.indexOf(AUTH) % 3}`);
    const text = `data:\n  .dockerconfigjson: ${b64(json)}\ntype: kubernetes.io/dockerconfigjson\n`;
    const us = scanText(text, N);
    assert.deepEqual(kinds(us), ['dockerconfigjson/raw', 'dockerconfigjson/auth'], host);
    for (const u of us) assert.ok(decodedAround(text, u).includes(u.inner === 'raw' ? TOKEN : AUTH));
  }
  assert.deepEqual([...alignments].sort(), ['auth0', 'auth1', 'auth2', 'raw0', 'raw1', 'raw2']);
});

void test('the range of an inner usage covers exactly the base64 characters that carry its bytes', () => {
  for (const prefix of ['', 'a', 'ab', 'abc']) {
    const text = `v: ${b64(`${prefix}"${TOKEN}"`)}`;
    const [u] = scanText(text, N);
    assert.ok(u !== undefined);
    const start = prefix.length + 1;
    const valueStart = 3;
    const from = valueStart + 4 * Math.floor(start / 3) + (start % 3);
    const last = start + TOKEN.length - 1;
    assert.deepEqual(u.range, { start: from, end: valueStart + 4 * Math.floor(last / 3) + (last % 3) + 2 }, prefix);
  }
});

void test('legacy dockercfg and other base64 (an Opaque Secret holding the token)', () => {
  const cfg = JSON.stringify({ 'quay.io': { auth: AUTH, email: 'x@y' } });
  const text = `kind: Secret\ntype: kubernetes.io/dockercfg\ndata:\n  .dockercfg: ${b64(cfg)}\n  token: ${b64(TOKEN)}\n  creds: ${b64(`https://${ROBOT}:${TOKEN}@quay.io`)}\n`;
  assert.deepEqual(kinds(scanText(text, N)), ['dockercfg/auth', 'base64/raw', 'base64/raw']);
});

void test('line-wrapped outer base64: base64 -w 76, openssl 64, YAML plain multi-line scalar, CRLF', () => {
  const json = JSON.stringify({ auths: { 'quay.example.com': { username: ROBOT, password: TOKEN, auth: AUTH } } }, null, 2);
  const blob = b64(json);
  const cases = [
    `data:\n  .dockerconfigjson: |\n    ${wrap(blob, 76, '\n    ')}\n`,
    `data:\n  .dockerconfigjson: >-\n    ${wrap(blob, 64, '\n    ')}\ntype: kubernetes.io/dockerconfigjson\n`,
    `data:\n  .dockerconfigjson: ${blob.slice(0, 50)}\n    ${wrap(blob.slice(50), 70, '\n    ')}\ntype: x\n`,
    `data:\r\n  .dockerconfigjson: |\r\n    ${wrap(blob, 76, '\r\n    ')}\r\ntype: kubernetes.io/dockerconfigjson\r\n`,
    wrap(blob, 76, '\n'),
  ];
  for (const text of cases) {
    const us = scanText(text, N);
    assert.deepEqual(kinds(us), ['dockerconfigjson/raw', 'dockerconfigjson/auth'], text);
    for (const u of us) assert.ok(decodedAround(text, u).includes(u.inner === 'raw' ? TOKEN : AUTH));
  }
  // Every cut position of the wrap: the token is found wherever the line break falls.
  for (let cut = 1; cut < 200; cut += 7) {
    const text = `x: |\n  ${blob.slice(0, cut)}\n  ${wrap(blob.slice(cut), 60, '\n  ')}\n`;
    assert.equal(scanText(text, N).length, 2, `cut at ${cut}`);
  }
});

void test('CRLF files: positions and ranges are right', () => {
  const text = `a: 1\r\nb: ${TOKEN}\r\nc: "${AUTH}"\r\n`;
  const us = scanText(text, N);
  assert.deepEqual(
    us.map((u) => [u.encoding, u.line, u.column]),
    [
      ['raw', 2, 4],
      ['auth', 3, 5],
    ],
  );
});

void test('a file naming the robot without its token has no usage; neither has another token', () => {
  const text = `# robot ${ROBOT}\nusername: ${ROBOT}\n${pullSecretManifest({ host: 'quay.io', robot: ROBOT, token: 'Z'.repeat(64), scope: 'org' })}\nauth: ${basicAuth(ROBOT, 'Q'.repeat(64))}\n`;
  assert.deepEqual(scanText(text, N), []);
});

void test('a token that is a prefix of another string is not a usage, in any encoding', () => {
  const longer = `${TOKEN}X9`;
  const text = [
    `T=${longer}`,
    `T2=a${TOKEN}`,
    `auth: ${basicAuth(ROBOT, longer)}`,
    `data: ${b64(kubectlDockerConfigJson('quay.io', ROBOT, longer))}`,
    `raw64: ${b64(longer)}`,
  ].join('\n');
  assert.deepEqual(scanText(text, N), []);
  // Not letters or digits around it: a usage (the token's alphabet is [A-Z0-9]).
  assert.deepEqual(kinds(scanText(`"${TOKEN}",${TOKEN}_old`, N)), ['raw', 'raw']);
});

void test('needles: a token too short to find inside base64 is refused without being echoed', () => {
  assert.throws(
    () => needlesFor(ROBOT, 'short'),
    (e: unknown) => e instanceof Error && !e.message.includes('short'),
  );
  assert.throws(() => needlesFor(ROBOT, 'has space inside'));
});
