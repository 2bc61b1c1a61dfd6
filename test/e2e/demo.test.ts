/**
 * `npm run demo` as a user meets it: the workbench opens with the sandbox instance already configured (its
 * token imported from the environment into SecretStorage), the tree lists the demo robots, and the sample
 * manifests point at the sandbox.
 */
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemo, type Demo } from '../demo/demo';
import { expandTreeItem, openFile, openViewContainer, runCommand, treeItems, waitForTreeItem, waitUntil, filesContaining } from './harness';
import { REGISTRY_VIEW } from './sandboxWorkbench';

let demo: Demo;
let browser: Browser;
let page: Page;

before(async () => {
  demo = await startDemo();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(demo.codeServer.url);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
}, { timeout: 120_000 });

after(async () => {
  await browser.close();
  await demo.stop();
});

void test('the demo workbench shows the sandbox instance signed in, with the acme robots', async () => {
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'Quay sandbox (demo)', { ...REGISTRY_VIEW, timeout: 30_000 });
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);
  const labels = (await treeItems(page, 'Registry')).map((i) => i.label);
  for (const robot of ['ci_pull', 'ci_push', 'keyless', 'unused_bot']) assert.ok(labels.includes(robot), labels.join(', '));
  const instance = (await treeItems(page, 'Registry')).find((i) => i.label === 'Quay sandbox (demo)');
  assert.equal(instance?.description, 'alice');
  await page.screenshot({ path: 'test-results/screenshots/demo-01-tree.png' });
});

void test('the demo manifests get their pull-secret diagnostics', async () => {
  await openFile(page, 'k8s/frontend.yaml');
  await waitUntil(async () => {
    await runCommand(page, 'Problems: Focus on Problems View');
    const rows = await page.locator('.markers-panel .monaco-list-row').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    return rows.some((r) => /frontend:1\.4\.2|is a Quay registry, but this pod spec has no imagePullSecrets/.test(r));
  }, { message: 'the missing-pull-secret diagnostic on frontend.yaml' });
  await page.screenshot({ path: 'test-results/screenshots/demo-02-diagnostics.png' });
});

void test('the demo never writes the token to disk', () => {
  assert.deepEqual(
    filesContaining(demo.codeServer, demo.sandbox.tokens.admin),
    [],
  );
});
