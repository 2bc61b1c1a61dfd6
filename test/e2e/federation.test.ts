/**
 * Keyless federation through the UI, against the sandbox (whose exchange refuses what Quay refuses: http://
 * issuers, untrusted certificates; discovery and keys fetched on every exchange):
 * 1. Set Up Keyless Access, GitHub Actions preset: the subject comes from the workspace's git remote and branch
 *    (a branch with a slash); the new entry joins the robot's two, and all three remain;
 * 2. Add Trust while someone else changes the list: the conflict shows both versions, and applying the change to
 *    the current list keeps the other change;
 * 3. Set Up Keyless Access from a pasted sandbox-minted JWT: the entry proposed is the token's iss and sub, and
 *    the issuer check (run from the editor, trusting the sandbox's test CA) finds the discovery document and keys;
 * 4. Test Keyless Login: a matching token is exchanged and the minted password logs in to the registry; a token
 *    of another subject gets Quay's "Token does not match robot" with the explanation. Neither token is logged;
 * 5. an http:// issuer: Add Trust warns in place, and the exchange shows Quay's 500 with its explanation;
 * 6. Copy Login Command on an entry: a login that reads no token from the command line;
 * 7. an entry whose subject holds a line break (security review finding 1) is shown escaped, and copied escaped.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/core/log';
import { QuayClient } from '../../src/core/quay/client';
import type { Sandbox } from '../sandbox/server';
import {
  acceptQuickInput,
  clickDialogButton,
  clickViewAction,
  collapseTreeItem,
  contextMenu,
  contextMenuTree,
  copiedBy,
  expandTreeItem,
  filesContaining,
  modalDialog,
  outputChannelText,
  pickQuickItem,
  quickInputState,
  treeItems,
  treeRow,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInput,
  waitForQuickList,
  waitForQuickInputClosed,
  waitForQuickInputMessage,
  waitForTreeItem,
  waitForTreeItemGone,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, showOrgRobot, useSandboxWorkbench } from './sandboxWorkbench';

const GITHUB = 'https://token.actions.githubusercontent.com';
const acme = { kind: 'org', name: 'acme' } as const;

const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    const workspace = mkdtempSync(join(tmpdir(), 'federation-ws-'));
    mkdirSync(join(workspace, 'k8s'));
    writeFileSync(join(workspace, 'k8s', 'sa.yaml'), 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: pusher\n  namespace: build\n');
    const git = (...args: string[]): void => void execFileSync('git', ['-C', workspace, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args]);
    git('init', '-q', '-b', 'release/v2');
    git('remote', 'add', 'origin', 'git@github.com:acme/app.git');
    git('add', '.');
    git('commit', '-qm', 'init');
    // The editor trusts the sandbox issuer's test CA, as a workstation trusts a company CA (NODE_EXTRA_CA_CERTS).
    const ca = join(workspace, '..', `${workspace.split('/').pop() ?? 'ws'}-ca.pem`);
    writeFileSync(ca, sb.issuer.caPem);
    return { workspace, env: { NODE_EXTRA_CA_CERTS: ca } };
  },
});
const { vscode } = workbench;

const federationOf = (robot: string): readonly { issuer: string; subject: string }[] => workbench.sandbox.state.robot(robot)?.federation ?? [];
const label = (s: string): RegExp => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

const openRobot = (name: string): Promise<void> => showOrgRobot(vscode.page, name);

/** Pastes a token into the password box of the current step and accepts it. */
async function pasteToken(token: string): Promise<void> {
  const { page } = vscode;
  await waitForQuickInput(page, { titleOrPlaceholder: /token/i });
  await typeInQuickInput(page, token, { submit: true });
}

void test('Set Up Keyless Access, GitHub Actions: the subject from the git remote and branch; the entry joins the existing two', async () => {
  const { page, session } = vscode;
  assert.equal(federationOf('acme+keyless').length, 2, 'the seed: two entries');
  await openRobot('keyless');
  await contextMenu(page, 'keyless', 'Set Up Keyless Access…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Where do the tokens come from?' });
  await session.screenshot('federation-01-presets');
  await pickQuickItem(page, /GitHub Actions/);
  const repo = await waitForQuickInput(page, { titleOrPlaceholder: /GitHub repository/ });
  assert.equal(repo.value, 'acme/app', 'owner/repo from git@github.com:acme/app.git');
  await acceptQuickInput(page);
  const forms = await waitForQuickInput(page, { titleOrPlaceholder: 'Which workflow runs may log in' });
  assert.deepEqual(
    forms.items.map((i) => i.description),
    ['repo:acme/app:ref:refs/heads/release/v2', 'repo:acme/app:environment:<environment>', 'repo:acme/app:pull_request', 'repo:acme/app:ref:refs/tags/<tag>'],
  );
  assert.match(forms.items[2]?.detail ?? '', /pull_request events/);
  await session.screenshot('federation-02-github-forms');
  await pickQuickItem(page, 'Branch');
  const branch = await waitForQuickInput(page, { titleOrPlaceholder: 'Branch' });
  assert.equal(branch.value, 'release/v2', 'the checked-out branch');
  await acceptQuickInput(page);
  const confirm = await waitUntil(async () => {
    const s = await quickInputState(page);
    return s.items.some((i) => /Add trust: repo:acme\/app:ref:refs\/heads\/release\/v2/.test(i.label)) && s;
  }, { message: 'the confirmation with the issuer check' });
  assert.equal(confirm.items[0]?.description, GITHUB);
  // No internet here: the editor cannot reach GitHub, and says that this proves nothing about Quay.
  assert.ok(confirm.items.some((i) => /Not reachable from the editor/.test(i.label) && /proves nothing about Quay/.test(i.detail)), JSON.stringify(confirm.items));
  await session.screenshot('federation-03-confirm');
  await acceptQuickInput(page);
  await waitForNotification(page, /acme\+keyless now trusts repo:acme\/app:ref:refs\/heads\/release\/v2 from https:\/\/token\.actions\.githubusercontent\.com \(3 entries\)/);
  assert.deepEqual(
    federationOf('acme+keyless').map((e) => e.subject),
    ['system:serviceaccount:prod:app', 'repo:acme/app:ref:refs/heads/main', 'repo:acme/app:ref:refs/heads/release/v2'],
  );
  await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'repo:acme/app:ref:refs/heads/release/v2', REGISTRY_VIEW);
  const rows = (await treeItems(page, 'Registry')).map((r) => r.label);
  for (const s of ['system:serviceaccount:prod:app', 'repo:acme/app:ref:refs/heads/main']) assert.ok(rows.includes(s), rows.join(', '));
  await session.screenshot('federation-04-tree');
  // Someone else adds an entry: Refresh on the group reads the list again.
  const sb = workbench.sandbox;
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  await api.setFederation(acme, 'keyless', [...federationOf('acme+keyless'), { issuer: GITHUB, subject: 'repo:acme/app:environment:prod' }]);
  await api.close();
  await contextMenu(page, 'Keyless federation', 'Refresh', REGISTRY_VIEW);
  await waitForTreeItem(page, 'repo:acme/app:environment:prod', REGISTRY_VIEW);
  await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
});

void test('Add Trust: a change made by someone else between read and write is shown, and applying on top keeps it', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  await openRobot('ci_push');
  await contextMenu(page, 'ci_push', 'Add Trust…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Trust to acme\+ci_push \(1\/2\)/ });
  // Meanwhile, a colleague (another client) gives the robot an entry.
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  await api.setFederation(acme, 'ci_push', [{ issuer: GITHUB, subject: 'repo:acme/tools:ref:refs/heads/main' }]);
  await api.close();
  await typeInQuickInput(page, sb.issuer.url, { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /\(2\/2\)/ });
  await typeInQuickInput(page, 'system:serviceaccount:ci:builder', { submit: true });
  const dialog = await modalDialog(page);
  assert.equal(dialog.message, 'The keyless trust of acme+ci_push changed on Quay since it was read.');
  assert.match(dialog.detail, /When read \(0\):\s*\(none\)\s*Now on Quay \(1\):\s*https:\/\/token\.actions\.githubusercontent\.com\s+→\s+repo:acme\/tools:ref:refs\/heads\/main\s*Your change applied to the current list \(2\):\s*https:\/\/token\.actions\.githubusercontent\.com\s+→\s+repo:acme\/tools:ref:refs\/heads\/main\s*https:\/\/127\.0\.0\.1:\d+\/oidc\s+→\s+system:serviceaccount:ci:builder$/);
  await session.screenshot('federation-05-conflict');
  assert.equal(federationOf('acme+ci_push').length, 1, 'nothing written before the user decides');
  await clickDialogButton(page, 'Apply My Change to the Current List');
  await waitForNotification(page, /acme\+ci_push now trusts system:serviceaccount:ci:builder/);
  assert.deepEqual(federationOf('acme+ci_push'), [
    { issuer: GITHUB, subject: 'repo:acme/tools:ref:refs/heads/main' },
    { issuer: sb.issuer.url, subject: 'system:serviceaccount:ci:builder' },
  ]);
});

void test('Set Up Keyless Access from a pasted token: its iss and sub are proposed, and the issuer check reads the discovery document and keys', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const jwt = sb.issuer.mint({ sub: 'system:serviceaccount:build:pusher', aud: 'quay' });
  await openRobot('ci_pull');
  await contextMenu(page, 'ci_pull', 'Set Up Keyless Access…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Where do the tokens come from?' });
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(jwt);
  // The issuer is on loopback: the editor asks before it sends it a request (security review finding 5).
  const ask = await modalDialog(page);
  assert.equal(ask.message, `The issuer ${sb.issuer.url} is on an internal host.`);
  assert.match(ask.detail, /^127\.0\.0\.1 is a private, loopback or link-local address\. Quay usually cannot reach it\..*Fetch them\?$/s);
  for (const b of ['Fetch from This Machine', 'Check Without Fetching']) assert.ok(ask.buttons.includes(b), JSON.stringify(ask.buttons));
  await session.screenshot('federation-06a-ask-internal-issuer');
  await clickDialogButton(page, 'Fetch from This Machine');
  const confirm = await waitUntil(async () => {
    const s = await quickInputState(page);
    return s.items.some((i) => /Add trust: system:serviceaccount:build:pusher/.test(i.label)) && s.items.some((i) => /Issuer matches/.test(i.label)) && s;
  }, { message: 'the proposal with the issuer check', describe: async () => JSON.stringify(await quickInputState(page)) });
  assert.equal(confirm.items[0]?.description, sb.issuer.url);
  const labels = confirm.items.map((i) => i.label);
  for (const claim of [`iss  ${sb.issuer.url}`, 'sub  system:serviceaccount:build:pusher', 'aud  quay']) assert.ok(labels.some((l) => l === claim), labels.join(' | '));
  assert.ok(labels.some((l) => /RSA keys for RS256\/RS384/.test(l)), labels.join(' | '));
  assert.ok(labels.some((l) => /Internal host/.test(l)), 'the sandbox issuer is on loopback: Quay elsewhere could not reach it');
  await session.screenshot('federation-06-pasted-token');
  await acceptQuickInput(page);
  await waitForNotification(page, /acme\+ci_pull now trusts system:serviceaccount:build:pusher/);
  assert.deepEqual(federationOf('acme+ci_pull'), [{ issuer: sb.issuer.url, subject: 'system:serviceaccount:build:pusher' }]);
  assert.deepEqual(filesContaining(vscode.session, jwt), [], 'the pasted token is stored nowhere');
});

void test('Test Keyless Login: a matching token logs in to the registry; another subject gets Quay\'s "Token does not match robot", explained', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  assert.equal(federationOf('acme+ci_pull').length, 1, 'set up by the previous test');
  const good = sb.issuer.mint({ sub: 'system:serviceaccount:build:pusher' });
  await openRobot('ci_pull');
  await contextMenu(page, 'ci_pull', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(good);
  const pre = await waitForQuickList(page, 'Test Keyless Login as acme+ci_pull');
  assert.match(pre.items[0]?.label ?? '', /Exchange at Quay$/);
  assert.ok(pre.items.some((i) => /Matches the entry system:serviceaccount:build:pusher/.test(i.label)), JSON.stringify(pre.items));
  await acceptQuickInput(page);
  const ok = await modalDialog(page);
  assert.equal(ok.message, 'Keyless login works for acme+ci_pull.');
  assert.match(ok.detail, /Quay exchanged the token for a registry password valid until .+ \(one hour\)\.\s*Registry login as acme\+ci_pull with it: accepted\./);
  await session.screenshot('federation-07-login-works');
  await clickDialogButton(page, 'OK');

  const other = sb.issuer.mint({ sub: 'system:serviceaccount:build:other' });
  await contextMenu(page, 'ci_pull', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(other);
  const mismatch = await waitForQuickList(page, 'Test Keyless Login as acme+ci_pull');
  assert.match(mismatch.items[0]?.label ?? '', /Exchange at Quay anyway$/);
  assert.ok(mismatch.items.some((i) => /Closest entry: system:serviceaccount:build:pusher/.test(i.label)), JSON.stringify(mismatch.items));
  assert.ok(mismatch.items.some((i) => /Token does not match robot/.test(i.label) && /compares subjects exactly/.test(i.detail)), JSON.stringify(mismatch.items));
  await session.screenshot('federation-08-precheck-mismatch');
  await acceptQuickInput(page);
  const refused = await modalDialog(page);
  assert.equal(refused.message, 'Quay refused the token for acme+ci_pull: HTTP 400 "Token does not match robot"');
  assert.match(refused.detail, /The robot trusts the token's issuer, but not for this subject \(sub\): Quay compares subjects exactly/);
  await session.screenshot('federation-09-quay-refused');
  await clickDialogButton(page, 'OK');

  for (const token of [good, other]) {
    assert.deepEqual(filesContaining(vscode.session, token), [], 'no token in any file of the profile or workspace');
    assert.ok(!outputChannelText(vscode.session, 'Quay').includes(token), 'no token in the log');
  }
});

void test('An http:// issuer: Add Trust warns in place; the exchange shows Quay\'s 500 and why', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const httpIssuer = sb.issuer.url.replace(/^https:/, 'http:');
  await openRobot('unused_bot');
  await contextMenu(page, 'unused_bot', 'Add Trust…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /\(1\/2\)/ });
  await typeInQuickInput(page, httpIssuer);
  const warned = await waitForQuickInputMessage(page, /fails every exchange with it \(HTTP 500, "OIDC server must be accessed over SSL"\)/);
  assert.equal(warned.severity, 'warning', 'a warning: Quay stores it');
  await session.screenshot('federation-10-http-warning');
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: /\(2\/2\)/ });
  await typeInQuickInput(page, 'system:serviceaccount:build:http', { submit: true });
  await waitForNotification(page, /acme\+unused_bot now trusts system:serviceaccount:build:http/);
  assert.deepEqual(federationOf('acme+unused_bot'), [{ issuer: httpIssuer, subject: 'system:serviceaccount:build:http' }]);

  await contextMenu(page, 'unused_bot', 'Test Keyless Login…', REGISTRY_VIEW);
  await pickQuickItem(page, /Paste a token/);
  await pasteToken(sb.issuer.mint({ iss: httpIssuer, sub: 'system:serviceaccount:build:http' }));
  const pre = await waitForQuickList(page, 'Test Keyless Login as acme+unused_bot');
  assert.match(pre.items[0]?.label ?? '', /Exchange at Quay$/, 'nothing to object to locally');
  await acceptQuickInput(page);
  const refused = await modalDialog(page);
  assert.match(refused.message, /^Quay refused the token for acme\+unused_bot: HTTP 500/);
  assert.match(refused.detail, /an http:\/\/ issuer, which never works/);
  await session.screenshot('federation-11-http-500');
  await clickDialogButton(page, 'OK');
  await waitForQuickInputClosed(page);
});

void test('Copy Login Command on an entry: a Kubernetes login that exchanges a service account token, no token on any command line', async () => {
  const { page } = vscode;
  await openRobot('keyless');
  await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'system:serviceaccount:prod:app', REGISTRY_VIEW);
  const text = await copiedBy(page, () => contextMenu(page, label('system:serviceaccount:prod:app'), 'Copy Login Command', REGISTRY_VIEW));
  const host = new URL(workbench.sandbox.url).host;
  assert.match(text, /OIDC_TOKEN=\$\(kubectl create token app -n prod --audience /);
  assert.match(text, /printf 'user = "%s:%s"\\n' 'acme\+keyless' "\$OIDC_TOKEN" \| curl -fsS -K - /);
  assert.ok(text.includes(`| podman login --tls-verify=false --username 'acme+keyless' --password-stdin ${host}`), text);
  const ghText = await copiedBy(page, () => contextMenu(page, 'repo:acme/app:ref:refs/heads/main', 'Copy Login Command', REGISTRY_VIEW));
  assert.match(ghText, /permissions:\n {2}id-token: write\n {2}contents: read/);
  assert.match(ghText, /::add-mask::\$QUAY_TOKEN/);
  await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
});

void test('A trust entry whose subject holds a line break (stored through the API, as Quay allows) is shown escaped, and Copy Login Command copies it escaped', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const before = federationOf('acme+keyless');
  const hostile = 'system:serviceaccount:prod:puller\ntouch ~/PWNED #';
  const shown = 'system:serviceaccount:prod:puller\\ntouch ~/PWNED #';
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  try {
    await api.setFederation(acme, 'keyless', [...before, { issuer: sb.issuer.url, subject: hostile }]);
    assert.ok(federationOf('acme+keyless').some((e) => e.subject === hostile), 'stored with its line break');
    await openRobot('keyless');
    await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
    await contextMenu(page, 'Keyless federation', 'Refresh', REGISTRY_VIEW);
    await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
    await waitForTreeItem(page, label(shown), REGISTRY_VIEW);
    const row = (await treeItems(page, 'Registry')).find((r) => r.label === shown);
    assert.ok(row !== undefined, JSON.stringify(await treeItems(page, 'Registry')));
    assert.equal(row.description, `⚠ contains control characters (shown escaped) · ${sb.issuer.url}`);
    // The row is wider than the side bar: its tooltip shows the escaped subject and the warning.
    await treeRow(page, label(shown), 'Registry').hover();
    const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'contains control characters' }).first();
    await tooltip.waitFor({ state: 'visible' });
    assert.ok((await tooltip.innerText()).includes(shown), await tooltip.innerText());
    await session.screenshot('federation-13-control-characters-tree');
    const text = await copiedBy(page, () => contextMenu(page, label(shown), 'Copy Login Command', REGISTRY_VIEW));
    assert.match(text, /^# WARNING: this trust entry contains control characters/m);
    assert.ok(text.includes(shown), text);
    assert.deepEqual(text.split('\n').filter((l) => /^\s*touch/.test(l)), [], `no line of the script runs the injected command:\n${text}`);
    assert.ok(!/kubectl create token puller/.test(text), 'no ServiceAccount is read from a subject with a line break');
    await waitForNotification(page, /for the entry system:serviceaccount:prod:puller\\ntouch ~\/PWNED #, which contains control characters/);
    await session.screenshot('federation-14-control-characters-copied');
  } finally {
    await api.setFederation(acme, 'keyless', before);
    await api.close();
  }
  await contextMenu(page, 'Keyless federation', 'Refresh', REGISTRY_VIEW);
  await waitForTreeItemGone(page, label(shown), REGISTRY_VIEW);
  await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
});

void test('A Quay older than 3.13 (no federation routes): the tree says so once, on the robots group, with the version and the 404 it learned it from; no Keyless submenu', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  sb.emulateBefore313(true);
  try {
    await clickViewAction(page, 'Registry', 'Refresh All');
    await openRobot('keyless');
    await waitForTreeItem(page, 'Keyless needs Quay 3.13', REGISTRY_VIEW);
    const notice = (await treeItems(page, 'Registry')).find((r) => r.label === 'Keyless needs Quay 3.13');
    assert.equal(notice?.description, 'Quay answered 404 on /api/v1/organization/{org}/robots/{robot}/federation');
    await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
    await waitForTreeItem(page, 'backend', REGISTRY_VIEW);
    const rows = await treeItems(page, 'Registry');
    assert.equal(rows.filter((r) => r.label.startsWith('Keyless needs Quay')).length, 1, 'said once');
    assert.ok(!rows.some((r) => r.label === 'Keyless federation' || /federation of/.test(r.label)), rows.map((r) => r.label).join(', '));
    await session.screenshot('federation-12-before-313');
    // The robot's menu has no Keyless submenu there (its +nokeyless flag): the robots group's notice says why.
    const menu = await contextMenuTree(page, 'keyless', REGISTRY_VIEW);
    assert.equal(menu.submenus.Keyless, undefined, JSON.stringify(menu));
    assert.ok(!menu.top.includes('Keyless'), JSON.stringify(menu));
    await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
  } finally {
    sb.emulateBefore313(false);
  }
});
