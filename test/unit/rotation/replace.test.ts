/**
 * planReplacement (src/core/rotation/replace.ts) on every golden input and corpus file with injected usages:
 * after the edits a scan for the new credentials finds the same places, none for the old, and no edit reaches
 * outside a usage's value or an occurrence of the old robot's name.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { basicAuth, kubectlDockerConfigJson } from '../../../src/core/k8s/credentials';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { needlesFor, scanText } from '../../../src/core/rotation/match';
import type { TextUsage } from '../../../src/core/rotation/match';
import { planReplacement, StaleUsageError } from '../../../src/core/rotation/replace';
import type { Replacement } from '../../../src/core/rotation/replace';
import { applyEdits } from '../../../src/core/yaml/edits';
import type { TextRange } from '../../../src/core/yaml/edits';
import { CORPUS, FIXTURES, readText, yamlFilesUnder } from '../yaml/helpers';
import { NEW_TOKEN, ROBOT, SUCCESSOR, TOKEN, b64, wrap } from './helpers';

/** Usages appended to a file in its own line ending: raw, auth, Quay's Secret, a wrapped kubectl Secret. */
function inject(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const kubectl = b64(kubectlDockerConfigJson('quay.example.com', ROBOT, TOKEN));
  const lines = [
    `# QUAY_TOKEN=${TOKEN}`,
    '---',
    pullSecretManifest({ host: 'quay.io', robot: ROBOT, token: TOKEN, scope: 'org', name: 'injected' }),
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: wrapped',
    'stringData:',
    `  config.json: '{"auths":{"quay.io":{"username":"${ROBOT}","auth":"${basicAuth(ROBOT, TOKEN)}"}}}'`,
    'data:',
    '  .dockerconfigjson: |',
    `    ${wrap(kubectl, 76, `${eol}    `)}`,
    'type: kubernetes.io/dockerconfigjson',
  ];
  const sep = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}${lines.join(eol)}${eol}`;
}

const signature = (us: readonly TextUsage[]): string[] => us.map((u) => (u.inner === undefined ? u.encoding : `${u.encoding}/${u.inner}`));
const inside = (r: TextRange, outer: TextRange): boolean => r.start >= outer.start && r.end <= outer.end;

function check(name: string, text: string, r: Replacement): void {
  const before = scanText(text, needlesFor(r.oldUser, r.oldToken));
  assert.deepEqual(signature(before), ['raw', 'dockerconfigjson/auth', 'auth', 'dockerconfigjson/raw', 'dockerconfigjson/auth'], name);
  const edits = planReplacement(text, before, r);
  // Only inside the usages' values, or the old robot's name in a username field.
  const allowed: TextRange[] = before.map((u) => u.value ?? u.range);
  for (let i = text.indexOf(`"username":"${r.oldUser}"`); i >= 0; i = text.indexOf(`"username":"${r.oldUser}"`, i + 1)) allowed.push({ start: i, end: i + 13 + r.oldUser.length });
  for (const e of edits) assert.ok(allowed.some((a) => inside({ start: e.offset, end: e.offset + e.length }, a)), `${name}: edit at ${e.offset} outside every usage`);
  const out = applyEdits(text, edits);
  assert.deepEqual(scanText(out, needlesFor(r.oldUser, r.oldToken)), [], `${name}: old credentials left`);
  const afterUsages = scanText(out, needlesFor(r.newUser, r.newToken));
  assert.deepEqual(signature(afterUsages), signature(before), name);
  if (r.newUser === r.oldUser) {
    // Same lengths: the very same places, and the edits replace only the characters that carry the token.
    assert.deepEqual(
      afterUsages.map((u) => u.range),
      before.map((u) => u.range),
      name,
    );
    assert.equal(out.length, text.length);
  } else {
    assert.ok(!out.includes(`"username":"${r.oldUser}"`), name);
    assert.ok(out.includes(`"username":"${r.newUser}"`), name);
  }
  assert.equal(out.split('\r\n').length, text.split('\r\n').length, `${name}: CRLF kept`);
}

function inputs(): [string, string][] {
  const files: [string, string][] = readdirSync(FIXTURES)
    .filter((d) => existsSync(join(FIXTURES, d, 'input.yaml')))
    .map((d) => [d, readText(join(FIXTURES, d, 'input.yaml'))]);
  if (existsSync(CORPUS)) for (const f of yamlFilesUnder(CORPUS)) files.push([f, readText(f)]);
  return files;
}

void test('rotation (same robot, new token) on every golden input and corpus file with injected usages', () => {
  const files = inputs();
  assert.ok(files.length > 40, `${files.length} inputs`);
  for (const [name, text] of files) check(name, inject(text.replace(/^\ufeff/, '')), { oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN });
});

void test('successor robot: auth, username fields and the outer base64 follow; wrapped lines keep their width', () => {
  for (const [name, text] of inputs().slice(0, 60)) check(name, inject(text.replace(/^\ufeff/, '')), { oldUser: ROBOT, oldToken: TOKEN, newUser: SUCCESSOR, newToken: NEW_TOKEN });
  // A much longer name: the outer value grows by more than a line, and new lines are as wide as the old ones.
  const successor = `${SUCCESSOR}_with_a_much_longer_name_than_before`;
  const wrapped = inject('');
  const out = applyEdits(wrapped, planReplacement(wrapped, scanText(wrapped, needlesFor(ROBOT, TOKEN)), { oldUser: ROBOT, oldToken: TOKEN, newUser: successor, newToken: NEW_TOKEN }));
  const block = out.slice(out.indexOf('.dockerconfigjson: |\n') + 21, out.lastIndexOf('\ntype:'));
  const lines = block.split('\n').map((l) => l.trim());
  assert.ok(lines.length > 2);
  for (const l of lines.slice(0, -1)) assert.equal(l.length, 76);
  assert.equal(Buffer.from(lines.join(''), 'base64').toString('utf8'), kubectlDockerConfigJson('quay.example.com', successor, NEW_TOKEN));
  assert.ok((lines[lines.length - 1] ?? '').length <= 76);
});

void test('only the ticked usages change; a usage no longer where it was is refused', () => {
  const text = inject('a: 1\n');
  const usages = scanText(text, needlesFor(ROBOT, TOKEN));
  const r = { oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN };
  const first = usages[0];
  assert.ok(first !== undefined);
  const out = applyEdits(text, planReplacement(text, [first], r));
  assert.equal(scanText(out, needlesFor(ROBOT, TOKEN)).length, usages.length - 1);
  assert.equal(planReplacement(text, [], r).length, 0);
  assert.throws(() => planReplacement(`x${text}`, [first], r), StaleUsageError);
});

void test('successor robot: the name beside the token in a .env or script follows; a longer name that starts with it does not', () => {
  const text = `# ${ROBOT} pulls for CI\nQUAY_USER=${ROBOT}\nQUAY_TOKEN=${TOKEN}\nOTHER_USER=${ROBOT}_2\necho x | docker login -u '${ROBOT}' --password-stdin quay.io\n`;
  const out = applyEdits(text, planReplacement(text, scanText(text, needlesFor(ROBOT, TOKEN)), { oldUser: ROBOT, oldToken: TOKEN, newUser: SUCCESSOR, newToken: NEW_TOKEN }));
  assert.equal(out, `# ${SUCCESSOR} pulls for CI\nQUAY_USER=${SUCCESSOR}\nQUAY_TOKEN=${NEW_TOKEN}\nOTHER_USER=${ROBOT}_2\necho x | docker login -u '${SUCCESSOR}' --password-stdin quay.io\n`);
});
