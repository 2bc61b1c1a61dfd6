/**
 * Pull secrets in open Kubernetes YAML, through the editor as a person uses it: the diagnostic on an image with
 * no pull secret and its lightbulb fix (the file then equals the golden file), inserting a robot's pull-secret
 * manifest through the quick picks with the git warning, the robot-cannot-pull warning and its "Grant read"
 * fix (checked in the sandbox), the hover, refusals, the kubectl/untitled alternatives, the ServiceAccount
 * patch and the multi-namespace rollout, the Secret picker, and a 10,000-line file of 500 documents.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { Page } from 'playwright-core';
import { kubectlApplySecretCommand, pullSecretManifest } from '../../src/core/k8s/manifests';
import {
  clickDialogButton,
  clickInActionWidget,
  clickNotificationButton,
  clipboardText,
  closeQuickInput,
  collapseTreeItem,
  contextMenu,
  expandTreeItem,
  goToLine,
  openViewContainer,
  editorText,
  hoverAt,
  modalDialog,
  openFile,
  outputChannelText,
  pickCodeAction,
  pickQuickItem,
  runCommand,
  triggerCodeActions,
  treeRow,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInput,
  waitForProblem,
  waitForQuickInputMessage,
  quickInputState,
  waitUntil,
  REPO_ROOT,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench, workspaceFile } from './sandboxWorkbench';

/** Applies the "Add imagePullSecrets…" refactor directly: VS Code then shows its disabled reason, if any. */
const APPLY_REFACTOR_KEY = { key: 'ctrl+alt+k', command: 'editor.action.codeAction', args: { kind: 'refactor.quay.imagePullSecrets', apply: 'first' } };
const workbench = useSandboxWorkbench('demo', { keybindings: [APPLY_REFACTOR_KEY] });
const { vscode } = workbench;
const FIXTURES = join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'manifests');

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8').replaceAll('QUAY_HOST', workbench.sandbox.hostname);
}

async function save(page: Page): Promise<void> {
  await page.keyboard.press('Control+S');
}

/** The 1-based line holding `needle` in a workspace file. */
function lineOf(relative: string, needle: string): number {
  const lines = workspaceFile(vscode.session, relative).split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${relative}`);
  return i + 1;
}

/** k8s/pull-secret.yaml: the pull Secret `acme-k8s-prod-puller-pull-secret` of acme+k8s_prod_puller in namespace prod. */
function writePullSecret(ws: string): void {
  mkdirSync(join(ws, 'k8s'), { recursive: true });
  const token = workbench.sandbox.state.robot('acme+k8s_prod_puller')?.token ?? '?';
  writeFileSync(join(ws, 'k8s', 'pull-secret.yaml'), `${pullSecretManifest({ host: workbench.sandbox.hostname, robot: 'acme+k8s_prod_puller', token, scope: 'org', namespace: 'prod' })}\n`);
}

void test('An image on the Quay host without a pull secret gets a diagnostic; the lightbulb fix edits the file as the golden file says', async () => {
  const { page, session } = vscode;
  const ws = session.workspace;
  mkdirSync(join(ws, 'k8s'), { recursive: true });
  for (const f of ['frontend.yaml', 'jobs.yaml', 'payments.yaml', 'chart.yaml']) writeFileSync(join(ws, 'k8s', f), fixture(f));
  writePullSecret(ws);
  // A real git repository with the manifests committed: the token warnings must say "tracked".
  execFileSync('git', ['init', '-q', ws]);
  execFileSync('git', ['-C', ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'add', 'k8s']);
  execFileSync('git', ['-C', ws, '-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-qm', 'manifests']);

  await openFile(page, 'k8s/frontend.yaml');
  await waitForProblem(page, /is a Quay registry, but this pod spec has no imagePullSecrets/);
  await session.screenshot('manifests-01-diagnostic');
  await openFile(page, 'k8s/frontend.yaml');
  const items = await triggerCodeActions(page, { line: lineOf('k8s/frontend.yaml', 'image:'), column: 20 });
  assert.ok(items.includes('Add imagePullSecrets: acme-k8s-prod-puller-pull-secret'), JSON.stringify(items));
  assert.ok(items.includes('Insert pull-secret manifest for a robot and reference it…'), JSON.stringify(items));
  await session.screenshot('manifests-02-lightbulb');
  await pickCodeAction(page, 'Add imagePullSecrets: acme-k8s-prod-puller-pull-secret');
  await save(page);
  const expected = readFileSync(join(FIXTURES, 'frontend.expected.yaml'), 'utf8').replaceAll('QUAY_HOST', workbench.sandbox.hostname);
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/frontend.yaml') === expected, { message: 'frontend.yaml saved as the golden file' });
  await waitForProblem(page, /this pod spec has no imagePullSecrets.*frontend/, false);
});

void test('Insert pull-secret manifest through the quick picks: the git warning, then the Secret and the reference in one edit', async () => {
  const { page, session } = vscode;
  await openFile(page, 'k8s/jobs.yaml');
  await triggerCodeActions(page, { line: lineOf('k8s/jobs.yaml', 'image:'), column: 22 });
  await pickCodeAction(page, 'Insert pull-secret manifest for a robot and reference it…');
  await waitForQuickInput(page, { titleOrPlaceholder: /Organization or your namespace/ });
  await pickQuickItem(page, 'acme');
  await waitForQuickInput(page, { titleOrPlaceholder: /Robot account/ });
  await pickQuickItem(page, 'k8s_prod_puller');
  await waitForQuickInput(page, { titleOrPlaceholder: /Secret scope/ });
  await pickQuickItem(page, 'Organization');
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /jobs\.yaml is tracked by git/);
  assert.match(dialog.detail, /committing the file would publish it/);
  await session.screenshot('manifests-03-git-warning');
  await clickDialogButton(page, 'Insert Anyway');
  await save(page);
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/jobs.yaml').includes('kind: Secret'), { message: 'the Secret saved in jobs.yaml' });
  const docs = parseAllDocuments(workspaceFile(vscode.session, 'k8s/jobs.yaml')).map((d) => d.toJS() as Record<string, unknown>);
  assert.equal(docs.length, 2);
  const job = docs[0] as { spec: { jobTemplate: { spec: { template: { spec: { imagePullSecrets: { name: string }[] } } } } } };
  assert.deepEqual(job.spec.jobTemplate.spec.template.spec.imagePullSecrets, [{ name: 'acme-k8s-prod-puller-pull-secret' }]);
  const secret = docs[1] as { metadata: { name: string; namespace: string }; type: string; data: Record<string, string> };
  assert.deepEqual(secret.metadata, { name: 'acme-k8s-prod-puller-pull-secret', namespace: 'prod' });
  assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
  const config = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString()) as { auths: Record<string, { auth: string }> };
  const token = workbench.sandbox.state.robot('acme+k8s_prod_puller')?.token ?? '?';
  assert.equal(Buffer.from(config.auths[`${workbench.sandbox.hostname}/acme`]?.auth ?? '', 'base64').toString(), `acme+k8s_prod_puller:${token}`);
  assert.ok(!outputChannelText(session, 'Quay').includes(token), 'the token never reaches the log');
  await session.screenshot('manifests-04-inserted');
});

void test('A robot without read on the image\'s repository gets a warning; "Grant read" fixes it in Quay', async () => {
  const { page, session } = vscode;
  // jobs.yaml now pulls acme/analytics with k8s_prod_puller's secret, and that robot has no read there.
  assert.equal(workbench.sandbox.state.userPermission('acme/analytics', 'acme+k8s_prod_puller'), undefined);
  await waitForProblem(page, /Robot acme\+k8s_prod_puller .* has no read permission on acme\/analytics/);
  await session.screenshot('manifests-05-cannot-pull');
  await openFile(page, 'k8s/jobs.yaml');
  const items = await triggerCodeActions(page, { line: lineOf('k8s/jobs.yaml', 'image:'), column: 22 });
  assert.ok(items.includes('Grant read on acme/analytics to acme+k8s_prod_puller'), JSON.stringify(items));
  await pickCodeAction(page, 'Grant read on acme/analytics to acme+k8s_prod_puller');
  await waitForNotification(page, /Granted read on acme\/analytics to acme\+k8s_prod_puller/);
  assert.equal(workbench.sandbox.state.userPermission('acme/analytics', 'acme+k8s_prod_puller'), 'read');
  await waitForProblem(page, /has no read permission on acme\/analytics/, false);

  // A robot of another organization cannot be granted access to acme's repositories: said, and no "Grant read".
  const scanner = pullSecretManifest({ host: workbench.sandbox.hostname, robot: 'platform+scanner', token: 'not-used', scope: 'registry', namespace: 'prod' });
  writeFileSync(
    join(session.workspace, 'k8s', 'scanner.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: scan\n  namespace: prod\nspec:\n  imagePullSecrets: [{name: platform-scanner-pull-secret}]\n  containers:\n    - name: scan\n      image: ${workbench.sandbox.hostname}/acme/billing:1\n---\n${scanner}\n`,
  );
  await openFile(page, 'k8s/scanner.yaml');
  await waitForProblem(page, /Robot platform\+scanner .* no read permission on acme\/billing.*only to repositories of their own namespace/);
  const offered = await triggerCodeActions(page, { line: 10, column: 14 });
  assert.ok(!offered.some((t) => t.startsWith('Grant read')), JSON.stringify(offered));
  await page.keyboard.press('Escape');
});

void test('Hover on an image shows the repository, its visibility and the robots that can pull it', async () => {
  const { page, session } = vscode;
  await openFile(page, 'k8s/frontend.yaml');
  const text = await hoverAt(page, lineOf('k8s/frontend.yaml', 'image:'), 24);
  assert.match(text, new RegExp(`${workbench.sandbox.hostname.replace(/[.]/g, '\\.')}/acme/frontend`));
  assert.match(text, /Private: pulls need credentials with read/);
  assert.match(text, /Customer-facing web frontend/);
  assert.match(text, /acme\+k8s_prod_puller read/);
  assert.match(text, /acme\+ci_push write/);
  await session.screenshot('manifests-06-hover');
  await page.locator('.monaco-hover a', { hasText: 'Show in Quay view' }).first().click();
  // The row of the Quay view's tree, selected and focused: a hidden quick pick row of an earlier test (the robot
  // picker) also matches '.monaco-list-row.selected', and the reveal, still loading the tree, then took the focus
  // from the next test's Quick Open.
  const row = treeRow(page, 'k8s_prod_puller', 'Registry');
  await waitUntil(
    async () => (await row.isVisible()) && /\bselected\b/.test((await row.getAttribute('class')) ?? '') && (await row.evaluate((el) => el.closest('.monaco-list')?.contains(document.activeElement) ?? false)),
    { message: 'the robot selected and focused in the Quay view' },
  );
  await session.screenshot('manifests-07-revealed');
});

void test('A pull secret for another registry gets a warning; adding a covering secret from the workspace clears it', async () => {
  const { page, session } = vscode;
  const dockerHub = Buffer.from(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('someone:pw').toString('base64') } } })).toString('base64');
  writeFileSync(
    join(session.workspace, 'k8s', 'mismatch.yaml'),
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: prod\nspec:\n  imagePullSecrets:\n    - name: dockerhub-creds\n  containers:\n    - name: api\n      image: ${workbench.sandbox.hostname}/acme/backend:2.0\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: dockerhub-creds\n  namespace: prod\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${dockerHub}\n`,
  );
  await openFile(page, 'k8s/mismatch.yaml');
  await waitForProblem(page, /Pull secret "dockerhub-creds" \(from this pod spec\) has credentials for https:\/\/index\.docker\.io\/v1\/, not for .*\/acme/);
  await session.screenshot('manifests-08-mismatch');
  await openFile(page, 'k8s/mismatch.yaml');
  const items = await triggerCodeActions(page, { line: 11, column: 14 });
  assert.ok(items.includes('Insert pull-secret manifest for a robot and reference it…'), JSON.stringify(items));
  await pickCodeAction(page, 'Add imagePullSecrets: acme-k8s-prod-puller-pull-secret');
  await waitForProblem(page, /Pull secret "dockerhub-creds"/, false);
  await save(page);
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/mismatch.yaml').includes('    - name: dockerhub-creds\n    - name: acme-k8s-prod-puller-pull-secret\n'), { message: 'the secret appended to the block list' });
});

void test('A Helm template is refused: the refactor is disabled with the reason, and the command says why', async () => {
  const { page, session } = vscode;
  await openFile(page, 'k8s/chart.yaml');
  await goToLine(page, 9, 11);
  await runCommand(page, 'Refactor...');
  // VS Code lists disabled refactors behind "Show Disabled" (a click once the widget's pointer block is gone).
  await clickInActionWidget(page, page.locator('.action-widget').getByText('Show Disabled').first());
  const row = page.locator('.action-widget .monaco-list-row', { hasText: 'Add imagePullSecrets…' }).first();
  await row.waitFor({ state: 'visible' });
  assert.match((await row.getAttribute('class')) ?? '', /option-disabled/);
  await session.screenshot('manifests-09-refactor-disabled');
  await page.keyboard.press('Escape');
  // A keybinding that applies the refactor directly (VS Code's documented way) shows the disabled reason.
  const overlay = page.locator('.monaco-editor-overlaymessage');
  await waitUntil(
    async () => {
      await goToLine(page, 9, 11);
      await page.keyboard.press('Control+Alt+k');
      return /template/i.test((await overlay.first().textContent({ timeout: 1000 }).catch(() => '')) ?? '');
    },
    { message: 'the disabled reason shown by the keybinding' },
  );
  const reason = (await overlay.first().textContent()) ?? '';
  await session.screenshot('manifests-09b-refactor-disabled-reason');
  await page.keyboard.press('Escape');
  // Invoked from the palette, the command notifies the same reason.
  await runCommand(page, 'Quay: Add imagePullSecrets…');
  const notified = await waitForNotification(page, /No change to chart\.yaml: .*template/i);
  assert.ok(notified.message.includes(reason.trim()), `${notified.message} / ${reason}`);
  assert.equal(workspaceFile(vscode.session, 'k8s/chart.yaml'), fixture('chart.yaml'));
});

void test('Generate Pull-Secret Manifest offers the kubectl command and an untitled document instead of a tracked file', async () => {
  const { page } = vscode;
  const token = workbench.sandbox.state.robot('acme+ci_pull')?.token ?? '?';
  const host = workbench.sandbox.hostname;
  for (const choice of ['Copy kubectl Command', 'Open in Untitled Document']) {
    await openFile(page, 'k8s/payments.yaml');
    await runCommand(page, 'Quay: Generate Pull-Secret Manifest…');
    await pickQuickItem(page, 'acme');
    await pickQuickItem(page, 'ci_pull');
    await pickQuickItem(page, 'Registry');
    await modalDialog(page);
    await clickDialogButton(page, choice);
    if (choice === 'Copy kubectl Command') {
      // The command reads the token from $QUAY_TOKEN; "Copy Token" in the notification gives the token.
      const notice = await waitForNotification(page, /Copied the kubectl command for Secret acme-ci-pull-pull-secret\. It reads the robot token from \$QUAY_TOKEN/);
      assert.ok(notice.buttons.includes('Copy Token'), notice.buttons.join());
      assert.equal(await clipboardText(page), `${kubectlApplySecretCommand({ host, robot: 'acme+ci_pull', scope: 'registry', namespace: 'prod' })}\n`);
      assert.ok(!(await clipboardText(page)).includes(token));
      await clickNotificationButton(page, /Copied the kubectl command for Secret acme-ci-pull-pull-secret/, 'Copy Token');
      await waitUntil(async () => (await clipboardText(page)) === token, { message: 'the token on the clipboard' });
    } else {
      await waitUntil(async () => (await page.locator('.part.editor .tab.active').first().getAttribute('aria-label'))?.includes('Untitled'), { message: 'an untitled editor' });
      const text = await editorText(page);
      assert.match(text, /^apiVersion: v1\nkind: Secret\nmetadata:\n {2}name: acme-ci-pull-pull-secret\n {2}namespace: prod\ndata:\n {2}\.dockerconfigjson: [A-Za-z0-9+/=]+\ntype: kubernetes\.io\/dockerconfigjson/);
    }
  }
  assert.ok(!workspaceFile(vscode.session, 'k8s/payments.yaml').includes('kind: Secret'), 'payments.yaml untouched');
  await runCommand(page, 'View: Revert and Close Editor');
});

void test('From the tree, a robot\'s "Generate Pull-Secret Manifest…" uses the active manifest\'s namespace', async () => {
  const { page } = vscode;
  await openFile(page, 'k8s/frontend.yaml');
  await goToLine(page, 5, 3);
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'ci_push', 'Generate Pull-Secret Manifest…', REGISTRY_VIEW);
  await pickQuickItem(page, 'Organization');
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /frontend\.yaml is tracked by git/);
  await clickDialogButton(page, 'Open in Untitled Document');
  await waitUntil(async () => (await editorText(page)).includes('name: acme-ci-push-pull-secret\n  namespace: prod'), { message: 'the Secret in an untitled editor' });
  await runCommand(page, 'View: Revert and Close Editor');
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
});

void test('ServiceAccount patch and multi-namespace rollout add exactly the expected objects', async () => {
  const { page, session } = vscode;
  await openFile(page, 'k8s/frontend.yaml');
  await triggerCodeActions(page, { line: lineOf('k8s/frontend.yaml', 'replicas'), column: 3 });
  await pickCodeAction(page, 'Add a pull secret to a ServiceAccount…');
  await pickQuickItem(page, 'acme-k8s-prod-puller-pull-secret');
  await waitForQuickInput(page, { titleOrPlaceholder: /ServiceAccount/ });
  await typeInQuickInput(page, 'frontend', { submit: true });
  await save(page);
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/frontend.yaml').includes('kind: ServiceAccount'), { message: 'the ServiceAccount saved' });
  const sa = parseAllDocuments(workspaceFile(vscode.session, 'k8s/frontend.yaml')).map((d) => d.toJS() as { kind: string }).find((d) => d.kind === 'ServiceAccount');
  assert.deepEqual(sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'frontend', namespace: 'prod' }, imagePullSecrets: [{ name: 'acme-k8s-prod-puller-pull-secret' }] });

  await openFile(page, 'k8s/payments.yaml');
  await runCommand(page, 'Quay: Roll Out Pull Secret to Namespaces…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'k8s_prod_puller');
  await waitForQuickInput(page, { titleOrPlaceholder: /Namespaces/ });
  await typeInQuickInput(page, 'prod, staging', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /ServiceAccount/ });
  await typeInQuickInput(page, 'payments', { submit: true });
  await pickQuickItem(page, 'Organization');
  await modalDialog(page);
  await clickDialogButton(page, 'Insert Anyway');
  await save(page);
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/payments.yaml').includes('kind: Secret'), { message: 'the rollout saved' });
  const objects = parseAllDocuments(workspaceFile(vscode.session, 'k8s/payments.yaml')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; imagePullSecrets?: unknown });
  assert.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    ['ServiceAccount/prod/payments', 'StatefulSet/prod/payments', 'Secret/prod/acme-k8s-prod-puller-pull-secret', 'Secret/staging/acme-k8s-prod-puller-pull-secret', 'ServiceAccount/staging/payments'],
  );
  assert.deepEqual(objects[4]?.imagePullSecrets, [{ name: 'acme-k8s-prod-puller-pull-secret' }]);
  await session.screenshot('manifests-10-rollout');
  await closeQuickInput(page);
});

void test('Typing in the manifest while a command asks its questions: nothing is written, and the command says so', async () => {
  const { page } = vscode;
  await openFile(page, 'k8s/jobs.yaml');
  await goToLine(page, 1, 1);
  await runCommand(page, 'Quay: Add imagePullSecrets…');
  await waitForQuickInput(page, { titleOrPlaceholder: /Pull Secret to reference/ });
  // The picker stays open (ignoreFocusOut) while the user edits the file.
  await page.locator('.part.editor .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('# edited meanwhile\n');
  await waitForQuickInput(page, { titleOrPlaceholder: /Pull Secret to reference/ });
  await pickQuickItem(page, 'acme-k8s-prod-puller-pull-secret');
  await waitForNotification(page, /jobs\.yaml changed while the command was asking its questions; nothing was written/);
  const text = await editorText(page);
  assert.match(text, /^# edited meanwhile\napiVersion: batch\/v1/);
  await runCommand(page, 'File: Revert File');
});

void test('The Secret picker offers the workspace\'s pull Secrets, the robots of the image\'s organization, and a typed name (validated)', async () => {
  const { page, session } = vscode;
  const host = workbench.sandbox.hostname;
  const before = ['# batch workers', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: worker', '  namespace: batch', 'spec:', '  template:', '    spec:', '      containers:', '        - name: worker  # main', `          image: ${host}/acme/website:2`, ''];
  writeFileSync(join(session.workspace, 'k8s', 'worker.yaml'), before.join('\r\n'));
  await openFile(page, 'k8s/worker.yaml');
  await goToLine(page, 12, 20);
  await runCommand(page, 'Quay: Add imagePullSecrets…');
  const picker = await waitUntil(
    async () => {
      const s = await quickInputState(page);
      return s.items.some((i) => i.label === 'acme-ci-pull-pull-secret') && s;
    },
    { message: 'the robots of acme in the Secret picker' },
  );
  const labels = picker.items.map((i) => i.label);
  // Workspace Secrets first (the one written by the first test covers this host), then Quay's names for acme's robots.
  assert.ok(labels.indexOf('acme-k8s-prod-puller-pull-secret') < labels.indexOf('acme-ci-pull-pull-secret'), JSON.stringify(labels));
  assert.equal(picker.items.find((i) => i.label === 'acme-ci-pull-pull-secret')?.description, 'robot acme+ci_pull');
  await session.screenshot('manifests-11-secret-picker');
  // The typed-name item is last: with the demo seed's robots the list scrolls, and a virtual list draws only what shows.
  await page.locator('.quick-input-widget .quick-input-list').first().hover();
  await page.mouse.wheel(0, 2_000);
  await pickQuickItem(page, /Enter a Secret name/);
  await typeInQuickInput(page, 'Registry_Creds');
  await waitForQuickInputMessage(page, /"Registry_Creds" is not a valid Kubernetes object name/);
  await typeInQuickInput(page, 'registry-creds', { submit: true });
  await save(page);
  const after = [...before.slice(0, 12), '      imagePullSecrets:', '        - name: registry-creds', ''];
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/worker.yaml') === after.join('\r\n'), { message: 'worker.yaml with the typed Secret, CRLF and comments kept' });
});

/** A 9,999-line manifest of 500 Deployments in `prod`, none with a pull secret, each image on the Quay host. */
function largeManifest(host: string): string[][] {
  return Array.from({ length: 500 }, (_, i) => [
    `# app ${i}`,
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    '  namespace: prod',
    `  labels: {app: app-${i}, tier: web}`,
    'spec:',
    '  selector:',
    `    matchLabels: {app: app-${i}}`,
    '  template:',
    '    metadata:',
    `      labels: {app: app-${i}}`,
    '    spec:',
    '      containers:',
    `        - name: app-${i}`,
    `          image: ${host}/acme/app-${i}:1.0  # pinned`,
    '          ports:',
    '            - containerPort: 8080',
  ]);
}

void test('A 10,000-line manifest of 500 documents: every diagnostic shows, and the fix near the end edits only its document', async () => {
  const { page, session } = vscode;
  const docs = largeManifest(workbench.sandbox.hostname);
  const join3 = (ds: string[][]): string => `${ds.map((d) => d.join('\n')).join('\n---\n')}\n`;
  // The fix names the workspace's pull Secret (written again: this test also runs alone).
  writePullSecret(session.workspace);
  writeFileSync(join(session.workspace, 'k8s', 'large.yaml'), join3(docs));
  // Only this file's problems in the Problems view (closed files keep none of ours).
  await runCommand(page, 'View: Close All Editors');
  await openFile(page, 'k8s/large.yaml');
  await waitForProblem(page, /^500 problems in file large\.yaml/);
  await runCommand(page, 'Notifications: Clear All Notifications');
  await session.screenshot('manifests-12-large-file');
  await triggerCodeActions(page, { line: lineOf('k8s/large.yaml', '/acme/app-480:'), column: 24 });
  await pickCodeAction(page, 'Add imagePullSecrets: acme-k8s-prod-puller-pull-secret');
  await save(page);
  const expected = docs.map((d, i) => (i === 480 ? [...d, '      imagePullSecrets:', '        - name: acme-k8s-prod-puller-pull-secret'] : d));
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/large.yaml') === join3(expected), { message: 'large.yaml with the secret added to document 481 only' });
  await waitForProblem(page, /^499 problems in file large\.yaml/);
});
