/**
 * Every kind of context menu of the Registry view, opened with a right-click on the demo seed, checked entry by
 * entry (top level and each submenu), so that a regression in a `when` clause fails here (README "Menus"). The
 * flag-dependent entries appear and disappear with the robot's state: Test Keyless Login and Remove All Trust
 * only on a robot that trusts an issuer, Grant Access and Add to Team only in an organization, the Keyless
 * submenu only where the Quay has robot federation. The view's title bar is checked too. The grouped robot menu
 * is saved as a screenshot for the README (media/screenshot-robot-menu.png, with UPDATE_README_SCREENSHOTS=1).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  clickViewAction,
  closeMenu,
  collapseTreeItem,
  contextMenuTree,
  ensureViewExpanded,
  expandTreeItem,
  menuItems,
  openViewContainer,
  submenuItems,
  treeItems,
  treeRow,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;

const COPY = ['Copy Name', 'Reveal in Quay', 'Refresh'];
const CREDENTIALS = ['Generate Pull-Secret Manifest…', 'Roll Out Pull Secret to Namespaces…', 'Find Robot in Clusters…'];
const ROTATION = ['Rotate Robot Token…', 'Rotate with a Successor Robot…'];
const ROBOT_TOP = ['Open Robot Page', 'Copy Credentials…', 'Credentials and Manifests', 'Access', 'Rotation', 'Keyless', ...COPY, 'Delete Robot Account…'];
const KEYLESS_TRUSTED = ['Set Up Keyless Access…', 'Add Trust…', 'Test Keyless Login…', 'Insert Keyless Pull Secret (External Secrets) for a Robot…', 'Remove All Trust'];
const KEYLESS_UNTRUSTED = ['Set Up Keyless Access…', 'Add Trust…', 'Insert Keyless Pull Secret (External Secrets) for a Robot…'];

async function description(page: Page, label: string): Promise<string> {
  return waitUntil(async () => (await treeItems(page, 'Registry')).find((r) => r.label === label)?.description, { message: `tree row ${label}` });
}

void test('organization, user namespace, instance and robots group menus', async () => {
  const { page } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'Sandbox', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'Sandbox', REGISTRY_VIEW), { top: ['Sign In Again', ...COPY, 'Remove Instance'], submenus: {} });
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'acme', REGISTRY_VIEW), {
    top: ['Open Access Matrix', 'Review Robot Hygiene…', 'Create Robot Account…', ...COPY],
    submenus: {},
  });
  assert.deepEqual(await contextMenuTree(page, 'alice', REGISTRY_VIEW), { top: ['Create Robot Account…', ...COPY], submenus: {} });
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'Robot accounts', REGISTRY_VIEW), { top: ['Filter…', 'Create Robot Account…', 'Refresh'], submenus: {} });
});

void test('robot menus: ten entries at the top, four submenus; the keyless entries follow the robot\'s trust', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  // The robots' federation arrives after the list (in the background): the keyless robot is then marked.
  await waitUntil(async () => (await description(page, 'keyless')).includes('federated'), { message: 'acme+keyless marked federated' });
  const keyless = await contextMenuTree(page, 'keyless', REGISTRY_VIEW);
  assert.deepEqual(keyless, {
    top: ROBOT_TOP,
    submenus: {
      'Credentials and Manifests': CREDENTIALS,
      Access: ['Grant Access to Repositories…', 'Add to Team…', 'Show Activity'],
      Rotation: ROTATION,
      Keyless: KEYLESS_TRUSTED,
    },
  });
  assert.ok(keyless.top.length <= 10, `${keyless.top.length} top-level entries`);
  // A robot that trusts nothing: nothing to test or remove. No robot here was made as a successor: no Retire Predecessor.
  const puller = await contextMenuTree(page, 'k8s_prod_puller', REGISTRY_VIEW);
  assert.deepEqual(puller.top, ROBOT_TOP);
  assert.deepEqual(puller.submenus.Keyless, KEYLESS_UNTRUSTED);
  assert.deepEqual(puller.submenus.Rotation, ROTATION);

  // The screenshot for the README: the robot menu with its Keyless submenu open.
  await treeRow(page, 'keyless', 'Registry').click({ button: 'right' });
  await menuItems(page);
  await submenuItems(page, 'Keyless');
  // The submenu fades in: the picture is taken once its animations have ended.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  const shot = await session.screenshot('menus-01-robot-menu');
  // The README's copy is rewritten on request only (a test run leaves tracked files alone).
  if (process.env.UPDATE_README_SCREENSHOTS === '1') fs.copyFileSync(shot, path.join(__dirname, '..', '..', '..', 'media', 'screenshot-robot-menu.png'));
  await closeMenu(page);
});

void test('a robot of the user namespace: no Grant Access, no Add to Team', async () => {
  const { page } = vscode;
  await collapseTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'alice', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'laptop', REGISTRY_VIEW);
  const laptop = await contextMenuTree(page, 'laptop', REGISTRY_VIEW);
  assert.deepEqual(laptop.top, ROBOT_TOP);
  assert.deepEqual(laptop.submenus.Access, ['Show Activity']);
  assert.deepEqual(laptop.submenus['Credentials and Manifests'], CREDENTIALS);
  await collapseTreeItem(page, 'alice', REGISTRY_VIEW);
});

void test('repository, team, default permission, grant and keyless federation menus', async () => {
  const { page } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'frontend', REGISTRY_VIEW), { top: ['Add Permission…', ...COPY], submenus: {} });
  await collapseTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await expandTreeItem(page, 'Teams', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'developers', REGISTRY_VIEW), { top: ['Add to Team…', ...COPY], submenus: {} });
  await collapseTreeItem(page, 'Teams', REGISTRY_VIEW);
  await expandTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'acme+ci_pull gets read', REGISTRY_VIEW), {
    top: ['Change Default Permission Role…', 'Apply to Existing Repositories…', 'Copy Name', 'Reveal in Quay', 'Delete Default Permission…'],
    submenus: {},
  });
  await collapseTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
  assert.deepEqual(await contextMenuTree(page, 'backend', REGISTRY_VIEW), { top: ['Change Role…', 'Copy Name', 'Reveal in Quay', 'Revoke Permission…'], submenus: {} });
  assert.deepEqual(await contextMenuTree(page, 'Keyless federation', REGISTRY_VIEW), {
    top: ['Test Keyless Login…', 'Check Issuer…', 'Copy Login Command', 'Set Up Keyless Access…', 'Add Trust…', 'Insert Keyless Pull Secret (External Secrets) for a Robot…', 'Refresh', 'Remove All Trust'],
    submenus: {},
  });
  await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
  // An empty trust list: nothing to test or remove on its group either.
  await expandTreeItem(page, 'unused_bot', REGISTRY_VIEW);
  await waitUntil(async () => (await description(page, 'Keyless federation')) === 'none', { message: 'the empty federation group of unused_bot' });
  assert.deepEqual((await contextMenuTree(page, 'Keyless federation', REGISTRY_VIEW)).top, [
    'Check Issuer…',
    'Copy Login Command',
    'Set Up Keyless Access…',
    'Add Trust…',
    'Insert Keyless Pull Secret (External Secrets) for a Robot…',
    'Refresh',
  ]);
  await collapseTreeItem(page, 'unused_bot', REGISTRY_VIEW);
});

void test('a Quay without robot federation (before 3.13): no Keyless submenu on its robots', async () => {
  const { page } = vscode;
  workbench.sandbox.emulateBefore313(true);
  try {
    await clickViewAction(page, 'Registry', 'Refresh All');
    await expandTreeItem(page, 'acme', REGISTRY_VIEW);
    await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
    await waitForTreeItem(page, 'Keyless needs Quay 3.13', REGISTRY_VIEW);
    const puller = await contextMenuTree(page, 'k8s_prod_puller', REGISTRY_VIEW);
    assert.deepEqual(puller.top, ROBOT_TOP.filter((e) => e !== 'Keyless'));
    assert.equal(puller.submenus.Keyless, undefined);
  } finally {
    workbench.sandbox.emulateBefore313(false);
  }
});

void test('the view title bar: Add Instance, Refresh All, Filter and Collapse All; the rest under "..."', async () => {
  const { page } = vscode;
  const pane = await ensureViewExpanded(page, 'Registry');
  // The only view of its container: VS Code hides the view's header and shows its actions in the container's title.
  const header = pane.locator('.pane-header').first();
  const headerHidden = ((await header.getAttribute('class')) ?? '').split(/\s+/).includes('hidden');
  const scope = headerHidden ? page.locator('.part.sidebar .composite.title .title-actions') : header.locator('.actions');
  await (headerHidden ? page.locator('.part.sidebar .composite.title') : header).hover();
  const shown = await scope.locator('a.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  assert.deepEqual(shown.filter((s) => !/More Actions/.test(s)), ['Add Instance', 'Refresh All', 'Filter the Quay View', 'Collapse All']);
  await scope.locator('a.action-label.codicon-toolbar-more, a.action-label.codicon-more').first().click();
  assert.deepEqual(await menuItems(page), ['Show Robots Due for Rotation', 'Show Log']);
  await page.keyboard.press('Escape');
  // The filter is VS Code's own find in the tree: its box opens in the Registry view, typing narrows the rows.
  await (headerHidden ? page.locator('.part.sidebar .composite.title') : header).hover();
  await scope.locator('a.action-label[aria-label="Filter the Quay View"]').click();
  const box = pane.locator('.monaco-tree-type-filter-input input, .monaco-tree-type-filter input').first();
  await box.waitFor({ state: 'visible' });
  const rows = await treeItems(page, 'Registry');
  const word = rows[rows.length - 1]?.label ?? '';
  assert.ok(word.length > 2, JSON.stringify(rows));
  await box.fill(word);
  await waitUntil(async () => ((await pane.locator('.monaco-list-row .monaco-highlighted-label .highlight').count()) > 0 ? true : undefined), { message: `a row highlighted for "${word}"` });
  await vscode.session.screenshot('menus-title-filter');
  await page.keyboard.press('Escape');
});
