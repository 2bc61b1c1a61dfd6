/**
 * A rotation meets a vault-backed ExternalSecret (AGENTS.md "Token rotation"), through the UI against the sandbox: the workspace
 * has a `.env` holding acme+ci_pull's token and an ExternalSecret (as "ExternalSecret from a Secret Store" writes
 * it) that renders the robot's pull Secret from a token in Vault. The plan lists the ExternalSecret under "Update
 * the vault, then refresh", the modal and the report say what to do, and after the regeneration the user is asked
 * to put the new token in the vault (Copy New Token puts exactly it on the clipboard). No kubectl here: the
 * cluster refresh (force-sync) is covered by test/cluster/externalSecrets.test.ts against a real API server.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { vaultExternalSecret } from '../../src/core/k8s/externalSecrets';
import type { Sandbox } from '../sandbox/server';
import {
  acceptQuickInput,
  clickDialogButton,
  clipboardText,
  contextMenu,
  editorDocumentText,
  expandTreeItem,
  modalDialog,
  openViewContainer,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const ROBOT = 'acme+ci_pull';
let workspace = '';
let eso = '';
const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'rotation-vault-ws-'));
    eso = vaultExternalSecret({
      host: sb.hostname,
      robot: ROBOT,
      scope: 'org',
      store: { kind: 'ClusterSecretStore', name: 'vault-backend' },
      remoteKey: 'quay/acme-ci-pull',
      property: 'token',
      namespace: 'prod',
    }).manifest;
    mkdirSync(join(workspace, 'k8s'));
    writeFileSync(join(workspace, 'k8s', 'eso.yaml'), `# The pull Secret of prod, rendered from Vault\n${eso}`);
    writeFileSync(join(workspace, '.env'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${sb.state.robot(ROBOT)?.token ?? ''}\n`);
    // No cluster in this test: a kubectl that does not exist makes the plan skip clusters (and say so).
    return { workspace, settings: { 'quay.kubectl.path': join(workspace, 'no-kubectl') } };
  },
});
const { vscode } = workbench;

void test('the rotation plan lists a vault-backed ExternalSecret as "update the vault, then refresh"; after the regeneration the user is asked to update the vault', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'ci_pull', 'Rotate Robot Token…', REGISTRY_VIEW);

  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 30_000 });
  const vaultRow = plan.items.find((i) => /k8s\/eso\.yaml:2 prod\/acme-ci-pull-pull-secret/.test(i.label));
  assert.ok(vaultRow !== undefined, JSON.stringify(plan.items, null, 1));
  assert.equal(vaultRow.separator, 'Update the vault, then refresh');
  assert.equal(vaultRow.description, 'ExternalSecret · update the vault, then refresh');
  assert.equal(vaultRow.detail, 'reads ClusterSecretStore/vault-backend quay/acme-ci-pull#token, refreshes every 1h; the file holds no token, so nothing is edited here');
  assert.ok(plan.items.some((i) => i.label === '.env:2:12' && i.checked === true), JSON.stringify(plan.items));
  await session.screenshot('rotation-vault-01-plan');
  await acceptQuickInput(page);

  const modal = await modalDialog(page);
  assert.equal(modal.message, 'Quay invalidates the old token immediately. 1 places will be updated; 1 known places will not.');
  assert.match(modal.detail, /Update the vault, then refresh: ExternalSecret k8s\/eso\.yaml:2 prod\/acme-ci-pull-pull-secret \(reads ClusterSecretStore\/vault-backend quay\/acme-ci-pull#token, refreshes every 1h\)/);
  await session.screenshot('rotation-vault-02-confirm');
  await clickDialogButton(page, 'Regenerate Token');

  const ask = await modalDialog(page, 30_000);
  assert.equal(ask.message, '1 ExternalSecrets still render the old token: update the vault, then refresh them.');
  assert.match(ask.detail, /Put the new token of acme\+ci_pull where the ExternalSecrets read it/);
  assert.ok(ask.buttons.includes('Copy New Token') && !ask.buttons.includes('Vault Updated: Refresh Now'), JSON.stringify(ask.buttons));
  await session.screenshot('rotation-vault-03-update-the-vault');
  await clickDialogButton(page, 'Copy New Token');
  const newToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  await waitUntil(async () => (await clipboardText(page)) === newToken, { message: 'the new token on the clipboard' });

  await waitForNotification(page, /Rotation of acme\+ci_pull: 1 places updated, 1 left\./, 30_000);
  const report = await editorDocumentText(page);
  assert.match(report, /## Update the vault, then refresh \(1\)/);
  assert.match(report, /- `k8s\/eso\.yaml:2 prod\/acme-ci-pull-pull-secret` reads ClusterSecretStore\/vault-backend quay\/acme-ci-pull#token, refreshes every 1h: update the vault, then refresh \(`kubectl annotate externalsecret acme-ci-pull-pull-secret force-sync=\$\(date \+%s\) --overwrite`\)/);
  await session.screenshot('rotation-vault-04-report');
  // The ExternalSecret holds no token: it is not edited.
  assert.equal(readFileSync(join(workspace, 'k8s', 'eso.yaml'), 'utf8'), `# The pull Secret of prod, rendered from Vault\n${eso}`);
  assert.equal(readFileSync(join(workspace, '.env'), 'utf8'), `QUAY_USER=${ROBOT}\nQUAY_TOKEN=${newToken}\n`);
});
