/** AGENTS.md "Token rotation": vault-backed ExternalSecrets in a rotation — found in files and clusters, refreshed by force-sync. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { findClusterExternalSecrets, forceSync } from '../../../src/core/k8s/clusterExternalSecrets';
import { keylessManifests, vaultExternalSecret } from '../../../src/core/k8s/externalSecrets';
import { Kubectl } from '../../../src/core/k8s/kubectl';
import { asVaultExternalSecret, FORCE_SYNC_ANNOTATION, forceSyncValue, knownPullSecretNames, vaultExternalSecretsIn } from '../../../src/core/rotation/externalSecrets';
import { findTokenUsages } from '../../../src/core/rotation/finder';
import { parse } from 'yaml';
import { ROBOT, TOKEN } from './helpers';

const none = new Set<string>();
const vault = vaultExternalSecret({
  host: 'quay.example.com',
  robot: ROBOT,
  scope: 'org',
  store: { kind: 'ClusterSecretStore', name: 'vault-backend' },
  remoteKey: 'quay/acme-ci-bot',
  property: 'token',
  namespace: 'prod',
}).manifest;

void test('what vaultExternalSecret writes is found for its robot, with where it reads and how often it refreshes', () => {
  const found = vaultExternalSecretsIn(vault, ROBOT, none);
  assert.deepEqual(found, [
    {
      name: 'acme-ci-bot-pull-secret',
      namespace: 'prod',
      target: 'acme-ci-bot-pull-secret',
      store: 'ClusterSecretStore/vault-backend',
      remoteKeys: ['quay/acme-ci-bot#token'],
      refreshInterval: '1h',
      refreshPolicy: undefined,
      noForceSync: undefined,
      line: 1,
      column: 1,
    },
  ]);
  // Another robot's ExternalSecret is not this robot's.
  assert.deepEqual(vaultExternalSecretsIn(vault, 'acme+other', none), []);
});

void test('keyless ExternalSecrets (QuayAccessToken generator) hold no static token and are not listed', () => {
  const k = keylessManifests({ host: 'quay.example.com', robot: ROBOT, serviceAccount: 'puller', namespace: 'prod' });
  const text = [k.serviceAccount, k.generator, k.externalSecret].join('---\n');
  assert.deepEqual(vaultExternalSecretsIn(text, ROBOT, new Set(knownPullSecretNames(ROBOT))), []);
});

void test('an ExternalSecret from a store that writes a Secret known to hold the robot is listed even without the robot in its template', () => {
  const es = {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'pull', namespace: 'ci' },
    spec: { secretStoreRef: { name: 'aws' }, target: { name: 'ci-pull' }, dataFrom: [{ extract: { key: 'quay/config-json' } }] },
  };
  assert.equal(asVaultExternalSecret(es, ROBOT, none), undefined);
  const found = asVaultExternalSecret(es, ROBOT, new Set(['ci-pull']));
  assert.equal(found?.store, 'SecretStore/aws');
  assert.deepEqual(found?.remoteKeys, ['quay/config-json']);
  assert.equal(found?.refreshInterval, undefined);
  // Not an ExternalSecret of external-secrets.io: ignored.
  assert.equal(asVaultExternalSecret({ ...es, apiVersion: 'example.com/v1' }, ROBOT, new Set(['ci-pull'])), undefined);
});

void test('when an annotation will not refresh it (ESO v2.9.0 shouldRefresh): CreatedOnce, or refreshInterval 0 unless OnChange', () => {
  const base = parse(vault) as { spec: Record<string, unknown> };
  const variant = (spec: Record<string, unknown>): string | undefined => asVaultExternalSecret({ ...base, spec: { ...base.spec, ...spec } }, ROBOT, none)?.noForceSync;
  assert.match(variant({ refreshPolicy: 'CreatedOnce' }) ?? '', /CreatedOnce/);
  assert.match(variant({ refreshInterval: '0' }) ?? '', /refreshInterval 0/);
  assert.match(variant({ refreshInterval: '0m0s' }) ?? '', /refreshInterval 0/);
  assert.equal(variant({ refreshInterval: '0', refreshPolicy: 'OnChange' }), undefined);
  assert.equal(variant({ refreshInterval: '10m' }), undefined);
  assert.equal(variant({ refreshPolicy: 'Periodic' }), undefined);
  assert.equal(FORCE_SYNC_ANNOTATION, 'force-sync');
  assert.equal(forceSyncValue(new Date(Date.UTC(2026, 11, 7, 12))), '1796644800');
});

let root: string;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'quay-eso-'));
  mkdirSync(join(root, 'k8s'));
  writeFileSync(join(root, 'k8s', 'eso.yaml'), `# pull secret from vault\n${vault}`);
  writeFileSync(join(root, '.env'), `QUAY_TOKEN=${TOKEN}\n`);
});
after(() => rmSync(root, { recursive: true, force: true }));

void test('the finder lists a vault-backed ExternalSecret once, as such, not also as a plain reference', async () => {
  const r = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root] });
  assert.deepEqual(
    r.externalSecrets.map((e) => `${e.file.slice(root.length + 1)}:${e.line} ${e.name}`),
    [`${join('k8s', 'eso.yaml')}:2 acme-ci-bot-pull-secret`],
  );
  assert.deepEqual(r.nonUpdatable, []);
  assert.equal(r.files.length, 1);
});

/** A kubectl stand-in that records its arguments and answers `get` with `list`. */
function fakeKubectl(dir: string, list: unknown, getFails?: string): Kubectl {
  const script = join(dir, 'kubectl');
  writeFileSync(join(dir, 'list.json'), JSON.stringify(list));
  writeFileSync(
    script,
    `#!/bin/sh\nprintf '%s\\0' "$@" >> ${JSON.stringify(join(dir, 'args'))}\nprintf '\\n' >> ${JSON.stringify(join(dir, 'args'))}\ncase " $* " in *" get "*) ${getFails !== undefined ? `echo ${JSON.stringify(getFails)} >&2; exit 1` : `cat ${JSON.stringify(join(dir, 'list.json'))}`};; esac\nexit 0\n`,
  );
  chmodSync(script, 0o755);
  return new Kubectl({ path: script });
}

function calls(dir: string): string[][] {
  return readFileSync(join(dir, 'args'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\0').slice(0, -1));
}

void test('clusters: listed through kubectl get externalsecrets.external-secrets.io; force-sync set with kubectl annotate, -- before the object', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quay-kubectl-'));
  try {
    const parsed = parse(vault) as { spec: Record<string, unknown> };
    const item = { ...parsed, metadata: { name: 'acme-ci-bot-pull-secret', namespace: 'prod' } };
    const once = { ...item, metadata: { name: 'once', namespace: 'prod' }, spec: { ...parsed.spec, refreshPolicy: 'CreatedOnce' } };
    const kubectl = fakeKubectl(dir, { items: [item, once, { kind: 'ExternalSecret', apiVersion: 'external-secrets.io/v1', metadata: { name: 'other', namespace: 'x' }, spec: {} }] });
    const found = await findClusterExternalSecrets(kubectl, 'prod-cluster', ROBOT, () => none);
    assert.equal(found.installed, true);
    assert.deepEqual(found.found.map((e) => `${e.context}/${e.namespace}/${e.name}`), ['prod-cluster/prod/acme-ci-bot-pull-secret', 'prod-cluster/prod/once']);
    const results = await forceSync(kubectl, found.found, new Date(Date.UTC(2026, 11, 7, 12)));
    assert.deepEqual(results.map((r) => r.outcome), ['annotated', 'skipped']);
    assert.deepEqual(calls(dir), [
      ['--context=prod-cluster', 'get', '-o', 'json', 'externalsecrets.external-secrets.io', '--all-namespaces'],
      ['--context=prod-cluster', 'annotate', '--overwrite', '--namespace=prod', '--', 'externalsecrets.external-secrets.io/acme-ci-bot-pull-secret', 'force-sync=1796644800'],
    ]);
    // A name that is not a Kubernetes name never reaches kubectl.
    const bad = await forceSync(kubectl, [{ ...found.found[0], name: '--as=system:admin' }]);
    assert.equal(bad[0]?.outcome, 'failed');
    assert.equal(calls(dir).length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('a cluster without the ExternalSecret CRD is not a problem; a forbidden list is reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quay-kubectl-'));
  try {
    const missing = await findClusterExternalSecrets(fakeKubectl(dir, {}, 'error: the server doesn\'t have a resource type "externalsecrets"'), 'kind', ROBOT, () => none);
    assert.deepEqual(missing, { found: [], installed: false, problem: undefined });
    const forbidden = await findClusterExternalSecrets(
      fakeKubectl(dir, {}, 'Error from server (Forbidden): externalsecrets.external-secrets.io is forbidden: User "dev" cannot list resource "externalsecrets" in API group "external-secrets.io" at the cluster scope'),
      'kind',
      ROBOT,
      () => none,
    );
    assert.equal(forbidden.installed, true);
    assert.match(forbidden.problem ?? '', /^Forbidden in context "kind"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
