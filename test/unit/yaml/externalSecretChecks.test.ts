import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { keylessManifests } from '../../../src/core/k8s/externalSecrets';
import { applyEdits } from '../../../src/core/yaml/edits';
import { durationSeconds, externalSecretChecks } from '../../../src/core/yaml/externalSecretChecks';
import { parseManifests } from '../../../src/core/yaml/parse';

const m = keylessManifests({ host: 'quay.example.com', robot: 'acme+keyless', serviceAccount: 'quay-token', namespace: 'prod' });
const GOOD = [m.serviceAccount, m.generator, m.externalSecret].join('\n---\n') + '\n';

const codes = (text: string): string[] => externalSecretChecks(parseManifests(text)).findings.map((f) => f.code);

function fixed(text: string, code: string): string {
  const f = externalSecretChecks(parseManifests(text)).findings.find((x) => x.code === code);
  assert.ok(f?.fix !== undefined, `fix for ${code}`);
  return applyEdits(text, f.fix.edits);
}

void test('generated objects raise nothing; the generator is listed for the checks against Quay', () => {
  assert.deepEqual(codes(GOOD), []);
  assert.deepEqual(externalSecretChecks(parseManifests(GOOD)).generators.map((g) => [g.url, g.robot, g.namespace, g.serviceAccount]), [['quay.example.com', 'acme+keyless', 'prod', 'quay-token']]);
});

void test('refreshInterval of 1h or more, or none: a warning whose fix sets 55m', () => {
  for (const bad of ['2h', '1h', '60m', '3600s', '1h30m', '0']) {
    const text = GOOD.replace('refreshInterval: 55m', `refreshInterval: ${bad}`);
    assert.deepEqual(codes(text), ['quay-eso-refresh'], bad);
    assert.equal(fixed(text, 'quay-eso-refresh'), GOOD);
  }
  const none = GOOD.replace('  refreshInterval: 55m\n', '');
  assert.deepEqual(codes(none), ['quay-eso-refresh']);
  const after = fixed(none, 'quay-eso-refresh');
  assert.equal((parse(after.split('---\n')[2] ?? '') as { spec: { refreshInterval: string } }).spec.refreshInterval, '55m');
  assert.deepEqual(codes(after), []);
  // Not fed by a QuayAccessToken: not our business.
  assert.deepEqual(codes('apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nspec:\n  refreshInterval: 2h\n  dataFrom:\n    - extract: {key: x}\n'), []);
  assert.equal(durationSeconds('55m'), 3300);
  assert.equal(durationSeconds('1.5h'), 5400);
  assert.equal(durationSeconds('soon'), undefined);
});

void test('robotAccount without + and url with a scheme or path: warnings; the url fix keeps the host', () => {
  assert.deepEqual(codes(GOOD.replace('robotAccount: acme+keyless', 'robotAccount: keyless')), ['quay-eso-robot']);
  for (const url of ['https://quay.example.com', 'quay.example.com/api/v1', 'https://quay.example.com/']) {
    const text = GOOD.replace('url: quay.example.com', `url: ${url}`);
    assert.deepEqual(codes(text), ['quay-eso-url'], url);
    assert.equal(fixed(text, 'quay-eso-url'), GOOD);
  }
});

void test('a workflow exchanging at Quay without id-token: write', () => {
  const wf = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -sSf https://quay.example.com/oauth2/federation/robot/token\n';
  assert.deepEqual(codes(wf), ['quay-gha-id-token']);
  const after = fixed(wf, 'quay-gha-id-token');
  assert.deepEqual((parse(after) as { jobs: { build: { permissions: unknown } } }).jobs.build.permissions, { contents: 'read', 'id-token': 'write' });
  assert.deepEqual(codes(after), []);
});
