/**
 * Rotation reaches the cluster, through the UI, against the sandbox and a real Kubernetes API server
 * (test/cluster/cluster.ts, the `npm run demo -- --cluster` wiring): a robot used by pull Secrets in 3 namespaces
 * and by one workspace file.
 * - "Find Robot in Clusters" lists the Secrets of each context (the External Secrets managed one with why) and
 *   says what a context may not search.
 * - The rotation plan's "Clusters" section lists the Secrets (the managed one unticked, with why); after the
 *   regeneration the file and the 3 Secrets hold the new token, the managed one is untouched, and skopeo logs in
 *   with the new token and not with the old one.
 * - Secrets the user may list but not update fail with kubectl's message and keep the rotation pending; once RBAC
 *   allows it, Finish Rotation finds the Secrets still holding the old token and updates them.
 * - Rotate with a Successor Robot moves the Secrets to the successor's user name and token.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeSecret } from '../../src/core/k8s/clusterSecrets';
import { clusterSkip, pullSecretJson, startCluster, TEST_KUBECTL, type TestCluster } from '../cluster/cluster';
import { skopeo, skopeoSkip } from '../sandbox/skopeo';
import type { Sandbox } from '../sandbox/server';
import {
  acceptQuickInput,
  clickDialogButton,
  clickNotificationButton,
  contextMenu,
  editorDocumentText,
  expandTreeItem,
  modalDialog,
  openViewContainer,
  pickQuickItem,
  runCommand,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

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

async function credentialsIn(c: TestCluster, namespace: string, name: string, host: string): Promise<string> {
  const s = (await c.kubectl.getJson('admin', ['secret', name, '-n', namespace])) as KubeSecret;
  const auths = (JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { username: string; password: string }> }).auths;
  return `${auths[host]?.username ?? ''}:${auths[host]?.password ?? ''}`;
}

void test('Find Robot in Clusters: the Secrets of each context, the managed one with why, and what a context may not search', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  copyFileSync(c.kubeconfig, kubeconfig);
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const token = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  for (const ns of NAMESPACES) {
    await c.createNamespace(ns);
    await c.admin(['apply', '-f', '-'], pullSecretJson(ns, 'quay-pull', host, ROBOT, token));
  }
  await c.admin(['apply', '-f', '-'], pullSecretJson('team-c', 'vault-pull', host, ROBOT, token, { labels: { 'reconcile.external-secrets.io/managed': 'true' } }));
  await c.admin(['apply', '-f', '-'], pullSecretJson('team-a', 'other-robot', host, 'acme+other', token));

  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Find Robot in Clusters…', REGISTRY_VIEW);
  const contexts = await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts to search for pull Secrets holding acme\+ci_pull/, timeout: 30_000 });
  assert.deepEqual(contexts.items.map((i) => `${i.label}|${String(i.checked)}`), ['admin|true', 'developer|false']);
  await pickQuickItem(page, 'developer');
  await acceptQuickInput(page);

  await waitForNotification(page, 'acme+ci_pull: 4 pull Secrets in 2 contexts; 1 problems.', 60_000);
  await session.screenshot('cluster-rotation-00-find');
  const report = (await editorDocumentText(page)).split('\n');
  assert.equal(report[0], '# acme+ci_pull in clusters');
  assert.ok(report.includes('## Clusters (`admin`, `developer`)'), report.join('\n'));
  const secretLines = report.filter((l) => l.startsWith('- `'));
  assert.deepEqual(secretLines, [
    `- \`admin · team-a/quay-pull\` kubernetes.io/dockerconfigjson · ${host}`,
    `- \`admin · team-b/quay-pull\` kubernetes.io/dockerconfigjson · ${host}`,
    `- \`admin · team-c/quay-pull\` kubernetes.io/dockerconfigjson · ${host}`,
    `- \`admin · team-c/vault-pull\` kubernetes.io/dockerconfigjson · ${host} · managed by External Secrets: update the value in the vault (the operator would overwrite a patch)`,
  ]);
  assert.ok(
    report.some((l) => /^- developer: namespace list not searched \(forbidden\): Forbidden in context "developer": .*cannot list resource "namespaces"/.test(l)),
    report.join('\n'),
  );
});

void test('Rotate a robot used by Secrets in 3 namespaces and one workspace file: all updated, the managed Secret listed not patched, skopeo accepts only the new token', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.equal((await registry.login(host, ROBOT, oldToken, 'before')).code, 0, 'the old token works before');

  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', REGISTRY_VIEW);

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

void test('Secrets the user may not update fail with kubectl\'s message and keep the rotation pending; once allowed, Finish Rotation updates them', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const before = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  // developer may list Secrets everywhere, but not update them.
  await c.admin(['create', 'clusterrole', 'secret-reader', '--verb=get,list', '--resource=secrets']);
  await c.admin(['create', 'clusterrolebinding', 'developer-reads-secrets', '--clusterrole=secret-reader', '--user=developer']);

  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts/, timeout: 30_000 });
  await pickQuickItem(page, 'admin');
  await pickQuickItem(page, 'developer');
  await acceptQuickInput(page);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 60_000 });
  assert.deepEqual(plan.items.filter((i) => i.checked === true).map((i) => i.label), [
    'ci.env:2:12',
    'developer · team-a/quay-pull',
    'developer · team-b/quay-pull',
    'developer · team-c/quay-pull',
  ]);
  await acceptQuickInput(page);
  await clickDialogButton(page, 'Regenerate Token');
  const failedNote = await waitForNotification(page, /Rotation of acme\+ci_pull: 1 places updated, 4 left\./, 60_000);
  assert.equal(failedNote.severity, 'warning');
  assert.deepEqual(failedNote.buttons, ['Finish Rotation']);
  await session.screenshot('cluster-rotation-04-update-forbidden');
  const rotated = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(rotated, before);
  assert.equal(readFileSync(join(workspace, 'ci.env'), 'utf8'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${rotated}\n`);
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, 'quay-pull', host), `${ROBOT}:${before}`, `${ns} is not updated yet`);
  const report = await editorDocumentText(page);
  for (const ns of NAMESPACES) {
    assert.match(report, new RegExp(`developer · ${ns}/quay-pull\` failed: Forbidden in context "developer": .*cannot update resource "secrets".* — run "Quay: Finish Rotation"`));
  }

  // An administrator allows the update; Finish Rotation (from the notification) finds the 3 Secrets with the old token.
  await c.admin(['create', 'clusterrole', 'secret-updater', '--verb=update', '--resource=secrets']);
  await c.admin(['create', 'clusterrolebinding', 'developer-updates-secrets', '--clusterrole=secret-updater', '--user=developer']);
  await clickNotificationButton(page, /Rotation of acme\+ci_pull: 1 places updated, 4 left\./, 'Finish Rotation');
  await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts/, timeout: 30_000 });
  await pickQuickItem(page, 'admin');
  await pickQuickItem(page, 'developer');
  await acceptQuickInput(page);
  const rest = await waitForQuickInput(page, { titleOrPlaceholder: /Places that still store the old token of acme\+ci_pull/, timeout: 60_000 });
  assert.deepEqual(rest.items.filter((i) => i.checked !== undefined).map((i) => `${i.label} | ${String(i.checked)}`), [
    'developer · team-a/quay-pull | true',
    'developer · team-b/quay-pull | true',
    'developer · team-c/quay-pull | true',
  ]);
  await acceptQuickInput(page);
  await waitForNotification(page, 'Rotation of acme+ci_pull (finished): 3 places updated, 0 left. The registry accepts the new token and refuses the old one.', 60_000);
  await session.screenshot('cluster-rotation-05-finished');
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, 'quay-pull', host), `${ROBOT}:${rotated}`, ns);
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});

void test('Rotate with a Successor Robot: the Secrets move to the successor (user name and token), the managed one stays', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const successor = `${ROBOT}_${stamp}`;
  const vaultBefore = await credentialsIn(c, 'team-c', 'vault-pull', host);

  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Rotate with a Successor Robot…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Rotate with a Successor Robot/ });
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts/, timeout: 30_000 });
  await acceptQuickInput(page);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places to move from acme\+ci_pull to/, timeout: 60_000 });
  assert.deepEqual(plan.items.filter((i) => i.checked !== undefined).map((i) => `${i.label} | ${String(i.checked)}`), [
    'ci.env:2:12 | true',
    'admin · team-a/quay-pull | true',
    'admin · team-b/quay-pull | true',
    'admin · team-c/quay-pull | true',
    'admin · team-c/vault-pull | false',
  ]);
  await acceptQuickInput(page);
  await clickDialogButton(page, 'Create Successor');
  await waitForNotification(page, `Successor ${successor} for ${ROBOT}: 4 places updated, 1 left. The registry accepts the new token.`, 60_000);
  await session.screenshot('cluster-rotation-06-successor');
  const token = sb.state.robot(successor)?.token ?? assert.fail('no successor');
  assert.equal(readFileSync(join(workspace, 'ci.env'), 'utf8'), `QUAY_USER=${successor}\nQUAY_TOKEN=${token}\n`);
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, 'quay-pull', host), `${successor}:${token}`, ns);
  assert.equal(await credentialsIn(c, 'team-c', 'vault-pull', host), vaultBefore, 'the managed Secret is not patched');
  const fresh = await registry.login(host, successor, token, 'successor');
  assert.equal(fresh.code, 0, fresh.stderr);
});
