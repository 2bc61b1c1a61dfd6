/**
 * The API server goes away halfway through a rotation's cluster Secret updates, through the UI,
 * against the sandbox and a real Kubernetes API server (test/cluster/cluster.ts). VS Code's kubeconfig reaches the
 * API server through a TLS proxy in this test (the API server's own certificate), which goes away exactly when
 * the second Secret's update arrives, before passing it on: the first Secret holds the new token, the other two
 * are reported as left and keep the rotation pending; once the proxy is back, Finish Rotation updates them.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { KubeSecret } from '../../src/core/k8s/clusterSecrets';
import { clusterSkip, pullSecretJson, startCluster, TEST_KUBECTL, type TestCluster } from '../cluster/cluster';
import { VanishingProxy } from '../cluster/vanishingProxy';
import { acceptQuickInput, clickDialogButton, clickNotificationButton, contextMenu, editorDocumentText, runCommand, waitForNotification, waitForQuickInput } from './harness';
import { showOrgRobot, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const ROBOT = 'acme+ci_pull';
const NAMESPACES = ['team-a', 'team-b', 'team-c'];

let cluster: TestCluster | undefined;
let proxy: VanishingProxy | undefined;
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'cluster-rotation-failure-kube-')), 'config');
before(async () => {
  if (clusterSkip !== undefined) return;
  cluster = await startCluster();
  proxy = new VanishingProxy(cluster);
  await proxy.listen();
  // VS Code's kubeconfig: the cluster's, with the proxy as the server (same CA, same 127.0.0.1 certificate).
  writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig, 'utf8').replace(cluster.url, `https://127.0.0.1:${proxy.port}`), { mode: 0o600 });
});
after(async () => {
  proxy?.close();
  await cluster?.stop();
});
const workbench = useSandboxWorkbench('demo', {
  prepare: () => ({ workspace: mkdtempSync(join(tmpdir(), 'cluster-rotation-failure-ws-')), settings: { 'quay.kubectl.path': TEST_KUBECTL }, env: { KUBECONFIG: kubeconfig } }),
});
const { vscode } = workbench;

/** `user:token` of `host` in the Secret, read directly from the API server (not through the proxy). */
async function credentialsIn(c: TestCluster, namespace: string, host: string): Promise<string> {
  const s = (await c.kubectl.getJson('admin', ['secret', 'quay-pull', '-n', namespace])) as KubeSecret;
  const auths = (JSON.parse(Buffer.from(s.data?.['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { username: string; password: string }> }).auths;
  return `${auths[host]?.username ?? ''}:${auths[host]?.password ?? ''}`;
}

void test('The API server goes away at the second Secret: the first holds the new token, the others are left, and Finish Rotation completes once it is back', { skip: clusterSkip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const p = proxy ?? assert.fail('no proxy');
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  for (const ns of NAMESPACES) {
    await c.createNamespace(ns);
    await c.admin(['apply', '-f', '-'], pullSecretJson(ns, 'quay-pull', host, ROBOT, oldToken));
  }

  await showOrgRobot(page, 'ci_pull');
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts/, timeout: 30_000 });
  await acceptQuickInput(page); // the current context, admin
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 60_000 });
  assert.deepEqual(plan.items.filter((i) => i.checked === true).map((i) => i.label), NAMESPACES.map((ns) => `admin · ${ns}/quay-pull`));
  await acceptQuickInput(page);
  p.goAwayOn((method, path) => method === 'PUT' && path.startsWith('/api/v1/namespaces/team-b/secrets/quay-pull'));
  await clickDialogButton(page, 'Regenerate Token');
  const note = await waitForNotification(page, /Rotation of acme\+ci_pull: 1 places updated, 2 left\./, 60_000);
  await session.screenshot('cluster-rotation-failure-01-left');
  assert.equal(note.severity, 'warning');
  assert.deepEqual(note.buttons, ['Finish Rotation']);
  assert.equal(p.listening, false, 'the API server went away during the updates');
  const newToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  assert.equal(await credentialsIn(c, 'team-a', host), `${ROBOT}:${newToken}`, 'replaced before it went away');
  for (const ns of ['team-b', 'team-c']) assert.equal(await credentialsIn(c, ns, host), `${ROBOT}:${oldToken}`, `${ns} is left`);
  const report = await editorDocumentText(page);
  assert.match(report, /`admin · team-a\/quay-pull` updated/);
  for (const ns of ['team-b', 'team-c']) assert.match(report, new RegExp(`\`admin · ${ns}/quay-pull\` failed: .+ — run "Quay: Finish Rotation"`));

  await p.comeBack();
  await clickNotificationButton(page, /Rotation of acme\+ci_pull: 1 places updated, 2 left\./, 'Finish Rotation');
  await waitForQuickInput(page, { titleOrPlaceholder: /Clusters: kubeconfig contexts/, timeout: 30_000 });
  await acceptQuickInput(page);
  const rest = await waitForQuickInput(page, { titleOrPlaceholder: /Places that still store the old token of acme\+ci_pull/, timeout: 60_000 });
  assert.deepEqual(rest.items.filter((i) => i.checked !== undefined).map((i) => `${i.label} | ${String(i.checked)}`), ['admin · team-b/quay-pull | true', 'admin · team-c/quay-pull | true']);
  await acceptQuickInput(page);
  await waitForNotification(page, 'Rotation of acme+ci_pull (finished): 2 places updated, 0 left. The registry accepts the new token and refuses the old one.', 60_000);
  await session.screenshot('cluster-rotation-failure-02-finished');
  for (const ns of NAMESPACES) assert.equal(await credentialsIn(c, ns, host), `${ROBOT}:${newToken}`, ns);
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});
