/**
 * Vault-backed ExternalSecrets on a real API server (issue 21 §5): found with `kubectl get
 * externalsecrets.external-secrets.io`, nothing said where the CRD does not exist, a forbidden list reported, and
 * ESO's `force-sync` annotation set by `kubectl annotate` (kubectl 1.20, `--` before the object).
 *
 * Kubernetes 1.20 cannot load the operator's own CRDs (../shared/crds/external-secrets/SOURCE.md), so the test
 * registers a minimal CustomResourceDefinition with the same group, version, kind and plural and an open schema:
 * what kubectl's discovery and the annotation need. The objects themselves are validated offline against the
 * operator's schema (test/unit/k8s/externalSecrets.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EXTERNAL_SECRETS_RESOURCE, findClusterExternalSecrets, forceSync } from '../../src/core/k8s/clusterExternalSecrets';
import { vaultExternalSecret } from '../../src/core/k8s/externalSecrets';
import { KubectlError } from '../../src/core/k8s/kubectl';
import { FORCE_SYNC_ANNOTATION } from '../../src/core/rotation/externalSecrets';
import { clusterSkip as skip, startCluster, type TestCluster } from './cluster';

const ROBOT = 'acme+ci_bot';
const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: externalsecrets.external-secrets.io
spec:
  group: external-secrets.io
  scope: Namespaced
  names:
    kind: ExternalSecret
    listKind: ExternalSecretList
    plural: externalsecrets
    singular: externalsecret
    shortNames: [es]
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          x-kubernetes-preserve-unknown-fields: true
`;

let cluster: TestCluster;
before(async () => {
  if (skip !== undefined) return;
  cluster = await startCluster();
  await cluster.createNamespace('prod');
});
after(async () => {
  if (skip === undefined) await cluster.stop();
});

const none = (): ReadonlySet<string> => new Set<string>();

void test('no ExternalSecret CRD: nothing found and nothing to report', { skip }, async () => {
  const r = await findClusterExternalSecrets(cluster.kubectl, 'admin', ROBOT, none);
  assert.deepEqual(r, { found: [], installed: false, problem: undefined });
});

void test('with the CRD: the robot\'s vault-backed ExternalSecret is found; force-sync is set on it; a forbidden list is reported', { skip }, async () => {
  await cluster.kubectl.apply('admin', CRD);
  // The API server serves the new type once the CRD is established.
  for (let i = 0; ; i++) {
    try {
      await cluster.kubectl.getJson('admin', [EXTERNAL_SECRETS_RESOURCE, '--all-namespaces']);
      break;
    } catch (e) {
      if (!(e instanceof KubectlError) || i > 50) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const { manifest } = vaultExternalSecret({ host: 'quay.example.com', robot: ROBOT, scope: 'org', store: { kind: 'ClusterSecretStore', name: 'vault-backend' }, remoteKey: 'quay/acme-ci-bot', property: 'token', namespace: 'prod' });
  await cluster.kubectl.apply('admin', manifest);

  const r = await findClusterExternalSecrets(cluster.kubectl, 'admin', ROBOT, none);
  assert.equal(r.installed, true);
  assert.deepEqual(r.found.map((e) => `${e.context}/${e.namespace}/${e.name} ${e.store ?? ''} ${e.remoteKeys.join(',')}`), ['admin/prod/acme-ci-bot-pull-secret ClusterSecretStore/vault-backend quay/acme-ci-bot#token']);

  const now = new Date(Date.UTC(2026, 11, 7, 12));
  const results = await forceSync(cluster.kubectl, r.found, now);
  assert.deepEqual(results.map((x) => x.outcome), ['annotated']);
  const es = (await cluster.kubectl.getJson('admin', [EXTERNAL_SECRETS_RESOURCE, 'acme-ci-bot-pull-secret', '-n', 'prod'])) as { metadata?: { annotations?: Record<string, string> } };
  assert.equal(es.metadata?.annotations?.[FORCE_SYNC_ANNOTATION], '1796644800');
  // Again later: --overwrite replaces the value (ESO sees a new annotations hash).
  await forceSync(cluster.kubectl, r.found, new Date(now.getTime() + 60_000));
  const again = (await cluster.kubectl.getJson('admin', [EXTERNAL_SECRETS_RESOURCE, 'acme-ci-bot-pull-secret', '-n', 'prod'])) as { metadata?: { annotations?: Record<string, string> } };
  assert.equal(again.metadata?.annotations?.[FORCE_SYNC_ANNOTATION], '1796644860');

  // The developer context has no rights: the list is forbidden, reported, not thrown.
  const dev = await findClusterExternalSecrets(cluster.kubectl, 'developer', ROBOT, none);
  assert.equal(dev.installed, true);
  assert.match(dev.problem ?? '', /^Forbidden in context "developer"/);
});
