/**
 * Restricted Mode (security review 2026-12, finding 2). A repository's `.vscode/settings.json` names a kubectl of
 * its own (a script that records each run) and excludes the file that holds the robot's token from rotations.
 * The folder is not trusted (the harness starts code-server with workspace trust on):
 * - Find Robot in Clusters refuses, saying the workspace is not trusted and how to use clusters;
 * - Rotate Robot Token still finds the excluded file (the workspace's `quay.rotation.exclude` is ignored), and its
 *   confirmation says that clusters are not searched and why;
 * - the workspace's program never ran.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Sandbox } from '../sandbox/server';
import { acceptQuickInput, clickDialogButton, contextMenu, expandTreeItem, modalDialog, openViewContainer, waitForNotification, waitForQuickInput, waitForTreeItem, waitUntil } from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const ROBOT = 'acme+ci_pull';
const REFUSAL = 'This workspace is not trusted, so no kubectl is run (a workspace could choose the program or its configuration). Trust the workspace (Workspaces: Manage Workspace Trust) to use clusters.';
let workspace = '';
/** Written by the workspace's "kubectl" if it ever runs. */
let ran = '';
const workbench = useSandboxWorkbench('demo', {
  workspaceTrust: true,
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'untrusted-ws-'));
    ran = join(tmpdir(), `${workspace.split('/').pop() ?? 'untrusted'}-RAN`);
    mkdirSync(join(workspace, 'tools'));
    mkdirSync(join(workspace, '.vscode'));
    const program = join(workspace, 'tools', 'kubectl');
    writeFileSync(program, `#!/bin/sh\necho "$@" >> '${ran}'\necho admin\n`);
    chmodSync(program, 0o755);
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'quay.kubectl.path': program, 'quay.rotation.exclude': ['ci.env'] }, null, 2));
    writeFileSync(join(workspace, 'ci.env'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${sb.state.robot(ROBOT)?.token ?? ''}\n`);
    return { workspace };
  },
});
const { vscode } = workbench;
after(() => {
  rmSync(ran, { force: true });
  rmSync(workspace, { recursive: true, force: true });
});

void test('in Restricted Mode, Find Robot in Clusters refuses with why, and the workspace kubectl never runs', async () => {
  const { page, session } = vscode;
  await page.locator('.statusbar').getByText('Restricted Mode').first().waitFor({ state: 'visible', timeout: 30_000 });
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Find Robot in Clusters…', REGISTRY_VIEW);
  await waitForNotification(page, REFUSAL, 30_000);
  await session.screenshot('untrusted-01-find-in-clusters');
  assert.equal(existsSync(ran), false, 'the workspace kubectl did not run');
});

void test('in Restricted Mode, a rotation ignores the workspace excludes and says clusters are not searched; nothing runs', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const token = sb.state.robot(ROBOT)?.token;
  await waitForTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', REGISTRY_VIEW);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 60_000 });
  assert.deepEqual(plan.items.filter((i) => i.checked !== undefined).map((i) => `${i.label} | ${String(i.checked)}`), ['ci.env:2:12 | true']);
  await session.screenshot('untrusted-02-plan');
  await acceptQuickInput(page);
  const modal = await modalDialog(page);
  assert.ok(modal.detail.includes(REFUSAL), modal.detail);
  await session.screenshot('untrusted-03-confirm');
  await clickDialogButton(page, 'Cancel');
  await waitUntil(async () => ((await page.locator('.monaco-dialog-box').count()) === 0 ? true : undefined), { message: 'the modal closed' });
  assert.equal(sb.state.robot(ROBOT)?.token, token, 'nothing was regenerated');
  assert.equal(existsSync(ran), false, 'the workspace kubectl did not run');
});
