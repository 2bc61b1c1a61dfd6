/**
 * The robot page (a webview) against the sandbox: opened from the robot row's inline icon; the token is in neither
 * the page's HTML nor its state until Reveal, Reveal shows the token Quay holds, Copy puts it on the clipboard;
 * a role changed in the Repositories tab goes through the plan and Quay holds it; the page keeps its tab across
 * hide/show and forgets the token; screenshots in the light and the dark theme.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import {
  clickDialogButton,
  clickInlineAction,
  copiedBy,
  expandTreeItem,
  editorText,
  modalDialog,
  openViewContainer,
  outputChannelText,
  pickQuickItem,
  runCommand,
  typeInQuickInput,
  waitForQuickInput,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
} from './harness';
import { silentLogger } from '../../src/core/log';
import { QuayClient } from '../../src/core/quay/client';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';
import { ExtensionId } from '../../src/constants';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;

async function robotPage(): Promise<FrameLocator> {
  const frame = await waitForWebview(vscode.page, { extensionId: ExtensionId });
  await frame.getByRole('heading', { name: 'acme+ci_pull' }).waitFor();
  return frame;
}

/** The page's whole DOM as text, shadow roots of its components included. */
async function pageText(frame: FrameLocator): Promise<string> {
  return frame.locator('html').evaluate((root) => {
    const parts: string[] = [];
    const walk = (node: Element | ShadowRoot) => {
      if (node instanceof Element) parts.push(node.outerHTML);
      node.querySelectorAll('*').forEach((el) => {
        if (el.shadowRoot !== null) walk(el.shadowRoot);
      });
    };
    walk(root);
    parts.push(JSON.stringify(sessionStorage), JSON.stringify(localStorage));
    return parts.join('\n');
  });
}

void test('Open Robot Page: the token only after Reveal, Copy puts it on the clipboard', async () => {
  const { page, session } = vscode;
  const token = workbench.sandbox.state.robot('acme+ci_pull')?.token;
  assert.ok(token !== undefined && token.length > 20);
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await clickInlineAction(page, 'ci_pull', 'Open Robot Page', REGISTRY_VIEW);
  const frame = await robotPage();
  await frame.getByText('CI: pulls images for integration tests').waitFor();
  await frame.getByRole('tab', { name: 'Robot token' }).waitFor();
  await frame.getByRole('tab', { name: 'Teams & default permissions' }).waitFor();
  // Every section has loaded (the activity of the seed names the robot's pulls) and still no token anywhere.
  await frame.getByRole('tab', { name: 'Activity' }).click();
  await frame.getByRole('cell', { name: 'pull_repo' }).first().waitFor();
  const before = await pageText(frame);
  assert.ok(!before.includes(token), 'the token is not in the page before Reveal');
  assert.ok(!before.includes(Buffer.from(`acme+ci_pull:${token}`).toString('base64')), 'nor its base64 form');
  await frame.getByRole('tab', { name: 'Credentials' }).click();
  await frame.getByRole('tab', { name: 'Robot token' }).click();
  await session.screenshot('robot-page-01-light-masked');

  await frame.getByRole('button', { name: 'Reveal' }).click();
  await waitUntil(async () => (await frame.locator('code.token').textContent()) === token, { message: 'the revealed token' });
  await session.screenshot('robot-page-02-light-revealed');
  const copied = await copiedBy(page, () => frame.getByRole('button', { name: 'Copy', exact: true }).click());
  assert.equal(copied, token);

  // The Secret tab after Reveal holds the Secret as the builder makes it, for the namespace typed.
  await frame.getByRole('tab', { name: 'Kubernetes Secret' }).click();
  await frame.locator('#namespace').locator('input').fill('web');
  await waitUntil(async () => /namespace: web\n/.test((await frame.getByLabel('Kubernetes Secret YAML').textContent()) ?? ''), { message: 'the Secret for namespace web' });
  const secret = (await frame.getByLabel('Kubernetes Secret YAML').textContent()) ?? '';
  const data = /\.dockerconfigjson: (\S+)/.exec(secret)?.[1] ?? '';
  assert.match(Buffer.from(data, 'base64').toString('utf8'), new RegExp(Buffer.from(`acme+ci_pull:${token}`).toString('base64')));
  assert.ok(!outputChannelText(session, 'Quay').includes(token), 'the token never reaches the log');
});

void test('Hide and show: the page keeps its tab and forgets the token', async () => {
  const { page } = vscode;
  const token = workbench.sandbox.state.robot('acme+ci_pull')?.token ?? '?';
  let frame = await robotPage();
  await frame.getByRole('tab', { name: 'Repositories' }).click();
  await frame.getByLabel('Role on frontend').waitFor();
  await runCommand(page, 'File: New Untitled Text File');
  await page.locator('.tabs-container .tab', { hasText: 'acme+ci_pull' }).click();
  frame = await robotPage();
  await frame.getByLabel('Role on frontend').waitFor();
  assert.equal(await frame.getByRole('tab', { name: 'Repositories' }).getAttribute('aria-selected'), 'true');
  assert.ok(!(await pageText(frame)).includes(token), 'the token is gone after hide/show');
});

void test('Repositories: a role changed in the table goes through the plan, and Quay holds it', async () => {
  const { page, session } = vscode;
  assert.equal(workbench.sandbox.state.userPermission('acme/frontend', 'acme+ci_pull'), 'read');
  const frame = await robotPage();
  await frame.getByRole('tab', { name: 'Repositories' }).click();
  await frame.getByLabel('Role on frontend').selectOption('write');
  await waitForQuickInput(page, { titleOrPlaceholder: /Grant write to acme\+ci_pull: plan/ });
  await session.screenshot('robot-page-03-plan');
  await applyPlan(page);
  await waitUntil(() => workbench.sandbox.state.userPermission('acme/frontend', 'acme+ci_pull') === 'write', { message: 'Quay holds write on frontend' });
  await waitUntil(async () => (await frame.getByLabel('Role on frontend').inputValue()) === 'write', { message: 'the page shows write' });
  await session.screenshot('robot-page-04-light-repositories');
});

void test('Keyless: an entry added and removed from the page, through the trust read-modify-write', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const federation = () => sb.state.robot('acme+ci_pull')?.federation ?? [];
  assert.deepEqual(federation(), []);
  const frame = await robotPage();
  await frame.getByRole('tab', { name: 'Keyless' }).click();
  await frame.getByText('No federation entries').waitFor();
  await frame.getByRole('button', { name: 'Add entry…' }).click();
  await waitForQuickInput(page, { titleOrPlaceholder: /Add Trust to acme\+ci_pull \(1\/2\)/ });
  await typeInQuickInput(page, sb.issuer.url, { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /\(2\/2\)/ });
  await typeInQuickInput(page, 'system:serviceaccount:ci:puller', { submit: true });
  await waitUntil(() => federation().length === 1, { message: 'Quay holds the entry' });
  assert.deepEqual(federation(), [{ issuer: sb.issuer.url, subject: 'system:serviceaccount:ci:puller' }]);
  await frame.getByRole('cell', { name: 'system:serviceaccount:ci:puller', exact: true }).waitFor();
  await frame.getByText('keyless', { exact: true }).waitFor();
  await session.screenshot('robot-page-05-keyless');
  await frame.getByRole('button', { name: 'Remove the entry system:serviceaccount:ci:puller' }).click();
  assert.match((await modalDialog(page)).message, /Stop acme\+ci_pull from accepting tokens of system:serviceaccount:ci:puller\?/);
  await clickDialogButton(page, 'Remove');
  await waitUntil(() => federation().length === 0, { message: 'the entry is gone from Quay' });
  await frame.getByText('No federation entries').waitFor();

  // An entry whose subject holds a line break (Quay stores it; security review finding 1) is shown escaped, and
  // Remove still names the stored entry (the host accepts only entries it sent the page: finding 9).
  const hostile = 'system:serviceaccount:ci:puller\ntouch ~/PWNED #';
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  try {
    await api.setFederation({ kind: 'org', name: 'acme' }, 'ci_pull', [{ issuer: sb.issuer.url, subject: hostile }]);
  } finally {
    await api.close();
  }
  await frame.getByRole('button', { name: 'Refresh', exact: true }).click();
  await frame.getByRole('cell', { name: 'system:serviceaccount:ci:puller\\ntouch ~/PWNED # ⚠ contains control characters (shown escaped)', exact: true }).waitFor();
  await session.screenshot('robot-page-05b-keyless-control-characters');
  await frame.getByRole('button', { name: 'Remove the entry system:serviceaccount:ci:puller\\ntouch ~/PWNED #' }).click();
  assert.equal((await modalDialog(page)).message, 'Stop acme+ci_pull from accepting tokens of system:serviceaccount:ci:puller\\ntouch ~/PWNED #?');
  await clickDialogButton(page, 'Remove');
  await waitUntil(() => federation().length === 0, { message: 'the hostile entry is gone from Quay' });
  await frame.getByText('No federation entries').waitFor();
});

void test('Kubernetes Secret: "Insert into active editor" goes to the editor used last, "Open as untitled" to a new one', async () => {
  const { page, session } = vscode;
  const token = workbench.sandbox.state.robot('acme+ci_pull')?.token ?? '?';
  const auth = Buffer.from(`acme+ci_pull:${token}`).toString('base64');
  const host = workbench.sandbox.hostname;
  const secretInActiveEditor = () =>
    waitUntil(async () => {
      const text = await editorText(page);
      return text.includes('kind: Secret') && text;
    }, { message: 'a Secret in the active editor' });
  const decoded = (text: string) => Buffer.from(/\.dockerconfigjson: (\S+)/.exec(text)?.[1] ?? '', 'base64').toString('utf8');
  let frame = await robotPage();
  await frame.getByRole('tab', { name: 'Credentials' }).click();
  await frame.getByRole('tab', { name: 'Kubernetes Secret' }).click();
  assert.equal(await frame.locator('#namespace').locator('input').inputValue(), 'web', 'the namespace typed before hide/show');
  // The editor used last is the untitled file opened by the hide/show test; the page has the focus now.
  await frame.getByRole('button', { name: 'Insert into active editor' }).click();
  await page.locator('.tabs-container .tab.active', { hasText: 'Untitled-1' }).waitFor();
  const inserted = await secretInActiveEditor();
  assert.match(inserted, /name: acme-ci-pull-pull-secret\n\s*namespace: web\n/);
  assert.deepEqual(JSON.parse(decoded(inserted)), { auths: { [`${host}/acme`]: { auth, email: '' } } }, 'organization scope: auths keyed by host/acme');
  await session.screenshot('robot-page-06-inserted');
  await page.locator('.tabs-container .tab', { hasText: 'acme+ci_pull' }).click();
  frame = await robotPage();
  await frame.getByRole('radio', { name: /Registry/ }).check();
  await frame.getByRole('button', { name: 'Open as untitled' }).click();
  await page.locator('.tabs-container .tab.active', { hasText: 'Untitled-2' }).waitFor();
  const untitled = await secretInActiveEditor();
  assert.match(untitled, /namespace: web\n/);
  assert.deepEqual(JSON.parse(decoded(untitled)), { auths: { [host]: { auth, email: '' } } }, 'registry scope: auths keyed by the host alone');
  await page.locator('.tabs-container .tab', { hasText: 'acme+ci_pull' }).click();
});

void test('Dark theme: the page follows the workbench colours', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickItem(page, /^Dark Modern/);
  const frame = await robotPage();
  await waitUntil(async () => (await frame.locator('body').getAttribute('class'))?.includes('vscode-dark'), { message: 'the page in the dark theme' });
  const background = await frame.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.notEqual(background, 'rgb(255, 255, 255)');
  await session.screenshot('robot-page-06-dark-repositories');
  await frame.getByRole('tab', { name: 'Credentials' }).click();
  await session.screenshot('robot-page-07-dark-credentials');
  // Nothing the page loads or does was refused by its Content-Security-Policy, and no message failed the protocol
  // (the page's console reaches the logs: a probe line shows it).
  await frame.locator('body').evaluate(() => console.info('robot-page-console-probe'));
  await waitUntil(() => session.logs().includes('robot-page-console-probe'), { message: "the page's console in the logs" });
  const lines = session.logs().split('\n');
  assert.deepEqual(lines.filter((l) => /Content Security Policy|dropped a message/.test(l)), []);
});
