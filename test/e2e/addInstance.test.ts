/**
 * Foundation walk-through, as a person would do it: add the sandbox as an instance from the command palette
 * (a bad token and an under-scoped token are explained in place), browse instance → organization → robot
 * accounts, check that the token is nowhere on disk or in the log, recover from a revoked token with
 * "Sign in again", and remove the instance.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSandbox, type Sandbox } from '../sandbox/server';
import {
  clickDialogButton,
  clickInlineAction,
  contextMenu,
  expandTreeItem,
  filesContaining,
  modalDialog,
  openViewContainer,
  outputChannelText,
  runCommand,
  treeItems,
  typeInQuickInput,
  useVSCode,
  viewWelcome,
  waitForNotification,
  waitForQuickInput,
  waitForQuickInputClosed,
  waitForQuickInputMessage,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW } from './sandboxWorkbench';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
});
after(async () => {
  await sandbox.close();
});

const vscode = useVSCode();
const ALL_SCOPES = ['user:admin', 'user:read', 'org:admin', 'repo:admin', 'repo:create', 'repo:write', 'repo:read'];

void test('Add Instance explains a bad token and a token without user:read, then connects with a good one', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Quay: Add Instance');
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay Instance \(1\/2\)/ });
  await typeInQuickInput(page, sandbox.url, { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay Instance \(2\/2\)/ });

  await typeInQuickInput(page, 'NOTAREALTOKEN0000000000000000000000000000', { submit: true });
  const bad = await waitForQuickInputMessage(page, /rejected the token/);
  assert.match(bad.message ?? '', new RegExp(sandbox.hostname.replace(/\./g, '\\.')));
  await session.screenshot('add-instance-01-bad-token');

  await typeInQuickInput(page, sandbox.tokens.orgAdminOnly, { submit: true });
  await waitForQuickInputMessage(page, /lacks the "user:read" scope/);
  await session.screenshot('add-instance-02-missing-scope');

  await typeInQuickInput(page, sandbox.tokens.admin, { submit: true });
  await waitForQuickInputClosed(page);
  await waitForNotification(page, `Connected to ${sandbox.hostname} as alice.`);

  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, sandbox.hostname, REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  const top = await treeItems(page, 'Registry');
  const labels = top.map((i) => i.label);
  for (const expected of ['alice', 'acme', 'platform', 'opensource']) assert.ok(labels.includes(expected), `${expected} in ${labels.join(', ')}`);
  assert.equal(top.find((i) => i.label === 'acme')?.description, 'admin');
  assert.equal(top.find((i) => i.label === 'opensource')?.description, 'member');
});

void test('the tree lists the robots of the demo organization with description and last use', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);
  const items = await treeItems(page, 'Registry');
  const robots = items.filter((i) => ['ci_pull', 'ci_push', 'k8s_prod_puller', 'keyless', 'unused_bot'].includes(i.label));
  assert.equal(robots.length, 5, items.map((i) => i.label).join(', '));
  assert.match(items.find((i) => i.label === 'k8s_prod_puller')?.description ?? '', /Pulls production images for the prod cluster · used .* ago/);
  assert.match(items.find((i) => i.label === 'unused_bot')?.description ?? '', /never used/);
  await session.screenshot('add-instance-03-acme-robots');
});

void test('the token is in no file, setting or log line; the setting holds only the URL', () => {
  const { session } = vscode;
  assert.deepEqual(filesContaining(session, sandbox.tokens.admin), []);
  const settings = JSON.parse(readFileSync(join(session.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings['quay.instances'], [{ url: sandbox.url }]);
  const log = outputChannelText(session, 'Quay');
  assert.match(log, /rejected the token/);
  assert.match(log, new RegExp(`Added ${sandbox.url.replace(/[.]/g, '\\.')}, signed in as alice`));
  assert.ok(!log.includes(sandbox.tokens.admin), 'the log never holds the token');
});

void test('a revoked token shows "Token rejected — Sign in again", and signing in again recovers the tree', async () => {
  const { page, session } = vscode;
  sandbox.revokeToken(sandbox.tokens.admin);
  await contextMenu(page, sandbox.hostname, 'Refresh', REGISTRY_VIEW);
  await waitForTreeItem(page, 'Token rejected — Sign in again', REGISTRY_VIEW);
  await session.screenshot('add-instance-04-token-rejected');

  const fresh = sandbox.mintToken('alice', ALL_SCOPES);
  await clickInlineAction(page, 'Token rejected — Sign in again', 'Sign In Again', { ...REGISTRY_VIEW, opensQuickInput: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Sign in to/ });
  await typeInQuickInput(page, fresh, { submit: true });
  await waitForQuickInputClosed(page);
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await waitUntil(async () => !(await treeItems(page, 'Registry')).some((i) => i.label.startsWith('Token rejected')), { timeout: 10_000, message: 'error node gone' });
  await session.screenshot('add-instance-05-recovered');
});

void test('Remove Instance asks first, then deletes the instance and shows the welcome again', async () => {
  const { page, session } = vscode;
  await contextMenu(page, sandbox.hostname, 'Remove Instance', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /Remove .*\?/);
  assert.match(dialog.detail ?? '', /deleted from the OS keychain/);
  await clickDialogButton(page, 'Remove Instance');
  const welcome = await viewWelcome(page, 'Registry');
  assert.ok(welcome.buttons.includes('Add Quay Instance'));
  const settings = JSON.parse(readFileSync(join(session.userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(settings['quay.instances'], undefined);
});
