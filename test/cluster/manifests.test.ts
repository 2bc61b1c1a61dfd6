/**
 * Every core manifest the extension generates, validated by a real API server (`kubectl apply
 * --dry-run=server`): pull Secrets in both scopes, ServiceAccounts, ServiceAccount patches made by the YAML
 * planners, a rollout's Secrets and ServiceAccounts, and a workload patched by add-pull-secret. (The External
 * Secrets objects are validated offline against the operator's schema: Kubernetes 1.20 cannot load its CRDs.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pullSecretManifest, serviceAccountManifest } from '../../src/core/k8s/manifests';
import { planAddImagePullSecret } from '../../src/core/yaml/addImagePullSecret';
import { applyEdits } from '../../src/core/yaml/edits';
import { parseManifests } from '../../src/core/yaml/parse';
import { planPullSecretRollout, planServiceAccountPatch } from '../../src/core/yaml/serviceAccount';
import { clusterSkip as skip, startCluster, type TestCluster } from './cluster';

const TOKEN = 'R0B0TT0KENABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOP';
const credentials = { host: 'quay.example.com:8443', robot: 'acme+ci_bot', token: TOKEN };
let cluster: TestCluster;

before(async () => {
  if (skip !== undefined) return;
  cluster = await startCluster();
  for (const ns of ['dev', 'prod']) await cluster.createNamespace(ns);
});
after(async () => {
  if (skip === undefined) await cluster.stop();
});

/** `kubectl apply --dry-run=server -f -`: the lines kubectl prints, one per object ("… created (server dry run)"). */
async function validate(manifest: string): Promise<string[]> {
  const out = await cluster.kubectl.apply('admin', manifest, { dryRun: 'server' });
  return out.trim().split('\n');
}

function edited(text: string, plan: ReturnType<typeof planServiceAccountPatch>): string {
  assert.equal(plan.status, 'changed', plan.status === 'refused' ? plan.reason : plan.status);
  return applyEdits(text, plan.status === 'changed' ? plan.edits : []);
}

void test('pull Secrets as Quay renders them, both scopes, with and without a namespace', { skip }, async () => {
  for (const scope of ['registry', 'org'] as const) {
    assert.deepEqual(await validate(pullSecretManifest({ ...credentials, scope, namespace: 'prod' })), ['secret/acme-ci-bot-pull-secret created (server dry run)']);
    assert.deepEqual(await validate(pullSecretManifest({ ...credentials, scope, name: `pull-${scope}` })), [`secret/pull-${scope} created (server dry run)`]);
  }
});

void test('ServiceAccounts with pull secrets, both list styles', { skip }, async () => {
  assert.deepEqual(await validate(serviceAccountManifest('builder', 'dev', ['a-pull', 'b-pull'])), ['serviceaccount/builder created (server dry run)']);
  assert.deepEqual(await validate(serviceAccountManifest('default', undefined, ['a-pull'], { indent: 4, indentSequences: false })), ['serviceaccount/default configured (server dry run)']);
});

void test('ServiceAccount patches made by the YAML planner: an existing account edited, a new one appended', { skip }, async () => {
  const text = '# the app account\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app   # keep me\n  namespace: prod\nimagePullSecrets:\n- name: old-pull\n';
  const patched = edited(text, planServiceAccountPatch(parseManifests(text), 'app', 'acme-ci-bot-pull-secret', 'prod'));
  assert.deepEqual(await validate(patched), ['serviceaccount/app created (server dry run)']);
  const appended = edited(text, planServiceAccountPatch(parseManifests(text), 'default', 'acme-ci-bot-pull-secret', 'dev'));
  assert.deepEqual(await validate(appended), ['serviceaccount/app created (server dry run)', 'serviceaccount/default configured (server dry run)']);
});

void test('a rollout: one Secret and one ServiceAccount per namespace, in an empty file and beside existing objects', { skip }, async () => {
  const options = { namespaces: ['dev', 'prod'], secret: { ...credentials, scope: 'org' as const } };
  const fresh = edited('', planPullSecretRollout(parseManifests(''), options));
  assert.deepEqual(await validate(fresh), [
    'secret/acme-ci-bot-pull-secret created (server dry run)',
    'serviceaccount/default configured (server dry run)',
    'secret/acme-ci-bot-pull-secret created (server dry run)',
    'serviceaccount/default configured (server dry run)',
  ]);
  const existing = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n    name: deployer\n    namespace: dev\n';
  const beside = edited(existing, planPullSecretRollout(parseManifests(existing), { ...options, serviceAccount: 'deployer' }));
  assert.equal((await validate(beside)).length, 4);
});

void test('a Deployment given the pull secret by add-pull-secret', { skip }, async () => {
  const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: quay.example.com:8443/acme/web:1.0\n';
  const plan = planAddImagePullSecret(parseManifests(text), 'acme-ci-bot-pull-secret');
  assert.equal(plan.status, 'changed');
  assert.deepEqual(await validate(applyEdits(text, plan.status === 'changed' ? plan.edits : [])), ['deployment.apps/web created (server dry run)']);
});

void test('the API server does reject what is invalid (the dry run is a real check)', { skip }, async () => {
  const bad = pullSecretManifest({ ...credentials, scope: 'registry', namespace: 'prod' }).replace(/\.dockerconfigjson: .*/, `.dockerconfigjson: ${Buffer.from('{"auths": ').toString('base64')}`);
  await assert.rejects(validate(bad), /Invalid value|invalid/i);
  await assert.rejects(validate(serviceAccountManifest('app', 'nowhere', ['x'])), (e: unknown) => e instanceof Error && 'kind' in e && e.kind === 'notFound');
});
