/**
 * Keyless access with real service-account tokens, through the UI: a real Kubernetes API server
 * (test/cluster/cluster.ts) and the sandbox trusting its CA, as a Quay with the cluster's CA among its extra CAs.
 * 1. Set Up Keyless Access, Kubernetes preset: the issuer is read from a kubeconfig context, the ServiceAccount
 *    picked from that cluster; the editor's issuer check reads the API server's discovery document and keys;
 * 2. Test Keyless Login, "Use a ServiceAccount token": a token the API server signs now is exchanged and the minted
 *    password logs in; a token of another ServiceAccount gets Quay's "Token does not match robot". No token is
 *    shown, stored or logged.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { clusterSkip as skip, startCluster, TEST_KUBECTL, type TestCluster } from '../cluster/cluster';
import {
  acceptQuickInput,
  clickDialogButton,
  contextMenu,
  modalDialog,
  outputChannelText,
  pickQuickItem,
  quickInputState,
  waitForNotification,
  waitForQuickInput,
  waitForQuickList,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, showOrgRobot, useSandboxWorkbench } from './sandboxWorkbench';

let cluster: TestCluster | undefined;
const home = mkdtempSync(join(tmpdir(), 'cluster-keyless-'));
const kubeconfig = join(home, 'kubeconfig');
const clusterCa = join(home, 'cluster-ca.pem');
/** Started before the sandbox, which trusts its CA, and VS Code, which gets its kubeconfig. */
async function startTestCluster(): Promise<{ trustedCaPem?: string }> {
  if (skip !== undefined) return {};
  cluster = await startCluster();
  await cluster.createNamespace('ci');
  for (const sa of ['builder', 'intruder']) await cluster.admin(['create', 'serviceaccount', sa, '-n', 'ci']);
  copyFileSync(cluster.kubeconfig, kubeconfig);
  // The editor's issuer check trusts the cluster's CA as a workstation with that cluster's CA installed would.
  writeFileSync(clusterCa, cluster.caPem);
  return { trustedCaPem: cluster.caPem };
}
after(async () => {
  await cluster?.stop();
});
const workbench = useSandboxWorkbench('demo', {
  sandbox: startTestCluster,
  prepare: () => ({ settings: { 'quay.kubectl.path': TEST_KUBECTL }, env: { KUBECONFIG: kubeconfig, NODE_EXTRA_CA_CERTS: clusterCa } }),
});
const { vscode } = workbench;

const openRobot = (name: string): Promise<void> => showOrgRobot(vscode.page, name);

void test('Set Up Keyless Access, Kubernetes preset: issuer from the kubeconfig context, ServiceAccount from the cluster, issuer checked from the editor', { skip }, async () => {
  const c = cluster ?? assert.fail('no cluster');
  const { page, session } = vscode;
  await openRobot('ci_pull');
  await contextMenu(page, 'ci_pull', 'Set Up Keyless Access…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Where do the tokens come from?' });
  await pickQuickItem(page, /Kubernetes \/ OpenShift service account/);
  await waitForQuickInput(page, { titleOrPlaceholder: "The cluster's service account issuer" });
  await pickQuickItem(page, /Read it from a cluster \(kubectl\)/);
  const contexts = await waitForQuickInput(page, { titleOrPlaceholder: 'Kubernetes context' });
  assert.deepEqual(contexts.items.map((i) => [i.label, i.description]), [['admin', 'current context'], ['developer', '']]);
  await acceptQuickInput(page);
  const accounts = await waitForQuickInput(page, { titleOrPlaceholder: 'ServiceAccount (namespace/name)' });
  for (const sa of ['ci/builder', 'ci/intruder', 'default/default']) assert.ok(accounts.items.some((i) => i.label === sa), JSON.stringify(accounts.items));
  await session.screenshot('cluster-keyless-01-service-accounts');
  await pickQuickItem(page, 'ci/builder');
  // The API server's issuer is on loopback: the editor asks before fetching it (security review finding 5).
  await clickDialogButton(page, 'Fetch from This Machine');
  const confirm = await waitUntil(async () => {
    const s = await quickInputState(page);
    return s.items.some((i) => /Issuer matches/.test(i.label)) && s;
  }, { message: 'the proposal with the issuer check', describe: async () => JSON.stringify(await quickInputState(page)) });
  assert.match(confirm.items[0]?.label ?? '', /Add trust: system:serviceaccount:ci:builder$/);
  assert.equal(confirm.items[0]?.description, c.issuer);
  assert.ok(confirm.items.some((i) => /RSA keys for RS256\/RS384/.test(i.label)), JSON.stringify(confirm.items));
  await session.screenshot('cluster-keyless-02-confirm');
  await acceptQuickInput(page);
  await waitForNotification(page, /acme\+ci_pull now trusts system:serviceaccount:ci:builder/);
  assert.deepEqual(workbench.sandbox.state.robot('acme+ci_pull')?.federation, [{ issuer: c.issuer, subject: 'system:serviceaccount:ci:builder' }]);
});

async function testLoginWith(serviceAccount: string): Promise<void> {
  const { page } = vscode;
  await contextMenu(page, 'ci_pull', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Use a ServiceAccount token/);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Kubernetes context' });
  await acceptQuickInput(page);
  const accounts = await waitForQuickInput(page, { titleOrPlaceholder: 'ServiceAccount (namespace/name)' });
  assert.deepEqual([accounts.items[0]?.label, accounts.items[0]?.description], ['ci/builder', 'trusted by acme+ci_pull'], 'the robot\'s own ServiceAccount first');
  await pickQuickItem(page, serviceAccount);
  const audience = await waitForQuickInput(page, { titleOrPlaceholder: /Audience of the token/ });
  assert.equal(audience.value, new URL(workbench.sandbox.url).host);
  await acceptQuickInput(page);
}

void test('Test Keyless Login with a ServiceAccount token the API server signs: the exchange and registry login work; another ServiceAccount is refused by Quay', { skip }, async () => {
  const { page, session } = vscode;
  await openRobot('ci_pull');
  await testLoginWith('ci/builder');
  const pre = await waitForQuickList(page, 'Test Keyless Login as acme+ci_pull');
  assert.match(pre.items[0]?.label ?? '', /Exchange at Quay$/);
  assert.ok(pre.items.some((i) => /Matches the entry system:serviceaccount:ci:builder/.test(i.label)), JSON.stringify(pre.items));
  assert.ok(pre.items.some((i) => /^alg {2}RS256$/.test(i.label)), JSON.stringify(pre.items));
  await acceptQuickInput(page);
  const ok = await modalDialog(page, 30_000);
  assert.equal(ok.message, 'Keyless login works for acme+ci_pull.');
  assert.match(ok.detail, /Registry login as acme\+ci_pull with it: accepted\./);
  await session.screenshot('cluster-keyless-03-login-works');
  await clickDialogButton(page, 'OK');

  await testLoginWith('ci/intruder');
  const mismatch = await waitForQuickList(page, 'Test Keyless Login as acme+ci_pull');
  assert.match(mismatch.items[0]?.label ?? '', /Exchange at Quay anyway$/);
  await acceptQuickInput(page);
  const refused = await modalDialog(page, 30_000);
  assert.equal(refused.message, 'Quay refused the token for acme+ci_pull: HTTP 400 "Token does not match robot"');
  await session.screenshot('cluster-keyless-04-refused');
  await clickDialogButton(page, 'OK');

  // The tokens were never on screen; nothing shaped like a JWT (the service account's or the minted one) is in the log.
  assert.doesNotMatch(outputChannelText(vscode.session, 'Quay'), /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'no JWT in the log');
});
