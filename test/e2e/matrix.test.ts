/**
 * The organization's access matrix (AGENTS.md "Access matrix") on the large seed (bigcorp: 500 robots × 5,000 repositories), through
 * the UI: "Open Access Matrix" on the organization row, the webview's filters, three cells edited (two clicks, one
 * from the keyboard), "Review 3 changes" → the bulk plan quick pick → apply, then the sandbox and the cells hold the
 * new roles. Also: pending changes and filters survive hiding the panel, and light and dark screenshots.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import {
  clearNotifications,
  contextMenu,
  expandTreeItem,
  openViewContainer,
  pickQuickItem,
  quickInputState,
  runCommand,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
} from './harness';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';
import { ExtensionId } from '../../src/constants';

const workbench = useSandboxWorkbench('large');

/** The page of the matrix panel, once a test has opened it; tests that hide and show the panel replace it. */
let frame: FrameLocator | undefined;

/** The name filters a test starts from, and the counts the page then shows. */
const ALL = { rows: '', repos: '', counts: '500 of 500 robots · 5000 of 5000 repositories' };
const FILTERED = { rows: 'api_bot_0', repos: 'api-00', counts: '10 of 500 robots · 10 of 5000 repositories' };

function matrixPage(): FrameLocator {
  if (frame === undefined) throw new Error('the matrix is not open');
  return frame;
}

/**
 * The matrix of bigcorp with these name filters and no pending change: opened from the tree's organization row if no
 * test opened it yet, so that each test can run alone (`--test-name-pattern`).
 */
async function showMatrix(view: typeof ALL): Promise<FrameLocator> {
  const { page } = workbench.vscode;
  if (frame === undefined) {
    await openViewContainer(page, 'Quay');
    await waitForTreeItem(page, 'Sandbox', REGISTRY_VIEW);
    await expandTreeItem(page, 'Sandbox', REGISTRY_VIEW);
    await waitForTreeItem(page, 'bigcorp', REGISTRY_VIEW);
    await contextMenu(page, 'bigcorp', 'Open Access Matrix', REGISTRY_VIEW);
    frame = await waitForWebview(page, { extensionId: ExtensionId });
    await frame.locator('body[data-first-paint-ms]').waitFor({ timeout: 60_000 });
  }
  if (await frame.locator('#bar').isVisible()) await frame.locator('#discard').click();
  await typeFilter('row-filter', view.rows);
  await typeFilter('repo-filter', view.repos);
  await waitUntil(async () => (await text('#counts')) === view.counts, { message: `the grid with the filters ${JSON.stringify(view)}`, describe: () => text('#counts') });
  return frame;
}

async function text(selector: string): Promise<string> {
  return (await matrixPage().locator(selector).textContent()) ?? '';
}

/** The role a cell shows (`·` = none) and whether it is highlighted as changed. */
async function cell(r: number, c: number): Promise<{ role: string; changed: boolean }> {
  const el = matrixPage().locator(`#cell-${r}-${c}`);
  return { role: (await el.textContent()) ?? '', changed: ((await el.getAttribute('class')) ?? '').split(' ').includes('changed') };
}

async function typeFilter(id: string, value: string): Promise<void> {
  const input = matrixPage().locator(`#${id} input`);
  await input.fill(value);
}

void test('open the matrix of bigcorp: 500 robots × 5,000 repositories, virtualized', async () => {
  const { page, session } = workbench.vscode;
  await showMatrix(ALL);
  const grid = matrixPage().getByRole('grid');
  assert.equal(await grid.getAttribute('aria-rowcount'), '501');
  assert.equal(await grid.getAttribute('aria-colcount'), '5001');
  // Virtualized: a few hundred cells in the DOM, not 2.5 million.
  const rendered = await matrixPage().getByRole('gridcell').count();
  console.log(`matrix: ${rendered} grid cells in the DOM`);
  assert.ok(rendered > 20 && rendered < 3000, String(rendered));
  // Robots sorted by name, repositories by name: api_bot_001 holds write on api-0001 (seed: k = 0 is write).
  assert.equal(await text('[role=rowheader] >> nth=0'), 'api_bot_001');
  assert.deepEqual(await cell(0, 0), { role: 'write', changed: false });
  await session.screenshot('matrix-01-light');
  // Scroll with the mouse wheel, down and to the right: the cells in view are drawn again on every frame.
  await matrixPage().locator('#cell-2-2').hover();
  for (let i = 0; i < 15; i++) await page.mouse.wheel(0, 600);
  for (let i = 0; i < 15; i++) await page.mouse.wheel(900, 0);
  await waitUntil(async () => (await text('[role=rowheader] >> nth=0')) !== 'api_bot_001', { message: 'other rows drawn after scrolling' });
  const scroller = matrixPage().getByRole('grid');
  const scrolled = await scroller.evaluate((el) => ({ top: el.scrollTop, left: el.scrollLeft }));
  assert.ok(scrolled.top > 0 && scrolled.left > 0, JSON.stringify(scrolled));
  const shown = await matrixPage().getByRole('gridcell').count();
  assert.ok(shown > 20 && shown < 3000, String(shown));
  await scroller.evaluate((el) => el.scrollTo(0, 0));
});

void test('filters: names, teams, rows without access, repositories some robot can access', async () => {
  await showMatrix(ALL);
  await matrixPage().locator('#only-without').click();
  await waitUntil(async () => (await text('#counts')).startsWith('0 of 500 robots'), { message: 'no robot of bigcorp is without access' });
  await matrixPage().locator('#only-without').click();
  await matrixPage().locator('#show-teams').click();
  await waitUntil(async () => (await text('#counts')).startsWith('504 of 504 rows'), { message: 'the four teams as rows', describe: () => text('#counts') });
  await matrixPage().locator('#show-teams').click();
  await matrixPage().locator('#only-accessed').click();
  // Each of the 5,000 repositories has a robot grant in the large seed.
  await waitUntil(async () => (await text('#counts')).endsWith('5000 of 5000 repositories'), { message: 'accessed repositories', describe: () => text('#counts') });
  await matrixPage().locator('#only-accessed').click();
  await showMatrix(FILTERED);
  assert.deepEqual(await matrixPage().getByRole('rowheader').allTextContents(), ['api_bot_001', 'api_bot_011', 'api_bot_021', 'api_bot_031', 'api_bot_041', 'api_bot_051', 'api_bot_061', 'api_bot_071', 'api_bot_081', 'api_bot_091']);
  assert.deepEqual((await matrixPage().getByRole('columnheader').allTextContents()).slice(1, 4), ['api-0001', 'api-0011', 'api-0021']);
});

void test('edit three cells, review the plan, apply: the sandbox and the cells hold the new roles', async () => {
  const { page, session } = workbench.vscode;
  await showMatrix(FILTERED);
  await matrixPage().locator('#cell-0-0').click();
  assert.deepEqual(await cell(0, 0), { role: 'admin', changed: true });
  await matrixPage().locator('#cell-1-1').click();
  assert.deepEqual(await cell(1, 1), { role: 'read', changed: true });
  // The third from the keyboard: the active cell is (1, 1); down, right, then "w" sets write.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.equal(await matrixPage().getByRole('grid').getAttribute('aria-activedescendant'), 'cell-2-2');
  await page.keyboard.press('w');
  assert.deepEqual(await cell(2, 2), { role: 'write', changed: true });
  assert.equal(await text('#review'), 'Review 3 changes');
  await session.screenshot('matrix-02-pending');
  await matrixPage().locator('#review').click();
  await waitForQuickInput(page);
  const plan = await quickInputState(page);
  assert.equal(plan.title, 'Access matrix of bigcorp: plan');
  const rows = plan.items.map((i) => `${i.label} | ${i.description ?? ''}`);
  for (const expected of [
    'bigcorp+api_bot_001 · api-0001 | upgrade: write → admin',
    'bigcorp+api_bot_011 · api-0011 | add: — → read',
    'bigcorp+api_bot_021 · api-0021 | add: — → write',
  ])
    assert.ok(rows.some((r) => r.endsWith(expected)), `${expected} in\n${rows.join('\n')}`);
  await session.screenshot('matrix-03-plan');
  await applyPlan(page);
  await waitForNotification(page, 'Access matrix of bigcorp: 3 applied.', 30_000);
  // The toast sits over the page's bottom bar until it times out.
  await clearNotifications(page);
  const state = workbench.sandbox.state;
  assert.equal(state.userPermission('bigcorp/api-0001', 'bigcorp+api_bot_001'), 'admin');
  assert.equal(state.userPermission('bigcorp/api-0011', 'bigcorp+api_bot_011'), 'read');
  assert.equal(state.userPermission('bigcorp/api-0021', 'bigcorp+api_bot_021'), 'write');
  // The rows were read again from Quay: the cells show the roles, no longer as pending changes.
  await waitUntil(async () => !(await cell(0, 0)).changed && !(await cell(1, 1)).changed && !(await cell(2, 2)).changed, { message: 'the reloaded rows' });
  assert.deepEqual([await cell(0, 0), await cell(1, 1), await cell(2, 2)], [
    { role: 'admin', changed: false },
    { role: 'read', changed: false },
    { role: 'write', changed: false },
  ]);
  assert.equal(await matrixPage().locator('#bar').isHidden(), true);
  await session.screenshot('matrix-04-applied');
});

void test('filters and a pending change survive hiding the panel', async () => {
  const { page } = workbench.vscode;
  await showMatrix(FILTERED);
  // What api_bot_001 holds on api-0001 in Quay (write in the seed; admin once the test above has applied).
  const held = workbench.sandbox.state.userPermission('bigcorp/api-0001', 'bigcorp+api_bot_001');
  await matrixPage().locator('#cell-3-3').click();
  assert.deepEqual(await cell(3, 3), { role: 'read', changed: true });
  // A mark on the page's body: gone after the show if the page was re-created (the panel is not kept alive).
  await matrixPage().locator('body').evaluate((body) => (body.dataset.mark = 'before hiding'));
  // Focus the workbench (the matrix's tab), not the webview, so that F1 opens the palette at once.
  await page.getByRole('tab', { name: /^Access: bigcorp/ }).click();
  await runCommand(page, 'File: New Untitled Text File');
  await waitUntil(async () => (await page.locator('iframe.webview.ready').filter({ visible: true }).count()) === 0, { message: 'the matrix hidden' });
  await page.getByRole('tab', { name: /^Access: bigcorp/ }).click();
  frame = await waitForWebview(page, { extensionId: ExtensionId });
  await waitUntil(async () => (await text('#counts')) === FILTERED.counts, { message: 'the filters restored', describe: () => text('#counts') });
  assert.equal(await matrixPage().locator('body').getAttribute('data-mark'), null, 'the page was re-created');
  assert.equal(await matrixPage().locator('#row-filter input').inputValue(), 'api_bot_0');
  assert.deepEqual(await cell(3, 3), { role: 'read', changed: true });
  assert.deepEqual(await cell(0, 0), { role: held, changed: false });
  assert.equal(await text('#review'), 'Review 1 change');
  await matrixPage().locator('#discard').click();
  assert.deepEqual(await cell(3, 3), { role: '·', changed: false });
});

void test('a range gets one role; dark theme', async () => {
  const { page, session } = workbench.vscode;
  await showMatrix(FILTERED);
  await matrixPage().locator('#cell-0-1').click();
  await matrixPage().locator('#cell-1-3').click({ modifiers: ['Shift'] });
  await matrixPage().locator('vscode-button[data-role=write]').click();
  // 2 rows × 3 repositories, none of them write before.
  assert.equal(await text('#review'), 'Review 6 changes');
  for (const [r, c] of [[0, 1], [0, 3], [1, 1], [1, 2], [1, 3]] as const) assert.deepEqual(await cell(r, c), { role: 'write', changed: true }, `cell ${r},${c}`);
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickItem(page, 'Dark Modern');
  await waitUntil(async () => (await matrixPage().locator('body').getAttribute('class'))?.includes('vscode-dark'), { message: 'the page in the dark theme' });
  await session.screenshot('matrix-05-dark');
  await matrixPage().locator('#discard').click();
});
