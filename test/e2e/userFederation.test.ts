/**
 * Keyless federation of a robot in the user's own namespace (Quay 3.18, `/api/v1/user/robots/{robot}/federation`)
 * through the UI, against the sandbox, for alice+laptop of the demo seed: the same features as for organization
 * robots (federation.test.ts, keyless.test.ts), then Quay 3.18's audiences and a Quay older than 3.18.
 * 1. Add Trust from the tree: the entry is written and shown under the robot;
 * 2. Set Up Keyless Access from a pasted token, asking Quay to check the audience: the entry is written, the list
 *    read back, and a warning says that Quay did not store the audience (3.18 drops it); nothing claims it did;
 * 3. Test Keyless Login with a token minted by the sandbox's issuer: exchanged, and the minted password logs in;
 *    Quay logs that audience-less federation is deprecated;
 * 4. audiences Quay returns (stored in its database) show in the tree and are checked, as Quay 3.18 does;
 * 5. the keyless pull secret (ServiceAccount, QuayAccessToken with serviceAccountRef.audiences, ExternalSecret) for
 *    alice+laptop from a Deployment, with its trust entry;
 * 6. a Quay before 3.18: alice's robots say "needs Quay 3.18" (learned from the route's 404), acme's keep their
 *    federation; before 3.13 acme's say "needs Quay 3.13".
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Sandbox } from '../sandbox/server';
import {
  acceptQuickInput,
  clickDialogButton,
  clickNotificationButton,
  clickViewAction,
  collapseTreeItem,
  contextMenu,
  contextMenuTree,
  expandTreeItem,
  filesContaining,
  modalDialog,
  openFile,
  openViewContainer,
  outputChannelText,
  pickCodeAction,
  pickQuickItem,
  quickInputState,
  treeItems,
  treeRow,
  triggerCodeActions,
  typeInQuickInput,
  waitForNotification,
  waitForProblem,
  waitForQuickInput,
  waitForQuickList,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench, workspaceFile } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    const workspace = mkdtempSync(join(tmpdir(), 'user-federation-ws-'));
    mkdirSync(join(workspace, 'k8s'));
    // The editor trusts the sandbox issuer's test CA (the issuer check fetches its discovery document and keys).
    const ca = join(workspace, '..', `${workspace.split('/').pop() ?? 'ws'}-ca.pem`);
    writeFileSync(ca, sb.issuer.caPem);
    return { workspace, env: { NODE_EXTRA_CA_CERTS: ca } };
  },
});
const { vscode } = workbench;
const ROBOT = 'alice+laptop';

const trustOf = (robot: string): readonly { issuer: string; subject: string; audiences?: readonly string[] }[] => workbench.sandbox.state.robot(robot)?.federation ?? [];

/** alice's own namespace down to her robot laptop (acme collapsed, so "Robot accounts" is alice's). */
async function showLaptop(): Promise<void> {
  const { page } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  const acme = (await treeItems(page, 'Registry')).find((r) => r.label === 'acme');
  if (acme?.expanded === true) await collapseTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'alice', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'laptop', REGISTRY_VIEW);
}

async function pasteToken(token: string): Promise<void> {
  const { page } = vscode;
  await waitForQuickInput(page, { titleOrPlaceholder: /token/i });
  await typeInQuickInput(page, token, { submit: true });
}

void test('Add Trust from the tree for alice+laptop: written through the user-namespace route and shown under the robot', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  assert.deepEqual(trustOf(ROBOT), [], 'the seed: no trust');
  await showLaptop();
  await expandTreeItem(page, 'laptop', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'No trusted issuer', REGISTRY_VIEW);
  await contextMenu(page, 'laptop', 'Add Trust…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Trust to alice\+laptop \(1\/2\)/ });
  await typeInQuickInput(page, sb.issuer.url, { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /\(2\/2\)/ });
  await typeInQuickInput(page, 'system:serviceaccount:dev:laptop', { submit: true });
  await waitForNotification(page, /alice\+laptop now trusts system:serviceaccount:dev:laptop from https:\/\/127\.0\.0\.1:\d+\/oidc\./);
  assert.deepEqual(trustOf(ROBOT), [{ issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:laptop' }]);
  assert.ok(sb.state.logs('alice').some((l) => l.kind === 'create_robot_federation' && l.metadata['robot'] === 'laptop'), 'logged in alice\'s namespace');
  await waitForTreeItem(page, 'system:serviceaccount:dev:laptop', REGISTRY_VIEW);
  const entry = (await treeItems(page, 'Registry')).find((r) => r.label === 'system:serviceaccount:dev:laptop');
  assert.equal(entry?.description, sb.issuer.url, 'no audience shown: Quay returned none');
  await session.screenshot('user-federation-01-add-trust');
});

void test('Set Up Keyless Access for alice+laptop from a pasted token, asking Quay to check the audience: written, read back, and said not stored', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const jwt = sb.issuer.mint({ sub: 'system:serviceaccount:dev:builder', aud: 'quay' });
  await showLaptop();
  await contextMenu(page, 'laptop', 'Set Up Keyless Access…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Where do the tokens come from?' });
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(jwt);
  // The sandbox's issuer is on loopback: the editor asks before it sends it a request (security review finding 5).
  const ask = await modalDialog(page);
  assert.equal(ask.message, `The issuer ${sb.issuer.url} is on an internal host.`);
  await clickDialogButton(page, 'Fetch from This Machine');
  const confirm = await waitUntil(async () => {
    const s = await quickInputState(page);
    return s.items.some((i) => /Add trust: system:serviceaccount:dev:builder/.test(i.label)) && s.items.some((i) => /Issuer matches/.test(i.label)) && s;
  }, { message: 'the proposal with the issuer check', describe: async () => JSON.stringify(await quickInputState(page)) });
  assert.equal(confirm.title, 'Set Up Keyless Access for alice+laptop');
  assert.equal(confirm.items[0]?.description, sb.issuer.url);
  assert.match(confirm.items[1]?.label ?? '', /Add trust and ask Quay to check the audience…/);
  assert.match(confirm.items[1]?.detail ?? '', /Quay 3\.18 accepts an audiences field but does not store it yet/);
  assert.ok(confirm.items.some((i) => i.label === 'aud  quay'), 'the token\'s claims');
  await session.screenshot('user-federation-02-wizard');
  await pickQuickItem(page, /ask Quay to check the audience/);
  const audiences = await waitForQuickInput(page, { titleOrPlaceholder: /Audiences Quay should require/ });
  assert.equal(audiences.value, 'quay', 'the pasted token\'s aud');
  await acceptQuickInput(page);
  const warning = await waitForNotification(page, /alice\+laptop\): Quay saved the trust but not its audiences \(system:serviceaccount:dev:builder \(quay\)\)/);
  assert.match(warning.message, /does not check the tokens' aud for these entries/);
  await waitForNotification(page, /alice\+laptop now trusts system:serviceaccount:dev:builder from https:\/\/127\.0\.0\.1:\d+\/oidc \(2 entries\)\./);
  // Quay 3.18 (the sandbox) kept issuer and subject only; the tree shows what Quay holds.
  assert.deepEqual(trustOf(ROBOT), [
    { issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:laptop' },
    { issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:builder' },
  ]);
  await expandTreeItem(page, 'laptop', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'system:serviceaccount:dev:builder', REGISTRY_VIEW);
  const row = (await treeItems(page, 'Registry')).find((r) => r.label === 'system:serviceaccount:dev:builder');
  assert.equal(row?.description, sb.issuer.url, 'no audience claimed');
  await session.screenshot('user-federation-03-audience-not-stored');
  assert.match(outputChannelText(session, 'Quay'), /Quay did not store the audiences of 1 entries: system:serviceaccount:dev:builder \(quay\)/);
  assert.deepEqual(filesContaining(session, jwt), [], 'the pasted token is stored nowhere');
});

void test('Test Keyless Login as alice+laptop with a token of the sandbox\'s issuer: exchanged, and the registry login works', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const warnings = sb.warnings.length;
  const token = sb.issuer.mint({ sub: 'system:serviceaccount:dev:laptop' });
  await showLaptop();
  await contextMenu(page, 'laptop', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(token);
  const pre = await waitForQuickList(page, 'Test Keyless Login as alice+laptop');
  assert.match(pre.items[0]?.label ?? '', /Exchange at Quay$/);
  assert.ok(pre.items.some((i) => /Matches the entry system:serviceaccount:dev:laptop/.test(i.label)), JSON.stringify(pre.items));
  await acceptQuickInput(page);
  const ok = await modalDialog(page);
  assert.equal(ok.message, 'Keyless login works for alice+laptop.');
  assert.match(ok.detail, /Quay exchanged the token for a registry password valid until .+ \(one hour\)\.\s*Registry login as alice\+laptop with it: accepted\./);
  await session.screenshot('user-federation-04-login-works');
  await clickDialogButton(page, 'OK');
  assert.ok(sb.state.logs('alice').some((l) => l.kind === 'federated_robot_token_exchange' && l.metadata['robot'] === 'laptop'));
  // Quay 3.18 logs, for an exchange with no stored audience, that audience-less federation will be removed.
  assert.equal(sb.warnings.length, warnings + 1);
  assert.match(sb.warnings.at(-1) ?? '', /^Federated robot 'alice\+laptop' authenticated without audience validation\..*deprecated and will be removed/);
  assert.deepEqual(filesContaining(session, token), []);
  assert.ok(!outputChannelText(session, 'Quay').includes(token), 'no token in the log');
});

void test('Audiences Quay returns (stored in its database) show on the entry and are checked: a token for another audience is refused, explained', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  sb.state.setFederationInDatabase(ROBOT, [{ issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:laptop', audiences: ['quay', 'sts'] }]);
  await showLaptop();
  await contextMenu(page, 'alice', 'Refresh', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'laptop', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'system:serviceaccount:dev:laptop', REGISTRY_VIEW);
  const row = await waitUntil(async () => (await treeItems(page, 'Registry')).find((r) => r.label === 'system:serviceaccount:dev:laptop' && /aud/.test(r.description)), { message: 'the entry with its audiences' });
  assert.equal(row.description, `${sb.issuer.url} · aud quay, sts`);
  // The row is too narrow for its description: its hover says it in full.
  await treeRow(page, 'system:serviceaccount:dev:laptop', 'Registry').hover();
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: "Audiences (Quay checks the token's aud)" }).first();
  await hover.waitFor({ state: 'visible' });
  assert.match(await hover.innerText(), /quay.*sts/s);
  await session.screenshot('user-federation-05-audiences-shown');
  await page.mouse.move(700, 600);

  await contextMenu(page, 'laptop', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(sb.issuer.mint({ sub: 'system:serviceaccount:dev:laptop', aud: 'elsewhere' }));
  const pre = await waitForQuickList(page, 'Test Keyless Login as alice+laptop');
  assert.match(pre.items[0]?.label ?? '', /Exchange at Quay anyway$/);
  const issue = pre.items.find((i) => /Audience doesn't match/.test(i.label));
  assert.match(issue?.detail ?? '', /the token's aud is elsewhere; Quay wants one of quay, sts/);
  await session.screenshot('user-federation-06-audience-precheck');
  await acceptQuickInput(page);
  const refused = await modalDialog(page);
  assert.equal(refused.message, 'Quay refused the token for alice+laptop: HTTP 400 "Invalid token: Audience doesn\'t match"');
  assert.match(refused.detail, /Quay 3\.18 then checks the token's aud claim/);
  await clickDialogButton(page, 'OK');
  sb.state.setFederationInDatabase(ROBOT, [
    { issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:laptop' },
    { issuer: sb.issuer.url, subject: 'system:serviceaccount:dev:builder' },
  ]);
  await contextMenu(page, 'alice', 'Refresh', REGISTRY_VIEW);
});

void test('The keyless pull secret for alice+laptop from a Deployment: the QuayAccessToken keeps serviceAccountRef.audiences, and the trust entry is added', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const host = sb.hostname;
  writeFileSync(
    join(session.workspace, 'k8s', 'dev.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dev\n  namespace: dev\nspec:\n  template:\n    spec:\n      containers:\n        - name: dev\n          image: ${host}/alice/playground:1.0\n`,
  );
  const subject = 'system:serviceaccount:dev:quay-token';
  await openFile(page, 'k8s/dev.yaml');
  await waitForProblem(page, /this pod spec has no imagePullSecrets/);
  await openFile(page, 'k8s/dev.yaml');
  const line = workspaceFile(vscode.session, 'k8s/dev.yaml').split('\n').findIndex((l) => l.includes('image:')) + 1;
  const items = await triggerCodeActions(page, { line, column: 20 });
  assert.ok(items.includes('Insert keyless pull secret (External Secrets) for a robot…'), JSON.stringify(items));
  await pickCodeAction(page, 'Insert keyless pull secret (External Secrets) for a robot…');
  await waitForQuickInput(page, { titleOrPlaceholder: /Organization or your namespace/ });
  await pickQuickItem(page, 'alice');
  await waitForQuickInput(page, { titleOrPlaceholder: /Robot account/ });
  await pickQuickItem(page, 'laptop');
  await waitForQuickInput(page, { titleOrPlaceholder: /ServiceAccount whose tokens/ });
  await pickQuickItem(page, /New ServiceAccount/);
  await waitForQuickInput(page, { titleOrPlaceholder: /Insert Keyless Pull Secret/ });
  await acceptQuickInput(page); // quay-token
  const audience = await waitForQuickInput(page, { titleOrPlaceholder: /Insert Keyless Pull Secret/ });
  assert.equal(audience.value, host, 'the audience proposed: the Quay host');
  await acceptQuickInput(page);
  await waitForNotification(page, /alice\+laptop does not trust system:serviceaccount:dev:quay-token yet/);
  await clickNotificationButton(page, /does not trust/, 'Add Trust…');
  await waitForQuickInput(page, { titleOrPlaceholder: /service account issuer/ });
  await pickQuickItem(page, sb.issuer.url);
  await waitUntil(() => trustOf(ROBOT).some((e) => e.subject === subject), { message: 'the trust entry saved through the user-namespace route' });
  assert.equal(trustOf(ROBOT).length, 3, 'the entries already there are kept');

  await page.keyboard.press('Control+S');
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/dev.yaml').includes('kind: ExternalSecret'), { message: 'dev.yaml saved' });
  const docs = parseAllDocuments(workspaceFile(vscode.session, 'k8s/dev.yaml')).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> });
  assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'ServiceAccount', 'QuayAccessToken', 'ExternalSecret']);
  assert.deepEqual((docs[0]?.spec as { template: { spec: { imagePullSecrets: unknown } } }).template.spec.imagePullSecrets, [{ name: 'alice-laptop-pull-secret' }]);
  assert.deepEqual(docs[2]?.spec, { url: host, robotAccount: 'alice+laptop', serviceAccountRef: { name: 'quay-token', audiences: [host] } });
  assert.equal(docs[2]?.apiVersion, 'generators.external-secrets.io/v1alpha1');
  assert.deepEqual((docs[3]?.spec['dataFrom'] as unknown[])[0], { sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'QuayAccessToken', name: 'alice-laptop-quay-token' } } });
  assert.ok(docs.every((d) => d.metadata.namespace === 'dev'));
  await session.screenshot('user-federation-07-keyless-yaml');
});

void test('A Quay before 3.18: alice\'s robots say "needs Quay 3.18" from the route\'s 404, acme\'s keep their federation; before 3.13 acme\'s say 3.13', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  sb.emulateBefore318(true);
  try {
    await clickViewAction(page, 'Registry', 'Refresh All');
    await showLaptop();
    const notice = await waitForTreeItem(page, 'Keyless needs Quay 3.18', REGISTRY_VIEW);
    await notice.scrollIntoViewIfNeeded();
    const row = (await treeItems(page, 'Registry')).find((r) => r.label === 'Keyless needs Quay 3.18');
    assert.equal(row?.description, 'Quay answered 404 on /api/v1/user/robots/{robot}/federation', 'how it was learned (the hover has the whole sentence)');
    await expandTreeItem(page, 'laptop', REGISTRY_VIEW);
    await waitForTreeItem(page, 'playground', REGISTRY_VIEW);
    const rows = await treeItems(page, 'Registry');
    assert.ok(!rows.some((r) => r.label === 'Keyless federation' || /federation of/.test(r.label)), rows.map((r) => r.label).join(', '));
    await session.screenshot('user-federation-08-before-318-user');
    // No Keyless submenu on the user's robots there (their +nokeyless flag): the robots group's notice says why.
    assert.equal((await contextMenuTree(page, 'laptop', REGISTRY_VIEW)).submenus.Keyless, undefined);

    // The organization's robots keep their federation: no notice, and keyless has its entries.
    await collapseTreeItem(page, 'alice', REGISTRY_VIEW);
    await expandTreeItem(page, 'acme', REGISTRY_VIEW);
    await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
    await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
    await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
    await waitForTreeItem(page, 'system:serviceaccount:prod:app', REGISTRY_VIEW);
    const acmeRows = await treeItems(page, 'Registry');
    assert.ok(!acmeRows.some((r) => /^(No keyless federation|Keyless needs Quay)/.test(r.label)), acmeRows.map((r) => r.label).join(', '));
    await session.screenshot('user-federation-09-before-318-org');
    await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
  } finally {
    sb.emulateBefore318(false);
  }
  sb.emulateBefore313(true);
  try {
    await clickViewAction(page, 'Registry', 'Refresh All');
    await expandTreeItem(page, 'acme', REGISTRY_VIEW);
    await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
    await waitForTreeItem(page, 'Keyless needs Quay 3.13', REGISTRY_VIEW);
    const row = (await treeItems(page, 'Registry')).find((r) => r.label === 'Keyless needs Quay 3.13');
    assert.equal(row?.description, 'Quay answered 404 on /api/v1/organization/{org}/robots/{robot}/federation');
    await session.screenshot('user-federation-10-before-313-org');
  } finally {
    sb.emulateBefore313(false);
  }
  await clickViewAction(page, 'Registry', 'Refresh All');
});
