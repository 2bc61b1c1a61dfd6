/**
 * Rotation reaches the cluster, through the UI, against the sandbox and a real Kubernetes API server
 * (test/cluster/cluster.ts, the `npm run demo -- --cluster` wiring): a robot used by pull Secrets in 3 namespaces
 * and by one workspace file. The plan's "Clusters" section lists the Secrets (an External Secrets managed one
 * unticked, with why); after the regeneration the file and the 3 Secrets hold the new token, the managed one is
 * untouched, and skopeo logs in with the new token and not with the old one.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectlDockerConfigJson } from '../../src/core/k8s/credentials';
import type { KubeSecret } from '../../src/core/k8s/clusterSecrets';
import { clusterSkip, startCluster, TEST_KUBECTL, type TestCluster } from '../cluster/cluster';
import { skopeo, skopeoSkip } from '../sandbox/skopeo';
import type { Sandbox } from '../sandbox/server';
import { acceptQuickInput, clickDialogButton, contextMenu, expandTreeItem, modalDialog, openViewContainer, waitForNotification, waitForQuickInput, waitForTreeItem } from './harness';
import { useSandboxWorkbench } from './sandboxWorkbench';

const ROBOT = 'acme+ci_pull';
const NAMESPACES = ['team-a', 'team-b', 'team-c'];
const skip = clusterSkip ?? skopeoSkip;

let cluster: TestCluster | undefined;
let workspace = '';
/** Where VS Code's KUBECONFIG points; the test copies the cluster's kubeconfig there. */
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'cluster-rotation-kube-')), 'config');
before(async () => {
  if (clusterSkip === undefined) cluster = await startCluster();
});
after(async () => {
  await cluster?.stop();
});
const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'cluster-rotation-ws-'));
    writeFileSync(join(workspace, 'ci.env'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${sb.state.robot(ROBOT)?.token ?? ''}\n`);
    return { workspace, settings: { 'quay.kubectl.path': TEST_KUBECTL }, env: { KUBECONFIG: kubeconfig } };
  },
});
const { vscode } = workbench;
const registry = skopeo();
after(() => registry.dispose());
const view = { viewTitle: 'Registry' };

function secret(namespace: string, name: string, host: string, user: string, token: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, ...extra },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(kubectlDockerConfigJson(host, user, token)).toString('base64') },
  });
}

async function credentialsIn(c: TestCluster, namespace: string, name: string, host: string): Promise<string> {
  const s = (await c.kubectl.getJson('admin', ['secret', name, '-n', namespace])) as KubeSecret;
  const auths = (JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { username: string; password: string }> }).auths;
  return `${auths[host]?.username ?? ''}:${auths[host]?.password ?? ''}`;
}

void test('Rotate a robot used by Secrets in 3 namespaces and one workspace file: all updated, the managed Secret listed not patched, skopeo accepts only the new token', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  copyFileSync(c.kubeconfig, kubeconfig);
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  for (const ns of NAMESPACES) {
    await c.createNamespace(ns);
    await c.admin(['apply', '-f', '-'], secret(ns, 'quay-pull', host, ROBOT, oldToken));
  }
  await c.admin(['apply', '-f', '-'], secret('team-c', 'vault-pull', host, ROBOT, oldToken, { labels: { 'reconcile.external-secrets.io/managed': 'true' } }));
  await c.admin(['apply', '-f', '-'], secret('team-a', 'other-robot', host, 'acme+other', oldToken));
  assert.equal((await registry.login(host, ROBOT, oldToken, 'before')).code, 0, 'the old token works before');

  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', view);
  await expandTreeItem(page, 'Robot accounts', view);
  await waitForTreeItem(page, 'ci_pull', view);
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', view);

  const contexts = await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts to search for pull Secrets holding acme\+ci_pull/, timeout: 30_000 });
  assert.deepEqual(contexts.items.map((i) => `${i.label}|${String(i.checked)}`), ['admin|true', 'developer|false']);
  await session.screenshot('cluster-rotation-01-contexts');
  await acceptQuickInput(page);

  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 60_000 });
  const rows = plan.items.filter((i) => i.checked !== undefined).map((i) => `${i.label} | ${String(i.checked)}`);
  assert.deepEqual(rows, [
    'ci.env:2:12 | true',
    'admin · team-a/quay-pull | true',
    'admin · team-b/quay-pull | true',
    'admin · team-c/quay-pull | true',
    'admin · team-c/vault-pull | false',
  ]);
  assert.deepEqual(plan.items.map((i) => i.separator).filter((s) => s !== undefined && s !== ''), ['Workspace', 'Clusters']);
  await session.screenshot('cluster-rotation-02-plan');
  await acceptQuickInput(page);

  const modal = await modalDialog(page);
  assert.equal(modal.message, 'Quay invalidates the old token immediately. 4 places will be updated; 1 known places will not.');
  await clickDialogButton(page, 'Regenerate Token');

  await waitForNotification(page, /Rotation of acme\+ci_pull: 4 places updated, 1 left\. The registry accepts the new token and refuses the old one\./, 60_000);
  await session.screenshot('cluster-rotation-03-report');
  const newToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  assert.equal(readFileSync(join(workspace, 'ci.env'), 'utf8'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${newToken}\n`);
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, 'quay-pull', host), `${ROBOT}:${newToken}`, ns);
  assert.equal(await credentialsIn(c, 'team-c', 'vault-pull', host), `${ROBOT}:${oldToken}`, 'the managed Secret is not patched');
  assert.equal(await credentialsIn(c, 'team-a', 'other-robot', host), `acme+other:${oldToken}`);
  const report = (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
  assert.match(report, /Clusters \(`admin`\)/);
  assert.match(report, /admin · team-c\/vault-pull` managed by External Secrets: update the value in the vault/);

  const fresh = await registry.login(host, ROBOT, newToken, 'new');
  assert.equal(fresh.code, 0, fresh.stderr);
  const stale = await registry.login(host, ROBOT, oldToken, 'old');
  assert.notEqual(stale.code, 0, stale.stdout);
});
