/**
 * First run, as a new user meets it: the empty Registry view's welcome offers Add Quay Instance and links to the
 * Get Started walkthrough; the walkthrough's first step adds the sandbox through the same quick inputs, and VS Code
 * marks the step done (its completion event is `onContext:quay.instanceCount > 0`) while the later steps stay open.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { startSandbox, type Sandbox } from '../sandbox/server';
import {
  ensureViewExpanded,
  openViewContainer,
  typeInQuickInput,
  useVSCode,
  viewWelcome,
  waitForNotification,
  waitForQuickInput,
  waitForQuickInputClosed,
  waitForTreeItem,
  waitUntil,
  UI_TIMEOUT,
} from './harness';

let sandbox: Sandbox;
before(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
});
after(async () => {
  await sandbox.close();
});

const vscode = useVSCode();
const STEPS = ['addInstance', 'findRobot', 'pullSecret', 'rotateToken', 'keyless'];

/** A step of the open walkthrough; VS Code's step ids are `<extension>#<walkthrough>#<step>`. */
function step(page: Page, id: string): Locator {
  return page.locator(`.gettingStartedContainer button.getting-started-step[data-step-id$="#${id}"]`);
}

/** Whether VS Code shows the step as done: aria-checked and the checked icon (codicon pass-filled). */
async function stepDone(page: Page, id: string): Promise<boolean> {
  const s = step(page, id);
  const checked = await s.getAttribute('aria-checked');
  const icon = (await s.locator('.codicon').first().getAttribute('class')) ?? '';
  return checked === 'true' && /getting-started-step-checked|codicon-pass-filled/.test(icon);
}

void test('the empty view welcomes with one primary button and links to the walkthrough and the documentation', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  const welcome = await viewWelcome(page, 'Registry');
  assert.deepEqual(welcome.buttons, ['Add Quay Instance']);
  const links = await (await ensureViewExpanded(page, 'Registry')).locator('.welcome-view-content a:not(.monaco-button)').allTextContents();
  assert.deepEqual(
    links.map((l) => l.trim()),
    ['Get Started walkthrough', 'documentation'],
  );
  await session.screenshot('walkthrough-01-welcome');
});

void test('the welcome link opens the walkthrough: five steps, each with one button and an image, none done', async () => {
  const { page, session } = vscode;
  const pane = await ensureViewExpanded(page, 'Registry');
  await pane.locator('.welcome-view-content a', { hasText: 'Get Started walkthrough' }).click();
  await page.locator('.gettingStartedContainer .getting-started-category-title, .gettingStartedContainer h2', { hasText: 'Get Started with Quay' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  for (const id of STEPS) {
    await step(page, id).waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    assert.equal(await stepDone(page, id), false, `${id} not done yet`);
  }
  const titles = await page.locator('.gettingStartedContainer button.getting-started-step h3.step-title').allTextContents();
  assert.deepEqual(titles, ['Add a Quay instance', 'Find a robot', 'Put a pull secret in a manifest', 'Rotate a token', 'Set up keyless access']);
  // The first step is open: its one action button and its SVG (rendered in the media webview beside the steps).
  const first = step(page, 'addInstance');
  await waitUntil(async () => (await first.getAttribute('aria-expanded')) === 'true', { message: 'the first step to be open' });
  assert.deepEqual((await first.locator('.monaco-button').allTextContents()).map((t) => t.trim()), ['Add Instance']);
  await session.screenshot('walkthrough-02-opened');
});

void test("the first step's button adds the sandbox through the quick inputs and the step is marked done", async () => {
  const { page, session } = vscode;
  await step(page, 'addInstance').locator('.monaco-button', { hasText: 'Add Instance' }).click();
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay Instance \(1\/2\)/ });
  await typeInQuickInput(page, sandbox.url, { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay Instance \(2\/2\)/ });
  await typeInQuickInput(page, sandbox.tokens.admin, { submit: true });
  await waitForQuickInputClosed(page);
  await waitForNotification(page, `Connected to ${sandbox.hostname} as alice.`);

  await waitUntil(() => stepDone(page, 'addInstance'), { message: 'the Add a Quay instance step to be marked done' });
  for (const id of STEPS.slice(1)) assert.equal(await stepDone(page, id), false, `${id} still to do`);
  await session.screenshot('walkthrough-03-step-done');

  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'acme', { viewTitle: 'Registry' });
});
