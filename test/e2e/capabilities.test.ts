/**
 * Capability detection through the UI (AGENTS.md "Capabilities", contract §13): the instance's GET /config is read once, shown in the
 * instance's tooltip (its version), and ROBOTS_DISALLOW turns Create Robot and Rotate with a Successor into
 * disabled stand-ins that say why, in the tree and before the palette commands ask anything. Refresh All reads
 * /config again: with ROBOTS_DISALLOW lifted the same tree offers Create Robot, and a Quay without /config keeps
 * today's behaviour, said in the tooltip.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  clearNotifications,
  clickViewAction,
  closeMenu,
  closeQuickInput,
  contextMenuItems,
  contextMenuTree,
  expandTreeItem,
  inlineActions,
  openViewContainer,
  quickInputState,
  runCommand,
  submenuItems,
  treeItems,
  treeItemTooltip,
  treeRow,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo', { sandbox: () => Promise.resolve({ robotsDisallow: true, quayVersion: '3.17.1' }) });
const { vscode } = workbench;

const CREATE = 'Create Robot Account…';
const CREATE_OFF = 'Create Robot Account — disabled: this Quay sets ROBOTS_DISALLOW';
const SUCCESSOR = 'Rotate with a Successor Robot…';
const SUCCESSOR_OFF = 'Rotate with a Successor Robot — disabled: this Quay sets ROBOTS_DISALLOW';

/** The text of a tree row's tooltip (VS Code's hover) once it shows `shows`. */
function tooltipOf(page: Page, label: string, shows: RegExp): Promise<string> {
  return treeItemTooltip(page, label, 'Registry', [shows]);
}

async function description(page: Page, label: string): Promise<string> {
  return waitUntil(async () => (await treeItems(page, 'Registry')).find((r) => r.label === label)?.description, { message: `tree row ${label}` });
}

void test('ROBOTS_DISALLOW: the instance tooltip shows the version and the setting; the robots group says why creation is off', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'Sandbox', REGISTRY_VIEW);
  const tip = await tooltipOf(page, 'Sandbox', /Version: Quay 3\.17\.1/);
  assert.match(tip, /Robot creation is disabled \(ROBOTS_DISALLOW\)/);
  await session.screenshot('capabilities-01-instance-tooltip');
  await page.mouse.move(5, 5);

  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await waitForTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  assert.match(await description(page, 'Robot accounts'), /creation disabled \(ROBOTS_DISALLOW\)/);
  assert.ok(!(await inlineActions(page, 'Robot accounts', REGISTRY_VIEW)).includes(CREATE), 'no Create Robot button on the group');
  await tooltipOf(page, 'Robot accounts', /Robot creation is disabled on this Quay .*ROBOTS_DISALLOW/);
  await session.screenshot('capabilities-02-robots-group-reason');
  await page.mouse.move(5, 5);
});

void test('ROBOTS_DISALLOW: the menus show disabled stand-ins that say why, in place of Create Robot and Rotate with a Successor', async () => {
  const { page, session } = vscode;
  const groupMenu = await contextMenuItems(page, 'Robot accounts', REGISTRY_VIEW);
  assert.ok(groupMenu.includes(CREATE_OFF), groupMenu.join(' | '));
  assert.ok(!groupMenu.includes(CREATE), groupMenu.join(' | '));
  const orgMenu = await contextMenuItems(page, 'acme', REGISTRY_VIEW);
  assert.ok(orgMenu.includes(CREATE_OFF) && !orgMenu.includes(CREATE), orgMenu.join(' | '));

  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);
  const robotMenu = (await contextMenuTree(page, 'k8s_prod_puller', REGISTRY_VIEW)).submenus.Rotation ?? [];
  assert.ok(robotMenu.includes(SUCCESSOR_OFF), robotMenu.join(' | '));
  assert.ok(!robotMenu.includes(SUCCESSOR), robotMenu.join(' | '));
  // The stand-in is disabled: shown, not runnable.
  await treeRow(page, 'k8s_prod_puller', 'Registry').click({ button: 'right' });
  await submenuItems(page, 'Rotation');
  const standIn = page.locator('.context-view .monaco-menu a.action-menu-item').filter({ hasText: SUCCESSOR_OFF }).first();
  await standIn.waitFor({ state: 'visible' });
  assert.ok(await standIn.evaluate((el) => el.closest('.action-item')?.classList.contains('disabled') === true || el.classList.contains('disabled')), 'the stand-in entry is disabled');
  await session.screenshot('capabilities-03-robot-menu-disabled-successor');
  await closeMenu(page);
});

void test('ROBOTS_DISALLOW: from the palette, Create Robot and Rotate with a Successor say why before asking anything', async () => {
  const { page, session } = vscode;
  await clearNotifications(page);
  const robotsBefore = workbench.sandbox.state.robots('acme').length;
  await runCommand(page, `Quay: ${CREATE}`);
  const told = await waitForNotification(page, /Create Robot Account: Robot creation is disabled on this Quay/);
  assert.equal(told.severity, 'warning');
  assert.match(told.message, /ROBOTS_DISALLOW/);
  assert.equal((await quickInputState(page)).visible, false, 'no question was asked');
  await session.screenshot('capabilities-04-palette-create-explains');
  await clearNotifications(page);

  await runCommand(page, `Quay: ${SUCCESSOR}`);
  await waitForNotification(page, /Rotate with a Successor Robot: Robot creation is disabled on this Quay/);
  assert.equal((await quickInputState(page)).visible, false, 'no robot was asked for');
  assert.equal(workbench.sandbox.state.robots('acme').length, robotsBefore, 'nothing created');
  await clearNotifications(page);
});

void test('Refresh All reads /config again: with ROBOTS_DISALLOW lifted (and Quay 3.18.0) Create Robot is offered again', async () => {
  const { page, session } = vscode;
  workbench.sandbox.configure({ robotsDisallow: false, quayVersion: '3.18.0' });
  await clickViewAction(page, 'Registry', 'Refresh All');
  await waitUntil(async () => !/ROBOTS_DISALLOW/.test((await treeItems(page, 'Registry')).find((r) => r.label === 'Robot accounts')?.description ?? 'ROBOTS_DISALLOW'), {
    message: 'the robots group without the ROBOTS_DISALLOW note',
  });
  await tooltipOf(page, 'Sandbox', /Version: Quay 3\.18\.0/);
  await page.mouse.move(5, 5);
  assert.ok((await inlineActions(page, 'Robot accounts', REGISTRY_VIEW)).includes(CREATE), 'the Create Robot button is back');
  const groupMenu = await contextMenuItems(page, 'Robot accounts', REGISTRY_VIEW);
  assert.ok(groupMenu.includes(CREATE) && !groupMenu.includes(CREATE_OFF), groupMenu.join(' | '));
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  const robotMenu = (await contextMenuTree(page, 'k8s_prod_puller', REGISTRY_VIEW)).submenus.Rotation ?? [];
  assert.ok(robotMenu.includes(SUCCESSOR) && !robotMenu.includes(SUCCESSOR_OFF), robotMenu.join(' | '));
  await session.screenshot('capabilities-05-create-offered-again');

  await runCommand(page, `Quay: ${CREATE}`);
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(1\/5\)/ });
  await closeQuickInput(page);
});

void test('a Quay without /config (404) keeps today\'s behaviour, said in the tooltip', async () => {
  const { page, session } = vscode;
  workbench.sandbox.configure({ clientConfig: false, robotsDisallow: true });
  await clickViewAction(page, 'Registry', 'Refresh All');
  const tip = await tooltipOf(page, 'Sandbox', /Capabilities unknown/);
  assert.match(tip, /answers 404 to GET \/config/);
  assert.doesNotMatch(tip, /Version:/);
  await session.screenshot('capabilities-06-no-config-tooltip');
  await page.mouse.move(5, 5);
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await waitForTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  assert.ok((await inlineActions(page, 'Robot accounts', REGISTRY_VIEW)).includes(CREATE), 'unknown capabilities: Create Robot offered as before');
});

void test('log aggregation reported off: a robot\'s tooltip says why its token age is unknown, and no aggregatelogs request is sent', async () => {
  const { page, session } = vscode;
  const { sandbox } = workbench;
  sandbox.configure({ clientConfig: true, robotsDisallow: false, features: { AGGREGATED_LOG_COUNT_RETRIEVAL: false } });
  sandbox.stats.reset();
  await clickViewAction(page, 'Registry', 'Refresh All');
  await tooltipOf(page, 'Sandbox', /aggregation is off/);
  await page.mouse.move(5, 5);
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await tooltipOf(page, 'ci_pull', /Token age unknown: this Quay does not aggregate usage logs \(FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL is off\)/);
  await session.screenshot('capabilities-07-no-log-aggregation');
  await page.mouse.move(5, 5);
  // The aggregatelogs routes do not exist there (Flask's 404): none was asked for.
  assert.equal(sandbox.stats.byStatus[404] ?? 0, 0, JSON.stringify(sandbox.stats.byStatus));
});
