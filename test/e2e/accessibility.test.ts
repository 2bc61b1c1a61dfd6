/**
 * The two webviews checked for accessibility (AGENTS.md, "Webview pages"): axe-core (a test-only dependency) runs inside each
 * page's frame, on the robot page on every tab and sub-tab, and on the access matrix with a range selected; no
 * serious or critical violation is allowed (the others are printed). Keyboard only: the robot page's tabs,
 * Reveal, Copy and a role change; the matrix's arrows, Space and Enter. Screenshots in the High Contrast Dark theme.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AxeResults } from 'axe-core';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import {
  clickInlineAction,
  contextMenu,
  copiedBy,
  expandTreeItem,
  openViewContainer,
  pickQuickItem,
  quickInputState,
  runCommand,
  waitForQuickInput,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
  closeQuickInput,
} from './harness';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;
const EXTENSION = 'quaytools.quay-robots';
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The visible webview's content frame (VS Code nests `iframe.webview` > `iframe#active-frame`), for evaluate. */
async function webviewFrame(page: Page): Promise<Frame> {
  await waitForWebview(page, { extensionId: EXTENSION });
  const outer = await page.locator(`iframe.webview.ready[src*="extensionId=${EXTENSION}&"]`).filter({ visible: true }).first().elementHandle();
  const inner = await (await outer?.contentFrame())?.locator('iframe#active-frame').elementHandle();
  const frame = await inner?.contentFrame();
  if (frame === null || frame === undefined) throw new Error('no webview content frame');
  return frame;
}

interface Violation {
  id: string;
  impact: string;
  help: string;
  /** The first five elements, each with axe's reason (e.g. the contrast ratio and colours measured). */
  targets: string[];
}

/**
 * Runs axe-core in the page's frame. The source is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern (a <script> tag would be refused: no nonce), and is never shipped.
 */
async function axe(page: Page, what: string): Promise<Violation[]> {
  const frame = await webviewFrame(page);
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(AXE_SOURCE);
  const violations = await frame.evaluate(async () => {
    const run = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
    const results = await run.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} (${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()})`) }));
  });
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  for (const v of minor) console.log(`axe (${what}): ${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
  console.log(`axe (${what}): ${violations.length - minor.length} serious or critical, ${minor.length} other`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Describes the element that has the keyboard focus in the page, through open shadow roots. */
async function focused(frame: FrameLocator): Promise<string> {
  return frame.locator('body').evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (el === null) return '';
    const label = el.getAttribute('aria-label') ?? (el.textContent ?? '').trim().replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()}:${label}`;
  });
}

/** Presses Tab until the focused element matches (at most `max` presses), as a keyboard user would. */
async function tabTo(page: Page, frame: FrameLocator, target: RegExp, max = 40): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    const now = await focused(frame);
    if (target.test(now)) return;
    seen.push(now);
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${String(target)}; focus went through: ${seen.join(' → ')}`);
}

async function selectedTab(frame: FrameLocator, name: string): Promise<boolean> {
  return (await frame.getByRole('tab', { name, exact: true }).getAttribute('aria-selected')) === 'true';
}

const ROBOT_TABS = ['Credentials', 'Repositories', 'Teams & default permissions', 'Keyless', 'Activity'];
const CREDENTIAL_TABS = ['Robot token', 'Kubernetes Secret', 'Podman login', 'Docker login', 'Docker config.json'];

void test('robot page: axe finds no serious or critical violation on any tab', async () => {
  const { page } = vscode;
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await clickInlineAction(page, 'ci_pull', 'Open Robot Page', REGISTRY_VIEW);
  const frame = await waitForWebview(page, { extensionId: EXTENSION });
  await frame.getByRole('heading', { name: 'acme+ci_pull' }).waitFor();
  const found: string[] = [];
  for (const tab of ROBOT_TABS) {
    await frame.getByRole('tab', { name: tab, exact: true }).click();
    await waitUntil(() => selectedTab(frame, tab), { message: `tab ${tab}` });
    // Each section has loaded (no "Loading…" left in the visible panel).
    await waitUntil(async () => !(await frame.locator('vscode-tab-panel:not([hidden]) >> text=Loading…').isVisible()), { message: `${tab} loaded` });
    if (tab === 'Credentials') {
      for (const sub of CREDENTIAL_TABS) {
        await frame.getByRole('tab', { name: sub, exact: true }).click();
        await waitUntil(() => selectedTab(frame, sub), { message: `tab ${sub}` });
        found.push(...(await axe(page, `robot page, ${tab} › ${sub}`)).map((v) => `${tab} › ${sub}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`));
      }
    } else {
      found.push(...(await axe(page, `robot page, ${tab}`)).map((v) => `${tab}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`));
    }
  }
  assert.deepEqual(found, []);
});

void test('robot page by keyboard: tabs, Reveal, Copy and a role change', async () => {
  const { page } = vscode;
  const token = workbench.sandbox.state.robot('acme+ci_pull')?.token ?? '?';
  const frame = await waitForWebview(page, { extensionId: EXTENSION });
  // The keyboard starts on the selected tab (where Tab lands first in the tab list).
  await frame.getByRole('tab', { name: 'Activity', exact: true }).focus();
  for (let i = 0; i < ROBOT_TABS.length - 1; i++) await page.keyboard.press('ArrowRight');
  assert.match(await focused(frame), /:Keyless$/, 'ArrowRight wraps from Activity to Credentials and goes on');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  assert.match(await focused(frame), /:Credentials$/);
  await page.keyboard.press('Enter');
  await waitUntil(() => selectedTab(frame, 'Credentials'), { message: 'Credentials selected with Enter' });
  // Tab: the Credentials panel, then the credential tabs, entered on the selected one; arrows to Robot token.
  await tabTo(page, frame, new RegExp(`^vscode-tab-header:(${CREDENTIAL_TABS.join('|').replace(/\./g, '\\.')})$`), 3);
  for (let i = 0; i < CREDENTIAL_TABS.length && !/:Robot token$/.test(await focused(frame)); i++) await page.keyboard.press('ArrowRight');
  assert.match(await focused(frame), /:Robot token$/);
  await page.keyboard.press('Enter');
  await waitUntil(() => selectedTab(frame, 'Robot token'), { message: 'Robot token selected with Enter' });
  await tabTo(page, frame, /^vscode-button:Reveal$/);
  await page.keyboard.press('Enter');
  await waitUntil(async () => (await frame.locator('code.token').textContent()) === token, { message: 'the token revealed with Enter' });
  await tabTo(page, frame, /^vscode-button:Copy$/);
  assert.equal(await copiedBy(page, () => page.keyboard.press('Space')), token);

  // Repositories: back to the top tab list, across, then Tab to the role of frontend and change it with the arrows.
  await frame.getByRole('tab', { name: 'Credentials', exact: true }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await waitUntil(() => selectedTab(frame, 'Repositories'), { message: 'Repositories selected with Enter' });
  await tabTo(page, frame, /^select:Role on frontend$/);
  const before = workbench.sandbox.state.userPermission('acme/frontend', 'acme+ci_pull');
  await page.keyboard.press('ArrowDown');
  await waitForQuickInput(page, { titleOrPlaceholder: /to acme\+ci_pull: plan/ });
  await applyPlan(page);
  await waitUntil(() => workbench.sandbox.state.userPermission('acme/frontend', 'acme+ci_pull') !== before, { message: 'Quay holds the new role' });
});

void test('access matrix: axe with a range selected, then arrows move, Space changes a cell, Enter reviews', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await contextMenu(page, 'acme', 'Open Access Matrix', REGISTRY_VIEW);
  const frame = await waitForWebview(page, { extensionId: EXTENSION });
  const grid = frame.getByRole('grid');
  await frame.locator('#cell-0-0').waitFor();
  await selectRange(page, frame);
  await session.screenshot('a11y-03-matrix-range');
  assert.deepEqual(await axe(page, 'access matrix, range selected'), []);

  await page.keyboard.press('Escape');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.equal(await grid.getAttribute('aria-activedescendant'), 'cell-2-2');
  const was = (await frame.locator('#cell-2-2').textContent()) ?? '';
  await page.keyboard.press('Space');
  await waitUntil(async () => ((await frame.locator('#cell-2-2').getAttribute('class')) ?? '').split(' ').includes('changed'), { message: 'Space changed the cell' });
  assert.notEqual(await frame.locator('#cell-2-2').textContent(), was);
  assert.equal((await frame.locator('#review').textContent())?.trim(), 'Review 1 change');
  await page.keyboard.press('Enter');
  await waitForQuickInput(page);
  assert.equal((await quickInputState(page)).title, 'Access matrix of acme: plan');
  await closeQuickInput(page);
  await frame.locator('#discard').click();
});

/** From the grid's first cell, Shift+arrows select 2 × 2 cells. */
async function selectRange(page: Page, frame: FrameLocator): Promise<void> {
  await frame.getByRole('grid').focus();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await frame.locator('[role=gridcell][aria-selected=true]').count(), 4, 'a 2 × 2 range selected from the keyboard');
}

void test('High Contrast Dark: every control of both pages visible, and axe still content', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickItem(page, /^Dark High Contrast|^Default High Contrast$/);
  let frame = await waitForWebview(page, { extensionId: EXTENSION });
  await waitUntil(async () => (await frame.locator('body').getAttribute('class'))?.includes('vscode-high-contrast'), { message: 'the matrix in high contrast' });
  await selectRange(page, frame);
  await page.keyboard.press('Space');
  await session.screenshot('a11y-04-matrix-hc');
  assert.deepEqual(await axe(page, 'access matrix, high contrast'), []);
  await frame.locator('#discard').click();

  await page.locator('.tabs-container .tab', { hasText: 'acme+ci_pull' }).click();
  frame = await waitForWebview(page, { extensionId: EXTENSION });
  await waitUntil(async () => (await frame.locator('body').getAttribute('class'))?.includes('vscode-high-contrast'), { message: 'the robot page in high contrast' });
  await frame.getByRole('tab', { name: 'Credentials', exact: true }).click();
  await frame.getByRole('tab', { name: 'Robot token', exact: true }).click();
  await frame.getByRole('tab', { name: 'Robot token', exact: true }).focus();
  await session.screenshot('a11y-05-robot-hc-credentials');
  assert.deepEqual(await axe(page, 'robot page, high contrast, credentials'), []);
  await frame.getByRole('tab', { name: 'Repositories', exact: true }).click();
  await frame.getByLabel('Role on frontend').focus();
  await session.screenshot('a11y-06-robot-hc-repositories');
  assert.deepEqual(await axe(page, 'robot page, high contrast, repositories'), []);
});
